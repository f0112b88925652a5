/**
 * The TIM v2 API over the core client. Thin on purpose: argument checks, object mapping and
 * event names live here; connection, sync, storage and sending live in core/.
 */
import { Cmd, KickType, Platform } from '@parley/protocol';
import { CoreClient } from '../../core/client.ts';
import type { CoreClientOptions } from '../../core/client.ts';
import { SdkError, clientError } from '../../core/errors.ts';
import { Emitter } from '../../core/emitter.ts';
import type { MessageRecord } from '../../core/model.ts';
import { peerOf } from '../../core/model.ts';
import type { TransportFactory } from '../../transports/transport.ts';
import { EVENT, TYPES } from './constants.ts';
import { toConversation } from './conversation.ts';
import { MessageObjects, customElem, faceElem, locationElem, textElem } from './message.ts';
import { emptyProfile, profileItemsFrom, profilesFromReply } from './profile.ts';
import { PeerProfiles } from './peer-profiles.ts';
import type {
  Conversation,
  CreateCustomMessageOptions,
  CreateFaceMessageOptions,
  CreateLocationMessageOptions,
  CreateMessageBase,
  CreateTextMessageOptions,
  GetMessageListOptions,
  KickedOutType,
  Message,
  MessageListResult,
  Profile,
  TimEvent,
  TimEventData,
  TimResponse,
  UpdateMyProfileOptions,
} from './types.ts';

/** Options of TIM.create(). */
export interface TimCreateOptions {
  SDKAppID: number;
  /** The Parley server's base URL (http(s):// or ws(s)://); the WebSocket URL is derived from it. */
  server?: string;
  /** A ws(s):// URL, as Tencent's SDKs accept; used when `server` is absent. */
  proxyServer?: string;
  /** Parley extension: platform code from `Platform` (default Web, 7). */
  platform?: number;
  /** Parley extension: also emit MESSAGE_RECEIVED for the unread backlog fetched at login. */
  emitBacklog?: boolean;
  /** Parley extension: replace the entry point's transport (tests, custom platforms). */
  transport?: TransportFactory;
  /** Parley extension: connection timings. */
  connection?: CoreClientOptions['connection'];
}

type Handler = (event: TimEvent) => void;
type TimEvents = { [K in keyof TimEventData]: TimEventData[K] } & Record<string, unknown>;

const KICK_TYPES: Record<number, KickedOutType> = {
  [KickType.MultipleAccount]: TYPES.KICKED_OUT_MULT_ACCOUNT,
  [KickType.MultipleDevice]: TYPES.KICKED_OUT_MULT_DEVICE,
  [KickType.RestApi]: TYPES.KICKED_OUT_REST_API,
  [KickType.UserSigExpired]: TYPES.KICKED_OUT_USERSIG_EXPIRED,
};

const MAX_PAGE = 15;

/** Turn `server`/`proxyServer` into the ws(s):// base the connection appends `/info?…` to. */
export function webSocketBase(opts: Pick<TimCreateOptions, 'server' | 'proxyServer'>): string {
  const raw = opts.server ?? opts.proxyServer;
  if (typeof raw !== 'string' || raw === '') throw new TypeError('TIM.create needs `server` (the Parley server URL) or `proxyServer`');
  const m = /^(https?|wss?):\/\/([^/?#]+)([^?#]*)/i.exec(raw.trim());
  if (!m) throw new TypeError(`not an http(s):// or ws(s):// URL: ${raw}`);
  const scheme = m[1]!.toLowerCase();
  const ws = scheme === 'https' || scheme === 'wss' ? 'wss' : 'ws';
  const path = (m[3] ?? '').replace(/\/+$/, '').replace(/\/info$/, '');
  return `${ws}://${m[2]}${path}`;
}

/** One TIM instance: one user session. */
export class TimClient {
  readonly EVENT = EVENT;
  readonly TYPES = TYPES;
  readonly #core: CoreClient;
  readonly #events = new Emitter<TimEvents>();
  readonly #handlers = new Map<Handler, Map<unknown, (data: unknown) => void>>();
  readonly #messages = new MessageObjects();
  #lastTotalUnread = -1;
  readonly #peerProfiles = new PeerProfiles(
    (ids) => this.#profiles(ids),
    () => this.#events.emit(EVENT.CONVERSATION_LIST_UPDATED, this.#conversationList()),
  );

  constructor(opts: TimCreateOptions, defaultTransport: TransportFactory) {
    if (!opts || typeof opts.SDKAppID !== 'number' || !(opts.SDKAppID > 0)) throw new TypeError('TIM.create needs a numeric SDKAppID');
    const coreOpts: CoreClientOptions = {
      sdkAppId: opts.SDKAppID,
      wsBase: webSocketBase(opts),
      transport: opts.transport ?? defaultTransport,
      platform: opts.platform ?? Platform.Web,
    };
    if (opts.emitBacklog !== undefined) coreOpts.emitBacklog = opts.emitBacklog;
    if (opts.connection) coreOpts.connection = opts.connection;
    this.#core = new CoreClient(coreOpts);
    this.#bridgeEvents();
  }

  /** Register a handler; it receives `{ name, data }`. */
  on<K extends keyof TimEventData>(name: K, handler: (event: TimEvent<K>) => void, context?: unknown): void {
    const wrapped = (data: unknown) => (handler as Handler).call(context, { name, data } as TimEvent);
    let byCtx = this.#handlers.get(handler as Handler);
    if (!byCtx) this.#handlers.set(handler as Handler, (byCtx = new Map()));
    byCtx.set(`${name}\u0000`, wrapped);
    this.#events.on(name, wrapped as (d: TimEvents[K]) => void);
  }

  off<K extends keyof TimEventData>(name: K, handler: (event: TimEvent<K>) => void): void {
    const wrapped = this.#handlers.get(handler as Handler)?.get(`${name}\u0000`);
    if (!wrapped) return;
    this.#handlers.get(handler as Handler)?.delete(`${name}\u0000`);
    this.#events.off(name, wrapped as (d: TimEvents[K]) => void);
  }

  /** Log level is accepted for compatibility; the SDK does not log. */
  setLogLevel(_level: number): void {}

  isReady(): boolean {
    return this.#core.isReady;
  }

  async login(opts: { userID: string; userSig: string }): Promise<TimResponse<{ repeatLogin: boolean }>> {
    if (!opts || typeof opts.userID !== 'string' || opts.userID === '') throw clientError('CLIENT_INVALID_PARAM', 'userID is required');
    if (typeof opts.userSig !== 'string' || opts.userSig === '') throw clientError('CLIENT_INVALID_PARAM', 'userSig is required');
    if (this.#core.isReady && this.#core.userID === opts.userID) return { code: 0, data: { repeatLogin: true } };
    await this.#core.login(opts.userID, opts.userSig);
    return { code: 0, data: { repeatLogin: false } };
  }

  /** Parley extension: continue after USER_SIG_EXPIRED with a fresh UserSig. */
  renewUserSig(userSig: string): void {
    if (typeof userSig !== 'string' || userSig === '') throw clientError('CLIENT_INVALID_PARAM', 'userSig is required');
    this.#core.renewUserSig(userSig);
  }

  async logout(): Promise<TimResponse<Record<string, never>>> {
    await this.#core.logout();
    this.#messages.clear();
    return { code: 0, data: {} };
  }

  /** Log out and drop every listener. */
  async destroy(): Promise<void> {
    await this.#core.logout();
    this.#events.removeAll();
    this.#handlers.clear();
  }

  createTextMessage(o: CreateTextMessageOptions): Message {
    if (typeof o?.payload?.text !== 'string') throw clientError('CLIENT_INVALID_PARAM', 'payload.text must be a string');
    return this.#create(o, textElem(o.payload.text));
  }

  createCustomMessage(o: CreateCustomMessageOptions): Message {
    if (!o?.payload || typeof o.payload !== 'object') throw clientError('CLIENT_INVALID_PARAM', 'payload is required');
    return this.#create(o, customElem(o.payload));
  }

  createFaceMessage(o: CreateFaceMessageOptions): Message {
    if (typeof o?.payload?.index !== 'number') throw clientError('CLIENT_INVALID_PARAM', 'payload.index must be a number');
    return this.#create(o, faceElem(o.payload));
  }

  createLocationMessage(o: CreateLocationMessageOptions): Message {
    if (typeof o?.payload?.longitude !== 'number' || typeof o.payload.latitude !== 'number') {
      throw clientError('CLIENT_INVALID_PARAM', 'payload.longitude and payload.latitude must be numbers');
    }
    return this.#create(o, locationElem(o.payload));
  }

  /** Resolves `{ code: 0, data: { message } }`; waits through disconnects; rejects `{ code, message }`. */
  async sendMessage(message: Message, _options?: Record<string, unknown>): Promise<TimResponse<{ message: Message }>> {
    const rec = this.#messages.record(message);
    if (!rec) throw clientError('CLIENT_NEED_MESSAGE');
    try {
      await this.#core.send(rec);
    } catch (err) {
      this.#messages.of(rec);
      throw withData(err, { message });
    } finally {
      this.#messages.of(rec);
    }
    return { code: 0, data: { message: this.#messages.of(rec) } };
  }

  /** Send a failed message again: same ID, same ClientMsgID, so the server never stores it twice. */
  async resendMessage(message: Message): Promise<TimResponse<{ message: Message }>> {
    const rec = this.#messages.record(message);
    if (!rec) throw clientError('CLIENT_NEED_MESSAGE');
    message.isResend = true;
    return this.sendMessage(message);
  }

  async revokeMessage(message: Message): Promise<TimResponse<{ message: Message }>> {
    const rec = this.#messages.record(message);
    if (!rec) throw clientError('CLIENT_NEED_MESSAGE');
    try {
      await this.#core.revoke(rec);
    } catch (err) {
      throw withData(err, { message });
    }
    return { code: 0, data: { message: this.#messages.of(rec) } };
  }

  async getConversationList(): Promise<TimResponse<{ conversationList: Conversation[] }>> {
    this.#requireReady();
    return { code: 0, data: { conversationList: this.#conversationList() } };
  }

  async getConversationProfile(conversationID: string): Promise<TimResponse<{ conversation: Conversation }>> {
    this.#requireReady();
    const peer = this.#peer(conversationID);
    const c = this.#core.conversations.get(conversationID);
    this.#peerProfiles.want([peer]);
    const shown = this.#peerProfiles.of(peer);
    if (!c) {
      // A conversation without messages yet, as TIM returns for a fresh peer.
      return {
        code: 0,
        data: {
          conversation: toConversation(
            { id: conversationID, peer, unreadCount: 0, lastSeq: 0, readSeq: 0, lastMessage: undefined, lastTime: 0, peerReadTime: 0, peerReadSeq: 0, activity: 0 },
            this.#core.userID,
            shown,
          ),
        },
      };
    }
    return { code: 0, data: { conversation: toConversation(c, this.#core.userID, shown) } };
  }

  async getTotalUnreadMessageCount(): Promise<number> {
    return this.#core.conversations.totalUnread();
  }

  /** Oldest first; pass nextReqMessageID back for the previous page. Served from cache when it can be. */
  async getMessageList(o: GetMessageListOptions): Promise<TimResponse<MessageListResult>> {
    const peer = this.#peer(o?.conversationID);
    const count = Math.max(1, Math.min(MAX_PAGE, Math.floor(o.count ?? MAX_PAGE) || MAX_PAGE));
    let before: MessageRecord | undefined;
    if (o.nextReqMessageID) {
      before = this.#core.store.get(o.nextReqMessageID);
      if (!before) throw clientError('CLIENT_INVALID_PARAM', 'nextReqMessageID is not a message of this conversation');
    }
    const page = await this.#core.history(o.conversationID, peer, count, before);
    return {
      code: 0,
      data: {
        messageList: page.messages.map((r) => this.#messages.of(r)),
        nextReqMessageID: page.nextReqMessageID,
        isCompleted: page.isCompleted,
      },
    };
  }

  /** Mark the conversation read; the peer gets a read receipt, other devices drop their unread count. */
  async setMessageRead(o: { conversationID: string }): Promise<TimResponse<Record<string, never>>> {
    const peer = this.#peer(o?.conversationID);
    await this.#core.markRead(o.conversationID, peer);
    return { code: 0, data: {} };
  }

  /**
   * Parley extension: tell the peer this user is typing; the peer gets TIM.EVENT.TYPING. At
   * most one notice per conversation every 3 s (`sent: false` when this call was throttled or
   * the link is down); never stored, dropped when the peer is offline.
   */
  async sendTypingNotice(o: { conversationID: string }): Promise<TimResponse<{ conversationID: string; sent: boolean }>> {
    const peer = this.#peer(o?.conversationID);
    const sent = await this.#core.sendTyping(o.conversationID, peer);
    return { code: 0, data: { conversationID: o.conversationID, sent } };
  }

  async deleteConversation(conversationID: string): Promise<TimResponse<{ conversationID: string }>> {
    const peer = this.#peer(conversationID);
    await this.#core.deleteConversation(conversationID, peer);
    return { code: 0, data: { conversationID } };
  }

  async getMyProfile(): Promise<TimResponse<Profile>> {
    const me = this.#core.userID;
    const [p] = await this.#profiles([me]);
    return { code: 0, data: p ?? emptyProfile(me) };
  }

  async getUserProfile(o: { userIDList: string[] }): Promise<TimResponse<Profile[]>> {
    if (!Array.isArray(o?.userIDList)) throw clientError('CLIENT_INVALID_PARAM', 'userIDList must be an array');
    const profiles = await this.#profiles(o.userIDList);
    this.#peerProfiles.learn(profiles);
    return { code: 0, data: profiles };
  }

  async updateMyProfile(o: UpdateMyProfileOptions): Promise<TimResponse<Profile>> {
    const items = profileItemsFrom(o ?? {});
    if (items.length === 0) throw clientError('CLIENT_INVALID_PARAM', 'nothing to update');
    await this.#core.request(Cmd.PortraitSet, { From_Account: this.#core.userID, ProfileItem: items });
    const me = await this.getMyProfile();
    this.#events.emit(EVENT.PROFILE_UPDATED, [me.data]);
    return me;
  }

  // --- internals ---------------------------------------------------------------------

  #create(o: CreateMessageBase, elem: Parameters<CoreClient['createOutgoing']>[1][number]): Message {
    if (!o || typeof o.to !== 'string' || o.to === '') throw clientError('CLIENT_INVALID_PARAM', '`to` is required');
    if (o.conversationType !== undefined && o.conversationType !== TYPES.CONV_C2C) {
      throw clientError('CLIENT_INVALID_CONVERSATION', 'only C2C conversations are supported');
    }
    if (!this.#core.userID) throw clientError('CLIENT_NOT_LOGGED_IN');
    const rec = this.#core.createOutgoing(o.to, [elem], o.cloudCustomData ?? '');
    const m = this.#messages.of(rec);
    if (o.priority) m.priority = o.priority;
    m.needReadReceipt = o.needReadReceipt === true;
    return m;
  }

  async #profiles(ids: string[]): Promise<Profile[]> {
    // No TagList: the server then answers every tag it holds, custom ones (Tag_Profile_Custom_*) included.
    const reply = await this.#core.request(Cmd.PortraitGet, { To_Account: ids });
    return profilesFromReply(reply);
  }

  #peer(conversationID: unknown): string {
    const peer = peerOf(conversationID);
    if (!peer) throw clientError('CLIENT_INVALID_CONVERSATION', `not a C2C conversation ID: ${String(conversationID)}`);
    return peer;
  }

  #requireReady(): void {
    if (!this.#core.isReady) throw clientError('CLIENT_NOT_READY');
  }

  #conversationList(): Conversation[] {
    const list = this.#core.conversations.list();
    this.#peerProfiles.want(list.map((c) => c.peer));
    return list.map((c) => toConversation(c, this.#core.userID, this.#peerProfiles.of(c.peer)));
  }

  #bridgeEvents(): void {
    const core = this.#core.events;
    const e = this.#events;
    core.on('ready', () => e.emit(EVENT.SDK_READY, undefined));
    core.on('notReady', () => {
      this.#peerProfiles.clear();
      e.emit(EVENT.SDK_NOT_READY, undefined);
    });
    core.on('received', (rs) => e.emit(EVENT.MESSAGE_RECEIVED, rs.map((r) => this.#messages.of(r))));
    core.on('updated', (rs) => {
      for (const r of rs) this.#messages.of(r);
    });
    core.on('revoked', (rs) => e.emit(EVENT.MESSAGE_REVOKED, rs.map((r) => this.#messages.of(r))));
    core.on('peerRead', (rs) => e.emit(EVENT.MESSAGE_READ_BY_PEER, rs.map((r) => this.#messages.of(r))));
    core.on('conversations', () => {
      e.emit(EVENT.CONVERSATION_LIST_UPDATED, this.#conversationList());
      const total = this.#core.conversations.totalUnread();
      if (total !== this.#lastTotalUnread) {
        this.#lastTotalUnread = total;
        e.emit(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, total);
      }
    });
    core.on('netState', (state) => e.emit(EVENT.NET_STATE_CHANGE, { state }));
    core.on('kicked', ({ kickType }) => e.emit(EVENT.KICKED_OUT, { type: KICK_TYPES[kickType] ?? TYPES.KICKED_OUT_MULT_ACCOUNT }));
    core.on('userSigExpired', () => {
      e.emit(EVENT.KICKED_OUT, { type: TYPES.KICKED_OUT_USERSIG_EXPIRED });
      e.emit(EVENT.USER_SIG_EXPIRED, { userID: this.#core.userID });
    });
    core.on('error', (err) => e.emit(EVENT.ERROR, err));
    core.on('typing', ({ conversationId, peer }) => e.emit(EVENT.TYPING, { conversationID: conversationId, userID: peer }));
  }
}

function withData(err: unknown, data: unknown): unknown {
  if (err instanceof SdkError) err.data = data;
  return err;
}

/** The static side: `TIM.create()`, `TIM.EVENT`, `TIM.TYPES`. */
export interface TimStatic {
  /** Every call returns a NEW instance (unlike Tencent's one per SDKAppID). */
  create(options: TimCreateOptions): TimClient;
  readonly EVENT: typeof EVENT;
  readonly TYPES: typeof TYPES;
  readonly VERSION: string;
}

/** Build the static TIM object for an entry point's default transport. */
export function defineTIM(defaultTransport: TransportFactory): TimStatic {
  return Object.freeze({
    create: (options: TimCreateOptions) => new TimClient(options, defaultTransport),
    EVENT,
    TYPES,
    VERSION: '0.1.0',
  });
}
