/**
 * Writes a run of ordinary sends with a fixed number of statements, however long the run.
 *
 * A send touches three tables (messages, events, and both sides' user_conversations). One
 * prepared statement per row costs a few microseconds of call overhead each, which made
 * the per-message statements the largest cost of a group commit. Here each table gets one
 * statement for the whole run, fed a JSON array that SQLite expands with json_each.
 * Sequences and cursors are still allocated by the database, inside the caller's
 * transaction: each pair's and each user's next value is one past the highest stored, and
 * the values are handed out in the run's order, which is what sending the messages one by
 * one would have produced.
 *
 * "Ordinary" means: not a repeat of a stored or earlier client message id, the recipient
 * exists, not NoUnread, and keys that survive JSON (fitsRun). SqliteStore sends anything
 * else on its own, in order.
 */
import type Database from 'better-sqlite3';
import { pairKey, type CommittedEvent, type NewMessage, type SendOutcome, type StoredMessage } from '../store.ts';

export interface RunSend {
  message: NewMessage;
  fromTinyId: number;
}

/** What one send does to one side's conversation row, folded over the run in order. */
interface ConversationFold {
  sdkAppId: number;
  user: string;
  peer: string;
  lastSeq: number;
  lastTime: number;
  lastMsgId: number;
  /** Set when this side sent in the run: the read position moves to its last send. */
  sent?: { seq: number; time: number };
  /** First recipient cursor after the side's last send in the run (or in the run). */
  firstUnread?: number;
}

const sep = '\u0000';

/**
 * A lone UTF-16 surrogate has no UTF-8 form, and does not come back from SQLite as the
 * same string, so a key with one (user id, client message id) could not be matched to the
 * row this run wrote: such sends go one by one. Free text is mended to U+FFFD.
 */
const LONE_SURROGATE = /\p{Cs}/u;
export const fitsRun = (m: NewMessage): boolean => ![m.from, m.to, m.clientMsgId].some((key) => LONE_SURROGATE.test(key));
const wellFormed = (text: string): string => (LONE_SURROGATE.test(text) ? text.replace(/\p{Cs}/gu, '\uFFFD') : text);

/** The committed message a send becomes, as its sender and recipients are told of it. */
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

export function prepareSendRun(db: Database.Database): (run: readonly RunSend[]) => SendOutcome[] {
  // The highest sequence of each pair and cursor of each user stored so far, in one
  // statement (migration 6: they are not kept in counter rows, which cost each commit pages
  // of their own). Rows come back tagged 0 (pair) or 1 (user stream).
  const lastSeqsAndCursors = db
    .prepare(
      `SELECT 0, value ->> 0, value ->> 1,
              (SELECT COALESCE(MAX(seq), 0) FROM messages WHERE sdk_app_id = value ->> 0 AND pair_key = value ->> 1)
       FROM json_each(?)
       UNION ALL
       SELECT 1, value ->> 0, value ->> 1,
              (SELECT COALESCE(MAX(cursor), 0) FROM events WHERE sdk_app_id = value ->> 0 AND user_id = value ->> 1)
       FROM json_each(?)`,
    )
    .raw(true);
  const insertMessages = db
    .prepare(
      `INSERT INTO messages (sdk_app_id, pair_key, seq, from_id, to_id, random, time, client_seq, client_time, from_tiny_id, client_msg_id, body, cloud_custom_data, from_nick)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8,
              value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13
       FROM json_each(?)
       RETURNING id, sdk_app_id, pair_key, seq`,
    )
    .raw(true);
  const insertEvents = db.prepare(
    `INSERT INTO events (sdk_app_id, user_id, cursor, kind, peer_id, pair_key, seq, data)
     SELECT value ->> 0, value ->> 1, value ->> 2, 'msg', value ->> 3, value ->> 4, value ->> 5, NULL FROM json_each(?)`,
  );
  // Both sides' rows in one statement. A side that sent in the run has read up to its last
  // send (read_seq > 0 marks it: a sent seq is at least 1), and what it received after that
  // is its unread backlog; a side that only received keeps its read position and its oldest
  // unread cursor (as upsertSenderConv and upsertRecipientConv would leave them).
  const upsertConvs = db.prepare(
    `INSERT INTO user_conversations (sdk_app_id, user_id, peer_id, last_seq, last_time, last_msg_id, read_seq, read_time, first_unread_cursor)
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8
     FROM json_each(?) WHERE true
     ON CONFLICT (sdk_app_id, user_id, peer_id) DO UPDATE SET
       last_seq = excluded.last_seq, last_time = excluded.last_time, last_msg_id = excluded.last_msg_id, hidden = 0,
       read_seq = CASE WHEN excluded.read_seq > 0 THEN excluded.read_seq ELSE read_seq END,
       read_time = CASE WHEN excluded.read_seq > 0 THEN excluded.read_time ELSE read_time END,
       first_unread_cursor = CASE WHEN excluded.read_seq > 0 THEN excluded.first_unread_cursor
                                  ELSE COALESCE(first_unread_cursor, excluded.first_unread_cursor) END,
       unread_recalled = CASE WHEN excluded.read_seq > 0 THEN 0 ELSE unread_recalled END`,
  );

  /** The first sequence each pair and cursor each user may hand out: one past the highest stored. */
  function allocate(pairs: Map<string, [number, string]>, streams: Map<string, [number, string]>): [Map<string, number>, Map<string, number>] {
    const next: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
    const rows = lastSeqsAndCursors.all(JSON.stringify([...pairs.values()]), JSON.stringify([...streams.values()])) as [0 | 1, number, string, number][];
    for (const [kind, app, key, last] of rows) next[kind].set(app + sep + key, last + 1);
    return next;
  }

  function want(keys: Map<string, [number, string]>, app: number, key: string): void {
    keys.set(app + sep + key, [app, key]);
  }

  return (run) => {
    const pairKeys = new Map<string, [number, string]>();
    const streamKeys = new Map<string, [number, string]>();
    const keys = run.map(({ message: m }) => {
      const key = pairKey(m.from, m.to);
      want(pairKeys, m.sdkAppId, key);
      want(streamKeys, m.sdkAppId, m.to);
      if (m.syncToSender) want(streamKeys, m.sdkAppId, m.from);
      return key;
    });
    const [nextSeq, nextCursor] = allocate(pairKeys, streamKeys);
    const take = (next: Map<string, number>, app: number, key: string): number => {
      const k = app + sep + key;
      const v = next.get(k)!;
      next.set(k, v + 1);
      return v;
    };

    const seqs = run.map(({ message: m }, i) => take(nextSeq, m.sdkAppId, keys[i]!));
    const rows = run.map(({ message: m, fromTinyId }, i) => [
      m.sdkAppId, keys[i], seqs[i], m.from, m.to, m.random, m.time, m.clientSeq ?? seqs[i], m.clientTime ?? m.time,
      fromTinyId, m.clientMsgId, JSON.stringify(m.body), wellFormed(m.cloudCustomData), wellFormed(m.fromNick),
    ]);
    const ids = new Map<string, number>();
    for (const [id, app, key, seq] of insertMessages.all(JSON.stringify(rows)) as [number, number, string, number][]) {
      ids.set(app + sep + key + sep + seq, id);
    }

    const eventRows: unknown[][] = [];
    const folds = new Map<string, ConversationFold>();
    const fold = (app: number, user: string, peer: string, seq: number, time: number, msgId: number): ConversationFold => {
      const k = app + sep + user + sep + peer;
      let f = folds.get(k);
      if (!f) folds.set(k, (f = { sdkAppId: app, user, peer, lastSeq: seq, lastTime: time, lastMsgId: msgId }));
      f.lastSeq = seq;
      f.lastTime = time;
      f.lastMsgId = msgId;
      return f;
    };
    const outcomes = run.map(({ message: m, fromTinyId }, i): SendOutcome => {
      const seq = seqs[i]!;
      const key = keys[i]!;
      const msgId = ids.get(m.sdkAppId + sep + key + sep + seq)!;
      const message = storedMessageOf(m, msgId, seq, fromTinyId);
      const toCursor = take(nextCursor, m.sdkAppId, m.to);
      eventRows.push([m.sdkAppId, m.to, toCursor, m.from, key, seq]);
      const events: CommittedEvent[] = [{ userId: m.to, event: { cursor: toCursor, kind: 'msg', peer: m.from, message } }];
      const received = fold(m.sdkAppId, m.to, m.from, seq, m.time, msgId);
      received.firstUnread ??= toCursor;
      const sent = fold(m.sdkAppId, m.from, m.to, seq, m.time, msgId);
      sent.sent = { seq, time: m.time };
      sent.firstUnread = undefined;
      if (m.syncToSender) {
        const fromCursor = take(nextCursor, m.sdkAppId, m.from);
        eventRows.push([m.sdkAppId, m.from, fromCursor, m.to, key, seq]);
        events.push({ userId: m.from, event: { cursor: fromCursor, kind: 'msg', peer: m.to, message } });
      }
      return { ok: true, message, duplicate: false, events };
    });
    insertEvents.run(JSON.stringify(eventRows));

    const convRows = [...folds.values()].map((f) => [
      f.sdkAppId, f.user, f.peer, f.lastSeq, f.lastTime, f.lastMsgId, f.sent?.seq ?? 0, f.sent?.time ?? 0, f.firstUnread ?? null,
    ]);
    upsertConvs.run(JSON.stringify(convRows));
    return outcomes;
  };
}
