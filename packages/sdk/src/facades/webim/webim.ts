/**
 * The webim v1 API (`webim.js` / `webim_wx.js` 1.7.x) over the same core client as the TIM
 * v2 facade: callbacks instead of promises, `Msg`/`Session` objects instead of plain ones,
 * `onConnNotify` instead of NET_STATE_CHANGE. Connection, sync, history and sending are the
 * core's; this file only translates.
 *
 * Differences from Tencent's webim, on purpose:
 * - Where the server is: `webim.configure({ serverUrl })` or `options.serverUrl` at login.
 * - `accountType` and `appIDAt3rd` are accepted and ignored (they belonged to UserSig v1);
 *   `identifierNick`, when given, is saved as the user's nick at login.
 * - Only C2C: group APIs are absent.
 */
import { Cmd } from '@parley/protocol';
import { CoreClient } from '../../core/client.ts';
import type { CoreClientOptions } from '../../core/client.ts';
import { SdkError } from '../../core/errors.ts';
import type { MessageRecord } from '../../core/model.ts';
import type { TransportFactory } from '../../transports/transport.ts';
import * as C from './constants.ts';
import { Tool, WebimLog, getReturnError } from './log.ts';
import type { ConsoleLike, V1Error } from './log.ts';
import { Msg, Session, elemToWire, elemsFromWire } from './msg.ts';
import { MsgStore } from './store.ts';

/** How the client reaches the server: WebSocket with long-poll fallback, or one of them. */
export type TransportMode = 'auto' | 'websocket' | 'long-poll';

/** What an entry point supplies: its transports and platform hooks. */
export interface WebimPlatform {
  transport(mode: TransportMode): TransportFactory;
  /** Platform code sent to the server (WeChat mini program 8, web 7). */
  platform: number;
  console?: ConsoleLike;
  /** Register a callback for "the app came back to the foreground". */
  onAppShow?(cb: () => void): void;
}

/** `webim.configure()` options (Parley). */
export interface WebimConfig {
  /** The Parley server's base URL, as `server` in the TIM v2 API (`https://im.example.com`). */
  serverUrl?: string;
  /** 'auto' (default): WebSocket, HTTP long-poll when WebSocket fails. */
  transport?: TransportMode;
  /** Connection timings (see the TIM v2 `connection` option). */
  connection?: CoreClientOptions['connection'];
}

export interface LoginInfo {
  sdkAppID: number | string;
  identifier?: string;
  userSig?: string;
  identifierNick?: string;
  /** Accepted and ignored. */
  accountType?: unknown;
  /** Accepted and ignored. */
  appIDAt3rd?: unknown;
}

type Cb<T = unknown> = ((r: T) => void) | undefined | null;

export interface Listeners {
  onConnNotify?: (resp: { ActionStatus: string; ErrorCode: number; ErrorInfo: string }) => void;
  onMsgNotify?: (newMsgList: Msg[]) => void;
  onKickedEventCall?: () => void;
  onC2cEventNotifys?: Record<string, ((item?: unknown) => void) | undefined>;
  [other: string]: unknown;
}

export interface LoginOptions {
  isAccessFormalEnv?: boolean;
  isLogOn?: boolean;
  /** Parley: the server's base URL (else the one given to configure()). */
  serverUrl?: string;
  /** Parley: see WebimConfig.transport. */
  transport?: TransportMode;
}

/** `getC2CHistoryMsgs` options: pass the previous page's LastMsgTime + MsgKey for the next, older one. */
export interface HistoryOptions {
  Peer_Account: string;
  MaxCnt?: number;
  LastMsgTime?: number;
  MsgKey?: string;
}

/** The ws(s):// base the core appends `/info?…` to, from an http(s):// or ws(s):// server URL. */
function webSocketBase(server: string): string {
  const m = /^(https?|wss?):\/\/([^/?#]+)([^?#]*)/i.exec(server.trim());
  if (!m) throw new TypeError(`not an http(s):// or ws(s):// URL: ${server}`);
  const secure = /^(https|wss)$/i.test(m[1]!);
  return `${secure ? 'wss' : 'ws'}://${m[2]}${(m[3] ?? '').replace(/\/+$/, '')}`;
}

const OK = { ActionStatus: C.ACTION_STATUS.OK, ErrorCode: 0, ErrorInfo: '' };

/** The v1 error object for an SDK failure. */
function v1Error(err: unknown): V1Error {
  if (err instanceof SdkError) return { ActionStatus: 'FAIL', ErrorCode: err.code, ErrorInfo: err.message, SrcErrorInfo: err.message };
  if (err && typeof err === 'object' && 'ErrorCode' in err) return err as V1Error;
  return getReturnError(err instanceof Error ? err.message : String(err), -100);
}

function preview(m: MessageRecord | undefined): string {
  const first = m?.elems[0];
  if (!first) return '';
  if (m.isRevoked) return '';
  return first.MsgType === C.MSG_ELEMENT_TYPE.TEXT ? String(first.MsgContent['Text'] ?? '') : `[${first.MsgType.replace(/^TIM|Elem$/g, '')}]`;
}

/** Build one webim namespace object (each is one user session, like one loaded webim.js). */
export function createWebim(platform: WebimPlatform) {
  const Log = new WebimLog(platform.console);
  const MsgStoreObj = new MsgStore();
  let config: WebimConfig = {};
  let core: CoreClient | undefined;
  let ctx: { sdkAppID: number; identifier: string; identifierNick: string; headurl: string } | undefined;
  let listeners: Listeners = {};
  let connStatus: number = C.CONNECTION_STATUS.INIT;
  let loggedIn = false;
  let pending: Msg[] = [];
  let capture: Msg[] | undefined;
  const byRecord = new Map<string, Msg>();
  const autoReadTimers = new Map<string, ReturnType<typeof setTimeout>>();

  platform.onAppShow?.(() => core?.resume());

  function notifyConn(code: number, info: string): void {
    connStatus = code;
    const fn = listeners.onConnNotify;
    if (typeof fn === 'function') fn({ ActionStatus: code === C.CONNECTION_STATUS.OFF ? C.ACTION_STATUS.FAIL : C.ACTION_STATUS.OK, ErrorCode: code, ErrorInfo: info });
  }

  function checkLogin(cbErr?: Cb<V1Error>, isNeedCallBack?: boolean): boolean {
    if (ctx && ctx.sdkAppID && ctx.identifier) return true;
    if (isNeedCallBack && typeof cbErr === 'function') cbErr(getReturnError('请登录', -4));
    return false;
  }

  /** The Msg for a core record (one object per message), or undefined for messages webim drops. */
  function msgOf(r: MessageRecord): Msg | undefined {
    const known = byRecord.get(r.id);
    if (known) return known;
    const elems = elemsFromWire(r.elems);
    if (!elems) return undefined;
    const sess = MsgStoreObj.c2c(r.peer);
    const m = new Msg(sess, r.flow === 'out', r.clientSeq, r.random, r.time, r.from, C.C2C_MSG_SUB_TYPE.COMMON, r.nick || r.from);
    m.elems = elems;
    m.uniqueId = r.id;
    byRecord.set(r.id, m);
    return m;
  }

  /** Session unread counts follow the server's (unread = last − read sequence), 0 when auto-read. */
  function syncUnread(sess: Session): void {
    if (!core) return;
    if (sess._impl.isAutoRead) {
      sess._impl.unread = 0;
      return;
    }
    const c = core.conversations.get(`C2C${sess.id()}`);
    if (c) sess._impl.unread = c.unreadCount;
  }

  function reportReadSoon(sess: Session): void {
    const peer = sess.id();
    if (autoReadTimers.has(peer)) return;
    autoReadTimers.set(
      peer,
      setTimeout(() => {
        autoReadTimers.delete(peer);
        core?.markRead(`C2C${peer}`, peer).catch((err: unknown) => Log.warn(`auto read report failed: ${v1Error(err).ErrorInfo}`));
      }, 0),
    );
  }

  function onReceived(records: MessageRecord[]): void {
    const msgs: Msg[] = [];
    const touched = new Set<Session>();
    for (const r of records) {
      const m = msgOf(r);
      if (!m) continue;
      const sess = MsgStoreObj.adopt(m.sess);
      if (!sess._impl_addMsg(m)) continue;
      touched.add(sess);
      msgs.push(m);
    }
    for (const s of touched) {
      syncUnread(s);
      if (s._impl.isAutoRead) reportReadSoon(s);
    }
    if (msgs.length === 0) return;
    if (capture) capture.push(...msgs);
    else if (!loggedIn) pending.push(...msgs);
    else deliver(msgs);
  }

  function deliver(msgs: Msg[]): void {
    const fn = listeners.onMsgNotify;
    if (typeof fn === 'function') fn(msgs);
    else Log.warn('listeners.onMsgNotify is empty');
  }

  function wire(c: CoreClient): void {
    c.events.on('received', onReceived);
    c.events.on('conversations', (list) => {
      for (const conv of list) {
        const sess = MsgStoreObj.c2c(conv.peer);
        if (conv.lastTime > sess._impl.time) sess._impl.time = conv.lastTime;
        syncUnread(sess);
      }
    });
    c.events.on('netState', (state) => {
      if (!loggedIn) return;
      if (state === 'connected') {
        if (connStatus === C.CONNECTION_STATUS.OFF) notifyConn(C.CONNECTION_STATUS.RECONNECT, 'connection is reconnect');
      } else if (connStatus === C.CONNECTION_STATUS.ON || connStatus === C.CONNECTION_STATUS.RECONNECT) {
        notifyConn(C.CONNECTION_STATUS.OFF, 'connection is off');
      }
    });
    c.events.on('peerRead', (records) => {
      const fn = listeners.onC2cEventNotifys?.[String(C.C2C_EVENT_SUB_TYPE.READED)];
      if (typeof fn !== 'function' || !ctx) return;
      const peers = new Set(records.map((r) => r.peer));
      for (const peer of peers) {
        const conv = c.conversations.get(`C2C${peer}`);
        fn({ From_Account: peer, To_Account: ctx.identifier, Peer_Account: peer, LastReadTime: conv?.peerReadTime ?? 0 });
      }
    });
    c.events.on('kicked', ({ kickType }) => {
      const wasIn = loggedIn;
      reset();
      if (!wasIn) return;
      const multiDevice = listeners.onC2cEventNotifys?.[String(C.C2C_EVENT_SUB_TYPE.KICKEDOUT)];
      if (kickType === 2 && typeof multiDevice === 'function') multiDevice();
      else if (typeof listeners.onKickedEventCall === 'function') listeners.onKickedEventCall();
      else Log.warn('listeners.onKickedEventCall is empty');
    });
    c.events.on('userSigExpired', () => {
      Log.error('UserSig expired: log in again with a fresh one');
      if (loggedIn && connStatus !== C.CONNECTION_STATUS.OFF) notifyConn(C.CONNECTION_STATUS.OFF, 'connection is off');
    });
    c.events.on('error', (err) => {
      Log.error(`connection closed: ${err.message}`);
      if (loggedIn && connStatus !== C.CONNECTION_STATUS.OFF) notifyConn(C.CONNECTION_STATUS.OFF, 'connection is off');
    });
  }

  function reset(): void {
    loggedIn = false;
    ctx = undefined;
    connStatus = C.CONNECTION_STATUS.INIT;
    pending = [];
    capture = undefined;
    byRecord.clear();
    for (const t of autoReadTimers.values()) clearTimeout(t);
    autoReadTimers.clear();
    MsgStoreObj.clear();
  }

  /** Run an async step and report through v1 callbacks. */
  function run<T>(work: () => Promise<T>, cbOk: Cb<T>, cbErr: Cb<V1Error>): void {
    work().then(
      (r) => {
        if (typeof cbOk === 'function') cbOk(r);
      },
      (err: unknown) => {
        const e = v1Error(err);
        Log.error(e.ErrorInfo);
        if (typeof cbErr === 'function') cbErr(e);
      },
    );
  }

  function requireCore(): CoreClient {
    if (!core || !loggedIn) throw getReturnError('请登录', -4);
    return core;
  }

  function login(loginInfo: LoginInfo, listenersIn?: Listeners, options?: LoginOptions, cbOk?: Cb, cbErr?: Cb<V1Error>): void {
    const fail = (e: V1Error) => {
      Log.error(e.ErrorInfo);
      if (typeof cbErr === 'function') cbErr(e);
    };
    if (!loginInfo) return fail(getReturnError('loginInfo is empty', -6));
    if (!loginInfo.sdkAppID) return fail(getReturnError('loginInfo.sdkAppID is empty', -7));
    if (!loginInfo.identifier) return fail(getReturnError('loginInfo.identifier is empty: anonymous login is not supported', -8));
    if (!loginInfo.userSig) return fail(getReturnError('loginInfo.userSig is empty', -9));
    const opts = options ?? {};
    Log.setOn(opts.isLogOn !== false);
    const serverUrl = opts.serverUrl ?? config.serverUrl;
    if (!serverUrl) return fail(getReturnError('no server: call webim.configure({ serverUrl }) first', -100));
    let wsBase: string;
    try {
      wsBase = webSocketBase(serverUrl);
    } catch (err) {
      return fail(getReturnError(err instanceof Error ? err.message : 'bad serverUrl', -100));
    }
    const previous = core;
    if (previous) void previous.logout();
    reset();
    listeners = listenersIn ?? {};
    for (const name of ['onConnNotify', 'onMsgNotify']) if (typeof listeners[name] !== 'function') Log.warn(`listeners.${name} is empty`);
    const sdkAppID = Number(loginInfo.sdkAppID);
    ctx = { sdkAppID, identifier: String(loginInfo.identifier), identifierNick: loginInfo.identifierNick ?? '', headurl: '' };
    const coreOpts: CoreClientOptions = {
      sdkAppId: sdkAppID,
      wsBase,
      transport: platform.transport(opts.transport ?? config.transport ?? 'auto'),
      platform: platform.platform,
      // webim hands the unread backlog to onMsgNotify (Tencent's server announces it with Event 1).
      emitBacklog: true,
    };
    if (config.connection) coreOpts.connection = config.connection;
    const c = new CoreClient(coreOpts);
    core = c;
    wire(c);
    const me = ctx;
    c.login(me.identifier, String(loginInfo.userSig)).then(
      async () => {
        if (core !== c) return;
        if (me.identifierNick) {
          await c.request(Cmd.PortraitSet, { From_Account: me.identifier, ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: me.identifierNick }] }).catch((err: unknown) => Log.warn(`saving identifierNick failed: ${v1Error(err).ErrorInfo}`));
        }
        try {
          const r = await c.request(Cmd.PortraitGet, { From_Account: me.identifier, To_Account: [me.identifier], TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Image'] });
          const items = ((r['UserProfileItem'] as { ProfileItem?: { Tag: string; Value: unknown }[] }[] | undefined)?.[0]?.ProfileItem ?? []) as { Tag: string; Value: unknown }[];
          for (const it of items) {
            if (it.Tag === 'Tag_Profile_IM_Nick' && it.Value) me.identifierNick = String(it.Value);
            if (it.Tag === 'Tag_Profile_IM_Image' && it.Value) me.headurl = String(it.Value);
          }
        } catch (err) {
          Log.warn(`reading the profile failed: ${v1Error(err).ErrorInfo}`);
        }
        if (core !== c) return;
        loggedIn = true;
        if (typeof cbOk === 'function') cbOk({ ActionStatus: C.ACTION_STATUS.OK, ErrorCode: 0, ErrorInfo: 'login success', identifierNick: me.identifierNick, headurl: me.headurl });
        notifyConn(C.CONNECTION_STATUS.ON, 'connection is on');
        const backlog = pending;
        pending = [];
        if (backlog.length) setTimeout(() => loggedIn && deliver(backlog), 0);
      },
      (err: unknown) => {
        if (core === c) {
          core = undefined;
          reset();
        }
        fail(v1Error(err));
      },
    );
  }

  function logout(cbOk?: Cb, cbErr?: Cb<V1Error>): void {
    const c = core;
    core = undefined;
    reset();
    if (!c) {
      if (typeof cbOk === 'function') cbOk({ ...OK, ErrorInfo: 'logout success' });
      return;
    }
    run(async () => {
      await c.logout();
      return { ...OK, ErrorInfo: 'logout success' };
    }, cbOk, cbErr);
  }

  function sendMsg(msg: Msg, cbOk?: Cb, cbErr?: Cb<V1Error>): void {
    if (!checkLogin(cbErr, true)) return;
    run(
      async () => {
        const c = requireCore();
        if (!msg || !msg.sess || typeof msg.sess.type !== 'function') throw getReturnError('msg is not a webim.Msg', -100);
        if (msg.sess.type() !== C.SESSION_TYPE.C2C) throw getReturnError('only C2C messages are supported', -100);
        const peer = msg.sess.id();
        const rec = c.createOutgoing(peer, msg.elems.map(elemToWire));
        // The app's Msg keeps its identity on the wire (MsgSeq + MsgRandom), as in webim.
        rec.random = msg.random >>> 0;
        rec.clientSeq = msg.seq >>> 0;
        msg.uniqueId = rec.id;
        byRecord.set(rec.id, msg);
        const sent = await c.send(rec);
        msg.time = sent.time;
        const sess = MsgStoreObj.adopt(msg.sess);
        if (sess !== msg.sess) msg.sess = sess;
        if (!sess._impl_addMsg(msg)) throw getReturnError('sendMsg: addMsg failed', -17);
        return { ...OK, MsgTime: sent.time, MsgKey: sent.msgKey };
      },
      cbOk,
      cbErr,
    );
  }

  function syncMsgs(cbOk?: Cb<Msg[]>, cbErr?: Cb<V1Error>): void {
    if (!checkLogin(cbErr, true)) return;
    const collect = typeof cbOk === 'function';
    run(
      async () => {
        const c = requireCore();
        const mine: Msg[] = [];
        const prev = capture;
        if (collect) capture = mine;
        try {
          await c.syncNow();
        } finally {
          if (collect) capture = prev;
        }
        return mine;
      },
      collect ? cbOk : undefined,
      cbErr,
    );
  }

  function getC2CHistoryMsgs(options: HistoryOptions, cbOk?: Cb, cbErr?: Cb<V1Error>): void {
    if (!checkLogin(cbErr, true)) return;
    run(
      async () => {
        const c = requireCore();
        if (!options?.Peer_Account) throw getReturnError('Peer_Account is empty', -13);
        const maxCnt = options.MaxCnt ?? 15;
        if (maxCnt <= 0) throw getReturnError('MaxCnt should be greater than 0', -14);
        if (maxCnt > 15) throw getReturnError('MaxCnt can not be greater than 15', -15);
        const peer = options.Peer_Account;
        const convId = `C2C${peer}`;
        let before: MessageRecord | undefined;
        if (options.MsgKey) {
          before = c.store.all(convId).find((r) => r.msgKey === options.MsgKey);
          if (!before) throw getReturnError('MsgKey is not a message of this conversation', -100);
        }
        const page = await c.history(convId, peer, maxCnt, before);
        const sent = page.messages.filter((r) => r.status === 'success');
        const sess = MsgStoreObj.c2c(peer);
        const list: Msg[] = [];
        for (const r of sent) {
          const m = msgOf(r);
          if (!m) continue;
          sess._impl_addMsg(m);
          list.push(m);
        }
        const complete = page.isCompleted ? 1 : 0;
        sess.isFinished(complete);
        const oldest = sent[0];
        return { ...OK, Complete: complete, MsgCount: list.length, LastMsgTime: oldest?.time ?? 0, MsgKey: oldest?.msgKey ?? '', MsgList: list };
      },
      cbOk,
      cbErr,
    );
  }

  function getRecentContactList(options?: { Count?: number }, cbOk?: Cb, cbErr?: Cb<V1Error>): void {
    if (!checkLogin(cbErr, true)) return;
    run(
      async () => {
        const c = requireCore();
        await c.refreshConversations();
        const count = options?.Count && options.Count > 0 ? options.Count : 100;
        const SessionItem = c.conversations
          .list()
          .slice(0, count)
          .map((conv) => ({
            Type: C.RECENT_CONTACT_TYPE.C2C,
            To_Account: conv.peer,
            MsgTimeStamp: conv.lastTime,
            MsgSeq: conv.lastMessage?.clientSeq ?? 0,
            MsgRandom: conv.lastMessage?.random ?? 0,
            MsgShow: preview(conv.lastMessage),
            UnreadMsgCount: conv.unreadCount,
          }));
        return { ...OK, SessionItem };
      },
      cbOk,
      cbErr,
    );
  }

  function setAutoRead(selSess: Session, isOn: boolean, isResetAll?: boolean): void {
    if (isResetAll) for (const s of Object.values(MsgStoreObj.sessMap())) s._impl.isAutoRead = false;
    if (!selSess || typeof selSess.id !== 'function') return;
    const sess = MsgStoreObj.adopt(selSess);
    sess._impl.isAutoRead = Boolean(isOn);
    if (selSess !== sess) selSess._impl.isAutoRead = Boolean(isOn);
    if (isOn) {
      sess._impl.unread = 0;
      if (core && loggedIn) reportReadSoon(sess);
    }
  }

  function c2CMsgReaded(options: { To_Account?: string; C2CMsgReaded?: { C2CMsgReadedItem?: { To_Account: string }[] } }, cbOk?: Cb, cbErr?: Cb<V1Error>): void {
    if (!checkLogin(cbErr, true)) return;
    run(
      async () => {
        const c = requireCore();
        const peers = options?.To_Account ? [options.To_Account] : (options?.C2CMsgReaded?.C2CMsgReadedItem ?? []).map((i) => i.To_Account);
        for (const peer of peers) {
          await c.markRead(`C2C${peer}`, peer);
          const sess = MsgStoreObj.sessByTypeId(C.SESSION_TYPE.C2C, peer);
          if (sess) sess._impl.unread = 0;
        }
        return { ...OK };
      },
      cbOk,
      cbErr,
    );
  }

  function getProfilePortrait(options: Record<string, unknown>, cbOk?: Cb, cbErr?: Cb<V1Error>): void {
    if (!checkLogin(cbErr, true)) return;
    run(async () => requireCore().request(Cmd.PortraitGet, { From_Account: ctx?.identifier, ...options }), cbOk, cbErr);
  }

  function setProfilePortrait(options: Record<string, unknown>, cbOk?: Cb, cbErr?: Cb<V1Error>): void {
    if (!checkLogin(cbErr, true)) return;
    run(
      async () => {
        const r = await requireCore().request(Cmd.PortraitSet, { From_Account: ctx?.identifier, ...options });
        const items = Array.isArray(options?.['ProfileItem']) ? (options['ProfileItem'] as { Tag: string; Value: unknown }[]) : [];
        for (const it of items) if (it.Tag === 'Tag_Profile_IM_Nick' && ctx) ctx.identifierNick = String(it.Value);
        return r;
      },
      cbOk,
      cbErr,
    );
  }

  return {
    /** Parley: where the server is, and how to reach it. */
    configure(c: WebimConfig): void {
      config = { ...config, ...c };
    },
    login,
    init: login,
    logout,
    offline: logout,
    logoutAll: logout,
    checkLogin,
    sendMsg,
    syncMsgs,
    getC2CHistoryMsgs,
    getRecentContactList,
    setAutoRead,
    c2CMsgReaded,
    getProfilePortrait,
    setProfilePortrait,
    /** The logged-in user's identifier ('' when logged out). */
    getLoginUser: () => ctx?.identifier ?? '',
    Session,
    Msg,
    MsgStore: MsgStoreObj,
    Log,
    Tool,
    CONNECTION_STATUS: C.CONNECTION_STATUS,
    SESSION_TYPE: C.SESSION_TYPE,
    RECENT_CONTACT_TYPE: C.RECENT_CONTACT_TYPE,
    C2C_MSG_SUB_TYPE: C.C2C_MSG_SUB_TYPE,
    C2C_EVENT_SUB_TYPE: C.C2C_EVENT_SUB_TYPE,
    GROUP_MSG_SUB_TYPE: C.GROUP_MSG_SUB_TYPE,
    MSG_ELEMENT_TYPE: C.MSG_ELEMENT_TYPE,
    MSG_MAX_LENGTH: C.MSG_MAX_LENGTH,
    IMAGE_TYPE: C.IMAGE_TYPE,
    TLS_ERROR_CODE: C.TLS_ERROR_CODE,
    UPLOAD_PIC_BUSSINESS_TYPE: C.UPLOAD_PIC_BUSSINESS_TYPE,
    /** Tencent's emoji table is not shipped: apps that look faces up here fall back to text. */
    Emotions: {} as Record<string, [string, string]>,
    EmotionDataIndexs: {} as Record<string, number>,
    VERSION: '1.7.2-parley',
  };
}

/** One webim namespace object. */
export type Webim = ReturnType<typeof createWebim>;
