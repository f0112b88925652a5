/** The committed message a send becomes, as its sender and recipients are told of it. */
import type { NewMessage, StoredMessage } from '../store.ts';

/**
 * A lone UTF-16 surrogate has no UTF-8 form: SQLite stores U+FFFD in its place, so free text
 * is mended the same way before it is written, and the message a sender and its recipients
 * are told of is the one history returns later.
 */
const LONE_SURROGATE = /\p{Cs}/u;
export const wellFormed = (text: string): string => (LONE_SURROGATE.test(text) ? text.replace(/\p{Cs}/gu, '\uFFFD') : text);

/** `m` as stored under row `id` with conversation sequence `seq`; free text already mended. */
export function storedMessageOf(m: NewMessage, id: number, seq: number, fromTinyId: number): StoredMessage {
  return {
    id: String(id),
    sdkAppId: m.sdkAppId,
    from: m.from,
    to: m.to,
    seq,
    random: m.random,
    time: m.time,
    clientSeq: m.clientSeq ?? seq,
    clientTime: m.clientTime ?? m.time,
    fromTinyId,
    clientMsgId: m.clientMsgId,
    body: m.body,
    cloudCustomData: m.cloudCustomData,
    fromNick: m.fromNick,
    recalled: false,
  };
}
