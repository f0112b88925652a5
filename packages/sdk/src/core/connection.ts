/**
 * One logged-in link to a Parley (or Tencent-protocol) server, kept alive across drops.
 *
 * State machine (one `state` event per change):
 *
 *   idle ──start()──▶ connecting ──login OK──▶ connected ──link lost──▶ reconnecting
 *                         │                      ▲   │                    │   ▲
 *                         │ first attempt fails  │   └─ stop()/kick ──┐   │   │ attempt fails:
 *                         ▼                      └── login OK ─────────┼───┘   │ backoff again
 *                       closed ◀───────────── stop() / kick / fatal ───┘───────┘
 *
 * `reconnecting` also covers "waiting for a fresh UserSig": when the server answers a
 * re-login with an expired-sig error (or pushes a userSigExpired kick) the machine stays in
 * `reconnecting` without scheduling attempts until `renew()` supplies a new sig.
 *
 * Every attempt uses a fresh Transport and logs in again with the UserSig: the server keeps
 * no per-socket state a client could resume. Replies are matched on servcmd+seq; frames that
 * match no pending request are pushes.
 */
import { Cmd, KickType, PushCmd } from '@parley/protocol';
import type { Frame, FrameHead } from '@parley/protocol';
import { Backoff } from './backoff.ts';
import type { BackoffOptions } from './backoff.ts';
import { Emitter } from './emitter.ts';
import { SdkError, clientError } from './errors.ts';
import { PendingRequests } from './pending.ts';
import type { TransportFactory, Transport } from '../transports/transport.ts';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** What TIM v2 reports in NET_STATE_CHANGE. */
export type NetState = 'connected' | 'connecting' | 'disconnected';

export type ReplyBody = Record<string, unknown>;

/** What the server said in its login reply. */
export interface LoginInfo {
  tinyId: string;
  a2: string;
  instId: string | number | undefined;
  /** Server clock minus local clock, in seconds. */
  clockOffsetSec: number;
  helloIntervalSec: number;
  body: ReplyBody;
}

export interface ConnectionOptions {
  sdkAppId: number;
  platform: number;
  /** Builds the URL for one attempt (a fresh `random` each time). */
  buildUrl: () => string;
  transport: TransportFactory;
  requestTimeoutMs?: number;
  loginTimeoutMs?: number;
  /** Send heartbeat.alive after this long without receiving anything. */
  heartbeatIdleMs?: number;
  /** A heartbeat without a reply in this time means the link is dead. */
  heartbeatTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Failed attempts in a row after which NET_STATE turns 'disconnected'. */
  netDownAfterAttempts?: number;
  now?: () => number;
}

export interface ConnectionEvents {
  [k: string]: unknown;
  state: { state: ConnectionState; previous: ConnectionState; reason: string };
  netState: NetState;
  loggedIn: { info: LoginInfo; reconnect: boolean };
  push: Frame;
  /** The server ended this instance's session (KickType from the push). */
  kicked: { kickType: number };
  /** The UserSig expired; call renew() to continue. Queued work is kept. */
  authExpired: { error: SdkError; kicked: boolean };
  /** Login was refused for good (e.g. bad signature); the connection is closed. */
  fatal: { error: SdkError };
}

export interface RequestOptions {
  timeoutMs?: number;
}

const SDK_VERSION = '0.1.0';

export class Connection {
  readonly events = new Emitter<ConnectionEvents>();
  #state: ConnectionState = 'idle';
  #netState: NetState | undefined;
  #transport: Transport | undefined;
  #userID = '';
  #userSig = '';
  #session: LoginInfo | undefined;
  #seq = 0;
  readonly #pending = new PendingRequests<ReplyBody>();
  readonly #backoff: Backoff;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #awaitingSig = false;
  #everConnected = false;
  #firstLogin: { resolve(i: LoginInfo): void; reject(e: unknown): void } | undefined;
  #waiters: { resolve(): void; reject(e: unknown): void }[] = [];
  readonly #o: Required<Omit<ConnectionOptions, 'backoff'>> & { backoff: BackoffOptions };

  constructor(opts: ConnectionOptions) {
    this.#o = {
      requestTimeoutMs: 15_000,
      loginTimeoutMs: 15_000,
      heartbeatIdleMs: 10_000,
      heartbeatTimeoutMs: 5_000,
      netDownAfterAttempts: 3,
      now: () => Date.now(),
      ...opts,
      backoff: opts.backoff ?? { baseMs: 500, capMs: 30_000 },
    };
    this.#backoff = new Backoff(this.#o.backoff);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get session(): LoginInfo | undefined {
    return this.#session;
  }

  get userID(): string {
    return this.#userID;
  }

  /** True while the machine waits for renew() after an expired UserSig. */
  get awaitingUserSig(): boolean {
    return this.#awaitingSig;
  }

  /** Connect and log in. Resolves on the first successful login; rejects if that attempt fails. */
  start(userID: string, userSig: string): Promise<LoginInfo> {
    if (this.#state !== 'idle' && this.#state !== 'closed') {
      return Promise.reject(clientError('CLIENT_REPEAT_LOGIN'));
    }
    this.#userID = userID;
    this.#userSig = userSig;
    this.#everConnected = false;
    this.#awaitingSig = false;
    this.#backoff.reset();
    this.#netState = undefined;
    return new Promise<LoginInfo>((resolve, reject) => {
      this.#firstLogin = { resolve, reject };
      this.#setState('connecting', 'start');
      this.#attempt();
    });
  }

  /** Supply a fresh UserSig. When the machine waits for one, it reconnects at once. */
  renew(userSig: string): void {
    this.#userSig = userSig;
    if (this.#awaitingSig && this.#state === 'reconnecting') {
      this.#awaitingSig = false;
      this.#backoff.reset();
      this.#attempt();
    }
  }

  /** Resolves once logged in; rejects when the connection closes first. */
  whenConnected(): Promise<void> {
    if (this.#state === 'connected') return Promise.resolve();
    if (this.#state === 'closed' || this.#state === 'idle') return Promise.reject(clientError('CLIENT_NOT_LOGGED_IN'));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Send a command and wait for its reply body. Rejects with CLIENT_NETWORK when not
   * connected or when the link drops before the reply, CLIENT_TIMEOUT without a reply, and
   * SdkError.fromReply for ErrorCode ≠ 0.
   */
  async request(servcmd: string, body: object, opts: RequestOptions = {}): Promise<ReplyBody> {
    const transport = this.#transport;
    if (this.#state !== 'connected' || !transport) throw clientError('CLIENT_NETWORK', 'not connected');
    const reply = await this.#send(transport, servcmd, body, opts.timeoutMs ?? this.#o.requestTimeoutMs, false);
    return this.#checkReply(reply);
  }

  /** Log out this instance (best effort) and close. Idempotent. */
  async stop(): Promise<void> {
    const transport = this.#transport;
    if (this.#state === 'connected' && transport) {
      try {
        await this.#send(transport, Cmd.WsLogout, { wslogout_type: 0 }, 2_000, false);
      } catch {
        // Logging out of a dying link: closing it below has the same effect on the server.
      }
    }
    this.#close('stop', clientError('CLIENT_CLOSED'));
  }

  /** While waiting out a backoff, try again now (e.g. the app came back to the foreground). */
  retryNow(): void {
    if (this.#state !== 'reconnecting' || this.#awaitingSig || this.#retryTimer === undefined) return;
    this.#attempt();
  }

  /** Drop the current link and reconnect (e.g. the server no longer knows our A2). */
  reconnect(reason: string): void {
    if (this.#state !== 'connected') return;
    this.#linkLost(reason);
  }

  // --- internals ---------------------------------------------------------------------

  #attempt(): void {
    this.#clearRetry();
    if (this.#state === 'closed' || this.#state === 'idle') return;
    this.#session = undefined;
    const transport = this.#o.transport();
    this.#transport = transport;
    let opened = false;
    transport.open(this.#o.buildUrl(), {
      open: () => {
        opened = true;
        void this.#login(transport);
      },
      frame: (text) => {
        if (this.#transport === transport) this.#onFrame(transport, text);
      },
      close: (code, reason) => {
        if (this.#transport === transport) this.#linkLost(`${opened ? 'closed' : 'connect failed'} (${code}${reason ? ` ${reason}` : ''})`);
      },
      error: () => {
        // The close that follows decides; ws and browsers always emit one.
      },
    });
  }

  async #login(transport: Transport): Promise<void> {
    let body: ReplyBody;
    try {
      body = await this.#send(transport, Cmd.WsLogin, { State: 'Online' }, this.#o.loginTimeoutMs, true);
    } catch (err) {
      if (this.#transport === transport) this.#linkLost(err instanceof Error ? err.message : 'login failed');
      return;
    }
    if (this.#transport !== transport) return;
    const code = Number(body['ErrorCode'] ?? 0);
    if (code !== 0) {
      this.#loginRefused(SdkError.fromReply(body));
      return;
    }
    const serverTime = Number(body['TimeStamp']);
    const info: LoginInfo = {
      tinyId: String(body['TinyId'] ?? ''),
      a2: String(body['A2Key'] ?? ''),
      instId: body['InstId'] as string | number | undefined,
      clockOffsetSec: Number.isFinite(serverTime) && serverTime > 0 ? serverTime - Math.floor(this.#o.now() / 1000) : 0,
      helloIntervalSec: Number(body['HelloInterval']) > 0 ? Number(body['HelloInterval']) : 120,
      body,
    };
    this.#session = info;
    const reconnect = this.#everConnected;
    this.#everConnected = true;
    this.#backoff.reset();
    this.#setState('connected', 'logged in');
    this.#armIdle(transport);
    const first = this.#firstLogin;
    this.#firstLogin = undefined;
    first?.resolve(info);
    this.events.emit('loggedIn', { info, reconnect });
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) if (this.#state === 'connected') w.resolve();
  }

  #loginRefused(err: SdkError): void {
    if (this.#firstLogin) {
      // The app's own login() call: report the refusal to it instead of retrying.
      const first = this.#firstLogin;
      this.#firstLogin = undefined;
      this.#close('login refused', err);
      first.reject(err);
      return;
    }
    if (err.retry === 'reauth') {
      this.#dropTransport();
      this.#awaitingSig = true;
      this.#setState('reconnecting', 'UserSig expired');
      this.events.emit('authExpired', { error: err, kicked: false });
      return;
    }
    if (err.retry === 'never') {
      this.#close('login refused', err);
      this.events.emit('fatal', { error: err });
      return;
    }
    this.#linkLost(`login failed: ${err.message}`, err.retryAfterMs);
  }

  #send(transport: Transport, servcmd: string, body: object, timeoutMs: number, isLogin: boolean): Promise<ReplyBody> {
    const seq = ++this.#seq;
    const head = this.#head(servcmd, seq, isLogin);
    const key = PendingRequests.key(servcmd, seq);
    const p = this.#pending.add(key, timeoutMs);
    transport.send(JSON.stringify({ head, body }));
    return p;
  }

  #head(servcmd: string, seq: number, isLogin: boolean): FrameHead {
    const head: FrameHead = {
      ver: 'v4',
      platform: this.#o.platform,
      sdkappid: this.#o.sdkAppId,
      contenttype: 'json',
      reqtime: Math.floor(this.#o.now() / 1000),
      websdkversion: SDK_VERSION,
      servcmd,
      seq,
    };
    const s = this.#session;
    if (isLogin || !s) {
      head.identifier = this.#userID;
      head.usersig = this.#userSig;
    } else {
      head.a2 = s.a2;
      head.tinyid = s.tinyId;
      if (s.instId !== undefined) head.status_instid = s.instId;
    }
    return head;
  }

  #checkReply(body: ReplyBody): ReplyBody {
    const code = Number(body['ErrorCode'] ?? 0);
    if (code === 0 && body['ActionStatus'] !== 'FAIL') return body;
    const err = SdkError.fromReply(body);
    if (err.retry === 'reauth') {
      if (err.errorCode === 'AUTH_USERSIG_EXPIRED') this.#sigExpired(false);
      // A2 unknown to the server (it restarted, or the session was evicted): log in again.
      else this.reconnect('session credential rejected');
    }
    throw err;
  }

  #onFrame(transport: Transport, text: string): void {
    this.#armIdle(transport);
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object' || !frame.head || typeof frame.head.servcmd !== 'string') return;
    const body = (frame.body && typeof frame.body === 'object' ? frame.body : {}) as ReplyBody;
    const seq = Number(frame.head.seq);
    if (Number.isFinite(seq) && this.#pending.resolve(PendingRequests.key(frame.head.servcmd, seq), body)) return;
    if (frame.head.servcmd === PushCmd.ForceOffline) {
      this.#onKick(findKickType(body));
      return;
    }
    if (body['NeedAck'] === 1 && this.#state === 'connected') {
      this.#send(transport, Cmd.PushAck, { SessionData: body['SessionData'] }, this.#o.requestTimeoutMs, false).catch(() => {});
    }
    this.events.emit('push', { head: frame.head, body });
  }

  #onKick(kickType: number): void {
    if (kickType === KickType.UserSigExpired) {
      this.#sigExpired(true);
      return;
    }
    this.#close('kicked', clientError('CLIENT_CLOSED', 'kicked out'));
    this.events.emit('kicked', { kickType });
  }

  #sigExpired(kicked: boolean): void {
    if (this.#state === 'closed' || this.#state === 'idle' || this.#awaitingSig) return;
    this.#dropTransport();
    this.#awaitingSig = true;
    this.#setState('reconnecting', 'UserSig expired');
    this.events.emit('authExpired', { error: new SdkError('AUTH_USERSIG_EXPIRED'), kicked });
  }

  #armIdle(transport: Transport): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#state !== 'connected') return;
    const idle = Math.min(this.#o.heartbeatIdleMs, Math.max(1_000, (this.#session?.helloIntervalSec ?? 120) * 500));
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#transport !== transport || this.#state !== 'connected') return;
      this.#send(transport, Cmd.Heartbeat, {}, this.#o.heartbeatTimeoutMs, false).catch((err: unknown) => {
        if (this.#transport === transport && err instanceof SdkError && err.errorCode === 'CLIENT_TIMEOUT') {
          this.#linkLost('heartbeat timed out');
        }
      });
    }, idle);
  }

  #linkLost(reason: string, retryAfterMs?: number): void {
    this.#dropTransport();
    if (this.#state === 'closed' || this.#state === 'idle') return;
    if (this.#firstLogin) {
      const first = this.#firstLogin;
      this.#firstLogin = undefined;
      const err = clientError('CLIENT_NETWORK', `login failed: ${reason}`);
      this.#close(reason, err);
      first.reject(err);
      return;
    }
    if (this.#awaitingSig) return;
    this.#setState('reconnecting', reason);
    const delay = Math.max(this.#backoff.next(), retryAfterMs ?? 0);
    if (this.#backoff.attempts > this.#o.netDownAfterAttempts) this.#setNetState('disconnected');
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#attempt();
    }, delay);
  }

  #dropTransport(): void {
    const t = this.#transport;
    this.#transport = undefined;
    this.#session = undefined;
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    t?.close(1000, 'client closing');
    this.#pending.rejectAll(clientError('CLIENT_NETWORK'));
  }

  #close(reason: string, err: SdkError): void {
    this.#clearRetry();
    this.#dropTransport();
    this.#awaitingSig = false;
    if (this.#state !== 'closed' && this.#state !== 'idle') this.#setState('closed', reason);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(err);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #setState(state: ConnectionState, reason: string): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.events.emit('state', { state, previous, reason });
    if (state === 'connected') this.#setNetState('connected');
    else if (state === 'connecting' || state === 'reconnecting') {
      if (this.#netState !== 'disconnected') this.#setNetState('connecting');
    }
  }

  #setNetState(s: NetState): void {
    if (this.#netState === s) return;
    this.#netState = s;
    this.events.emit('netState', s);
  }
}

/** KickType sits in EventArray[].C2cNotifyMsgArray[].KickoutMsgNotify; accept a flat one too. */
function findKickType(body: ReplyBody): number {
  if (typeof body['KickType'] === 'number') return body['KickType'];
  const events = Array.isArray(body['EventArray']) ? (body['EventArray'] as ReplyBody[]) : [];
  for (const ev of events) {
    const items = Array.isArray(ev['C2cNotifyMsgArray']) ? (ev['C2cNotifyMsgArray'] as ReplyBody[]) : [];
    for (const item of items) {
      const k = item['KickoutMsgNotify'] as ReplyBody | undefined;
      if (k && typeof k['KickType'] === 'number') return k['KickType'];
    }
  }
  return KickType.MultipleAccount;
}
