/**
 * Drives one official Tencent IM Web SDK instance (tim-js-sdk 2.x or
 * @tencentcloud/chat 3.x over WebSocket, or tim-js-sdk 2.10.2 over the HTTP
 * long-poll line) in a child process, for integration tests against
 * the Parley gateway.
 *
 * Why a child process: the SDKs keep a single instance per SDKAppID per JS
 * realm, so two users of the same app cannot live in one process.
 *
 *   const alice = await spawnTimUser({ sdk: 'tim-js-sdk', sdkAppId, wsUrl, userId: 'alice', userSig });
 *   await alice.login();
 *   await alice.waitFor('SDK_READY');
 *   const sent = await alice.sendText('bob', 'hi');
 *   await alice.close();
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `tim-js-sdk-http` is tim-js-sdk 2.10.2 (npm alias): Tencent's HTTP long-poll line, not WebSocket. */
export type OfficialSdk = 'tim-js-sdk' | '@tencentcloud/chat' | 'tim-js-sdk-http';

export interface SpawnTimUserOptions {
  sdk: OfficialSdk;
  sdkAppId: number;
  /** Gateway WebSocket base URL, passed to the SDK as `proxyServer` (e.g. `ws://127.0.0.1:1234`). */
  wsUrl: string;
  /** Gateway HTTP base URL (e.g. `http://127.0.0.1:1234`): where `tim-js-sdk-http`'s requests to Tencent's hosts are sent. */
  httpUrl?: string;
  userId: string;
  userSig: string;
  /** SDK log level 0 (verbose) .. 4 (none). Default 4. */
  logLevel?: number;
  /** Report every WebSocket frame (HTTP line: every request and reply) as a `WIRE` event, for diagnosing shape mismatches. Default false. */
  trace?: boolean;
  /** Default timeout for commands and `waitFor`, ms. Default 15000. */
  timeoutMs?: number;
}

/** JSON-safe copy of an SDK Message, as forwarded by the child. */
export interface TimMessage {
  ID: string;
  conversationID: string;
  conversationType: string;
  from: string;
  to: string;
  flow: 'in' | 'out';
  time: number;
  clientTime: number;
  sequence: number;
  random: number;
  status: string;
  isRead: boolean;
  isPeerRead: boolean;
  isRevoked: boolean;
  type: string;
  payload: Record<string, unknown>;
  nick: string;
  cloudCustomData: string;
}

export interface TimConversation {
  conversationID: string;
  type: string;
  unreadCount: number;
  peerReadTime: number;
  lastMessage: {
    lastTime: number;
    lastSequence: number;
    fromAccount: string;
    type: string | null;
    messageForShow: string;
    payload: Record<string, unknown> | null;
    isRevoked: boolean;
    isPeerRead: boolean;
  };
}

/** Payload of each forwarded event, keyed by TIM.EVENT constant name. */
export interface TimEventMap {
  SDK_READY: unknown;
  SDK_NOT_READY: unknown;
  MESSAGE_RECEIVED: TimMessage[];
  MESSAGE_MODIFIED: TimMessage[];
  /** Usually full messages; may be a stub `{conversationID, sequence, time}` if the message was not loaded. */
  MESSAGE_REVOKED: TimMessage[];
  MESSAGE_READ_BY_PEER: TimMessage[];
  CONVERSATION_LIST_UPDATED: TimConversation[];
  TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: number;
  KICKED_OUT: { type: string };
  NET_STATE_CHANGE: { state: 'connected' | 'connecting' | 'disconnected' };
  ERROR: { code: number; message: string };
  /** An SDK promise rejected with nobody listening (e.g. a login-time command the server refused). */
  CHILD_UNHANDLED_REJECTION: { code: number; message: string };
  /** The SDK threw inside a callback (usually a server frame of an unexpected shape). The child keeps running, like a browser page. */
  CHILD_UNCAUGHT_EXCEPTION: { code: number; message: string; stack: string };
  /** Only with `trace: true`: one WebSocket frame, or for the HTTP line `{path, query, body}` of one request or reply. */
  WIRE: { dir: 'in' | 'out'; frame: unknown };
  /** HTTP line only: the SDK tried to reach a host other than Tencent's IM API; it was answered (`answered`) or refused locally. */
  BLOCKED_REQUEST: { url: string; answered: boolean };
  /** HTTP line only: the test server answered a request (`errorCode` of the envelope, null if none). */
  HTTP_REPLY: { path: string; errorCode: number | null };
}
export type TimEventName = keyof TimEventMap;

export interface TimEvent<N extends TimEventName = TimEventName> {
  name: N;
  data: TimEventMap[N];
  /** Date.now() in the child when the SDK emitted it. */
  at: number;
}

export interface MessageListResult {
  messageList: TimMessage[];
  nextReqMessageID: string;
  isCompleted: boolean;
}

/** Rejection of a command: the SDK's IMError code/message (negative codes come from the harness). */
export class TimCommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | string,
    message: string,
  ) {
    super(`${command} failed: ${code} ${message}`);
    this.name = 'TimCommandError';
  }
}

export interface TimUser {
  readonly userId: string;
  readonly sdk: OfficialSdk;
  /** SDK version reported by the child. */
  readonly version: string;
  /** Every event received so far, oldest first. */
  readonly events: TimEvent[];
  /** Last lines the child wrote to stdout/stderr (for diagnostics). */
  readonly output: string[];

  login(userSig?: string): Promise<unknown>;
  logout(): Promise<unknown>;
  sendText(to: string, text: string): Promise<TimMessage>;
  sendCustom(to: string, payload: { data?: string; description?: string; extension?: string }): Promise<TimMessage>;
  getMessageList(opts: { conversationID: string; nextReqMessageID?: string; count?: number }): Promise<MessageListResult>;
  getConversationList(): Promise<TimConversation[]>;
  getConversationProfile(conversationID: string): Promise<TimConversation>;
  setMessageRead(conversationID: string): Promise<unknown>;
  /** Revokes a message this SDK instance has seen (sent, received or listed), by its ID. */
  revokeMessage(messageID: string): Promise<TimMessage>;
  deleteConversation(conversationID: string): Promise<unknown>;
  /** Current state of a message this SDK instance has seen. */
  getMessage(messageID: string): Promise<TimMessage>;

  /**
   * Resolves with the first event named `name` matching `predicate`, including
   * events that already arrived and have not been consumed by an earlier
   * `waitFor` of the same name. Rejects after `timeoutMs` naming what was waited for.
   */
  waitFor<N extends TimEventName>(
    name: N,
    predicate?: (data: TimEventMap[N]) => boolean,
    timeoutMs?: number,
  ): Promise<TimEvent<N>>;
  /** Events of one name received so far. */
  eventsNamed<N extends TimEventName>(name: N): TimEvent<N>[];
  /** Kills the child process. Safe to call twice. */
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./child.cjs', import.meta.url));
const OUTPUT_LINES = 200;

interface Pending {
  command: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Waiter {
  name: TimEventName;
  predicate: (data: unknown) => boolean;
  resolve: (e: TimEvent) => void;
}

type ChildMessage =
  | { type: 'started'; sdk: string; version: string }
  | { type: 'reply'; id: number; ok: true; data: unknown }
  | { type: 'reply'; id: number; ok: false; error: { code: number | string; message: string } }
  | { type: 'event'; name: TimEventName; data: unknown; at: number };

/** Starts a child process running one SDK instance for `userId`. Resolves once the SDK is loaded. */
export async function spawnTimUser(opts: SpawnTimUserOptions): Promise<TimUser> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const child: ChildProcess = fork(
    CHILD,
    [
      JSON.stringify({
        sdk: opts.sdk,
        sdkAppId: opts.sdkAppId,
        wsUrl: opts.wsUrl,
        httpUrl: opts.httpUrl,
        logLevel: opts.logLevel ?? 4,
        trace: opts.trace ?? false,
      }),
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' },
  );

  const events: TimEvent[] = [];
  const output: string[] = [];
  const pending = new Map<number, Pending>();
  const waiters = new Set<Waiter>();
  /** Events that already satisfied a `waitFor`; each event satisfies at most one. */
  const consumed = new Set<TimEvent>();
  let nextId = 1;
  let exited: string | null = null;
  let version = '';

  const capture = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > OUTPUT_LINES) output.shift();
    }
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  const label = `${opts.sdk} user ${opts.userId}`;
  const tail = (): string => (output.length ? `\n--- child output (tail) ---\n${output.slice(-20).join('\n')}` : '');

  let onStarted: (version: string) => void = () => {};
  const started = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${label}: SDK child did not start within ${timeoutMs} ms${tail()}`));
    }, timeoutMs);
    onStarted = (v) => {
      clearTimeout(timer);
      resolve(v);
    };
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label}: SDK child exited before start (code ${code}, signal ${signal})${tail()}`));
    });
  });

  child.on('message', (raw: unknown) => {
    const msg = raw as ChildMessage;
    if (msg.type === 'started') {
      version = msg.version;
      onStarted(msg.version);
    } else if (msg.type === 'reply') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.data);
      else p.reject(new TimCommandError(p.command, msg.error.code, msg.error.message));
    } else if (msg.type === 'event') {
      const ev: TimEvent = { name: msg.name, data: msg.data as never, at: msg.at };
      events.push(ev);
      for (const w of waiters) {
        if (w.name === ev.name && safeMatch(w.predicate, ev.data)) {
          waiters.delete(w);
          consumed.add(ev);
          w.resolve(ev);
          break;
        }
      }
    }
  });

  child.on('exit', (code, signal) => {
    exited = `exited (code ${code}, signal ${signal})`;
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${label}: ${p.command} aborted, SDK child ${exited}${tail()}`));
      pending.delete(id);
    }
  });

  try {
    version = await started;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  function call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
    if (exited) return Promise.reject(new Error(`${label}: cannot run ${command}, SDK child ${exited}`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${label}: ${command} got no answer within ${timeoutMs} ms${tail()}`));
      }, timeoutMs);
      pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      child.send({ id, cmd: command, args });
    });
  }

  const user: TimUser = {
    userId: opts.userId,
    sdk: opts.sdk,
    get version() {
      return version;
    },
    events,
    output,
    login: (userSig = opts.userSig) => call('login', { userID: opts.userId, userSig }),
    logout: () => call('logout'),
    sendText: (to, text) => call<TimMessage>('sendText', { to, text }),
    sendCustom: (to, payload) => call<TimMessage>('sendCustom', { to, ...payload }),
    getMessageList: (o) => call<MessageListResult>('getMessageList', { ...o }),
    getConversationList: async () =>
      (await call<{ conversationList: TimConversation[] }>('getConversationList')).conversationList,
    getConversationProfile: (conversationID) => call<TimConversation>('getConversationProfile', { conversationID }),
    setMessageRead: (conversationID) => call('setMessageRead', { conversationID }),
    revokeMessage: (messageID) => call<TimMessage>('revokeMessage', { messageID }),
    deleteConversation: (conversationID) => call('deleteConversation', { conversationID }),
    getMessage: (messageID) => call<TimMessage>('getMessage', { messageID }),

    waitFor<N extends TimEventName>(
      name: N,
      predicate: (data: TimEventMap[N]) => boolean = () => true,
      waitMs = timeoutMs,
    ): Promise<TimEvent<N>> {
      const pred = predicate as (data: unknown) => boolean;
      const already = events.find((e) => e.name === name && !consumed.has(e) && safeMatch(pred, e.data));
      if (already) {
        consumed.add(already);
        return Promise.resolve(already as TimEvent<N>);
      }
      return new Promise<TimEvent<N>>((resolve, reject) => {
        const waiter: Waiter = {
          name,
          predicate: pred,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e as TimEvent<N>);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = events
            .filter((e) => e.name !== 'WIRE')
            .map((e) => e.name)
            .join(', ');
          const what = predicate.toString().length > 200 ? 'a predicate' : predicate.toString();
          reject(
            new Error(
              `${label}: timed out after ${waitMs} ms waiting for event ${name} matching ${what}; events seen: ${seen || 'none'}${tail()}`,
            ),
          );
        }, waitMs);
        waiters.add(waiter);
      });
    },
    eventsNamed<N extends TimEventName>(name: N): TimEvent<N>[] {
      return events.filter((e) => e.name === name) as TimEvent<N>[];
    },
    close(): Promise<void> {
      if (exited) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
  return user;
}

function safeMatch(pred: (data: unknown) => boolean, data: unknown): boolean {
  try {
    return pred(data);
  } catch {
    return false;
  }
}
