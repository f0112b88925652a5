/**
 * Versioned schema for the SQLite store. Each entry runs once, in order, inside a
 * transaction; `PRAGMA user_version` records how many have run. Never edit a shipped
 * entry: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: apps, accounts, messages, conversations and per-user event streams.
  `
  CREATE TABLE apps (
    sdk_app_id INTEGER PRIMARY KEY,
    secret_key TEXT NOT NULL,
    name TEXT NOT NULL,
    admin_identifier TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    options TEXT NOT NULL
  );
  CREATE TABLE counters (
    sdk_app_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (sdk_app_id, name)
  ) WITHOUT ROWID;
  CREATE TABLE accounts (
    sdk_app_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    tiny_id INTEGER NOT NULL,
    nick TEXT NOT NULL DEFAULT '',
    face_url TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sigs_valid_after INTEGER NOT NULL DEFAULT 0,
    profile TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (sdk_app_id, user_id)
  ) WITHOUT ROWID;
  -- One row per conversation (pair of users): the sequence allocator.
  CREATE TABLE pairs (
    sdk_app_id INTEGER NOT NULL,
    pair_key TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (sdk_app_id, pair_key)
  ) WITHOUT ROWID;
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    sdk_app_id INTEGER NOT NULL,
    pair_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    random INTEGER NOT NULL,
    time INTEGER NOT NULL,
    -- Tencent's wire MsgSeq of a C2C message is the sender's own sequence; clients match
    -- messages (dedupe, recall) on it, so it is kept beside Parley's conversation seq.
    client_seq INTEGER NOT NULL,
    client_time INTEGER NOT NULL,
    from_tiny_id INTEGER NOT NULL DEFAULT 0,
    client_msg_id TEXT NOT NULL,
    body TEXT NOT NULL,
    cloud_custom_data TEXT NOT NULL DEFAULT '',
    from_nick TEXT NOT NULL DEFAULT '',
    recalled INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX messages_by_pair_seq ON messages (sdk_app_id, pair_key, seq);
  CREATE UNIQUE INDEX messages_by_client_id ON messages (sdk_app_id, from_id, client_msg_id);
  CREATE INDEX messages_by_client_seq ON messages (sdk_app_id, pair_key, client_seq, random);
  -- One row per (user, peer): what this user sees of the conversation.
  CREATE TABLE user_conversations (
    sdk_app_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    peer_id TEXT NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    last_time INTEGER NOT NULL DEFAULT 0,
    read_seq INTEGER NOT NULL DEFAULT 0,
    read_time INTEGER NOT NULL DEFAULT 0,
    cleared_seq INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    -- Stream cursor of the oldest unread received message, so the unread backlog is found without a scan.
    first_unread_cursor INTEGER,
    PRIMARY KEY (sdk_app_id, user_id, peer_id)
  ) WITHOUT ROWID;
  CREATE INDEX user_conversations_by_activity ON user_conversations (sdk_app_id, user_id, hidden, last_time DESC, last_seq DESC);
  CREATE TABLE user_streams (
    sdk_app_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    last_cursor INTEGER NOT NULL,
    PRIMARY KEY (sdk_app_id, user_id)
  ) WITHOUT ROWID;
  CREATE TABLE events (
    sdk_app_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    cursor INTEGER NOT NULL,
    kind TEXT NOT NULL,
    peer_id TEXT NOT NULL,
    pair_key TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    data TEXT,
    PRIMARY KEY (sdk_app_id, user_id, cursor)
  ) WITHOUT ROWID;
  `,
  // 2: the durable outbox of webhook after-events.
  `
  CREATE TABLE webhook_outbox (
    id INTEGER PRIMARY KEY,
    sdk_app_id INTEGER NOT NULL,
    command TEXT NOT NULL,
    query TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL
  );
  CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at, id);
  `,
  // 3: conversation activity order. Timestamps have one-second resolution, so two
  // conversations that moved in the same second are ordered by their last message's id,
  // which grows in commit order.
  `
  ALTER TABLE user_conversations ADD COLUMN last_msg_id INTEGER NOT NULL DEFAULT 0;
  DROP INDEX user_conversations_by_activity;
  CREATE INDEX user_conversations_by_activity ON user_conversations (sdk_app_id, user_id, hidden, last_time DESC, last_msg_id DESC);
  `,
  // 4: recalled messages no longer count as unread. unread = last_seq - read_seq - unread_recalled,
  // where unread_recalled counts the recalled messages after the read cursor.
  `
  ALTER TABLE user_conversations ADD COLUMN unread_recalled INTEGER NOT NULL DEFAULT 0;
  `,
  // 5: a message whose idempotency key is Tencent's own "t<MsgSeq>_<MsgRandom>" is found by
  // its MsgKey through messages_by_client_id; only the others need this index. Tencent's SDKs
  // send almost all messages, and each index a message lands in costs every commit a page.
  `
  DROP INDEX messages_by_client_seq;
  CREATE INDEX messages_by_client_seq ON messages (sdk_app_id, pair_key, client_seq, random)
    WHERE client_msg_id <> 't' || client_seq || '_' || random;
  `,
  // 6: fewer B-trees written per message. Every B-tree a commit touches costs it at least one
  // page in the WAL, and a small commit touched about ten. A pair's last sequence is the
  // highest seq of its messages and a user's last cursor the highest cursor of their events
  // (neither is ever deleted), so the counter tables go; a user's conversations are few
  // enough to sort when listed, so their activity index goes.
  `
  DROP TABLE pairs;
  DROP TABLE user_streams;
  DROP INDEX user_conversations_by_activity;
  `,
];
