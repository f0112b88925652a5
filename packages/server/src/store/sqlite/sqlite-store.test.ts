import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { describeStoreContract } from '../store.contract.ts';
import { describeWebhookStoreContract } from '../store.webhooks.contract.ts';
import { MIGRATIONS } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
let files = 0;
const tempFile = () => join(dir, `store-${++files}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract('SqliteStore (file)', () => new SqliteStore({ path: tempFile() }));
describeStoreContract('SqliteStore (:memory:)', () => new SqliteStore({ path: ':memory:' }));
describeWebhookStoreContract('SqliteStore (file)', () => new SqliteStore({ path: tempFile() }));

describe('SqliteStore', () => {
  const open: SqliteStore[] = [];
  const openStore = (path: string, synchronous?: 'full' | 'normal') => {
    const s = new SqliteStore({ path, ...(synchronous && { synchronous }) });
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  /** Read a pragma from a second connection to the same file, as an operator would. */
  function pragma(path: string, name: string): unknown {
    const db = new Database(path, { readonly: true });
    try {
      return db.pragma(name, { simple: true });
    } finally {
      db.close();
    }
  }

  it('sees an app changed by another connection to the same file, and keeps its own copy safe from callers', async () => {
    const path = tempFile();
    const server = openStore(path);
    const cli = openStore(path);
    const app = { sdkAppId: 1_400_000_009, secretKey: 'k'.repeat(64), name: 'a', adminIdentifier: 'administrator', createdAt: 1, options: { webInstances: 1, otherInstances: 1, autoCreateAccounts: false } };
    await server.createApp(app);
    expect((await server.getApp(app.sdkAppId))?.options.callback).toBeUndefined();
    // As `parley callback` does from its own process while the server runs.
    const callback = { url: 'https://example.com/cb', events: ['C2C.CallbackAfterSendMsg'], timeoutMs: 2000, failClosed: false };
    await cli.updateApp({ ...app, options: { ...app.options, callback } });
    // The server looks for other writers once per turn of the event loop.
    await new Promise((r) => setImmediate(r));
    expect((await server.getApp(app.sdkAppId))?.options.callback).toEqual(callback);
    // The server's own writes are seen at once too.
    await server.updateApp({ ...app, name: 'renamed' });
    expect((await server.getApp(app.sdkAppId))?.name).toBe('renamed');
    expect((await cli.getApp(app.sdkAppId))?.name).toBe('renamed');

    const copy = (await server.getApp(app.sdkAppId))!;
    copy.name = 'changed by a caller';
    copy.options.autoCreateAccounts = true;
    expect(await server.getApp(app.sdkAppId)).toMatchObject({ name: 'renamed', options: { autoCreateAccounts: false } });
    await server.updateApp({ ...app, options: { ...app.options, callback } });
    const withCallback = (await server.getApp(app.sdkAppId))!;
    expect(() => withCallback.options.callback!.events.push('x')).toThrow(TypeError);
    expect(await server.getApp(999)).toBeUndefined();
  });

  /** Put back what migration 6 removed, with the counters as schema 5 kept them. */
  function backToSchema5(db: Database.Database): void {
    db.exec(`
      CREATE TABLE pairs (sdk_app_id INTEGER NOT NULL, pair_key TEXT NOT NULL, last_seq INTEGER NOT NULL, PRIMARY KEY (sdk_app_id, pair_key)) WITHOUT ROWID;
      INSERT INTO pairs SELECT sdk_app_id, pair_key, MAX(seq) FROM messages GROUP BY sdk_app_id, pair_key;
      CREATE TABLE user_streams (sdk_app_id INTEGER NOT NULL, user_id TEXT NOT NULL, last_cursor INTEGER NOT NULL, PRIMARY KEY (sdk_app_id, user_id)) WITHOUT ROWID;
      INSERT INTO user_streams SELECT sdk_app_id, user_id, MAX(cursor) FROM events GROUP BY sdk_app_id, user_id;
      CREATE INDEX user_conversations_by_activity ON user_conversations (sdk_app_id, user_id, hidden, last_time DESC, last_msg_id DESC);
      PRAGMA user_version = 5;
    `);
  }

  it('moves a database from schema 5 to 6: sequences and cursors continue from the stored messages and events', async () => {
    const path = tempFile();
    const store = openStore(path);
    for (const u of ['alice', 'bob', 'carol']) await store.ensureAccount(1, u);
    const base = { sdkAppId: 1, time: 10, body: [], cloudCustomData: '', fromNick: '', syncToSender: true, autoCreateRecipient: false };
    await store.sendMessages([
      { ...base, from: 'alice', to: 'bob', clientMsgId: 'a1', random: 1 },
      { ...base, from: 'bob', to: 'alice', clientMsgId: 'b1', random: 2 },
      { ...base, from: 'alice', to: 'carol', clientMsgId: 'a2', random: 3, time: 11 },
    ]);
    await store.markRead(1, 'bob', 'alice');
    const heads = { alice: await store.headCursor(1, 'alice'), bob: await store.headCursor(1, 'bob') };
    expect(heads.alice).toBeGreaterThanOrEqual(3);
    await store.close();
    const db = new Database(path);
    backToSchema5(db);
    db.close();

    const upgraded = openStore(path);
    expect(pragma(path, 'user_version')).toBe(MIGRATIONS.length);
    const check = new Database(path, { readonly: true });
    try {
      const names = (check.prepare(`SELECT name FROM sqlite_schema WHERE name IN ('pairs', 'user_streams', 'user_conversations_by_activity')`).all() as unknown[]).length;
      expect(names).toBe(0);
    } finally {
      check.close();
    }
    // The pair alice-bob is at seq 2; each stream's head is where it was.
    expect({ alice: await upgraded.headCursor(1, 'alice'), bob: await upgraded.headCursor(1, 'bob') }).toEqual(heads);
    const [next, viaOne] = await upgraded.sendMessages([
      { ...base, from: 'bob', to: 'alice', clientMsgId: 'b2', random: 4, time: 12 },
      { ...base, from: 'alice', to: 'bob', clientMsgId: 'b2-repeat-key', random: 5, time: 12, noUnread: true },
    ]);
    expect(next).toMatchObject({ ok: true, message: { seq: 3 } });
    expect(viaOne).toMatchObject({ ok: true, message: { seq: 4 } });
    expect((await upgraded.readEvents(1, 'alice', heads.alice, 10)).map((e) => e.cursor)).toEqual([heads.alice + 1, heads.alice + 2]);
    expect((await upgraded.readEvents(1, 'bob', heads.bob, 10)).map((e) => e.cursor)).toEqual([heads.bob + 1, heads.bob + 2]);
    // Conversations still come newest first without their index.
    expect((await upgraded.listConversations(1, 'alice', { offset: 0, limit: 10 })).map((c) => c.peer)).toEqual(['bob', 'carol']);
  });

  it('moves a database with messages from schema 4 to the partial MsgKey index of schema 5', async () => {
    const path = tempFile();
    const store = openStore(path);
    await store.ensureAccount(1, 'alice');
    await store.ensureAccount(1, 'bob');
    const base = { sdkAppId: 1, from: 'alice', to: 'bob', time: 10, body: [], cloudCustomData: '', fromNick: '', syncToSender: true, autoCreateRecipient: false };
    await store.sendMessages([
      { ...base, clientMsgId: 't5_1', clientSeq: 5, random: 1 },
      { ...base, clientMsgId: 'own-id', clientSeq: 6, random: 2 },
    ]);
    await store.close();
    // Back to schema 4 as it was: the full index.
    const db = new Database(path);
    backToSchema5(db);
    db.exec('DROP INDEX messages_by_client_seq; CREATE INDEX messages_by_client_seq ON messages (sdk_app_id, pair_key, client_seq, random); PRAGMA user_version = 4');
    db.close();

    const upgraded = openStore(path);
    expect(pragma(path, 'user_version')).toBe(MIGRATIONS.length);
    expect((await upgraded.getMessageByClientSeq(1, 'bob', 'alice', 5, 1))?.clientMsgId).toBe('t5_1');
    expect((await upgraded.getMessageByClientSeq(1, 'bob', 'alice', 6, 2))?.clientMsgId).toBe('own-id');
    const check = new Database(path, { readonly: true });
    try {
      // Only the message whose key is not the Tencent form is in the index now.
      expect(check.prepare(`SELECT COUNT(*) AS n FROM messages INDEXED BY messages_by_client_seq WHERE client_msg_id <> 't' || client_seq || '_' || random`).get()).toEqual({ n: 1 });
    } finally {
      check.close();
    }
  });

  it('keeps its data and schema version across close and reopen', async () => {
    const path = tempFile();
    const first = openStore(path);
    await first.createApp({ sdkAppId: 1_400_000_001, secretKey: 'k'.repeat(64), name: 'a', adminIdentifier: 'administrator', createdAt: 1, options: { webInstances: 1, otherInstances: 1, autoCreateAccounts: false } });
    const alice = await first.ensureAccount(1_400_000_001, 'alice');
    await first.ensureAccount(1_400_000_001, 'bob');
    await first.sendMessages([
      { sdkAppId: 1_400_000_001, from: 'alice', to: 'bob', random: 1, clientMsgId: 'c1', time: 10, body: [], cloudCustomData: '', fromNick: '', syncToSender: true, autoCreateRecipient: false },
    ]);
    await first.close();

    // Reopening runs the migrations again; they must find nothing to do.
    for (let i = 0; i < 2; i++) {
      const again = openStore(path);
      expect(pragma(path, 'user_version')).toBe(MIGRATIONS.length);
      expect((await again.getApp(1_400_000_001))?.name).toBe('a');
      expect(await again.getAccount(1_400_000_001, 'alice')).toEqual(alice);
      expect(await again.countMessages()).toBe(1);
      expect(await again.headCursor(1_400_000_001, 'bob')).toBe(1);
      await again.close();
    }

    // Sequences, cursors and tinyIds continue where they stopped.
    const last = openStore(path);
    const [outcome] = await last.sendMessages([
      { sdkAppId: 1_400_000_001, from: 'bob', to: 'alice', random: 2, clientMsgId: 'c2', time: 11, body: [], cloudCustomData: '', fromNick: '', syncToSender: true, autoCreateRecipient: false },
    ]);
    expect(outcome).toMatchObject({ ok: true, message: { seq: 2 } });
    expect(await last.headCursor(1_400_000_001, 'bob')).toBe(2);
    expect((await last.ensureAccount(1_400_000_001, 'carol')).tinyId).toBeGreaterThan(alice.tinyId);
  });

  it('puts a file database in WAL mode', () => {
    const path = tempFile();
    openStore(path);
    expect(pragma(path, 'journal_mode')).toBe('wal');
  });

  it('keeps temporary files, the statement journals of a group commit among them, in memory', () => {
    const spy = vi.spyOn(Database.prototype, 'pragma');
    try {
      openStore(tempFile());
      const connection = spy.mock.contexts[0] as Database.Database;
      spy.mockRestore();
      expect(connection.pragma('temp_store', { simple: true })).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    [undefined, 2],
    ['full', 2],
    ['normal', 1],
  ] as const)('applies synchronous=%s (PRAGMA synchronous reads %i)', (mode, expected) => {
    // `synchronous` belongs to one connection and cannot be read from another, so catch the
    // store's own connection as it configures itself and ask it.
    const spy = vi.spyOn(Database.prototype, 'pragma');
    try {
      openStore(tempFile(), mode);
      const connection = spy.mock.contexts[0] as Database.Database;
      expect(spy.mock.calls.some(([source]) => /^synchronous\s*=/i.test(source))).toBe(true);
      spy.mockRestore();
      expect(connection.pragma('synchronous', { simple: true })).toBe(expected);
    } finally {
      spy.mockRestore();
    }
  });
});
