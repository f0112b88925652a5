/**
 * SqliteStore: the embedded default Store (better-sqlite3, WAL).
 *
 * better-sqlite3 is synchronous, so each method does its work in one synchronous
 * transaction and resolves afterwards: a resolved promise means committed. Batches from
 * sendMessages share one transaction (group commit), which is what makes
 * `synchronous=FULL` affordable (see docs/performance.md).
 */
import Database from 'better-sqlite3';
import type { MsgElem } from '@parley/protocol';
import { MIGRATIONS } from './migrations.ts';
import { AccountCache, type AccountRow } from './account-cache.ts';
import { storedMessageOf, wellFormed } from './stored-message.ts';
import {
  DEFAULT_APP_OPTIONS,
  pairKey,
  type AccountRecord,
  type AppRecord,
  type CommittedEvent,
  type ConversationRecord,
  type NewMessage,
  type ReadOutcome,
  type RecallOutcome,
  type RecallRequest,
  type SendOutcome,
  type Store,
  type StoredMessage,
  type UserEvent,
  type NewWebhookDelivery,
  type WebhookDelivery,
} from '../store.ts';

/** Durability of a commit: FULL survives power loss, NORMAL survives a process crash. */
export type SqliteSync = 'full' | 'normal';

export interface SqliteStoreOptions {
  /** File path, or ':memory:'. */
  path: string;
  synchronous?: SqliteSync;
}

interface MessageRow {
  id: number;
  sdk_app_id: number;
  seq: number;
  from_id: string;
  to_id: string;
  random: number;
  time: number;
  client_seq: number;
  client_time: number;
  from_tiny_id: number;
  client_msg_id: string;
  body: string;
  cloud_custom_data: string;
  from_nick: string;
  recalled: number;
}

interface ConversationRow {
  peer_id: string;
  last_seq: number;
  last_time: number;
  read_seq: number;
  read_time: number;
  cleared_seq: number;
  hidden: number;
  first_unread_cursor: number | null;
  unread_recalled: number;
  peer_read_seq: number | null;
  peer_read_time: number | null;
}

type Row = Record<string, unknown>;

const MESSAGE_COLUMNS =
  'm.id, m.sdk_app_id, m.seq, m.from_id, m.to_id, m.random, m.time, m.client_seq, m.client_time, m.from_tiny_id, m.client_msg_id, m.body, m.cloud_custom_data, m.from_nick, m.recalled';

/**
 * Bulk reads (stream pages, history) fetch rows as arrays: better-sqlite3 builds a keyed
 * object per row otherwise, which cost about as much as the query itself (C's 10 000-message
 * backlog: 55-63 ms as objects, 30-45 ms as arrays). `v` holds MESSAGE_COLUMNS from `o` on.
 */
type RawRow = unknown[];

function messageAt(v: RawRow, o: number): StoredMessage {
  return {
    id: String(v[o]),
    sdkAppId: v[o + 1] as number,
    seq: v[o + 2] as number,
    from: v[o + 3] as string,
    to: v[o + 4] as string,
    random: v[o + 5] as number,
    time: v[o + 6] as number,
    clientSeq: v[o + 7] as number,
    clientTime: v[o + 8] as number,
    fromTinyId: v[o + 9] as number,
    clientMsgId: v[o + 10] as string,
    body: JSON.parse(v[o + 11] as string) as MsgElem[],
    cloudCustomData: v[o + 12] as string,
    fromNick: v[o + 13] as string,
    recalled: v[o + 14] === 1,
  };
}

/** A single row of `SELECT ${MESSAGE_COLUMNS}`: its keys come in the order of the columns. */
function toMessage(r: MessageRow): StoredMessage {
  return messageAt(Object.values(r), 0);
}

function toAccount(r: AccountRow): AccountRecord {
  return {
    sdkAppId: r.sdk_app_id,
    userId: r.user_id,
    tinyId: r.tiny_id,
    nick: r.nick,
    faceUrl: r.face_url,
    createdAt: r.created_at,
    sigsValidAfter: r.sigs_valid_after,
    profile: JSON.parse(r.profile) as Record<string, string | number>,
  };
}

function toApp(r: Row): AppRecord {
  return {
    sdkAppId: r.sdk_app_id as number,
    secretKey: r.secret_key as string,
    name: r.name as string,
    adminIdentifier: r.admin_identifier as string,
    createdAt: r.created_at as number,
    options: { ...DEFAULT_APP_OPTIONS, ...(JSON.parse(r.options as string) as object) },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<SqliteStore['prepare']>;
  private readonly sendTx: (batch: readonly NewMessage[]) => SendOutcome[];
  private readonly accounts = new AccountCache();
  /** Account creations waiting for the next turn's shared transaction (see ensureAccount). */
  private newAccounts: { sdkAppId: number; userId: string; nick: string | undefined; resolve: (a: AccountRecord) => void; reject: (e: unknown) => void }[] = [];
  /** Apps as last read; dropped whenever another connection (the CLI) has written the file. */
  private readonly apps = new Map<number, AppRecord>();
  private appsDataVersion = -1;
  private appsCheckedThisTurn = false;

  constructor(opts: SqliteStoreOptions) {
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // Temporary storage (statement journals, the B-trees of a sort without an index, such as
    // a user's conversation list) in memory rather than in files. The multi-row INSERTs of an
    // earlier group-commit writer spilled their statement journals to a file past 64 KiB
    // (9.8 instead of 5.7 KB written per message at batches of 200).
    this.db.pragma('temp_store = MEMORY');
    this.migrate();
    this.stmt = this.prepare();
    this.sendTx = this.db.transaction((batch: readonly NewMessage[]) => batch.map((m) => this.sendOne(m)));
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  private prepare() {
    const d = this.db;
    return {
      insertApp: d.prepare(
        'INSERT INTO apps (sdk_app_id, secret_key, name, admin_identifier, created_at, options) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      updateApp: d.prepare('UPDATE apps SET secret_key = ?, name = ?, admin_identifier = ?, options = ? WHERE sdk_app_id = ?'),
      getApp: d.prepare('SELECT * FROM apps WHERE sdk_app_id = ?'),
      // Changes when another connection commits to the file; never for this connection's own writes.
      dataVersion: d.prepare('PRAGMA data_version').pluck(),
      listApps: d.prepare('SELECT * FROM apps ORDER BY created_at, sdk_app_id'),
      nextCounter: d.prepare(
        `INSERT INTO counters (sdk_app_id, name, value) VALUES (?, ?, 1)
         ON CONFLICT (sdk_app_id, name) DO UPDATE SET value = value + 1 RETURNING value`,
      ),
      getAccount: d.prepare('SELECT * FROM accounts WHERE sdk_app_id = ? AND user_id = ?'),
      insertAccount: d.prepare(
        'INSERT INTO accounts (sdk_app_id, user_id, tiny_id, nick, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      updateAccount: d.prepare(
        'UPDATE accounts SET nick = ?, face_url = ?, sigs_valid_after = ?, profile = ? WHERE sdk_app_id = ? AND user_id = ?',
      ),
      deleteAccount: d.prepare('DELETE FROM accounts WHERE sdk_app_id = ? AND user_id = ?'),
      listAccounts: d.prepare(
        `SELECT * FROM accounts WHERE sdk_app_id = ? AND (? IS NULL OR instr(user_id, ?) > 0 OR instr(nick, ?) > 0)
         ORDER BY user_id LIMIT ? OFFSET ?`,
      ),
      countAccounts: d.prepare('SELECT COUNT(*) AS n FROM accounts WHERE sdk_app_id = ?'),
      messageByClientId: d.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.sdk_app_id = ? AND m.from_id = ? AND m.client_msg_id = ?`),
      // Sequences and cursors continue from the highest one stored (see migration 6). Nothing
      // deletes messages or events; a feature that does (expiry, purge) must keep a floor per
      // pair and per user, or a sequence or cursor would be handed out a second time.
      lastSeq: d.prepare('SELECT COALESCE(MAX(seq), 0) FROM messages WHERE sdk_app_id = ? AND pair_key = ?').pluck(),
      insertMessage: d.prepare(
        `INSERT INTO messages (sdk_app_id, pair_key, seq, from_id, to_id, random, time, client_seq, client_time, from_tiny_id, client_msg_id, body, cloud_custom_data, from_nick)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      headCursor: d.prepare('SELECT COALESCE(MAX(cursor), 0) FROM events WHERE sdk_app_id = ? AND user_id = ?').pluck(),
      insertEvent: d.prepare(
        'INSERT INTO events (sdk_app_id, user_id, cursor, kind, peer_id, pair_key, seq, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // Sender side: the conversation moves, and sending counts as having read it.
      upsertSenderConv: d.prepare(
        `INSERT INTO user_conversations (sdk_app_id, user_id, peer_id, last_seq, last_time, read_seq, read_time, last_msg_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sdk_app_id, user_id, peer_id) DO UPDATE SET
           last_seq = excluded.last_seq, last_time = excluded.last_time, last_msg_id = excluded.last_msg_id, hidden = 0,
           read_seq = excluded.read_seq, read_time = excluded.read_time, first_unread_cursor = NULL, unread_recalled = 0`,
      ),
      upsertRecipientConv: d.prepare(
        `INSERT INTO user_conversations (sdk_app_id, user_id, peer_id, last_seq, last_time, first_unread_cursor, last_msg_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sdk_app_id, user_id, peer_id) DO UPDATE SET
           last_seq = excluded.last_seq, last_time = excluded.last_time, last_msg_id = excluded.last_msg_id, hidden = 0,
           first_unread_cursor = COALESCE(first_unread_cursor, excluded.first_unread_cursor)`,
      ),
      markRecipientRead: d.prepare(
        `UPDATE user_conversations SET read_seq = ?, read_time = ? WHERE sdk_app_id = ? AND user_id = ? AND peer_id = ? AND read_seq = ?`,
      ),
      getMessage: d.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.sdk_app_id = ? AND m.pair_key = ? AND m.seq = ?`),
      // INDEXED BY: for "ORDER BY seq LIMIT 1" SQLite otherwise walks messages_by_pair_seq
      // through the whole conversation, which made every history page (found by its MsgKey)
      // cost time in proportion to the conversation's length.
      // A MsgKey names a message by its sender's MsgSeq and MsgRandom. Messages whose
      // idempotency key is the Tencent form t<MsgSeq>_<MsgRandom> are found through
      // messages_by_client_id, the rest through the partial index (migration 5).
      getMessageByTencentKey: d.prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m
         WHERE m.sdk_app_id = ? AND m.from_id = ? AND m.client_msg_id = ? AND m.pair_key = ? AND m.client_seq = ? AND m.random = ?`,
      ),
      getMessageByClientSeq: d.prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m INDEXED BY messages_by_client_seq
         WHERE m.sdk_app_id = ? AND m.pair_key = ? AND m.client_seq = ? AND m.random = ?
           AND m.client_msg_id <> 't' || m.client_seq || '_' || m.random
         ORDER BY m.seq LIMIT 1`,
      ),
      history: d.prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.sdk_app_id = ? AND m.pair_key = ? AND m.seq < ? AND m.seq > ?
         ORDER BY m.seq DESC LIMIT ?`,
      ).raw(true),
      pairHistory: d.prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.sdk_app_id = ? AND m.pair_key = ? AND m.seq < ? AND m.time >= ? AND m.time <= ?
         ORDER BY m.seq DESC LIMIT ?`,
      ).raw(true),
      countMessages: d.prepare('SELECT COUNT(*) AS n FROM messages'),
      countAppMessages: d.prepare('SELECT COUNT(*) AS n FROM messages WHERE sdk_app_id = ?'),
      readEvents: d.prepare(
        `SELECT e.cursor, e.kind, e.peer_id, e.seq AS ev_seq, e.data, ${MESSAGE_COLUMNS}
         FROM events e LEFT JOIN messages m ON m.sdk_app_id = e.sdk_app_id AND m.pair_key = e.pair_key AND m.seq = e.seq AND e.kind IN ('msg', 'recall')
         WHERE e.sdk_app_id = ? AND e.user_id = ? AND e.cursor > ? ORDER BY e.cursor LIMIT ?`,
      ).raw(true),
      backlogStart: d.prepare(
        `SELECT MIN(first_unread_cursor) AS c FROM user_conversations WHERE sdk_app_id = ? AND user_id = ? AND first_unread_cursor IS NOT NULL`,
      ),
      readBacklog: d.prepare(
        `SELECT e.cursor, e.kind, e.peer_id, e.seq AS ev_seq, e.data, ${MESSAGE_COLUMNS}
         FROM events e
         JOIN user_conversations c ON c.sdk_app_id = e.sdk_app_id AND c.user_id = e.user_id AND c.peer_id = e.peer_id
         JOIN messages m ON m.sdk_app_id = e.sdk_app_id AND m.pair_key = e.pair_key AND m.seq = e.seq
         WHERE e.sdk_app_id = ? AND e.user_id = ? AND e.cursor > ? AND e.kind = 'msg'
           AND m.from_id = e.peer_id AND e.seq > c.read_seq AND e.seq > c.cleared_seq
         ORDER BY e.cursor LIMIT ?`,
      ).raw(true),
      listConversations: d.prepare(
        `SELECT c.*, p.read_seq AS peer_read_seq, p.read_time AS peer_read_time FROM user_conversations c
         LEFT JOIN user_conversations p ON p.sdk_app_id = c.sdk_app_id AND p.user_id = c.peer_id AND p.peer_id = c.user_id
         WHERE c.sdk_app_id = ? AND c.user_id = ? AND c.hidden = 0
         ORDER BY c.last_time DESC, c.last_msg_id DESC, c.peer_id LIMIT ? OFFSET ?`,
      ),
      getConversation: d.prepare(
        `SELECT c.*, p.read_seq AS peer_read_seq, p.read_time AS peer_read_time FROM user_conversations c
         LEFT JOIN user_conversations p ON p.sdk_app_id = c.sdk_app_id AND p.user_id = c.peer_id AND p.peer_id = c.user_id
         WHERE c.sdk_app_id = ? AND c.user_id = ? AND c.peer_id = ?`,
      ),
      setRead: d.prepare(
        `UPDATE user_conversations SET read_seq = ?, read_time = ?,
           first_unread_cursor = CASE WHEN ? >= last_seq THEN NULL ELSE first_unread_cursor END,
           unread_recalled = ?
         WHERE sdk_app_id = ? AND user_id = ? AND peer_id = ?`,
      ),
      setRecalled: d.prepare('UPDATE messages SET recalled = 1 WHERE id = ?'),
      uncountRecalled: d.prepare(
        `UPDATE user_conversations SET unread_recalled = unread_recalled + 1
         WHERE sdk_app_id = ? AND user_id = ? AND peer_id = ? AND read_seq < ? AND hidden = 0`,
      ),
      countRecalledAfter: d.prepare(
        'SELECT COUNT(*) AS n FROM messages WHERE sdk_app_id = ? AND pair_key = ? AND from_id = ? AND seq > ? AND recalled = 1',
      ),
      hideConversation: d.prepare(
        `UPDATE user_conversations SET hidden = 1, cleared_seq = last_seq, read_seq = last_seq, first_unread_cursor = NULL, unread_recalled = 0
         WHERE sdk_app_id = ? AND user_id = ? AND peer_id = ? AND hidden = 0`,
      ),
      totalUnread: d.prepare(
        'SELECT COALESCE(SUM(MAX(0, last_seq - read_seq - unread_recalled)), 0) AS n FROM user_conversations WHERE sdk_app_id = ? AND user_id = ? AND hidden = 0',
      ),
      enqueueWebhook: d.prepare(
        'INSERT INTO webhook_outbox (sdk_app_id, command, query, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      claimWebhooks: d.prepare(
        `UPDATE webhook_outbox SET next_attempt_at = ?
         WHERE id IN (SELECT id FROM webhook_outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?)
         RETURNING *`,
      ),
      deleteWebhook: d.prepare('DELETE FROM webhook_outbox WHERE id = ?'),
      retryWebhook: d.prepare('UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?'),
      countWebhooks: d.prepare('SELECT COUNT(*) AS n FROM webhook_outbox'),
      countAppWebhooks: d.prepare('SELECT COUNT(*) AS n FROM webhook_outbox WHERE sdk_app_id = ?'),
    };
  }

  // --- apps ---

  async createApp(app: AppRecord): Promise<void> {
    this.apps.delete(app.sdkAppId);
    this.stmt.insertApp.run(app.sdkAppId, app.secretKey, app.name, app.adminIdentifier, app.createdAt, JSON.stringify(app.options));
  }

  /**
   * Every login and A2 check reads its app. Apps are written by this process (console, REST)
   * and by `parley callback` from another one; `PRAGMA data_version` costs half a primary-key
   * SELECT and tells the two apart, so the parsed record is kept until someone else writes.
   * It is asked once per turn of the event loop: a crowd of logins handled in one turn reads
   * the same file state, as if the other process had written a moment later.
   */
  async getApp(sdkAppId: number): Promise<AppRecord | undefined> {
    if (!this.appsCheckedThisTurn) {
      const version = this.stmt.dataVersion.get() as number;
      if (version !== this.appsDataVersion) {
        this.apps.clear();
        this.appsDataVersion = version;
      }
      this.appsCheckedThisTurn = true;
      setImmediate(() => (this.appsCheckedThisTurn = false));
    }
    let app = this.apps.get(sdkAppId);
    if (!app) {
      const r = this.stmt.getApp.get(sdkAppId) as Row | undefined;
      if (!r) return undefined;
      app = deepFreeze(toApp(r));
      this.apps.set(sdkAppId, app);
    }
    // A copy the caller may change; the nested parts are frozen, so changing those throws.
    return { ...app, options: { ...app.options } };
  }

  async listApps(): Promise<AppRecord[]> {
    return (this.stmt.listApps.all() as Row[]).map(toApp);
  }

  async updateApp(app: AppRecord): Promise<void> {
    this.apps.delete(app.sdkAppId);
    this.stmt.updateApp.run(app.secretKey, app.name, app.adminIdentifier, JSON.stringify(app.options), app.sdkAppId);
  }

  // --- accounts ---

  private accountRow(sdkAppId: number, userId: string): AccountRow | undefined {
    return this.accounts.get(sdkAppId, userId, () => this.stmt.getAccount.get(sdkAppId, userId) as AccountRow | undefined);
  }

  private ensureAccountSync(sdkAppId: number, userId: string, nick = ''): AccountRecord {
    const existing = this.accountRow(sdkAppId, userId);
    if (existing) return toAccount(existing);
    const tinyId = (this.stmt.nextCounter.get(sdkAppId, 'tiny_id') as { value: number }).value;
    const now = Math.floor(Date.now() / 1000);
    this.stmt.insertAccount.run(sdkAppId, userId, tinyId, nick, now);
    this.accounts.set({ sdk_app_id: sdkAppId, user_id: userId, tiny_id: tinyId, nick, face_url: '', created_at: now, sigs_valid_after: 0, profile: '{}' });
    return { sdkAppId, userId, tinyId, nick, faceUrl: '', createdAt: now, sigsValidAfter: 0, profile: {} };
  }

  /**
   * Existing accounts come from the cache or one SELECT. New ones are created like sends are
   * committed: the creations asked for in one turn of the event loop share a transaction
   * (and its fsync), so a crowd of first logins does not pay one commit each.
   */
  async ensureAccount(sdkAppId: number, userId: string, nick?: string): Promise<AccountRecord> {
    const existing = this.accountRow(sdkAppId, userId);
    if (existing) return toAccount(existing);
    return new Promise((resolve, reject) => {
      this.newAccounts.push({ sdkAppId, userId, nick, resolve, reject });
      if (this.newAccounts.length === 1) setImmediate(() => this.createAccounts());
    });
  }

  private createAccounts(): void {
    const batch = this.newAccounts;
    this.newAccounts = [];
    let created: AccountRecord[];
    try {
      created = this.inTransaction(() => batch.map((a) => this.ensureAccountSync(a.sdkAppId, a.userId, a.nick)));
    } catch (err) {
      for (const a of batch) a.reject(err);
      return;
    }
    batch.forEach((a, i) => a.resolve(created[i]!));
  }

  /** Run `fn` in a transaction (see dropCacheOnFailure). */
  private inTransaction<T>(fn: () => T): T {
    return this.dropCacheOnFailure(() => this.db.transaction(fn)());
  }

  /** A failed transaction rolled back; account rows it cached may not exist, so drop them all. */
  private dropCacheOnFailure<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      this.accounts.clear();
      throw err;
    }
  }

  async getAccount(sdkAppId: number, userId: string): Promise<AccountRecord | undefined> {
    return this.peekAccount(sdkAppId, userId);
  }

  /** Everything here is synchronous, so the account is always at hand. */
  peekAccount(sdkAppId: number, userId: string): AccountRecord | undefined {
    const r = this.accountRow(sdkAppId, userId);
    return r && toAccount(r);
  }

  async listAccounts(sdkAppId: number, opts: { search?: string; offset: number; limit: number }): Promise<AccountRecord[]> {
    const s = opts.search || null;
    return (this.stmt.listAccounts.all(sdkAppId, s, s, s, opts.limit, opts.offset) as AccountRow[]).map(toAccount);
  }

  async countAccounts(sdkAppId: number): Promise<number> {
    return (this.stmt.countAccounts.get(sdkAppId) as { n: number }).n;
  }

  async updateAccount(a: AccountRecord): Promise<void> {
    this.accounts.forget(a.sdkAppId, a.userId);
    this.stmt.updateAccount.run(a.nick, a.faceUrl, a.sigsValidAfter, JSON.stringify(a.profile), a.sdkAppId, a.userId);
  }

  async deleteAccount(sdkAppId: number, userId: string): Promise<boolean> {
    this.accounts.forget(sdkAppId, userId);
    return this.stmt.deleteAccount.run(sdkAppId, userId).changes > 0;
  }

  // --- messages ---

  /**
   * One group commit: the sends one after another in one transaction, each with its own
   * prepared statements. (A writer that gave each table one statement for the whole batch,
   * fed a JSON array through json_each, was faster when a send made nine or more statements;
   * since the account cache and migration 6 it was slower at every batch size: see
   * docs/performance.md.)
   */
  async sendMessages(batch: NewMessage[]): Promise<SendOutcome[]> {
    return this.dropCacheOnFailure(() => this.sendTx(batch));
  }

  private appendEvent(sdkAppId: number, user: string, kind: UserEvent['kind'], peer: string, seq: number, data: object | null): number {
    const cursor = (this.stmt.headCursor.get(sdkAppId, user) as number) + 1;
    this.stmt.insertEvent.run(sdkAppId, user, cursor, kind, peer, pairKey(user, peer), seq, data === null ? null : JSON.stringify(data));
    return cursor;
  }

  /** One send inside the batch transaction; a resend (also of one earlier in the batch) answers with the stored message. */
  private sendOne(input: NewMessage): SendOutcome {
    const dup = this.stmt.messageByClientId.get(input.sdkAppId, input.from, input.clientMsgId) as MessageRow | undefined;
    if (dup) return { ok: true, message: toMessage(dup), duplicate: true, events: [] };
    const m = { ...input, cloudCustomData: wellFormed(input.cloudCustomData), fromNick: wellFormed(input.fromNick) };
    if (!this.accountRow(m.sdkAppId, m.to)) {
      if (!m.autoCreateRecipient) return { ok: false, code: 'MSG_RECIPIENT_NOT_FOUND' };
      this.ensureAccountSync(m.sdkAppId, m.to);
    }
    const key = pairKey(m.from, m.to);
    const seq = (this.stmt.lastSeq.get(m.sdkAppId, key) as number) + 1;
    const fromTinyId = this.accountRow(m.sdkAppId, m.from)?.tiny_id ?? 0;
    const info = this.stmt.insertMessage.run(
      m.sdkAppId, key, seq, m.from, m.to, m.random, m.time, m.clientSeq ?? seq, m.clientTime ?? m.time, fromTinyId, m.clientMsgId,
      JSON.stringify(m.body), m.cloudCustomData, m.fromNick,
    );
    const msgId = Number(info.lastInsertRowid);
    const message = storedMessageOf(m, msgId, seq, fromTinyId);
    const events: CommittedEvent[] = [];
    const toCursor = this.appendEvent(m.sdkAppId, m.to, 'msg', m.from, seq, null);
    events.push({ userId: m.to, event: { cursor: toCursor, kind: 'msg', peer: m.from, message } });
    this.stmt.upsertRecipientConv.run(m.sdkAppId, m.to, m.from, seq, m.time, m.noUnread ? null : toCursor, msgId);
    if (m.noUnread) this.stmt.markRecipientRead.run(seq, m.time, m.sdkAppId, m.to, m.from, seq - 1);
    this.stmt.upsertSenderConv.run(m.sdkAppId, m.from, m.to, seq, m.time, seq, m.time, msgId);
    if (m.syncToSender) {
      const fromCursor = this.appendEvent(m.sdkAppId, m.from, 'msg', m.to, seq, null);
      events.push({ userId: m.from, event: { cursor: fromCursor, kind: 'msg', peer: m.to, message } });
    }
    return { ok: true, message, duplicate: false, events };
  }

  async getMessage(sdkAppId: number, a: string, b: string, seq: number): Promise<StoredMessage | undefined> {
    const r = this.stmt.getMessage.get(sdkAppId, pairKey(a, b), seq) as MessageRow | undefined;
    return r && toMessage(r);
  }

  async getMessageByClientSeq(sdkAppId: number, a: string, b: string, clientSeq: number, random: number): Promise<StoredMessage | undefined> {
    const r = this.messageRowByClientSeq(sdkAppId, a, b, clientSeq, random);
    return r && toMessage(r);
  }

  /** The pair's message with this sender MsgSeq and MsgRandom; the lowest seq if several. */
  private messageRowByClientSeq(sdkAppId: number, a: string, b: string, clientSeq: number, random: number): MessageRow | undefined {
    const pair = pairKey(a, b);
    const key = `t${clientSeq}_${random}`;
    let best: MessageRow | undefined;
    for (const r of [
      this.stmt.getMessageByClientSeq.get(sdkAppId, pair, clientSeq, random),
      this.stmt.getMessageByTencentKey.get(sdkAppId, a, key, pair, clientSeq, random),
      a === b ? undefined : this.stmt.getMessageByTencentKey.get(sdkAppId, b, key, pair, clientSeq, random),
    ] as (MessageRow | undefined)[]) {
      if (r && (!best || r.seq < best.seq)) best = r;
    }
    return best;
  }

  async getHistory(sdkAppId: number, user: string, peer: string, beforeSeq: number | undefined, limit: number): Promise<StoredMessage[]> {
    const conv = this.stmt.getConversation.get(sdkAppId, user, peer) as ConversationRow | undefined;
    if (!conv) return [];
    const before = beforeSeq ?? Number.MAX_SAFE_INTEGER;
    return (this.stmt.history.all(sdkAppId, pairKey(user, peer), before, conv.cleared_seq, limit) as RawRow[]).map((v) => messageAt(v, 0));
  }

  async getPairHistory(
    sdkAppId: number,
    a: string,
    b: string,
    opts: { beforeSeq?: number; minTime?: number; maxTime?: number; limit: number },
  ): Promise<StoredMessage[]> {
    const rows = this.stmt.pairHistory.all(
      sdkAppId,
      pairKey(a, b),
      opts.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      opts.minTime ?? 0,
      opts.maxTime ?? Number.MAX_SAFE_INTEGER,
      opts.limit,
    ) as RawRow[];
    return rows.map((v) => messageAt(v, 0));
  }

  async countMessages(sdkAppId?: number): Promise<number> {
    const r = sdkAppId === undefined ? this.stmt.countMessages.get() : this.stmt.countAppMessages.get(sdkAppId);
    return (r as { n: number }).n;
  }

  // --- stream ---

  /** A row of readEvents/readBacklog: cursor, kind, peer_id, ev_seq, data, then MESSAGE_COLUMNS (null without a message). */
  private toEvent(v: RawRow): UserEvent {
    const cursor = v[0] as number;
    const peer = v[2] as string;
    const message = v[5] === null ? undefined : messageAt(v, 5);
    switch (v[1] as string) {
      case 'msg':
        return { cursor, kind: 'msg', peer, message: message! };
      case 'recall':
        return { cursor, kind: 'recall', peer, message: message! };
      case 'read': {
        const d = JSON.parse((v[4] as string | null) ?? '{}') as { reader: string; readTime: number };
        return { cursor, kind: 'read', peer, reader: d.reader, readSeq: v[3] as number, readTime: d.readTime };
      }
      default:
        return { cursor, kind: 'conv_deleted', peer };
    }
  }


  async readEvents(sdkAppId: number, user: string, after: number, limit: number): Promise<UserEvent[]> {
    return (this.stmt.readEvents.all(sdkAppId, user, after, limit) as RawRow[]).map((v) => this.toEvent(v));
  }

  async headCursor(sdkAppId: number, user: string): Promise<number> {
    return this.stmt.headCursor.get(sdkAppId, user) as number;
  }

  async readUnreadBacklog(sdkAppId: number, user: string, after: number, limit: number): Promise<Extract<UserEvent, { kind: 'msg' }>[]> {
    const start = (this.stmt.backlogStart.get(sdkAppId, user) as { c: number | null }).c;
    if (start === null) return [];
    const from = Math.max(after, start - 1);
    const rows = this.stmt.readBacklog.all(sdkAppId, user, from, limit) as RawRow[];
    return rows.map((v) => this.toEvent(v) as Extract<UserEvent, { kind: 'msg' }>);
  }

  // --- conversations ---

  private async toConversation(sdkAppId: number, user: string, r: ConversationRow): Promise<ConversationRecord> {
    const last = r.last_seq > r.cleared_seq ? await this.getMessage(sdkAppId, user, r.peer_id, r.last_seq) : undefined;
    return {
      peer: r.peer_id,
      lastSeq: r.last_seq,
      lastTime: r.last_time,
      readSeq: r.read_seq,
      peerReadSeq: r.peer_read_seq ?? 0,
      peerReadTime: r.peer_read_time ?? 0,
      unread: Math.max(0, r.last_seq - r.read_seq - r.unread_recalled),
      lastMessage: last,
    };
  }

  async listConversations(sdkAppId: number, user: string, opts: { offset: number; limit: number }): Promise<ConversationRecord[]> {
    const rows = this.stmt.listConversations.all(sdkAppId, user, opts.limit, opts.offset) as ConversationRow[];
    return Promise.all(rows.map((r) => this.toConversation(sdkAppId, user, r)));
  }

  async getConversation(sdkAppId: number, user: string, peer: string): Promise<ConversationRecord | undefined> {
    const r = this.stmt.getConversation.get(sdkAppId, user, peer) as ConversationRow | undefined;
    return r && this.toConversation(sdkAppId, user, r);
  }

  async markRead(sdkAppId: number, user: string, peer: string, upToSeq?: number): Promise<ReadOutcome> {
    return this.db.transaction((): ReadOutcome => {
      const c = this.stmt.getConversation.get(sdkAppId, user, peer) as ConversationRow | undefined;
      if (!c) return { readSeq: 0, readTime: 0, events: [] };
      const target = Math.min(upToSeq ?? c.last_seq, c.last_seq);
      if (target <= c.read_seq) return { readSeq: c.read_seq, readTime: c.read_time, events: [] };
      const msg = this.stmt.getMessage.get(sdkAppId, pairKey(user, peer), target) as MessageRow | undefined;
      const readTime = msg?.time ?? Math.floor(Date.now() / 1000);
      const recalledAfter = (this.stmt.countRecalledAfter.get(sdkAppId, pairKey(user, peer), peer, target) as { n: number }).n;
      this.stmt.setRead.run(target, readTime, target, recalledAfter, sdkAppId, user, peer);
      const data = { reader: user, readTime };
      const own = this.appendEvent(sdkAppId, user, 'read', peer, target, data);
      const receipt = this.appendEvent(sdkAppId, peer, 'read', user, target, data);
      return {
        readSeq: target,
        readTime,
        events: [
          { userId: user, event: { cursor: own, kind: 'read', peer, reader: user, readSeq: target, readTime } },
          { userId: peer, event: { cursor: receipt, kind: 'read', peer: user, reader: user, readSeq: target, readTime } },
        ],
      };
    })();
  }

  async recall(req: RecallRequest): Promise<RecallOutcome> {
    return this.db.transaction((): RecallOutcome => {
      const pair = pairKey(req.by, req.peer);
      const r = (
        req.seq !== undefined
          ? this.stmt.getMessage.get(req.sdkAppId, pair, req.seq)
          : req.clientSeq !== undefined && req.random !== undefined
            ? this.messageRowByClientSeq(req.sdkAppId, req.by, req.peer, req.clientSeq, req.random)
            : undefined
      ) as MessageRow | undefined;
      if (!r || (req.random !== undefined && r.random !== req.random)) return { ok: false, code: 'MSG_NOT_FOUND' };
      if (!req.asAdmin && r.from_id !== req.by) return { ok: false, code: 'MSG_NOT_SENDER' };
      if (r.recalled) return { ok: false, code: 'MSG_ALREADY_RECALLED' };
      if (!req.asAdmin && req.now - r.time > req.windowSeconds) return { ok: false, code: 'MSG_RECALL_WINDOW_PASSED' };
      this.stmt.setRecalled.run(r.id);
      // A recalled message the recipient has not read stops counting as unread.
      this.stmt.uncountRecalled.run(req.sdkAppId, r.to_id, r.from_id, r.seq);
      const message = { ...toMessage(r), recalled: true };
      const events: CommittedEvent[] = [];
      for (const [user, peer] of [
        [r.from_id, r.to_id],
        [r.to_id, r.from_id],
      ] as const) {
        const cursor = this.appendEvent(req.sdkAppId, user, 'recall', peer, r.seq, null);
        events.push({ userId: user, event: { cursor, kind: 'recall', peer, message } });
      }
      return { ok: true, message, events };
    })();
  }

  async deleteConversation(sdkAppId: number, user: string, peer: string): Promise<CommittedEvent[]> {
    return this.db.transaction((): CommittedEvent[] => {
      if (this.stmt.hideConversation.run(sdkAppId, user, peer).changes === 0) return [];
      const cursor = this.appendEvent(sdkAppId, user, 'conv_deleted', peer, 0, null);
      return [{ userId: user, event: { cursor, kind: 'conv_deleted', peer } }];
    })();
  }

  async totalUnread(sdkAppId: number, user: string): Promise<number> {
    return (this.stmt.totalUnread.get(sdkAppId, user) as { n: number }).n;
  }

  async getMessageByClientMsgId(sdkAppId: number, from: string, clientMsgId: string): Promise<StoredMessage | undefined> {
    const r = this.stmt.messageByClientId.get(sdkAppId, from, clientMsgId) as MessageRow | undefined;
    return r && toMessage(r);
  }

  // --- webhook outbox ---

  async enqueueWebhook(d: NewWebhookDelivery): Promise<number> {
    const info = this.stmt.enqueueWebhook.run(d.sdkAppId, d.command, JSON.stringify(d.query), d.body, d.createdAt, d.createdAt);
    return Number(info.lastInsertRowid);
  }

  async claimWebhooks(nowMs: number, limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
    const rows = this.stmt.claimWebhooks.all(nowMs + leaseMs, nowMs, limit) as Row[];
    return rows
      .map((r) => ({
        id: r.id as number,
        sdkAppId: r.sdk_app_id as number,
        command: r.command as string,
        query: JSON.parse(r.query as string) as Record<string, string>,
        body: r.body as string,
        createdAt: r.created_at as number,
        attempts: r.attempts as number,
        nextAttemptAt: r.next_attempt_at as number,
      }))
      .sort((a, b) => a.id - b.id);
  }

  async deleteWebhook(id: number): Promise<void> {
    this.stmt.deleteWebhook.run(id);
  }

  async retryWebhook(id: number, nextAttemptAt: number): Promise<void> {
    this.stmt.retryWebhook.run(nextAttemptAt, id);
  }

  async countWebhooks(sdkAppId?: number): Promise<number> {
    const r = sdkAppId === undefined ? this.stmt.countWebhooks.get() : this.stmt.countAppWebhooks.get(sdkAppId);
    return (r as { n: number }).n;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
