/** The mini program's transport choice: WebSocket on wx.connectSocket, long-poll on wx.request when it fails. */
import { withFallback } from './fallback.ts';
import type { FallbackOptions } from './fallback.ts';
import { miniprogramLongPoll } from './long-poll.miniprogram.ts';
import type { TransportFactory } from './transport.ts';
import { miniprogramWebSocket } from './websocket.miniprogram.ts';
import type { WxLike } from './wx.ts';

declare const wx: WxLike | undefined;

/** The host's `wx` (read when a connection starts, never patched), or a clear error outside a mini program. */
export function hostWx(): WxLike {
  if (typeof wx === 'undefined' || !wx) throw new TypeError('no `wx`: not in a WeChat mini program (pass one in)');
  return wx;
}

/** WebSocket with long-poll fallback on `wxApi` (the host's `wx` by default); `mode` forces one. */
export function miniprogramTransport(wxApi?: WxLike, mode: FallbackOptions['mode'] = 'auto'): TransportFactory {
  let inner: TransportFactory | undefined;
  return () => {
    if (!inner) {
      const w = wxApi ?? hostWx();
      inner = withFallback(miniprogramWebSocket(w), miniprogramLongPoll(w), { mode });
    }
    return inner();
  };
}

/** Call `cb` whenever the mini program comes back to the foreground. */
export function onMiniprogramShow(wxApi: WxLike | undefined, cb: () => void): void {
  const w = wxApi ?? (typeof wx !== 'undefined' ? wx : undefined);
  w?.onAppShow?.(cb);
}
