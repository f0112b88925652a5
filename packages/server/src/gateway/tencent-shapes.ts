/**
 * Translation of Parley's domain records into the body shapes of Tencent's protocol
 * (capitalised field names, Event numbers). Both client doors (WebSocket and HTTP long-poll)
 * use these, so the official SDKs see one consistent server.
 */
import { C2cNotifySubType, EventType, formatMsgKey, type C2cMsg } from '@parley/protocol';
import type { ConversationRecord, StoredMessage, UserEvent } from '../store/store.ts';
import { messagePreview } from '../messaging/validate.ts';

/** Tencent's MsgFlagBits value of a recalled message. */
export const MSG_FLAG_RECALLED = 8;

/** A stored message as Tencent's raw C2C message, with the viewer's stream cursor when known. */
export function toC2cMsg(m: StoredMessage, noticeSeq?: number): C2cMsg {
  const out: C2cMsg = {
    From_Account: m.from,
    To_Account: m.to,
    MsgSeq: m.seq,
    MsgRandom: m.random,
    MsgTimeStamp: m.time,
    MsgKey: formatMsgKey(m.seq, m.random, m.time),
    MsgBody: m.recalled ? [] : m.body,
    MsgFlagBits: m.recalled ? MSG_FLAG_RECALLED : 0,
    ClientMsgID: m.clientMsgId,
  };
  if (m.cloudCustomData && !m.recalled) out.CloudCustomData = m.cloudCustomData;
  if (m.fromNick) out.From_AccountNick = m.fromNick;
  if (noticeSeq !== undefined) out.NoticeSeq = noticeSeq;
  return out;
}

/** One EventArray entry for a non-message stream event (read receipt, recall, deletion). */
export function toNotifyEvent(viewer: string, e: Exclude<UserEvent, { kind: 'msg' }>): Record<string, unknown> {
  switch (e.kind) {
    case 'read':
      if (e.reader === viewer) {
        // This user read the conversation on another device: its unread count drops there too.
        return {
          Event: EventType.C2cEvent,
          C2cNotifyMsgArray: [
            {
              SubMsgType: C2cNotifySubType.Readed,
              NoticeSeq: e.cursor,
              ReadC2cMsgNotify: { UinPairReadArray: [{ Peer_Account: e.peer, LastReadTime: e.readTime, LastReadSeq: e.readSeq }] },
            },
          ],
        };
      }
      // The peer read what this user sent: a read receipt.
      return {
        Event: EventType.C2cEvent,
        C2cNotifyMsgArray: [
          {
            SubMsgType: 0x17,
            NoticeSeq: e.cursor,
            C2cReadedReceipt: { To_Account: viewer, Peer_Account: e.peer, LastReadTime: e.readTime, LastReadSeq: e.readSeq },
          },
        ],
      };
    case 'recall':
      return {
        Event: EventType.C2cEvent,
        C2cNotifyMsgArray: [
          {
            SubMsgType: 0x14,
            NoticeSeq: e.cursor,
            WithdrawC2cMsgNotify: {
              C2cWithdrawInfoArray: [
                {
                  From_Account: e.message.from,
                  To_Account: e.message.to,
                  MsgSeq: e.message.seq,
                  MsgRandom: e.message.random,
                  MsgTimeStamp: e.message.time,
                  MsgKey: formatMsgKey(e.message.seq, e.message.random, e.message.time),
                },
              ],
            },
          },
        ],
      };
    case 'conv_deleted':
      // Parley extension; Tencent's SDKs ignore SubMsgTypes they do not know.
      return {
        Event: EventType.C2cEvent,
        C2cNotifyMsgArray: [{ SubMsgType: 0x1000, NoticeSeq: e.cursor, ConversationDeleted: { Peer_Account: e.peer } }],
      };
  }
}

/** Push bodies for a batch of stream events: messages inline (Event 9), others as C2C events. */
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

/** A conversation as recentcontact.page_get's SessionItem (Type 1 = C2C). */
export function toSessionItem(c: ConversationRecord): Record<string, unknown> {
  const m = c.lastMessage;
  return {
    Type: 1,
    To_Account: c.peer,
    MsgSeq: m?.seq ?? c.lastSeq,
    MsgRandom: m?.random ?? 0,
    MsgTimeStamp: m?.time ?? c.lastTime,
    MsgKey: m ? formatMsgKey(m.seq, m.random, m.time) : '',
    MsgShow: m ? (m.recalled ? '' : messagePreview(m.body)) : '',
    MsgBody: m && !m.recalled ? m.body : [],
    MsgFlagBits: m?.recalled ? MSG_FLAG_RECALLED : 0,
    CloudCustomData: m && !m.recalled ? m.cloudCustomData : '',
    MsgFrom_AccountExtraInfo: m ? { From_Account: m.from } : undefined,
    From_Account: m?.from ?? '',
    UnreadMsgCount: c.unread,
    C2cPeerReadTime: c.peerReadTime,
    // Parley extensions: exact cursors, so clients need not compare timestamps.
    ReadSeq: c.readSeq,
    PeerReadSeq: c.peerReadSeq,
    LastSeq: c.lastSeq,
  };
}
