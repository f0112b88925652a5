/**
 * The C2C rules, protocol-agnostic: every door (WebSocket, HTTP long-poll, REST admin) calls
 * these methods and translates the results into its own wire shapes.
 *
 * Durability and order: a send resolves only after its batch committed; only then are its
 * events published on the Bus, per user in cursor order. A client that misses a publish
 * finds the event again through `sync`, because every event is in the user's stream.
 */
import { crc32 } from 'node:zlib';
import { ImError, PushCmd, type MsgElem } from '@parley/protocol';
import type { Bus } from '../bus/bus.ts';
import { userTopic } from '../bus/bus.ts';
import type { ServerConfig } from '../config.ts';
import type {
  AppRecord,
  CommittedEvent,
  ConversationRecord,
  ReadOutcome,
  SendOutcome,
  Store,
  StoredMessage,
  UserEvent,
} from '../store/store.ts';
import { GroupCommit } from './group-commit.ts';
import { EventPublisher } from './event-publisher.ts';
import { SyncReadAhead } from './sync-read-ahead.ts';
import { RateLimiter } from './rate-limit.ts';
import { contentBytes, normaliseMsgBody } from './validate.ts';
import { decodeSyncCookie, encodeSyncCookie } from './sync-cookie.ts';
import { checkUserId } from '../session/auth.ts';

export interface SendInput {
  to: unknown;
  random: unknown;
  /** Client idempotency key; derived from the client's MsgSeq+MsgRandom when absent. */
  clientMsgId: string;
  /** The sender's own MsgSeq (uint32), kept for Tencent's clients; defaults to the conversation seq. */
  clientSeq?: number;
  /** The sender's clock (MsgClientTime). */
  clientTime?: number;
  body: unknown;
  cloudCustomData?: unknown;
  fromNick?: string;
  /** Record the message in the sender's stream too (default true). */
  syncToSender?: boolean;
  noUnread?: boolean;
  /**
   * For senders that do not make `clientMsgId` unique per message (Tencent's REST sendmsg):
   * the key is combined with a hash of the content, and a repeat within this many seconds
   * returns the first message instead of sending again.
   */
  dedupeWindowSeconds?: number;
  /** Tencent's MsgLifeTime 0: for online sessions only, so it is neither unread nor in the offline backlog. */
  onlineOnly?: boolean;
}

export interface SendOptions {
  /** The instance that sent it: it gets the ack, not a push of its own message. */
  originInstId?: string;
  /** Client sends are rate-limited per user; the admin API has its own limit. */
  rateLimit: boolean;
  /** Where the send came from, for webhooks: Tencent's OptPlatform name ("RESTAPI", "Web", …). */
  platform?: string;
  /** The caller's IP address, for webhooks. */
  clientIp?: string;
  /** Do not run the before-send hook (Tencent's ForbidBeforeSendMsgCallback; batchsendmsg). */
  skipBeforeSend?: boolean;
  /** Tell after-commit hooks not to fire the after-send callback (ForbidAfterSendMsgCallback; batchsendmsg). */
  skipAfterSend?: boolean;
}

export interface SendResult {
  message: StoredMessage;
  duplicate: boolean;
  /** The sender's stream cursor of this message, when it was recorded there. */
  senderCursor: number | undefined;
  /** The before-send hook dropped the message silently: nothing was stored or delivered. */
  dropped?: boolean;
}

/** A message about to be committed, as the before-send hook sees it. */
export interface SendDraft {
  from: string;
  to: string;
  random: number;
  /** The sender's MsgSeq when it gave one (Tencent's MsgKey is built from it). */
  clientSeq: number | undefined;
  time: number;
  body: MsgElem[];
  cloudCustomData: string;
  onlineOnly: boolean;
}

/** What the before-send hook decided: nothing (deliver as is), new content, or a silent drop. Rejections are thrown as ImError. */
export type BeforeSendVerdict = { body?: MsgElem[]; cloudCustomData?: string; drop?: boolean } | void;

/** Hook run before a send is committed (webhooks): may reject, drop or rewrite the message. */
export interface BeforeSendHook {
  (app: AppRecord, draft: SendDraft, opts: SendOptions): Promise<BeforeSendVerdict>;
  /**
   * True when the hook would let the app's sends through untouched and this is known without
   * waiting (the app has no such callback): such a send skips the hook and its turn-taking.
   */
  idleFor?(sdkAppId: number): boolean;
}

/** Facts about a committed change that hooks may need besides the message (webhooks). */
export interface CommitInfo {
  platform?: string;
  clientIp?: string;
  onlineOnly?: boolean;
  skipAfterSend?: boolean;
}

/** Hook run after commit (webhooks, metrics). Must not throw. */
export type AfterCommitHook = (app: AppRecord, kind: 'send' | 'recall' | 'read', message: StoredMessage | undefined, events: CommittedEvent[], info: CommitInfo) => void;

export interface SyncPage {
  events: UserEvent[];
  cookie: string;
  /** True when the client is up to date (Tencent's SyncFlag 2). */
  complete: boolean;
}

const SYNC_PAGE = 100;
const MAX_RANDOM = 0xffffffff;

/** The cursor of `user`'s own event among committed events: what the acting client is told, so it sees no gap. */
function cursorOf(events: readonly CommittedEvent[], user: string): number | undefined {
  return events.find((e) => e.userId === user)?.event.cursor;
}

export class Messaging {
  private readonly commit: GroupCommit;
  private readonly events: EventPublisher;
  private readonly sendLimiter: RateLimiter;
  private readonly readAhead = new SyncReadAhead((sdkAppId, user, cookie) => this.readPage(sdkAppId, user, cookie));
  beforeSend: BeforeSendHook | undefined;
  readonly afterCommit: AfterCommitHook[] = [];
  /** A Bus publish failed: nothing is lost (clients pull from their cursor), so it is only reported. */
  onPublishError: (err: unknown) => void = () => {};
  /** Per-sender tail of sends in flight, used while a before-send hook is set (see send). */
  private readonly senderTails = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly config: ServerConfig,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.events = new EventPublisher(bus, (err) => this.onPublishError(err));
    this.commit = new GroupCommit(store, (batch, outcomes) =>
      outcomes.forEach((o, i) => o.ok && this.publish(batch[i]!.message.sdkAppId, o.events, batch[i]!.message.from, batch[i]!.origin)),
    );
    this.sendLimiter = new RateLimiter(config.sendRatePerSecond, config.sendBurst);
  }

  /** Send a C2C message from `from`; resolves after commit. */
  async send(app: AppRecord, from: string, input: SendInput, opts: SendOptions): Promise<SendResult> {
    if (input.to === undefined || input.to === null || input.to === '') throw new ImError('MSG_TO_ACCOUNT_MISSING');
    if (typeof input.to !== 'string') throw new ImError('REQ_INVALID_PARAM', 'To_Account must be a string');
    checkUserId(input.to);
    if (input.to === from) throw new ImError('REQ_INVALID_PARAM', 'To_Account must differ from the sender');
    const random = input.random === undefined ? Math.floor(Math.random() * MAX_RANDOM) : input.random;
    if (!Number.isInteger(random) || (random as number) < 0 || (random as number) > MAX_RANDOM) {
      throw new ImError('REQ_INVALID_PARAM', 'MsgRandom must be an unsigned 32-bit integer');
    }
    if (input.cloudCustomData !== undefined && typeof input.cloudCustomData !== 'string') {
      throw new ImError('REQ_INVALID_PARAM', 'CloudCustomData must be a string');
    }
    let body = normaliseMsgBody(input.body);
    let cloudCustomData = (input.cloudCustomData as string | undefined) ?? '';
    if (contentBytes(body, cloudCustomData) > this.config.maxMessageBytes) {
      throw new ImError('MSG_TOO_LARGE', `message content exceeds ${this.config.maxMessageBytes} bytes`);
    }
    // The sender, as the rate limiter and the before-send turns know it.
    const key = `${app.sdkAppId}:${from}`;
    if (opts.rateLimit) {
      const wait = this.sendLimiter.take(key);
      if (wait > 0) throw new ImError('REQ_RATE_LIMITED', `send rate exceeded; retry after ${wait} ms`, { retryAfterMs: wait });
    }
    // An async before-send hook would let a sender's later message overtake an earlier one
    // whose callback is slower; while a hook is set, each sender's sends take turns from
    // here until their commit is queued (GroupCommit keeps queue order). A send skips all of
    // it when the app surely has no callback, no earlier send of the sender is still taking
    // its turn, and nothing is awaited before its commit is queued (no dedupe lookup), so
    // it cannot overtake or be overtaken.
    const skipsHook = input.dedupeWindowSeconds === undefined && this.beforeSend?.idleFor?.(app.sdkAppId) === true && !this.senderTails.has(key);
    const before = skipsHook ? undefined : this.beforeSend;
    let release: (() => void) | undefined;
    if (before) {
      const previous = this.senderTails.get(key);
      const mine = new Promise<void>((r) => (release = r));
      this.senderTails.set(key, mine);
      mine.then(() => {
        if (this.senderTails.get(key) === mine) this.senderTails.delete(key);
      });
      if (previous) await previous;
    }
    let pending: Promise<SendOutcome>;
    let clientMsgId = input.clientMsgId;
    const time = this.now();
    try {
      if (input.dedupeWindowSeconds) {
        const dup = await this.findRecentDuplicate(app, from, input, body, cloudCustomData, time);
        if (typeof dup !== 'string') return { message: dup, duplicate: true, senderCursor: undefined };
        clientMsgId = dup;
      }
      const onlineOnly = input.onlineOnly ?? false;
      if (before && !opts.skipBeforeSend) {
        const draft: SendDraft = { from, to: input.to, random: random as number, clientSeq: input.clientSeq, time, body, cloudCustomData, onlineOnly };
        const verdict = await before(app, draft, opts);
        if (verdict?.drop) return { message: this.droppedMessage(app, from, draft, input, clientMsgId), duplicate: false, senderCursor: undefined, dropped: true };
        if (verdict?.body) body = normaliseMsgBody(verdict.body);
        if (verdict?.cloudCustomData !== undefined) cloudCustomData = verdict.cloudCustomData;
      }
      pending = this.commit.send({
        sdkAppId: app.sdkAppId,
        from,
        to: input.to,
        random: random as number,
        clientMsgId,
        time,
        clientSeq: input.clientSeq,
        clientTime: input.clientTime,
        body,
        cloudCustomData,
        fromNick: input.fromNick ?? '',
        syncToSender: input.syncToSender ?? true,
        autoCreateRecipient: app.options.autoCreateAccounts,
        noUnread: input.noUnread || onlineOnly,
      }, opts.originInstId);
    } finally {
      release?.();
    }
    // Its events were published when its batch committed (GroupCommit's onCommitted).
    const outcome = await pending;
    if (!outcome.ok) throw new ImError(outcome.code, `To_Account "${input.to}" does not exist`);
    if (!outcome.duplicate) {
      const info: CommitInfo = { platform: opts.platform, clientIp: opts.clientIp, onlineOnly: input.onlineOnly, skipAfterSend: opts.skipAfterSend };
      for (const h of this.afterCommit) h(app, 'send', outcome.message, outcome.events, info);
    }
    const own = outcome.events.find((e) => e.userId === from);
    return { message: outcome.message, duplicate: outcome.duplicate, senderCursor: own?.event.cursor };
  }

  /**
   * The dedupe window of keys that name content, not a message: the key is the caller's
   * plus a content hash plus the window the send falls in; the previous window's key is
   * looked up too, so a repeat just across a window boundary is still found. Returns the
   * earlier message, or the key to send with.
   */
  private async findRecentDuplicate(app: AppRecord, from: string, input: SendInput, body: MsgElem[], cloudCustomData: string, time: number): Promise<StoredMessage | string> {
    const window = input.dedupeWindowSeconds!;
    const hash = crc32(JSON.stringify(body) + '\n' + cloudCustomData).toString(16);
    const base = `${input.clientMsgId}:${hash}@`;
    const bucket = Math.floor(time / window);
    for (const b of [bucket, bucket - 1]) {
      const earlier = await this.store.getMessageByClientMsgId(app.sdkAppId, from, base + b);
      if (earlier && time - earlier.time <= window) return earlier;
    }
    return base + bucket;
  }

  /** What the sender is told about a message its app's callback dropped: success, nothing stored. */
  private droppedMessage(app: AppRecord, from: string, d: SendDraft, input: SendInput, clientMsgId: string): StoredMessage {
    return {
      id: '',
      sdkAppId: app.sdkAppId,
      from,
      to: d.to,
      seq: 0,
      random: d.random,
      time: d.time,
      clientSeq: d.clientSeq ?? 0,
      clientTime: input.clientTime ?? d.time,
      fromTinyId: 0,
      clientMsgId,
      body: d.body,
      cloudCustomData: d.cloudCustomData,
      fromNick: input.fromNick ?? '',
      recalled: false,
    };
  }

  /**
   * One page of the user's stream after the cookie ('' = the unread backlog, then live). The
   * page after it is read ahead while the client takes this one in (sync-read-ahead.ts).
   */
  async sync(app: AppRecord, user: string, cookie: unknown): Promise<SyncPage> {
    // Refused before any lookup: a cookie this server did not issue names no page.
    decodeSyncCookie(cookie);
    return this.readAhead.page(app.sdkAppId, user, typeof cookie === 'string' ? cookie : '');
  }

  private async readPage(sdkAppId: number, user: string, cookie: string): Promise<SyncPage> {
    const pos = decodeSyncCookie(cookie);
    if (pos.mode === 'start') {
      const head = await this.store.headCursor(sdkAppId, user);
      return this.backlogPage(sdkAppId, user, 0, head);
    }
    if (pos.mode === 'backlog') return this.backlogPage(sdkAppId, user, pos.after, pos.head);
    const events = await this.store.readEvents(sdkAppId, user, pos.after, SYNC_PAGE);
    const last = events.at(-1)?.cursor ?? pos.after;
    return { events, cookie: encodeSyncCookie({ mode: 'stream', after: last }), complete: events.length < SYNC_PAGE };
  }

  private async backlogPage(sdkAppId: number, user: string, after: number, head: number): Promise<SyncPage> {
    const page = await this.store.readUnreadBacklog(sdkAppId, user, after, SYNC_PAGE);
    const within = page.filter((e) => e.cursor <= head);
    const done = within.length < SYNC_PAGE;
    const cookie = done
      ? encodeSyncCookie({ mode: 'stream', after: head })
      : encodeSyncCookie({ mode: 'backlog', after: within.at(-1)!.cursor, head });
    return { events: within, cookie, complete: done };
  }

  /** The user's newest stream cursor. */
  headCursor(app: AppRecord, user: string): Promise<number> {
    return this.store.headCursor(app.sdkAppId, user);
  }

  /** Page backwards through a conversation: up to `limit` (≤ 100) messages before `beforeSeq`, oldest first. */
  async history(app: AppRecord, user: string, peer: unknown, beforeSeq: number | undefined, limit: number): Promise<{ messages: StoredMessage[]; complete: boolean }> {
    checkUserId(peer);
    const n = Math.max(1, Math.min(100, Math.floor(limit) || 15));
    const rows = await this.store.getHistory(app.sdkAppId, user, peer, beforeSeq, n + 1);
    const complete = rows.length <= n;
    return { messages: rows.slice(0, n).reverse(), complete };
  }

  async conversations(app: AppRecord, user: string, offset: number, limit: number): Promise<{ conversations: ConversationRecord[]; complete: boolean }> {
    const n = Math.max(1, Math.min(100, limit));
    const rows = await this.store.listConversations(app.sdkAppId, user, { offset: Math.max(0, offset), limit: n + 1 });
    return { conversations: rows.slice(0, n), complete: rows.length <= n };
  }

  conversation(app: AppRecord, user: string, peer: string): Promise<ConversationRecord | undefined> {
    return this.store.getConversation(app.sdkAppId, user, peer);
  }

  /** The message of the pair named by Tencent's MsgKey parts (sender MsgSeq + MsgRandom). */
  findByClientSeq(app: AppRecord, a: string, b: string, clientSeq: number, random: number): Promise<StoredMessage | undefined> {
    return this.store.getMessageByClientSeq(app.sdkAppId, a, b, clientSeq, random);
  }

  /**
   * Mark the conversation with `peer` read up to `upToSeq` (default: all). `actorCursor` is
   * the reader's own stream cursor of the read event (undefined when nothing moved).
   */
  async markRead(app: AppRecord, user: string, peer: unknown, upToSeq: number | undefined, originInstId?: string): Promise<ReadOutcome & { actorCursor: number | undefined }> {
    checkUserId(peer);
    const r = await this.store.markRead(app.sdkAppId, user, peer, upToSeq);
    this.publish(app.sdkAppId, r.events, user, originInstId);
    if (r.events.length) for (const h of this.afterCommit) h(app, 'read', undefined, r.events, {});
    return { ...r, actorCursor: cursorOf(r.events, user) };
  }

  /**
   * Recall a message of the pair (user, peer), named by conversation seq or by the sender's
   * MsgSeq + MsgRandom; admins skip the sender and window checks. `actorCursor` is the
   * recalling user's own stream cursor of the recall event.
   */
  async recall(
    app: AppRecord,
    user: string,
    peer: unknown,
    target: { seq?: number; clientSeq?: number; random?: number },
    opts: { originInstId?: string; asAdmin?: boolean; platform?: string; clientIp?: string } = {},
  ): Promise<{ message: StoredMessage; actorCursor: number | undefined }> {
    checkUserId(peer);
    const r = await this.store.recall({
      sdkAppId: app.sdkAppId,
      by: user,
      peer,
      ...target,
      now: this.now(),
      windowSeconds: this.config.recallWindowSeconds,
      asAdmin: opts.asAdmin ?? false,
    });
    if (!r.ok) throw new ImError(r.code);
    this.publish(app.sdkAppId, r.events, user, opts.originInstId);
    for (const h of this.afterCommit) h(app, 'recall', r.message, r.events, { platform: opts.platform, clientIp: opts.clientIp });
    return { message: r.message, actorCursor: cursorOf(r.events, user) };
  }

  /** Hide the conversation for `user`; `actorCursor` is the user's stream cursor of it (undefined when already hidden). */
  async deleteConversation(app: AppRecord, user: string, peer: unknown, originInstId?: string): Promise<{ actorCursor: number | undefined }> {
    checkUserId(peer);
    const events = await this.store.deleteConversation(app.sdkAppId, user, peer);
    this.publish(app.sdkAppId, events, user, originInstId);
    return { actorCursor: cursorOf(events, user) };
  }

  /** Ephemeral typing notice to `to`; never stored, dropped when `to` is offline. */
  async typing(app: AppRecord, from: string, to: unknown): Promise<void> {
    checkUserId(to);
    await this.bus.publish(userTopic(app.sdkAppId, to), { type: 'ephemeral', servcmd: PushCmd.Typing, body: { From_Account: from, To_Account: to } });
  }

  /** Hand committed events to the Bus: per user, with the rest of this tick's (event-publisher.ts). */
  private publish(sdkAppId: number, events: CommittedEvent[], actor: string, originInstId: string | undefined): void {
    for (const e of events) this.events.add(userTopic(sdkAppId, e.userId), e.event, e.userId === actor ? originInstId : undefined);
  }
}
