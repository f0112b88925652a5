/**
 * Sending with at-least-once delivery and exactly-once effect.
 *
 * Every outgoing message carries a ClientMsgID (Parley extension) chosen when it is
 * created, plus a fixed MsgRandom and client MsgSeq. A send that fails because the link
 * dropped or timed out waits for the next login and goes out again with the same fields;
 * the server returns the first result for a repeated ClientMsgID, so a retry after a lost
 * reply never creates a second message. Errors the server gives for the request itself fail
 * the message (status 'fail'); the app may resendMessage() it.
 */
import { Cmd } from '@parley/protocol';
import type { Connection, ReplyBody } from './connection.ts';
import { SdkError, clientError, isTransient } from './errors.ts';
import type { MessageRecord } from './model.ts';
import { fullJitterDelay } from './backoff.ts';

export interface OutboxDeps {
  connection: Connection;
  /** True while the session is alive (not logged out / kicked). */
  isActive(): boolean;
  /** Called with the server's reply fields merged into the record, and the sender's stream cursor of it. */
  onSent(record: MessageRecord, noticeSeq: number | undefined): void;
  onFailed(record: MessageRecord, err: SdkError): void;
  /** Attempts for errors whose retry policy is 'backoff' (rate limits, server errors). */
  maxBackoffRetries?: number;
}

export function sendMsgRequest(m: MessageRecord): ReplyBody {
  const body: ReplyBody = {
    From_Account: m.from,
    To_Account: m.to,
    MsgSeq: m.clientSeq,
    MsgRandom: m.random,
    MsgBody: m.elems,
    MsgClientTime: m.time,
    ClientMsgID: m.clientMsgId,
  };
  if (m.cloudCustomData) body['CloudCustomData'] = m.cloudCustomData;
  return body;
}

export class Outbox {
  readonly #inFlight = new Map<string, Promise<MessageRecord>>();

  constructor(private readonly deps: OutboxDeps) {}

  /** Send (or re-send) a record; concurrent calls for the same message share one attempt. */
  send(m: MessageRecord): Promise<MessageRecord> {
    const key = m.clientMsgId ?? m.id;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const p = this.#run(m).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }

  get size(): number {
    return this.#inFlight.size;
  }

  async #run(m: MessageRecord): Promise<MessageRecord> {
    const { connection } = this.deps;
    let backoffTries = 0;
    for (;;) {
      if (!this.deps.isActive()) return this.#fail(m, clientError('CLIENT_CLOSED'));
      try {
        await connection.whenConnected();
      } catch (err) {
        return this.#fail(m, err instanceof SdkError ? err : clientError('CLIENT_CLOSED'));
      }
      let reply: ReplyBody;
      try {
        reply = await connection.request(Cmd.SendMsg, sendMsgRequest(m));
      } catch (err) {
        if (isTransient(err)) continue;
        if (err instanceof SdkError && err.retry === 'reauth') continue; // resumes after a fresh UserSig
        if (err instanceof SdkError && err.retry === 'backoff' && backoffTries < (this.deps.maxBackoffRetries ?? 5)) {
          const wait = err.retryAfterMs ?? fullJitterDelay(backoffTries, { baseMs: 500, capMs: 10_000 });
          backoffTries++;
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        return this.#fail(m, err instanceof SdkError ? err : clientError('CLIENT_NETWORK'));
      }
      // ConvSeq (Parley) is the conversation sequence; a plain Tencent server only has MsgSeq.
      const seq = Number(reply['ConvSeq'] ?? reply['MsgSeq']);
      const time = Number(reply['MsgTime']);
      if (Number.isFinite(seq) && seq > 0) m.seq = seq;
      if (Number.isFinite(time) && time > 0) m.time = time;
      m.msgKey = typeof reply['MsgKey'] === 'string' && reply['MsgKey'] ? reply['MsgKey'] : `${m.seq}_${m.random}_${m.time}`;
      m.status = 'success';
      const notice = Number(reply['NoticeSeq']);
      this.deps.onSent(m, Number.isFinite(notice) && notice > 0 ? notice : undefined);
      return m;
    }
  }

  #fail(m: MessageRecord, err: SdkError): never {
    m.status = 'fail';
    this.deps.onFailed(m, err);
    throw err;
  }
}
