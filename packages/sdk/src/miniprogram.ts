/**
 * WeChat mini-program entry point: the TIM v2 API and the webim v1 API on `wx.connectSocket`,
 * falling back to Tencent's HTTP long-poll line on `wx.request` when WebSocket fails.
 *
 * `wx` is the host's global, read when a connection starts (never patched); pass another
 * one to `createWebim(wx)` / `miniprogramTransport(wx)` (tests, other mini-program hosts
 * with the same API).
 */
import { Platform } from '@parley/protocol';
import { defineTIM } from './facades/tim/index.ts';
import type { TimCreateOptions, TimStatic } from './facades/tim/index.ts';
import { miniprogramTransport } from './transports/auto.miniprogram.ts';

const baseTIM = defineTIM(miniprogramTransport());

/** TIM v2 API for mini programs: platform 8 (WeChat) unless given. */
export const TIM: TimStatic = Object.freeze({
  ...baseTIM,
  create: (options: TimCreateOptions) => baseTIM.create({ platform: Platform.WeChatMiniProgram, ...options }),
});
export default TIM;
export * from './exports.ts';
export { createMiniprogramWebim as createWebim } from './facades/webim/miniprogram.ts';
export { miniprogramTransport } from './transports/auto.miniprogram.ts';
export { miniprogramWebSocket } from './transports/websocket.miniprogram.ts';
export { miniprogramLongPoll } from './transports/long-poll.miniprogram.ts';
export { withFallback } from './transports/fallback.ts';
export type { WxLike } from './transports/wx.ts';
export type { Webim, WebimConfig, TransportMode } from './facades/webim/index.ts';
