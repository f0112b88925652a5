/**
 * Translation of Parley's domain records into the body shapes of Tencent's protocol
 * (capitalised field names, Event numbers), exactly as tim-js-sdk 2.27 / @tencentcloud/chat
 * 3.x read them (docs/protocol.md cites the details). Both client doors (WebSocket and HTTP
 * long-poll) use these, so the official SDKs see one consistent server.
 *
 * Two facts shape everything here:
 * - Tencent's clients identify a C2C message by (From, To, MsgRandom, MsgSeq, MsgTimeStamp)
 *   where MsgSeq is the SENDER's own sequence, so every shape carries the client's MsgSeq.
 *   Parley's gap-free conversation sequence travels beside it as the extension `ConvSeq`.
 * - Every stream event carries `NoticeSeq`, the viewer's stream cursor, which is what
 *   Parley's SDK de-duplicates and detects gaps on.
 */
import { EventType, formatMsgKey, type C2cMsg, type MsgElem } from '@parley/protocol';
import type { ConversationRecord, StoredMessage, UserEvent } from '../store/store.ts';
import { messagePreview } from '../messaging/validate.ts';

/** Tencent's MsgFlagBits / LastMsgFlags value of a recalled message. */
export const MSG_FLAG_RECALLED = 8;

/**
 * What a recalled message carries instead of its content. Tencent's SDKs drop history and
 * sync entries whose MsgBody is empty, so the flagged message would vanish instead of showing
 * as revoked; one empty custom element keeps it listed without revealing anything.
 */
export function recalledBody(): MsgElem[] {
  return [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '', Desc: '', Ext: '' } }];
}

/** Tencent's MsgKey of a stored message. */
export function msgKeyOf(m: StoredMessage): string {
  return formatMsgKey(m.clientSeq, m.random, m.time);
}

/** A stored message as Tencent's raw C2C message, with the viewer's stream cursor when known. */
export function toC2cMsg(m: StoredMessage, noticeSeq?: number): C2cMsg {
  const out: C2cMsg = {
    From_Account: m.from,
    To_Account: m.to,
    MsgSeq: m.clientSeq,
    MsgRandom: m.random,
    MsgTimeStamp: m.time,
    MsgClientTime: m.clientTime,
    TinyId: String(m.fromTinyId),
    MsgKey: msgKeyOf(m),
    // A recalled message keeps its place in history (flagged) but not its content.
    MsgBody: m.recalled ? recalledBody() : m.body,
    MsgFlagBits: m.recalled ? MSG_FLAG_RECALLED : 0,
    ClientMsgID: m.clientMsgId,
    ConvSeq: m.seq,
  };
  if (m.cloudCustomData && !m.recalled) out.CloudCustomData = m.cloudCustomData;
  if (m.fromNick) out.From_AccountNick = m.fromNick;
  if (noticeSeq !== undefined) out.NoticeSeq = noticeSeq;
  return out;
}

/** The recall notice item Tencent's SDK matches on (MsgSeq, MsgRandom). */
function withdrawInfo(m: StoredMessage, revoker: string): Record<string, unknown> {
  return {
    From_Account: m.from,
    To_Account: m.to,
    MsgSeq: m.clientSeq,
    MsgRandom: m.random,
    MsgTimeStamp: m.time,
    MsgKey: msgKeyOf(m),
    ConvSeq: m.seq,
    RevokerInfo: { Revoker_Account: revoker },
  };
}

/** One EventArray entry (Event 10, C2cNotifyMsgArray) for a non-message stream event. */
export function toNotifyEvent(viewer: string, e: Exclude<UserEvent, { kind: 'msg' }>): Record<string, unknown> {
  let item: Record<string, unknown>;
  switch (e.kind) {
    case 'read':
      item =
        e.reader === viewer
          ? // This user read the conversation on another device: unread drops there too.
            { ReadC2cMsgNotify: { UinPairReadArray: [{ From_Account: e.peer, LastReadTime: e.readTime, LastReadSeq: e.readSeq }] } }
          : // The peer read what this user sent: a read receipt (To_Account = the reader).
            { C2cReadedReceipt: { To_Account: e.peer, UinPairReadArray: [{ LastReadTime: e.readTime, LastReadSeq: e.readSeq }] } };
      break;
    case 'recall':
      item = { WithdrawC2cMsgNotify: { C2cWithdrawInfoArray: [withdrawInfo(e.message, e.message.from)] } };
      break;
    case 'conv_deleted':
      // Parley extension: Tencent's SDKs skip C2cNotifyMsgArray items they do not know.
      item = { ConversationDeleted: { Peer_Account: e.peer } };
      break;
  }
  return { Event: EventType.C2cEvent, C2cNotifyMsgArray: [{ NoticeSeq: e.cursor, ...item }] };
}

/** Push body for a batch of stream events: messages inline (Event 9), others as C2C events (Event 10). */
export function eventsToPushBody(viewer: string, events: readonly UserEvent[]): Record<string, unknown> {
  const eventArray: Record<string, unknown>[] = [];
  let msgs: C2cMsg[] | undefined;
  for (const e of events) {
    if (e.kind === 'msg') {
      if (!msgs) {
        msgs = [];
        eventArray.push({ Event: EventType.C2cMsg, C2cMsgArray: msgs });
      }
      msgs.push(toC2cMsg(e.message, e.cursor));
    } else {
      msgs = undefined;
      eventArray.push(toNotifyEvent(viewer, e));
    }
  }
  return { EventArray: eventArray };
}

/**
 * A conversation as recentcontact.page_get's SessionItem (Type 1 = C2C), with the fields
 * tim-js-sdk reads (MsgTime, LastMsg, LastMsgFlags, C2cPeerReadTime, …) and those 2.10's
 * HTTP line reads (UnreadMsgCount; it drops items without LastMsg).
 *
 * `MsgTime` and `MsgTimeStamp` are both the last message's time: Tencent's SDKs read either as
 * the conversation's last activity (they sort the list by it). C2C unread counts reach them
 * through getmsg's `C2CPairUnreadCount`, not through this item.
 */
export function toSessionItem(c: ConversationRecord, peerNick = '', peerImage = ''): Record<string, unknown> {
  const m = c.lastMessage;
  const lastTime = m?.time ?? c.lastTime;
  return {
    Type: 1,
    To_Account: c.peer,
    MsgSeq: m?.clientSeq ?? 0,
    MsgRandom: m?.random ?? 0,
    MsgTime: lastTime,
    MsgTimeStamp: lastTime,
    MsgKey: m ? msgKeyOf(m) : '',
    MsgShow: m && !m.recalled ? messagePreview(m.body) : '',
    LastMsg: { MsgBody: m && !m.recalled ? m.body : [], CloudCustomData: m && !m.recalled ? m.cloudCustomData : '' },
    LastMsgFlags: m?.recalled ? MSG_FLAG_RECALLED : 0,
    LastC2CMsgFromAccount: m?.from ?? '',
    From_Account: m?.from ?? '',
    UnreadMsgCount: c.unread,
    C2cPeerReadTime: c.peerReadTime,
    C2cNick: peerNick,
    C2cImage: peerImage,
    // Parley extensions: exact positions, so clients need not compare timestamps, and the
    // last message's ClientMsgID, so a device that first sees it here names it as every other.
    ClientMsgID: m?.clientMsgId ?? '',
    ConvSeq: c.lastSeq,
    ReadSeq: c.readSeq,
    PeerReadSeq: c.peerReadSeq,
  };
}
