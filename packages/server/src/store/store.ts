/**
 * The Store seam: everything Parley keeps durably. Nothing outside store/ writes SQL.
 *
 * Promises made by every implementation (checked by store.contract.ts):
 * - Every method is scoped to one app (sdkAppId); no call reads or writes another app's rows.
 * - `sendMessages` commits each accepted message, its conversation sequence, both users'
 *   conversation rows and both users' stream events in ONE transaction per batch (group
 *   commit). A message's sequence is allocated inside that transaction, never in memory, so
 *   several server nodes can share one store. Resolution of the promise means "committed".
 * - Per user, event cursors increase by exactly 1 per event, in commit order.
 * - Per conversation (pair of users), sequences increase by exactly 1 per message.
 */
import type { MsgElem } from '@parley/protocol';

/** Per-app policies, stored with the app. */
export interface AppOptions {
  /** How many concurrent web (and mini-program) instances one account may have. Tencent's default: 1. */
  webInstances: number;
  /** How many concurrent instances per other platform class. Tencent's default: 1. */
  otherInstances: number;
  /** Create the recipient account on first message instead of refusing. */
  autoCreateAccounts: boolean;
  /** Where and how to call the app's webhooks (Tencent's "third-party callbacks"); absent = none. */
  callback?: CallbackConfig;
}

/** Webhook settings of one app (see webhooks/config.ts for defaults and checks). */
export interface CallbackConfig {
  /** http(s) URL the callbacks are POSTed to. */
  url: string;
  /** CallbackCommand names to send, e.g. "C2C.CallbackAfterSendMsg". */
  events: string[];
  /** How long a call may take, milliseconds. */
  timeoutMs: number;
  /** When the before-send callback fails or times out: refuse the message (true) or deliver it (false). */
  failClosed: boolean;
  /** Optional Tencent-style auth token: adds `Sign=sha256(token + RequestTime)` to the query. */
  token?: string;
}

export const DEFAULT_APP_OPTIONS: AppOptions = { webInstances: 1, otherInstances: 1, autoCreateAccounts: false };

export interface AppRecord {
  sdkAppId: number;
  secretKey: string;
  name: string;
  adminIdentifier: string;
  /** Unix seconds. */
  createdAt: number;
  options: AppOptions;
}

export interface AccountRecord {
  sdkAppId: number;
  userId: string;
  /** Small numeric id handed to clients as TinyId. */
  tinyId: number;
  nick: string;
  faceUrl: string;
  /** Unix seconds. */
  createdAt: number;
  /** UserSigs generated at or before this unix time are refused (REST kick). 0 = none. */
  sigsValidAfter: number;
  /** Other profile tags (Tag_Profile_IM_Gender, Tag_Profile_Custom_*, …). */
  profile: Record<string, string | number>;
}

/** A message as the client or admin asked to send it. */
export interface NewMessage {
  sdkAppId: number;
  from: string;
  to: string;
  random: number;
  /** Idempotency key, unique per sender: a repeat returns the first result. */
  clientMsgId: string;
  /** Server time, unix seconds. */
  time: number;
  /** The sender's own MsgSeq (Tencent's wire MsgSeq); defaults to the conversation seq. */
  clientSeq?: number;
  /** The sender's clock at send (MsgClientTime), unix seconds; defaults to `time`. */
  clientTime?: number;
  body: MsgElem[];
  cloudCustomData: string;
  /** Sender's nick at send time, shown to the recipient. */
  fromNick: string;
  /** Also record the message in the sender's stream (so its other devices get it). */
  syncToSender: boolean;
  /** Create the recipient account when it does not exist (app option) instead of refusing. */
  autoCreateRecipient: boolean;
  /** The message does not count as unread for the recipient (REST SendMsgControl "NoUnread"). */
  noUnread?: boolean;
}

export interface StoredMessage {
  /** Server id, unique across the store. */
  id: string;
  sdkAppId: number;
  from: string;
  to: string;
  /** Conversation sequence: +1 per message of the pair, gap-free. */
  seq: number;
  random: number;
  time: number;
  /** The sender's own MsgSeq, which Tencent's clients use to match messages. */
  clientSeq: number;
  clientTime: number;
  /** The sender's TinyId at send time (Tencent's clients build message IDs from it). */
  fromTinyId: number;
  clientMsgId: string;
  body: MsgElem[];
  cloudCustomData: string;
  fromNick: string;
  recalled: boolean;
}

/** One entry of a user's ordered event stream. `cursor` increases by 1 per event. */
export type UserEvent =
  | { cursor: number; kind: 'msg'; peer: string; message: StoredMessage }
  /** `reader` read the conversation up to `readSeq`: the user itself (another device) or the peer (receipt). */
  | { cursor: number; kind: 'read'; peer: string; reader: string; readSeq: number; readTime: number }
  | { cursor: number; kind: 'recall'; peer: string; message: StoredMessage }
  | { cursor: number; kind: 'conv_deleted'; peer: string };

/** Events to hand to the Bus after a commit, keyed by the user whose stream they joined. */
export interface CommittedEvent {
  userId: string;
  event: UserEvent;
}

export type SendOutcome =
  | { ok: true; message: StoredMessage; duplicate: boolean; events: CommittedEvent[] }
  | { ok: false; code: 'MSG_RECIPIENT_NOT_FOUND' | 'ACCOUNT_NOT_FOUND' };

export interface ConversationRecord {
  peer: string;
  lastSeq: number;
  /** Unix seconds of the last message. */
  lastTime: number;
  readSeq: number;
  /** How far the peer has read this conversation. */
  peerReadSeq: number;
  peerReadTime: number;
  /** Messages received after the read cursor that were not recalled (last seq − read seq − recalled after it). */
  unread: number;
  lastMessage: StoredMessage | undefined;
}

export interface RecallRequest {
  sdkAppId: number;
  /** The user asking (must be the sender unless `asAdmin`). */
  by: string;
  peer: string;
  /** The message by conversation seq … */
  seq?: number;
  /** … or by the sender's MsgSeq plus MsgRandom (how Tencent's clients name it). */
  clientSeq?: number;
  /** When given, must match the stored message (MsgKey check). */
  random?: number;
  now: number;
  /** Seconds after sending during which the sender may recall; ignored for admins. */
  windowSeconds: number;
  asAdmin: boolean;
}

export type RecallOutcome =
  | { ok: true; message: StoredMessage; events: CommittedEvent[] }
  | { ok: false; code: 'MSG_NOT_FOUND' | 'MSG_ALREADY_RECALLED' | 'MSG_RECALL_WINDOW_PASSED' | 'MSG_NOT_SENDER' };

export interface ReadOutcome {
  readSeq: number;
  readTime: number;
  /** Empty when nothing moved (already read that far). */
  events: CommittedEvent[];
}

export interface Store {
  // --- apps ---
  createApp(app: AppRecord): Promise<void>;
  getApp(sdkAppId: number): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  updateApp(app: AppRecord): Promise<void>;

  // --- accounts ---
  /** Return the account, creating it (with `nick`) when absent. */
  ensureAccount(sdkAppId: number, userId: string, nick?: string): Promise<AccountRecord>;
  getAccount(sdkAppId: number, userId: string): Promise<AccountRecord | undefined>;
  /**
   * The account when the store can read it without waiting, else undefined (then ask
   * getAccount). Optional. Every WebSocket send reads its sender's current nick, and a
   * promise per message is a measurable part of a send's cost.
   */
  peekAccount?(sdkAppId: number, userId: string): AccountRecord | undefined;
  /** Accounts ordered by userId; `search` matches a substring of the userId or nick. */
  listAccounts(sdkAppId: number, opts: { search?: string; offset: number; limit: number }): Promise<AccountRecord[]>;
  countAccounts(sdkAppId: number): Promise<number>;
  updateAccount(account: AccountRecord): Promise<void>;
  /** Delete the account row; messages stay for their peers. Returns false when absent. */
  deleteAccount(sdkAppId: number, userId: string): Promise<boolean>;

  // --- messages ---
  /** Commit a batch of sends in one transaction; outcomes in input order. */
  sendMessages(batch: NewMessage[]): Promise<SendOutcome[]>;
  getMessage(sdkAppId: number, a: string, b: string, seq: number): Promise<StoredMessage | undefined>;
  /** The message of the pair with this sender MsgSeq and MsgRandom (Tencent's MsgKey parts). */
  getMessageByClientSeq(sdkAppId: number, a: string, b: string, clientSeq: number, random: number): Promise<StoredMessage | undefined>;
  /** Messages of the pair (user, peer) with seq < beforeSeq (or the newest), newest first, hiding what `user` cleared. */
  getHistory(sdkAppId: number, user: string, peer: string, beforeSeq: number | undefined, limit: number): Promise<StoredMessage[]>;
  /** History of a pair for an admin, ignoring either side's clearing, newest first. */
  getPairHistory(sdkAppId: number, a: string, b: string, opts: { beforeSeq?: number; minTime?: number; maxTime?: number; limit: number }): Promise<StoredMessage[]>;
  countMessages(sdkAppId?: number): Promise<number>;
  /** The message `from` sent with this idempotency key, if any. */
  getMessageByClientMsgId(sdkAppId: number, from: string, clientMsgId: string): Promise<StoredMessage | undefined>;

  // --- the per-user stream ---
  /** Events of `user` with cursor > after, ascending, at most `limit`. */
  readEvents(sdkAppId: number, user: string, after: number, limit: number): Promise<UserEvent[]>;
  /** The user's newest cursor (0 when the stream is empty). */
  headCursor(sdkAppId: number, user: string): Promise<number>;
  /** Message events of messages `user` has received and not read, cursor > after, ascending. */
  readUnreadBacklog(sdkAppId: number, user: string, after: number, limit: number): Promise<Extract<UserEvent, { kind: 'msg' }>[]>;

  // --- conversations, read, recall ---
  listConversations(sdkAppId: number, user: string, opts: { offset: number; limit: number }): Promise<ConversationRecord[]>;
  getConversation(sdkAppId: number, user: string, peer: string): Promise<ConversationRecord | undefined>;
  /** Move `user`'s read cursor in the conversation with `peer` to `upToSeq` (default: last). Never moves backwards. */
  markRead(sdkAppId: number, user: string, peer: string, upToSeq?: number): Promise<ReadOutcome>;
  recall(req: RecallRequest): Promise<RecallOutcome>;
  /** Hide the conversation and its history for `user` only. */
  deleteConversation(sdkAppId: number, user: string, peer: string): Promise<CommittedEvent[]>;
  /** Sum of `user`'s unread counts over all conversations. */
  totalUnread(sdkAppId: number, user: string): Promise<number>;

  // --- webhook outbox (after-events; at-least-once delivery) ---
  /** Append a delivery, due at once; returns its id. */
  enqueueWebhook(delivery: NewWebhookDelivery): Promise<number>;
  /**
   * Take up to `limit` deliveries due at `nowMs` (oldest first, any app) and push their due
   * time to `nowMs + leaseMs`, atomically, so nodes sharing the store do not send the same
   * one at once. A node that dies mid-delivery leaves it to be retried when the lease ends.
   */
  claimWebhooks(nowMs: number, limit: number, leaseMs: number): Promise<WebhookDelivery[]>;
  /** Forget a delivery (sent, or given up). */
  deleteWebhook(id: number): Promise<void>;
  /** Record a failed attempt: attempts + 1, next try at `nextAttemptAt` (ms). */
  retryWebhook(id: number, nextAttemptAt: number): Promise<void>;
  /** Deliveries still waiting, of one app or all. */
  countWebhooks(sdkAppId?: number): Promise<number>;

  close(): Promise<void>;
}

/** An after-event webhook call waiting in the durable outbox. */
export interface NewWebhookDelivery {
  sdkAppId: number;
  /** Tencent's CallbackCommand. */
  command: string;
  /** Query parameters besides the ones every call carries (OptPlatform, ClientIP). */
  query: Record<string, string>;
  /** The JSON body exactly as it will be sent (and signed) on every attempt. */
  body: string;
  /** Milliseconds since epoch. */
  createdAt: number;
}

export interface WebhookDelivery extends NewWebhookDelivery {
  id: number;
  /** Failed attempts so far. */
  attempts: number;
  /** Milliseconds since epoch when the next attempt is due. */
  nextAttemptAt: number;
}

/** The key of a pair of users: order-independent, so both directions share one conversation. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}
