/**
 * Decoding of server bodies into the core's stream events, and the request bodies the core
 * sends. Shapes are Tencent's (what tim-js-sdk 2.27 reads), so the same server serves
 * Tencent's SDKs and ours; Parley extensions are marked.
 */
import { EventType } from '@parley/protocol';
import type { C2cMsg } from '@parley/protocol';
import type { SyncEvent, SyncPage } from './sync.ts';

type Obj = Record<string, unknown>;

/** One entry of the user's event stream, as the sync engine and client see it. */
export type StreamEvent =
  | { kind: 'message'; noticeSeq: number | undefined; msg: C2cMsg }
  /** This user read a conversation (on this or another device). */
  | { kind: 'read'; noticeSeq: number | undefined; peer: string; readTime: number; readSeq: number | undefined }
  /** The peer read this user's messages up to readTime. */
  | { kind: 'peerRead'; noticeSeq: number | undefined; peer: string; readTime: number; readSeq: number | undefined }
  /** `seq` is the conversation sequence when the server says (Parley's ConvSeq), else undefined; `clientSeq` is the wire MsgSeq. */
  | { kind: 'recall'; noticeSeq: number | undefined; from: string; to: string; seq: number | undefined; clientSeq: number; random: number; time: number }
  | { kind: 'conversationDeleted'; noticeSeq: number | undefined; peer: string };

// Compile-time check that every event fits the sync engine.
export type _StreamEventIsSyncEvent = StreamEvent extends SyncEvent ? true : never;

const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => !!obj(x)) : []);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

function notice(...sources: (Obj | undefined)[]): number | undefined {
  for (const s of sources) {
    const n = num(s?.['NoticeSeq']);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** Events inside a msg_push body or a getmsg reply's EventArray. */
export function decodeEventArray(events: unknown): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const ev of arr(events)) {
    const type = num(ev['Event']);
    for (const m of arr(ev['C2cMsgArray'])) out.push(messageEvent(m, ev));
    if (type === EventType.C2cMsg && !ev['C2cMsgArray'] && ev['From_Account']) out.push(messageEvent(ev, undefined));
    for (const n of arr(ev['C2cNotifyMsgArray'])) out.push(...notifyEvents(n, ev));
    // Flat form: the notify fields directly on the EventArray item.
    if (!ev['C2cNotifyMsgArray'] && !ev['C2cMsgArray']) out.push(...notifyEvents(ev, undefined));
  }
  return out;
}

function messageEvent(m: Obj, parent: Obj | undefined): StreamEvent {
  return { kind: 'message', noticeSeq: notice(m, parent), msg: m as unknown as C2cMsg };
}

function notifyEvents(n: Obj, parent: Obj | undefined): StreamEvent[] {
  const out: StreamEvent[] = [];
  const withdraw = obj(n['WithdrawC2cMsgNotify']);
  if (withdraw) {
    for (const w of arr(withdraw['C2cWithdrawInfoArray'])) {
      out.push({
        kind: 'recall',
        noticeSeq: notice(w, withdraw, n, parent),
        from: str(w['From_Account']),
        to: str(w['To_Account']),
        seq: num(w['ConvSeq']),
        clientSeq: num(w['MsgSeq']) ?? 0,
        random: num(w['MsgRandom']) ?? 0,
        time: num(w['MsgTimeStamp'] ?? w['MsgTime']) ?? 0,
      });
    }
  }
  const receipt = obj(n['C2cReadedReceipt']);
  if (receipt) {
    // Tencent: To_Account is the reader, times in UinPairReadArray. Parley also names the
    // reader Peer_Account and adds the exact LastReadSeq.
    const items = arr(receipt['UinPairReadArray']);
    for (const r of items.length ? items : [receipt]) {
      out.push({
        kind: 'peerRead',
        noticeSeq: notice(r, receipt, n, parent),
        peer: str(r['Peer_Account'] ?? receipt['Peer_Account'] ?? receipt['To_Account']),
        readTime: num(r['LastReadTime'] ?? receipt['LastReadTime']) ?? 0,
        readSeq: num(r['LastReadSeq'] ?? receipt['LastReadSeq']),
      });
    }
  }
  const read = obj(n['ReadC2cMsgNotify']);
  if (read) {
    for (const r of arr(read['UinPairReadArray'])) {
      out.push({
        kind: 'read',
        noticeSeq: notice(r, read, n, parent),
        peer: str(r['Peer_Account'] ?? r['From_Account']),
        readTime: num(r['LastReadTime']) ?? 0,
        readSeq: num(r['LastReadSeq'] ?? r['ReadSeq']),
      });
    }
  }
  // Parley extension (SubMsgType 0x1000); Tencent's own form is not settled.
  const del = obj(n['ConversationDeleted']);
  if (del) {
    const items = arr(del['ContactItem']);
    for (const d of items.length ? items : [del]) {
      out.push({
        kind: 'conversationDeleted',
        noticeSeq: notice(d, del, n, parent),
        peer: str(d['Peer_Account'] ?? d['To_Account']),
      });
    }
  }
  return out;
}

/** A getmsg reply as one sync page. */
export function decodeGetMsgReply(body: Obj): SyncPage<StreamEvent> {
  const events: StreamEvent[] = [];
  for (const m of arr(body['MsgList'])) {
    // Tencent carries non-message events during sync as "signalling" MsgList entries that
    // hold an EventArray (this is how recalls made while offline arrive).
    if (Array.isArray(m['EventArray'])) {
      for (const e of decodeEventArray(m['EventArray'])) events.push({ ...e, noticeSeq: e.noticeSeq ?? notice(m) });
    } else events.push(messageEvent(m, undefined));
  }
  events.push(...decodeEventArray(body['EventArray']));
  return { cookie: str(body['Cookie']), more: num(body['SyncFlag']) === 1, events };
}

/** The request body of `openim.getmsg`. */
export function getMsgRequest(cookie: string): Obj {
  return { Cookie: cookie, SyncFlag: cookie === '' ? 0 : 1, NeedAbstract: 1, IsOnlineSync: 0 };
}

/** A conversation as recentcontact.page_get reports it. */
export interface SessionItem {
  peer: string;
  unreadCount: number;
  lastSeq: number;
  lastTime: number;
  lastMessage: C2cMsg | undefined;
  peerReadTime: number;
  peerReadSeq: number | undefined;
  readSeq: number | undefined;
}

/** SessionItem[] of a page_get reply (C2C only; Type 1). */
export function decodeSessionItems(body: Obj): { items: SessionItem[]; complete: boolean; timeStamp: number; startIndex: number } {
  const items: SessionItem[] = [];
  for (const s of arr(body['SessionItem'])) {
    const type = num(s['Type']);
    if (type !== undefined && type !== 1) continue;
    const peer = str(s['To_Account'] ?? s['Peer_Account']);
    if (!peer || peer.startsWith('@TIM#') || peer.startsWith('@TLS#')) continue;
    const lastSeq = num(s['ConvSeq'] ?? s['LastSeq'] ?? s['MsgSeq']) ?? 0;
    const lastTime = num(s['MsgTimeStamp'] ?? s['MsgTime']) ?? 0;
    // Parley puts the last message's body at the top level; Tencent nests it in LastMsg.
    const lastMsg = obj(s['LastMsg']);
    const body0 = s['MsgBody'] ?? lastMsg?.['MsgBody'];
    const from = str(s['From_Account'] ?? s['LastC2CMsgFromAccount'] ?? obj(s['MsgFrom_AccountExtraInfo'])?.['From_Account']);
    const msgSeq = num(s['MsgSeq']) ?? lastSeq;
    const lastMessage =
      Array.isArray(body0) && from !== ''
        ? ({
            From_Account: from,
            To_Account: from === peer ? '' : peer,
            MsgSeq: msgSeq,
            MsgRandom: num(s['MsgRandom']) ?? 0,
            MsgTimeStamp: lastTime,
            MsgKey: str(s['MsgKey']),
            MsgBody: body0,
            ConvSeq: lastSeq,
            MsgFlagBits: num(s['MsgFlagBits'] ?? s['LastMsgFlags']),
            CloudCustomData: str(s['CloudCustomData'] ?? lastMsg?.['CloudCustomData']) || undefined,
            // Parley extension: without it the message would get a derived ID here and keep it.
            ClientMsgID: str(s['ClientMsgID']) || undefined,
          } as C2cMsg)
        : undefined;
    items.push({
      peer,
      unreadCount: num(s['UnreadMsgCount']) ?? 0,
      lastSeq,
      lastTime,
      lastMessage,
      peerReadTime: num(s['C2cPeerReadTime'] ?? s['C2CPeerReadTime']) ?? 0,
      peerReadSeq: num(s['PeerReadSeq']),
      readSeq: num(s['ReadSeq']),
    });
  }
  return {
    items,
    complete: num(body['CompleteFlag']) !== 0,
    timeStamp: num(body['TimeStamp']) ?? 0,
    startIndex: num(body['StartIndex']) ?? 0,
  };
}

/** The request body of `recentcontact.page_get`; cursor from the previous page. */
export function pageGetRequest(self: string, cursor: { timeStamp: number; startIndex: number }): Obj {
  return {
    From_Account: self,
    TimeStamp: cursor.timeStamp,
    StartIndex: cursor.startIndex,
    TopTimeStamp: 0,
    TopStartIndex: 0,
    OrderType: 1,
    MsgAssistFlags: 4,
    AssistFlags: 15,
  };
}

/** A getroammsg reply. */
export function decodeRoamReply(body: Obj): { complete: boolean; lastMsgTime: number; msgKey: string; lastMsgSeq: number; msgs: C2cMsg[] } {
  return {
    complete: num(body['Complete']) === 1,
    lastMsgTime: num(body['LastMsgTime']) ?? 0,
    msgKey: str(body['MsgKey']),
    lastMsgSeq: num(body['LastMsgSeq']) ?? 0,
    msgs: arr(body['MsgList']) as unknown as C2cMsg[],
  };
}
