/**
 * Mapping between core records and TIM v2 Message objects. Message objects keep their
 * identity: the one returned by createTextMessage is the one sendMessage resolves with and
 * the one later events carry, updated in place.
 */
import type { MsgElem } from '@parley/protocol';
import type { MessageRecord } from '../../core/model.ts';
import { TYPES } from './constants.ts';
import type { Message, MessagePayload } from './types.ts';

const lowerFirst = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);

/** Wire element → TIM type + payload. */
export function payloadOf(elems: MsgElem[]): { type: string; payload: MessagePayload } {
  const e = elems[0];
  if (!e) return { type: TYPES.MSG_TEXT, payload: { text: '' } };
  const c = (e.MsgContent ?? {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
  const n = (v: unknown) => (typeof v === 'number' ? v : Number(v) || 0);
  switch (e.MsgType) {
    case TYPES.MSG_TEXT:
      return { type: e.MsgType, payload: { text: s(c['Text']) } };
    case TYPES.MSG_CUSTOM:
      return { type: e.MsgType, payload: { data: s(c['Data']), description: s(c['Desc']), extension: s(c['Ext']) } };
    case TYPES.MSG_FACE:
      return { type: e.MsgType, payload: { index: n(c['Index']), data: s(c['Data']) } };
    case TYPES.MSG_LOCATION:
      return { type: e.MsgType, payload: { description: s(c['Desc']), longitude: n(c['Longitude']), latitude: n(c['Latitude']) } };
    default: {
      const payload: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c)) payload[lowerFirst(k)] = v;
      return { type: e.MsgType, payload };
    }
  }
}

export function textElem(text: string): MsgElem {
  return { MsgType: TYPES.MSG_TEXT, MsgContent: { Text: text } };
}
export function customElem(p: { data?: string; description?: string; extension?: string }): MsgElem {
  return { MsgType: TYPES.MSG_CUSTOM, MsgContent: { Data: p.data ?? '', Desc: p.description ?? '', Ext: p.extension ?? '' } };
}
export function faceElem(p: { index: number; data?: string }): MsgElem {
  return { MsgType: TYPES.MSG_FACE, MsgContent: { Index: p.index, Data: p.data ?? '' } };
}
export function locationElem(p: { description?: string; longitude: number; latitude: number }): MsgElem {
  return { MsgType: TYPES.MSG_LOCATION, MsgContent: { Desc: p.description ?? '', Longitude: p.longitude, Latitude: p.latitude } };
}

/** Short text for conversation lists (Tencent's strings, which apps already display). */
export function messageForShow(type: string, payload: MessagePayload, isRevoked: boolean): string {
  if (isRevoked) return '';
  switch (type) {
    case TYPES.MSG_TEXT:
      return (payload as { text?: string }).text ?? '';
    case TYPES.MSG_FACE:
      return '[动画表情]';
    case TYPES.MSG_LOCATION:
      return '[位置]';
    case TYPES.MSG_CUSTOM:
      return '[自定义消息]';
    case TYPES.MSG_IMAGE:
      return '[图片]';
    case TYPES.MSG_AUDIO:
      return '[语音]';
    case TYPES.MSG_FILE:
      return '[文件]';
    case TYPES.MSG_VIDEO:
      return '[视频]';
    default:
      return '';
  }
}

/** Keeps one Message object per record and the way back from a Message to its record. */
export class MessageObjects {
  readonly #byId = new Map<string, Message>();
  readonly #records = new WeakMap<Message, MessageRecord>();

  /** The Message for a record, created once and refreshed from the record on every call. */
  of(r: MessageRecord): Message {
    let m = this.#byId.get(r.id);
    if (!m) {
      const { type, payload } = payloadOf(r.elems);
      m = {
        ID: r.id,
        type,
        payload,
        conversationID: r.conversationId,
        conversationType: TYPES.CONV_C2C,
        to: r.to,
        from: r.from,
        flow: r.flow,
        time: r.time,
        clientTime: r.time,
        status: r.status,
        isRevoked: r.isRevoked,
        isRead: r.isRead,
        isPeerRead: r.isPeerRead,
        isResend: false,
        isDeleted: false,
        isModified: false,
        isSystemMessage: false,
        isBroadcastMessage: false,
        priority: TYPES.MSG_PRIORITY_NORMAL,
        nick: r.nick,
        avatar: '',
        nameCard: '',
        atUserList: [],
        cloudCustomData: r.cloudCustomData,
        needReadReceipt: false,
        readReceiptInfo: {},
        sequence: r.seq,
        clientSequence: r.clientSeq,
        random: r.random,
        protocol: 'JSON',
        clientMsgID: r.clientMsgId ?? '',
        messageKey: r.msgKey,
      };
      this.#byId.set(r.id, m);
    } else {
      m.from = r.from;
      m.to = r.to;
      m.time = r.time;
      m.status = r.status;
      m.isRevoked = r.isRevoked;
      m.isRead = r.isRead;
      m.isPeerRead = r.isPeerRead;
      m.sequence = r.seq;
      m.random = r.random;
      m.messageKey = r.msgKey;
      if (r.nick) m.nick = r.nick;
    }
    this.#records.set(m, r);
    return m;
  }

  record(m: unknown): MessageRecord | undefined {
    return m && typeof m === 'object' ? this.#records.get(m as Message) : undefined;
  }

  clear(): void {
    this.#byId.clear();
  }
}
