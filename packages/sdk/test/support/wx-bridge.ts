/**
 * A WeChat-like host for tests: a `wx` whose `connectSocket` and `request` reach a real
 * server through `ws` and fetch, and a `vm` sandbox that loads a CommonJS file with only the
 * globals a mini program has (module, exports, require for the app's own files, wx,
 * console, timers). No Node globals (process, Buffer, fetch, WebSocket, TextDecoder) leak in.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import vm from 'node:vm';
import WebSocket from 'ws';

export interface WxBridgeOptions {
  /** Fail every connectSocket, as a network that blocks WebSocket would. */
  blockSocket?: boolean;
}

export interface WxBridge {
  wx: Record<string, unknown>;
  /** Sockets opened so far, and the most open at once (WeChat allows 5). */
  stats: { sockets: number; maxOpen: number; requests: number };
  /** Fire the app-show callbacks (the mini program came back to the foreground). */
  show(): void;
  /** Close everything the bridge opened. */
  dispose(): void;
}

type Cb<T = unknown> = ((r: T) => void) | undefined;

export function createWxBridge(opts: WxBridgeOptions = {}): WxBridge {
  const stats = { sockets: 0, maxOpen: 0, requests: 0 };
  const open = new Set<WebSocket>();
  const controllers = new Set<AbortController>();
  const showCbs: (() => void)[] = [];
  const wx = {
    connectSocket(o: { url: string; fail?: Cb<{ errMsg: string }> }) {
      const handlers: { open?: Cb; message?: Cb<{ data: string }>; error?: Cb<{ errMsg: string }>; close?: Cb<{ code: number; reason: string }> } = {};
      let ws: WebSocket | undefined;
      stats.sockets++;
      if (opts.blockSocket) {
        setTimeout(() => {
          handlers.error?.({ errMsg: 'connectSocket:fail blocked' });
          handlers.close?.({ code: 1006, reason: 'blocked' });
        }, 5);
      } else {
        ws = new WebSocket(o.url, { perMessageDeflate: false });
        open.add(ws);
        stats.maxOpen = Math.max(stats.maxOpen, open.size);
        ws.on('open', () => handlers.open?.({}));
        ws.on('message', (data, isBinary) => handlers.message?.({ data: isBinary ? (data as Buffer).toString('utf8') : data.toString() }));
        ws.on('error', (err) => handlers.error?.({ errMsg: `connectSocket:fail ${err.message}` }));
        ws.on('close', (code, reason) => {
          open.delete(ws!);
          handlers.close?.({ code, reason: reason.toString() });
        });
      }
      return {
        onOpen: (cb: Cb) => (handlers.open = cb),
        onMessage: (cb: Cb<{ data: string }>) => (handlers.message = cb),
        onError: (cb: Cb<{ errMsg: string }>) => (handlers.error = cb),
        onClose: (cb: Cb<{ code: number; reason: string }>) => (handlers.close = cb),
        send: (s: { data: string; fail?: Cb }) => {
          if (ws?.readyState === WebSocket.OPEN) ws.send(s.data);
          else s.fail?.({ errMsg: 'sendSocketMessage:fail' });
        },
        close: (c: { code?: number; reason?: string } = {}) => {
          if (!ws) return;
          open.delete(ws);
          if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
          else ws.close(c.code ?? 1000, c.reason ?? '');
        },
      };
    },
    request(o: { url: string; method: string; data: string; header: Record<string, string>; timeout?: number; success: Cb<{ statusCode: number; data: string }>; fail: Cb<{ errMsg: string }> }) {
      stats.requests++;
      const ctrl = new AbortController();
      controllers.add(ctrl);
      const timer = setTimeout(() => ctrl.abort(), o.timeout ?? 60_000);
      fetch(o.url, { method: o.method, headers: o.header, body: o.data, signal: ctrl.signal })
        .then(async (res) => o.success?.({ statusCode: res.status, data: await res.text() }))
        .catch((err: Error) => o.fail?.({ errMsg: `request:fail ${err.message}` }))
        .finally(() => {
          clearTimeout(timer);
          controllers.delete(ctrl);
        });
      return { abort: () => ctrl.abort() };
    },
    onAppShow: (cb: () => void) => showCbs.push(cb),
    onAppHide: () => {},
  };
  return {
    wx,
    stats,
    show: () => showCbs.forEach((cb) => cb()),
    dispose() {
      for (const ws of open) ws.terminate();
      for (const c of controllers) c.abort();
    },
  };
}

/**
 * A mini program's module loader in a fresh context: `load(file)` runs a file as CommonJS,
 * sharing one module cache. `files` maps module paths, as the app's code requires them
 * (resolved against the requiring file), to files on disk, so
 * `require('../../utils/webim_wx.min.js')` can point at a built bundle.
 */
export function miniProgramLoader(wx: unknown, files: Record<string, string> = {}): (file: string) => unknown {
  const context = vm.createContext({ wx, console, setTimeout, clearTimeout, setInterval, clearInterval });
  const cache = new Map<string, { exports: unknown }>();
  const load = (path: string): unknown => {
    const real = files[path] ?? path;
    const hit = cache.get(real);
    if (hit) return hit.exports;
    const module = { exports: {} as unknown };
    cache.set(real, module);
    const code = readFileSync(real, 'utf8');
    const fn = vm.runInContext(`(function (module, exports, require) {\n${code}\n})`, context, { filename: real }) as (m: unknown, e: unknown, r: unknown) => void;
    const req = (spec: string) => load(spec.startsWith('.') ? resolve(dirname(path), spec) : spec);
    fn(module, module.exports, req);
    return module.exports;
  };
  return load;
}
