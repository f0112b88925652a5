/**
 * The platform-free IM client every facade sits on: one logged-in user, its connection,
 * event-stream sync, message store, conversation list and outbox. Facades (TIM v2 today,
 * webim v1 later) translate its records and events into their own public shapes.
 */
import { Cmd, Platform, PushCmd } from '@parley/protocol';
import type { MsgElem } from '@parley/protocol';
import { Connection } from './connection.ts';
import type { ConnectionOptions, NetState, ReplyBody } from './connection.ts';
import { ConversationCache } from './conversations.ts';
import { Emitter } from './emitter.ts';
import { SdkError, clientError, isTransient } from './errors.ts';
import { History } from './history.ts';
import type { HistoryPage } from './history.ts';
import { randomHex, randomUint32 } from './ids.ts';
import { conversationIdOf, recordFromWire, toWire } from './model.ts';
import type { ConversationRecord, MessageRecord } from './model.ts';
import { Outbox } from './outbox.ts';
import { MessageStore } from './store.ts';
import { SyncEngine } from './sync.ts';
import type { SyncOrigin } from './sync.ts';
import { decodeEventArray, decodeGetMsgReply, decodeSessionItems, getMsgRequest, pageGetRequest } from './wire.ts';
import type { StreamEvent } from './wire.ts';
import type { TransportFactory } from '../transports/transport.ts';
import { applyStreamEvents, isPeerRead } from './apply.ts';

export interface CoreClientOptions {
  sdkAppId: number;
  /** ws:// or wss:// base of the server, without path. */
  wsBase: string;
  transport: TransportFactory;
  platform?: number;
  /** Also report the unread backlog fetched at login as received messages. */
  emitBacklog?: boolean;
  connection?: Partial<Pick<ConnectionOptions, 'requestTimeoutMs' | 'loginTimeoutMs' | 'heartbeatIdleMs' | 'heartbeatTimeoutMs' | 'backoff' | 'netDownAfterAttempts'>>;
}

export interface CoreEvents {
  [k: string]: unknown;
  ready: undefined;
  notReady: undefined;
  /** New messages from others, and own messages sent from other devices. */
  received: MessageRecord[];
  /** Known records whose fields changed (status, sequence, read flags). */
  updated: MessageRecord[];
  revoked: MessageRecord[];
  peerRead: MessageRecord[];
  conversations: ConversationRecord[];
  netState: NetState;
  kicked: { kickType: number };
  userSigExpired: { kicked: boolean };
  error: SdkError;
  /** Parley extension: the peer is typing in this conversation (ephemeral; nothing is stored). */
  typing: { conversationId: string; peer: string };
}

/** At most one typing notice per conversation in this many milliseconds. */
export const TYPING_INTERVAL_MS = 3_000;

export class CoreClient {
  readonly events = new Emitter<CoreEvents>();
  readonly store = new MessageStore();
  readonly conversations = new ConversationCache();
  readonly instanceId = randomHex(16);
  #connection: Connection;
  #sync: SyncEngine<StreamEvent>;
  #outbox: Outbox;
  #history: History;
  #active = false;
  #ready = false;
  #clientSeq = Math.floor(Math.random() * 1e7);
  #convTimer: ReturnType<typeof setTimeout> | undefined;
  /** When a typing notice last went out, per conversation (Date.now()). */
  readonly #typingSentAt = new Map<string, number>();

  constructor(private readonly opts: CoreClientOptions) {
    const platform = opts.platform ?? Platform.Web;
    this.#connection = new Connection({
      ...opts.connection,
      sdkAppId: opts.sdkAppId,
      platform,
      transport: opts.transport,
      buildUrl: () =>
        `${opts.wsBase.replace(/\/+$/, '')}/info?sdkappid=${opts.sdkAppId}&instanceid=${this.instanceId}` +
        `&random=${randomUint32()}&platform=${platform}`,
    });
    this.#sync = new SyncEngine<StreamEvent>({
      fetchPage: async (cookie) => decodeGetMsgReply(await this.#connection.request(Cmd.GetMsg, getMsgRequest(cookie))),
      apply: (events, origin) => this.#apply(events, origin),
      willRetry: (err) => isTransient(err) && this.#active,
    });
    this.#outbox = new Outbox({
      connection: this.#connection,
      isActive: () => this.#active,
      onSent: (m, noticeSeq) => {
        this.#recordMessages([m]);
        // The send is an event in this user's own stream; feeding it to the sync engine keeps
        // the cursor contiguous, so the next push is not mistaken for a gap.
        if (noticeSeq !== undefined) this.#sync.push([{ kind: 'message', noticeSeq, msg: toWire(m) }], undefined, true);
      },
      onFailed: (m) => this.events.emit('updated', [m]),
    });
    this.#history = new History({
      connection: this.#connection,
      store: this.store,
      self: () => this.userID,
      lastSeq: (id) => this.conversations.get(id)?.lastSeq ?? 0,
      onMessages: (records) => this.#recordMessages(records, false),
    });
    this.#wire();
  }

  get userID(): string {
    return this.#connection.userID;
  }

  get isReady(): boolean {
    return this.#ready;
  }

  get connectionState() {
    return this.#connection.state;
  }

  /** Server time estimate, unix seconds. */
  serverNow(): number {
    return Math.floor(Date.now() / 1000) + (this.#connection.session?.clockOffsetSec ?? 0);
  }

  /**
   * Log in, fetch the unread backlog and the conversation list, then emit `ready`.
   * While waiting for a fresh UserSig, login() with the same user renews the session instead.
   */
  async login(userID: string, userSig: string): Promise<void> {
    if (this.#active && this.#connection.awaitingUserSig && userID === this.userID) {
      this.renewUserSig(userSig);
      return;
    }
    if (this.#active) throw clientError('CLIENT_REPEAT_LOGIN');
    this.#reset();
    this.#active = true;
    try {
      await this.#connection.start(userID, userSig);
      await this.#catchUp();
    } catch (err) {
      this.#active = false;
      throw err;
    }
    this.#ready = true;
    this.events.emit('ready', undefined);
  }

  /** Continue after `userSigExpired` with a fresh UserSig; queued sends are kept. */
  renewUserSig(userSig: string): void {
    this.#connection.renew(userSig);
  }

  async logout(): Promise<void> {
    if (!this.#active) return;
    this.#active = false;
    await this.#connection.stop();
    this.#end();
  }

  /** A new outgoing message record (not yet stored or sent). */
  createOutgoing(to: string, elems: MsgElem[], cloudCustomData = ''): MessageRecord {
    const clientMsgId = randomHex(16);
    const random = randomUint32();
    const conversationId = conversationIdOf(to);
    return {
      id: clientMsgId,
      conversationId,
      peer: to,
      from: this.userID,
      to,
      flow: 'out',
      seq: 0,
      random,
      time: this.serverNow(),
      clientSeq: (this.#clientSeq = (this.#clientSeq + 1) >>> 0),
      clientMsgId,
      msgKey: '',
      elems,
      cloudCustomData,
      nick: '',
      status: 'unSend',
      isRead: true,
      isPeerRead: false,
      isRevoked: false,
    };
  }

  /** Send or re-send; waits through disconnects (see Outbox). */
  async send(m: MessageRecord): Promise<MessageRecord> {
    if (!this.#active) throw clientError('CLIENT_NOT_LOGGED_IN');
    if (m.from === '') m.from = this.userID;
    if (m.status === 'fail') m.status = 'unSend';
    this.store.upsert(m);
    return this.#outbox.send(m);
  }

  /** Recall one of this user's sent messages. */
  async revoke(m: MessageRecord): Promise<MessageRecord> {
    await this.#requireReady();
    if (m.status !== 'success' || m.seq === 0) throw clientError('CLIENT_REVOKE_FAILED', 'message was not sent');
    // Tencent's shape (MsgSeq is the sender's own sequence) plus Parley's exact ConvSeq.
    const reply = await this.#connection.request(Cmd.MsgWithdraw, {
      MsgInfo: { From_Account: m.from, To_Account: m.to, MsgTimeStamp: m.time, MsgSeq: m.clientSeq, MsgRandom: m.random, ConvSeq: m.seq },
    });
    if (!m.isRevoked) {
      m.isRevoked = true;
      this.events.emit('updated', [m]);
    }
    this.#ownEvent(reply, { kind: 'recall', noticeSeq: undefined, from: m.from, to: m.to, seq: m.seq, clientSeq: m.clientSeq, random: m.random, time: m.time });
    return m;
  }

  async history(conversationId: string, peer: string, count: number, before: MessageRecord | undefined): Promise<HistoryPage> {
    await this.#requireReady();
    return this.#history.page(conversationId, peer, count, before);
  }

  /** Mark everything in a conversation read; the server tells other devices and the peer. */
  async markRead(conversationId: string, peer: string): Promise<void> {
    await this.#requireReady();
    const conv = this.conversations.get(conversationId);
    const last = conv?.lastMessage;
    const lastTime = Math.max(conv?.lastTime ?? 0, last?.time ?? 0) || this.serverNow();
    const reply = await this.#connection.request(Cmd.MsgReaded, {
      C2CMsgReaded: {
        Cookie: '',
        C2CMsgReadedItem: [{ To_Account: peer, LastedMsgTime: lastTime, Receipt: 1, LastedMsgSeq: conv?.lastSeq ?? 0 }],
      },
    });
    const read: StreamEvent = { kind: 'read', noticeSeq: undefined, peer, readTime: lastTime, readSeq: conv?.lastSeq };
    this.#apply([read], 'live');
    this.#ownEvent(reply, read);
  }

  async deleteConversation(conversationId: string, peer: string): Promise<void> {
    await this.#requireReady();
    const reply = await this.#connection.request(Cmd.RecentContactDelete, {
      From_Account: this.userID,
      Type: 1,
      To_Account: peer,
      ClearRamble: 1,
    });
    const deleted: StreamEvent = { kind: 'conversationDeleted', noticeSeq: undefined, peer };
    this.#apply([deleted], 'live');
    this.#ownEvent(reply, deleted);
  }

  /**
   * Tell the peer this user is typing (Parley extension). Ephemeral: the server stores
   * nothing and drops it when the peer is offline, so it is not queued while disconnected
   * either. At most one per conversation every TYPING_INTERVAL_MS (counted from each attempt);
   * resolves false when this call sent nothing (throttled, or no link).
   */
  async sendTyping(conversationId: string, peer: string): Promise<boolean> {
    if (!this.#ready) throw clientError('CLIENT_NOT_READY');
    const now = Date.now();
    if (this.#connection.state !== 'connected' || now - (this.#typingSentAt.get(conversationId) ?? 0) < TYPING_INTERVAL_MS) return false;
    this.#typingSentAt.set(conversationId, now);
    await this.#connection.request(Cmd.Typing, { To_Account: peer });
    return true;
  }

  /**
   * Bring the session up to date now: reconnect without waiting out the backoff, or, when
   * connected, pull whatever the stream holds (after the app was in the background).
   */
  resume(): void {
    if (!this.#active) return;
    if (this.#connection.state === 'reconnecting') this.#connection.retryNow();
    else if (this.#connection.state === 'connected' && this.#ready) void this.#catchUp().catch(() => {});
  }

  /** Pull every event since the last cookie now and refresh the conversation list. */
  async syncNow(): Promise<void> {
    await this.#requireReady();
    await this.#catchUp();
  }

  /** Send any command over the session (profile and other services). */
  async request(servcmd: string, body: object): Promise<ReplyBody> {
    await this.#requireReady();
    return this.#connection.request(servcmd, body);
  }

  /** Fetch the conversation list from the server and replace the cache. */
  async refreshConversations(): Promise<void> {
    const collected: ReturnType<typeof decodeSessionItems>['items'] = [];
    let cursor = { timeStamp: 0, startIndex: 0 };
    for (let guard = 0; guard < 20; guard++) {
      const page = decodeSessionItems(await this.#connection.request(Cmd.RecentContactPageGet, pageGetRequest(this.userID, cursor)));
      collected.push(...page.items);
      if (page.complete || page.items.length === 0) break;
      cursor = { timeStamp: page.timeStamp, startIndex: page.startIndex };
    }
    const withMessages = collected.map((item) => {
      let lastMessage: MessageRecord | undefined;
      const wire = item.lastMessage;
      if (wire && wire.MsgSeq > 0) {
        if (wire.To_Account === '') wire.To_Account = this.userID;
        lastMessage = this.store.upsert(recordFromWire(wire, this.userID)).record;
      }
      lastMessage ??= this.store.bySeq(conversationIdOf(item.peer), item.lastSeq);
      return { item, lastMessage };
    });
    this.conversations.replace(withMessages);
    const changed: MessageRecord[] = [];
    for (const c of this.conversations.list()) changed.push(...this.#markReadFlags(c));
    if (changed.length) this.events.emit('updated', changed);
    this.#conversationsChanged();
  }

  // --- internals ---------------------------------------------------------------------

  #wire(): void {
    const ev = this.#connection.events;
    ev.on('push', (frame) => {
      if (frame.head.servcmd === PushCmd.Typing) {
        this.#onTyping(frame.body);
        return;
      }
      if (frame.head.servcmd !== PushCmd.MsgPush) return;
      const items = frame.body['EventArray'];
      // The HTTP long-poll line carries ephemeral notices as EventArray items naming their Servcmd.
      if (Array.isArray(items)) for (const e of items as Record<string, unknown>[]) if (e?.['Servcmd'] === PushCmd.Typing) this.#onTyping(e);
      const cookie = typeof frame.body['Cookie'] === 'string' ? frame.body['Cookie'] : undefined;
      this.#sync.push(decodeEventArray(items), cookie);
    });
    ev.on('netState', (s) => this.events.emit('netState', s));
    ev.on('loggedIn', ({ reconnect }) => {
      if (reconnect && this.#ready) void this.#catchUp().catch(() => {});
    });
    ev.on('kicked', ({ kickType }) => {
      this.#active = false;
      this.events.emit('kicked', { kickType });
      this.#end();
    });
    ev.on('authExpired', ({ kicked }) => this.events.emit('userSigExpired', { kicked }));
    ev.on('fatal', ({ error }) => {
      this.#active = false;
      this.events.emit('error', error);
      this.#end();
    });
  }

  /** Pull every event since the last cookie, then refresh the conversation list. */
  async #catchUp(): Promise<void> {
    for (;;) {
      try {
        await this.#sync.sync();
        await this.refreshConversations();
        return;
      } catch (err) {
        if (!isTransient(err) || !this.#active) throw err;
        // The link dropped mid-sync: the next login resumes from the same cookie.
        await this.#connection.whenConnected();
      }
    }
  }

  #onTyping(body: Record<string, unknown>): void {
    const from = body['From_Account'];
    if (this.#ready && typeof from === 'string' && from && from !== this.userID && (body['To_Account'] ?? this.userID) === this.userID) {
      this.events.emit('typing', { conversationId: conversationIdOf(from), peer: from });
    }
  }

  /**
   * A read, recall or delete made here is an event in this user's own stream that the server
   * does not push back to this instance; its reply names the cursor (Parley NoticeSeq). Fed
   * to the sync engine like a sent message's, it keeps the cursor contiguous, so the next
   * push is not mistaken for a gap. Applying it again there, in stream order, is harmless:
   * reads, recalls and deletions are idempotent.
   */
  #ownEvent(reply: ReplyBody, event: StreamEvent): void {
    const notice = Number(reply['NoticeSeq']);
    if (notice > 0) this.#sync.push([{ ...event, noticeSeq: notice }]);
  }

  #apply(events: StreamEvent[], origin: SyncOrigin): void {
    const out = applyStreamEvents(events, {
      self: this.userID,
      store: this.store,
      conversations: this.conversations,
    });
    if (out.conversationsChanged) this.#conversationsChanged();
    const report = origin !== 'backlog' || this.opts.emitBacklog === true;
    if (out.received.length && report) this.events.emit('received', out.received);
    if (out.updated.length) this.events.emit('updated', out.updated);
    if (out.revoked.length) this.events.emit('revoked', out.revoked);
    if (out.peerRead.length) this.events.emit('peerRead', out.peerRead);
  }

  #recordMessages(records: MessageRecord[], emitUpdate = true): void {
    let changed = false;
    for (const m of records) {
      this.store.upsert(m);
      if (this.conversations.onMessage(m)) changed = true;
    }
    if (changed) this.#conversationsChanged();
    if (emitUpdate) this.events.emit('updated', records);
  }

  /** Bring isRead / isPeerRead of cached messages in line with the server's positions. */
  #markReadFlags(c: ConversationRecord): MessageRecord[] {
    const changed: MessageRecord[] = [];
    for (const m of this.store.all(c.id)) {
      if (m.seq === 0) continue;
      if (m.flow === 'in' && !m.isRead && m.seq <= c.readSeq) {
        m.isRead = true;
        changed.push(m);
      } else if (m.flow === 'out' && !m.isPeerRead && isPeerRead(m, c)) {
        m.isPeerRead = true;
        changed.push(m);
      }
    }
    return changed;
  }

  #conversationsChanged(): void {
    if (this.#convTimer !== undefined) return;
    // Coalesce bursts (a 500-message sync) into one list event per tick.
    this.#convTimer = setTimeout(() => {
      this.#convTimer = undefined;
      if (this.#active) this.events.emit('conversations', this.conversations.list());
    }, 0);
  }

  async #requireReady(): Promise<void> {
    if (!this.#active) throw clientError('CLIENT_NOT_LOGGED_IN');
    if (!this.#ready) throw clientError('CLIENT_NOT_READY');
    await this.#connection.whenConnected();
  }

  #end(): void {
    const wasReady = this.#ready;
    this.#ready = false;
    if (this.#convTimer !== undefined) clearTimeout(this.#convTimer);
    this.#convTimer = undefined;
    if (wasReady) this.events.emit('notReady', undefined);
  }

  #reset(): void {
    this.#sync.reset();
    this.#typingSentAt.clear();
    this.store.clear();
    this.conversations.clear();
  }
}
