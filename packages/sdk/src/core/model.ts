/**
 * The core's records. Field names follow the wire where they carry wire data and TIM v2
 * where they carry SDK state; facades map them to their own public objects.
 */
import type { C2cMsg, MsgElem } from '@parley/protocol';

export type MessageStatus = 'unSend' | 'success' | 'fail';

/** One C2C message as the core keeps it. */
export interface MessageRecord {
  /** Stable ID: the ClientMsgID when the message carries one, else derived from its key. */
  id: string;
  /** 'C2C' + peer. */
  conversationId: string;
  peer: string;
  from: string;
  to: string;
  flow: 'in' | 'out';
  /** The conversation's server sequence (gap-free per conversation); 0 until sent. */
  seq: number;
  random: number;
  /** Server time in unix seconds (an estimate from the local clock until sent). */
  time: number;
  /** The sender's own MsgSeq (Tencent's wire MsgSeq; recall and MsgKey use it). */
  clientSeq: number;
  clientMsgId: string | undefined;
  /** Tencent's "<seq>_<random>_<time>"; '' until sent. */
  msgKey: string;
  elems: MsgElem[];
  cloudCustomData: string;
  nick: string;
  status: MessageStatus;
  isRead: boolean;
  isPeerRead: boolean;
  isRevoked: boolean;
}

/** One C2C conversation as the core keeps it. */
export interface ConversationRecord {
  id: string;
  peer: string;
  unreadCount: number;
  /** Highest message sequence known in the conversation. */
  lastSeq: number;
  /** Sequence up to which this user has read; unread = lastSeq − readSeq. */
  readSeq: number;
  lastMessage: MessageRecord | undefined;
  /** Time of the last activity, unix seconds (orders the list). */
  lastTime: number;
  /** Time up to which the peer has read this user's messages (unix seconds). */
  peerReadTime: number;
  /** Sequence up to which the peer has read, when the server says so. */
  peerReadSeq: number;
  /** Tie-breaker for equal lastTime (seconds): higher = more recent activity. */
  activity: number;
}

export const C2C_PREFIX = 'C2C';

export function conversationIdOf(peer: string): string {
  return C2C_PREFIX + peer;
}

/** The peer of a C2C conversation ID, or undefined for anything else. */
export function peerOf(conversationId: unknown): string | undefined {
  if (typeof conversationId !== 'string' || !conversationId.startsWith(C2C_PREFIX)) return undefined;
  const peer = conversationId.slice(C2C_PREFIX.length);
  return peer === '' ? undefined : peer;
}

/** ID of a message that has no ClientMsgID (sent by a Tencent SDK or the REST API). */
export function derivedMessageId(conversationId: string, seq: number, random: number): string {
  return `${conversationId}-${seq}-${random}`;
}

/** Build a record from a wire message seen by `self`. */
export function recordFromWire(m: C2cMsg, self: string): MessageRecord {
  const out = m.From_Account === self;
  const peer = out ? m.To_Account : m.From_Account;
  const conversationId = conversationIdOf(peer);
  // Parley sends the gap-free conversation sequence as ConvSeq; MsgSeq is the sender's own
  // sequence (Tencent's clients match messages on it). Without ConvSeq, MsgSeq is all there is.
  const hasConvSeq = typeof m.ConvSeq === 'number' && m.ConvSeq > 0;
  const seq = hasConvSeq ? (m.ConvSeq as number) : Number(m.MsgSeq) || 0;
  const random = Number(m.MsgRandom) || 0;
  const time = Number(m.MsgTimeStamp) || 0;
  const clientMsgId = typeof m.ClientMsgID === 'string' && m.ClientMsgID !== '' ? m.ClientMsgID : undefined;
  return {
    id: clientMsgId ?? derivedMessageId(conversationId, seq, random),
    conversationId,
    peer,
    from: m.From_Account,
    to: m.To_Account,
    flow: out ? 'out' : 'in',
    seq,
    random,
    time,
    clientSeq: Number(m.MsgSeq) || 0,
    clientMsgId,
    msgKey: typeof m.MsgKey === 'string' && m.MsgKey !== '' ? m.MsgKey : `${seq}_${random}_${time}`,
    elems: Array.isArray(m.MsgBody) ? m.MsgBody : [],
    cloudCustomData: typeof m.CloudCustomData === 'string' ? m.CloudCustomData : '',
    nick: typeof m.From_AccountNick === 'string' ? m.From_AccountNick : '',
    status: 'success',
    isRead: out,
    isPeerRead: false,
    isRevoked: m.MsgFlagBits === 8,
  };
}

/** Order messages oldest first: by sequence, unsent ones (seq 0) last by local time. */
export function compareMessages(a: MessageRecord, b: MessageRecord): number {
  if (a.seq && b.seq) return a.seq - b.seq;
  if (a.seq) return -1;
  if (b.seq) return 1;
  return a.time - b.time || a.clientSeq - b.clientSeq;
}

/** The wire form of a record (for feeding own sends through the same paths as pushes). */
export function toWire(m: MessageRecord): C2cMsg {
  const w: C2cMsg = {
    From_Account: m.from,
    To_Account: m.to,
    MsgSeq: m.clientSeq || m.seq,
    MsgRandom: m.random,
    MsgTimeStamp: m.time,
    MsgKey: m.msgKey,
    MsgBody: m.elems,
    MsgFlagBits: m.isRevoked ? 8 : 0,
    ConvSeq: m.seq,
  };
  if (m.clientMsgId) w.ClientMsgID = m.clientMsgId;
  if (m.cloudCustomData) w.CloudCustomData = m.cloudCustomData;
  if (m.nick) w.From_AccountNick = m.nick;
  return w;
}
