/**
 * Loads Tencent's webim v1 SDK for WeChat mini programs (`webim_wx.js` 1.7.x) from a file
 * outside this repository into a fresh `vm` context, with a `wx.request` that sends its
 * requests to a test server instead of https://webim.tim.qq.com. The SDK keeps its state
 * in module scope, so every simulated user gets its own context (`loadWebimV1` per user).
 *
 * The file is not on npm and must not be committed; tests read its path from WEBIM_SDK_PATH.
 * It is run as-is; only an ES-module `export default webim` line, which some copies carry
 * instead of `module.exports`, is turned into an assignment so the script runs in `vm`.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

/** Hosts of Tencent's IM HTTP API that v1 may call; all are sent to the test server. */
const IM_HOSTS = new Set(['webim.tim.qq.com', 'events.tim.qq.com', 'test.tim.qq.com']);

/** The subset of webim v1's API the tests use (callback style: ..., cbOk, cbErr). */
export interface WebimV1 {
  login(loginInfo: Record<string, unknown>, listeners: Record<string, unknown>, options: Record<string, unknown>, cbOk: (r: unknown) => void, cbErr: (e: unknown) => void): void;
  logout(cbOk: (r: unknown) => void, cbErr: (e: unknown) => void): void;
  sendMsg(msg: unknown, cbOk: (r: unknown) => void, cbErr: (e: unknown) => void): void;
  getC2CHistoryMsgs(options: Record<string, unknown>, cbOk: (r: WebimHistory) => void, cbErr: (e: unknown) => void): void;
  Session: new (type: string, id: string, name: string, icon: string, time: number, seq?: number) => unknown;
  Msg: WebimMsgClass;
  SESSION_TYPE: { C2C: string };
  C2C_MSG_SUB_TYPE: { COMMON: number };
}

interface WebimMsgClass {
  new (sess: unknown, isSend: boolean, seq: number, random: number, time: number, fromAccount: string, subType: number, fromAccountNick: string): WebimMsg;
  Elem: { Text: new (text: string) => unknown };
}

export interface WebimMsg {
  addText(text: unknown): void;
  getFromAccount(): string;
  getIsSend(): boolean;
  getSeq(): number;
  getRandom(): number;
  getTime(): number;
  getSession(): { id(): string; type(): string };
  getElems(): { getType(): string; getContent(): { getText?: () => string } }[];
}

export interface WebimHistory {
  Complete: number;
  MsgCount: number;
  LastMsgTime: number;
  MsgKey: string;
  MsgList: WebimMsg[];
}

/** One request the SDK made through `wx.request`: the path it called and the reply it got. */
export interface WebimRequest {
  path: string;
  query: Record<string, string>;
  body: unknown;
  reply?: unknown;
}

export interface LoadedWebim {
  webim: WebimV1;
  /** Every request, in the order they were sent. */
  requests: WebimRequest[];
  /** Requests to any other host than Tencent's IM API; refused locally. */
  refused: string[];
  /** What the SDK logged (it logs through console). */
  logs: string[];
  /** Stops answering: callbacks of requests still in flight and later ones never run, so polling loops end. */
  close(): void;
}

/** The text of a v1 message's first text element. */
export function textOf(m: WebimMsg): string | undefined {
  for (const e of m.getElems()) if (e.getType() === 'TIMTextElem') return e.getContent().getText?.();
  return undefined;
}

/** Calls a v1 API `fn(...args, cbOk, cbErr)` as a promise. */
export function call<T>(fn: (...a: never[]) => void, ...args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    (fn as (...a: unknown[]) => void)(...args, resolve, (err: unknown) => reject(Object.assign(new Error(`webim error ${JSON.stringify(err)}`), { detail: err })));
  });
}

export function loadWebimV1(sdkPath: string, httpUrl: string): LoadedWebim {
  let source = readFileSync(sdkPath, 'utf8');
  source = source.replace(/^\s*export\s+default\s+([A-Za-z_$][\w$]*)\s*;?\s*$/m, 'module.exports = $1;');
  const base = new URL(httpUrl);
  const requests: WebimRequest[] = [];
  const refused: string[] = [];
  const logs: string[] = [];
  let closed = false;

  interface WxRequestOptions {
    url: string;
    data?: unknown;
    method?: string;
    header?: Record<string, string>;
    dataType?: string;
    success?: (res: { data: unknown; statusCode: number; header: Record<string, string> }) => void;
    fail?: (res: { errMsg: string }) => void;
    complete?: () => void;
  }

  function request(opts: WxRequestOptions): void {
    const u = new URL(opts.url);
    if (!IM_HOSTS.has(u.hostname)) {
      refused.push(`${u.protocol}//${u.host}${u.pathname}`);
      setTimeout(() => {
        if (closed) return;
        opts.fail?.({ errMsg: 'request:fail refused by the test' });
        opts.complete?.();
      }, 0);
      return;
    }
    const target = new URL(u.pathname + u.search, base);
    const body = opts.data === undefined ? undefined : typeof opts.data === 'string' ? opts.data : JSON.stringify(opts.data);
    const entry: WebimRequest = { path: u.pathname, query: Object.fromEntries(u.searchParams), body: parse(body ?? '') };
    requests.push(entry);
    fetch(target, { method: opts.method ?? 'GET', headers: opts.header ?? {}, body: opts.method === 'GET' ? undefined : body }).then(
      async (res) => {
        const text = await res.text();
        const data = opts.dataType === 'json' || opts.dataType === undefined ? parse(text) : text;
        entry.reply = data;
        if (closed) return;
        const header: Record<string, string> = {};
        res.headers.forEach((v, k) => (header[k] = v));
        opts.success?.({ data, statusCode: res.status, header });
        opts.complete?.();
      },
      (err: unknown) => {
        if (closed) return;
        opts.fail?.({ errMsg: `request:fail ${String(err)}` });
        opts.complete?.();
      },
    );
  }

  const noop = (): undefined => undefined;
  // Anything else the SDK might touch on `wx` is a no-op.
  const wx = new Proxy({ request } as Record<string, unknown>, { get: (t, k: string) => (k in t ? t[k] : noop) });
  const log = (...a: unknown[]) => {
    logs.push(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
    if (logs.length > 500) logs.shift();
  };
  const sandbox: Record<string, unknown> = {
    wx,
    console: { log, info: log, warn: log, error: log, debug: log },
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    module: { exports: {} },
  };
  sandbox.exports = (sandbox.module as { exports: unknown }).exports;
  const context = vm.createContext(sandbox);
  new vm.Script(source, { filename: 'webim_wx.js' }).runInContext(context);
  const exported = (sandbox.module as { exports: Partial<WebimV1> }).exports;
  const webim = (typeof exported.login === 'function' ? exported : sandbox.webim) as WebimV1 | undefined;
  if (!webim || typeof webim.login !== 'function') throw new Error(`${sdkPath} did not define webim (expected webim_wx.js 1.7.x)`);
  return {
    webim,
    requests,
    refused,
    logs,
    close: () => {
      closed = true;
    },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
