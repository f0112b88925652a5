'use strict';
/*
 * Runs ONE instance of an official Tencent IM Web SDK (`tim-js-sdk` or
 * `@tencentcloud/chat`) in a plain Node process, for integration tests.
 *
 * The SDKs keep one instance per SDKAppID per JS realm, so every simulated
 * user gets its own child process. The parent (tim-user.ts) talks to us over
 * the Node IPC channel:
 *
 *   parent -> child  {id, cmd, args}
 *   child  -> parent {type:'reply', id, ok:true, data} | {type:'reply', id, ok:false, error:{code, message}}
 *                    {type:'event', name, data, at}      one per SDK event, JSON-safe
 *                    {type:'started', sdk, version}      once the SDK is loaded
 *
 * Configuration comes as JSON in argv[2]:
 *   {sdk:'tim-js-sdk'|'@tencentcloud/chat'|'tim-js-sdk-http', sdkAppId:number, wsUrl:string, httpUrl?:string,
 *    logLevel?:number, trace?:boolean}
 * `tim-js-sdk-http` (2.10.2) speaks the HTTP long-poll line and is pointed at
 * `httpUrl` by the XMLHttpRequest shim of http-shims.cjs.
 *
 * Only public SDK APIs are used. The SDK code itself is loaded from
 * node_modules, never copied.
 */

const config = JSON.parse(process.argv[2] || '{}');
const SDK = config.sdk || process.env.PARLEY_TIM_SDK || 'tim-js-sdk';
// `tim-js-sdk-http` is tim-js-sdk 2.10.2 (npm alias), the last HTTP long-poll version.
if (SDK !== 'tim-js-sdk' && SDK !== '@tencentcloud/chat' && SDK !== 'tim-js-sdk-http') {
  throw new Error(`unsupported sdk ${SDK}`);
}
const HTTP_LINE = SDK === 'tim-js-sdk-http';
if (!process.send) throw new Error('child.cjs must be started with an IPC channel (child_process.fork)');

// --- Browser-ish globals the SDKs need in Node (see the wire notes, section 2.4) ---
const noop = () => {};
globalThis.window = globalThis;
globalThis.navigator = {
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  language: 'en-US',
};
const WS = require('ws');
/**
 * `ws` with browser semantics: each event is dispatched as its own task (see
 * below), and for handler exceptions: in a browser an error
 * thrown by `onmessage` is reported and the socket stays open, whereas in `ws`
 * it escapes into the frame parser and can break the connection. Handlers
 * are wrapped so a bad server frame is reported (CHILD_UNCAUGHT_EXCEPTION)
 * without side effects on the socket. With config.trace, every frame is also
 * reported as a WIRE event {dir:'out'|'in', frame}.
 */
class BrowserLikeWebSocket extends WS {
  constructor(...args) {
    super(...args);
    this._handlers = {};
    if (config.trace) this.addEventListener('message', (e) => traceFrame('in', e.data));
  }
  send(data, ...rest) {
    if (config.trace) traceFrame('out', data);
    return super.send(data, ...rest);
  }
}
for (const type of ['open', 'message', 'close', 'error']) {
  const prop = `on${type}`;
  const base = Object.getOwnPropertyDescriptor(WS.prototype, prop);
  Object.defineProperty(BrowserLikeWebSocket.prototype, prop, {
    configurable: true,
    enumerable: true,
    get() {
      return this._handlers[prop] ?? null;
    },
    set(fn) {
      this._handlers[prop] = fn;
      const wrapped =
        typeof fn === 'function'
          ? function (event) {
              // A browser dispatches each socket event as its own task, with the microtasks
              // queued by one handler run before the next event. `ws` emits every frame of
              // one TCP read synchronously, so a reply the SDK finishes in a promise would
              // be overtaken by a push that arrived in the same read.
              // As in a browser, a handler replaced or removed meanwhile is not called.
              setImmediate(() => {
                if (this._handlers[prop] !== fn) return;
                try {
                  fn.call(this, event);
                } catch (err) {
                  reportException(err);
                }
              });
            }
          : fn;
      base.set.call(this, wrapped);
    },
  });
}
function traceFrame(dir, data) {
  let text;
  if (typeof data === 'string') text = data;
  else if (data instanceof ArrayBuffer) text = Buffer.from(data).toString('utf8');
  else if (ArrayBuffer.isView(data)) text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  else text = String(data);
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    frame = text;
  }
  send({ type: 'event', name: 'WIRE', data: { dir, frame }, at: Date.now() });
}
globalThis.WebSocket = BrowserLikeWebSocket;
globalThis.addEventListener = noop;
globalThis.removeEventListener = noop;
globalThis.document = { characterSet: 'UTF-8', charset: 'UTF-8', addEventListener: noop, removeEventListener: noop };
globalThis.location = {
  protocol: 'https:',
  href: 'https://localhost/',
  host: 'localhost',
  hostname: 'localhost',
  origin: 'https://localhost',
  pathname: '/',
  search: '',
};

if (HTTP_LINE) {
  require('./http-shims.cjs').install({
    httpUrl: config.httpUrl,
    trace: config.trace,
    report: (name, data) => send({ type: 'event', name, data, at: Date.now() }),
  });
}

const TIM = require(SDK);
const EVENT = TIM.EVENT;
const tim = TIM.create(HTTP_LINE ? { SDKAppID: Number(config.sdkAppId) } : { SDKAppID: Number(config.sdkAppId), proxyServer: config.wsUrl });
tim.setLogLevel(typeof config.logLevel === 'number' ? config.logLevel : 4);

// --- Message registry: SDK APIs such as revokeMessage need the real object ---
/** @type {Map<string, any>} */
const messages = new Map();
function remember(msg) {
  if (msg && typeof msg === 'object' && typeof msg.ID === 'string' && msg.ID) messages.set(msg.ID, msg);
  return msg;
}

function plain(value, depth = 0) {
  if (value === null || value === undefined) return value ?? null;
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return value;
  if (t === 'bigint') return String(value);
  if (t === 'function' || t === 'symbol') return undefined;
  if (depth > 6) return '[depth]';
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  const out = {};
  for (const key of Object.keys(value)) {
    if (key.startsWith('_')) continue;
    const v = plain(value[key], depth + 1);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function messageSummary(msg) {
  remember(msg);
  return {
    ID: msg.ID,
    conversationID: msg.conversationID,
    conversationType: msg.conversationType,
    from: msg.from,
    to: msg.to,
    flow: msg.flow,
    time: msg.time,
    clientTime: msg.clientTime,
    sequence: msg.sequence,
    random: msg.random,
    status: msg.status,
    isRead: msg.isRead,
    isPeerRead: msg.isPeerRead,
    isRevoked: msg.isRevoked,
    type: msg.type,
    payload: plain(msg.payload),
    nick: msg.nick,
    cloudCustomData: msg.cloudCustomData,
  };
}

function conversationSummary(conv) {
  const last = conv.lastMessage || {};
  return {
    conversationID: conv.conversationID,
    type: conv.type,
    unreadCount: conv.unreadCount,
    peerReadTime: conv.peerReadTime,
    lastMessage: {
      lastTime: last.lastTime,
      lastSequence: last.lastSequence,
      fromAccount: last.fromAccount,
      type: last.type,
      messageForShow: last.messageForShow,
      payload: plain(last.payload),
      isRevoked: last.isRevoked,
      isPeerRead: last.isPeerRead,
    },
  };
}

function isMessage(x) {
  return x && typeof x === 'object' && typeof x.ID === 'string' && 'flow' in x;
}

// MESSAGE_REVOKED may carry a stub {conversationID, sequence, time} when the
// message is not in the local store, so fall back to a generic copy.
function eventData(name, data) {
  switch (name) {
    case EVENT.MESSAGE_RECEIVED:
    case EVENT.MESSAGE_REVOKED:
    case EVENT.MESSAGE_READ_BY_PEER:
    case EVENT.MESSAGE_MODIFIED:
      return Array.isArray(data) ? data.map((m) => (isMessage(m) ? messageSummary(m) : plain(m))) : plain(data);
    case EVENT.CONVERSATION_LIST_UPDATED:
      return Array.isArray(data) ? data.map(conversationSummary) : plain(data);
    case EVENT.KICKED_OUT:
      return { type: data && data.type };
    case EVENT.NET_STATE_CHANGE:
      return { state: data && data.state };
    case EVENT.ERROR:
      return { code: data && data.code, message: data && data.message };
    default:
      return plain(data);
  }
}

/** SDK event constant -> name reported to the parent (the constant's key, e.g. 'SDK_READY'). */
const FORWARDED = [
  'SDK_READY',
  'SDK_NOT_READY',
  'MESSAGE_RECEIVED',
  'MESSAGE_MODIFIED',
  'MESSAGE_REVOKED',
  'MESSAGE_READ_BY_PEER',
  'CONVERSATION_LIST_UPDATED',
  'TOTAL_UNREAD_MESSAGE_COUNT_UPDATED',
  'KICKED_OUT',
  'NET_STATE_CHANGE',
  'ERROR',
];
for (const key of FORWARDED) {
  const value = EVENT[key];
  if (!value) continue;
  tim.on(value, (event) => {
    let data;
    try {
      data = eventData(value, event && event.data);
    } catch (err) {
      data = { summaryError: String(err && err.message) };
    }
    send({ type: 'event', name: key, data, at: Date.now() });
  });
}

function send(msg) {
  try {
    process.send(msg);
  } catch {
    // parent gone
  }
}

function errorOf(err) {
  if (err && typeof err === 'object') {
    return {
      code: typeof err.code === 'number' || typeof err.code === 'string' ? err.code : -1,
      message: String(err.message || err),
    };
  }
  return { code: -1, message: String(err) };
}

function need(args, key) {
  if (!args || args[key] === undefined || args[key] === null || args[key] === '') {
    throw Object.assign(new Error(`missing argument ${key}`), { code: -2 });
  }
  return args[key];
}

function messageByID(id) {
  const m = messages.get(id);
  if (!m) throw Object.assign(new Error(`unknown message ID ${id} (not seen by this SDK instance)`), { code: -3 });
  return m;
}

const commands = {
  async login(args) {
    const res = await tim.login({ userID: need(args, 'userID'), userSig: need(args, 'userSig') });
    return plain(res.data);
  },
  async logout() {
    const res = await tim.logout();
    return plain(res.data);
  },
  async sendText(args) {
    const message = tim.createTextMessage({
      to: need(args, 'to'),
      conversationType: TIM.TYPES.CONV_C2C,
      payload: { text: String(need(args, 'text')) },
      ...(args.cloudCustomData ? { cloudCustomData: args.cloudCustomData } : {}),
    });
    remember(message);
    const res = await tim.sendMessage(message, args.options || undefined);
    return messageSummary(res.data.message);
  },
  async sendCustom(args) {
    const message = tim.createCustomMessage({
      to: need(args, 'to'),
      conversationType: TIM.TYPES.CONV_C2C,
      payload: { data: args.data ?? '', description: args.description ?? '', extension: args.extension ?? '' },
    });
    remember(message);
    const res = await tim.sendMessage(message, args.options || undefined);
    return messageSummary(res.data.message);
  },
  async getMessageList(args) {
    const opts = { conversationID: need(args, 'conversationID') };
    if (args.nextReqMessageID) opts.nextReqMessageID = args.nextReqMessageID;
    if (args.count) opts.count = args.count;
    const res = await tim.getMessageList(opts);
    return {
      messageList: res.data.messageList.map(messageSummary),
      nextReqMessageID: res.data.nextReqMessageID,
      isCompleted: res.data.isCompleted,
    };
  },
  async getConversationList() {
    const res = await tim.getConversationList();
    return { conversationList: res.data.conversationList.map(conversationSummary) };
  },
  async getConversationProfile(args) {
    const res = await tim.getConversationProfile(need(args, 'conversationID'));
    return conversationSummary(res.data.conversation);
  },
  async setMessageRead(args) {
    const res = await tim.setMessageRead({ conversationID: need(args, 'conversationID') });
    return plain(res && res.data);
  },
  async revokeMessage(args) {
    const res = await tim.revokeMessage(messageByID(need(args, 'messageID')));
    return messageSummary(res.data.message);
  },
  async deleteConversation(args) {
    const res = await tim.deleteConversation(need(args, 'conversationID'));
    return plain(res.data);
  },
  async getMessage(args) {
    return messageSummary(messageByID(need(args, 'messageID')));
  },
};

process.on('message', (req) => {
  if (!req || typeof req !== 'object') return;
  const { id, cmd, args } = req;
  const fn = commands[cmd];
  if (!fn) {
    send({ type: 'reply', id, ok: false, error: { code: -4, message: `unknown command ${cmd}` } });
    return;
  }
  Promise.resolve()
    .then(() => fn(args || {}))
    .then(
      (data) => send({ type: 'reply', id, ok: true, data: data === undefined ? null : data }),
      (err) => send({ type: 'reply', id, ok: false, error: errorOf(err) }),
    );
});

process.on('disconnect', () => process.exit(0));
// In a browser an exception thrown inside a socket callback is logged and the
// page keeps running; do the same so one bad server frame does not kill the
// user, and report it so the test can see it.
function shortStack(err) {
  const stack = err && typeof err.stack === 'string' ? err.stack : '';
  return stack
    .split('\n')
    .slice(0, 6)
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l))
    .join('\n');
}
process.on('unhandledRejection', (err) => {
  send({ type: 'event', name: 'CHILD_UNHANDLED_REJECTION', data: errorOf(err), at: Date.now() });
});
function reportException(err) {
  send({
    type: 'event',
    name: 'CHILD_UNCAUGHT_EXCEPTION',
    data: { ...errorOf(err), stack: shortStack(err) },
    at: Date.now(),
  });
}
process.on('uncaughtException', reportException);

send({ type: 'started', sdk: SDK, version: TIM.VERSION });
