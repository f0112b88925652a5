/**
 * Browser entry point of the webim v1 API: `webim` on the global WebSocket, falling back to
 * Tencent's HTTP long-poll line on fetch. `webim.configure({ serverUrl })` says where the
 * server is.
 */
import { Platform } from '@parley/protocol';
import { createWebim as createWebimOn } from './facades/webim/index.ts';
import type { TransportMode, Webim } from './facades/webim/index.ts';
import { withFallback } from './transports/fallback.ts';
import { fetchLongPoll } from './transports/long-poll.fetch.ts';
import type { TransportFactory } from './transports/transport.ts';
import { browserWebSocket } from './transports/websocket.browser.ts';

/** WebSocket with long-poll fallback (or one of them when `mode` says so). */
export function browserTransport(mode: TransportMode = 'auto'): TransportFactory {
  return withFallback(browserWebSocket, fetchLongPoll(), { mode });
}

/** A new webim namespace object (one user session); `transport` replaces the browser's (Node tests). */
export function createWebim(opts: { transport?: (mode: TransportMode) => TransportFactory; platform?: number } = {}): Webim {
  return createWebimOn({
    transport: opts.transport ?? browserTransport,
    platform: opts.platform ?? Platform.Web,
    console: typeof console !== 'undefined' ? console : undefined,
  });
}

/** The page's webim object. */
export const webim: Webim = /* @__PURE__ */ createWebim();
export default webim;
export type { Listeners, LoginInfo, LoginOptions, TransportMode, Webim, WebimConfig } from './facades/webim/index.ts';
