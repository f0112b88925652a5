/**
 * Browser entry point (and any runtime with a global WebSocket): TIM on the global WebSocket,
 * falling back to Tencent's HTTP long-poll line (fetch) when WebSocket fails. Force one with
 * the `transport` option: `transport: fetchLongPoll()` or `transport: browserWebSocket`.
 */
import { defineTIM } from './facades/tim/index.ts';
import { withFallback } from './transports/fallback.ts';
import { fetchLongPoll } from './transports/long-poll.fetch.ts';
import { browserWebSocket } from './transports/websocket.browser.ts';

/** TIM v2 API: `TIM.create({ SDKAppID, server })`. */
export const TIM = defineTIM(withFallback(browserWebSocket, fetchLongPoll()));
export default TIM;
export * from './exports.ts';
export { browserWebSocket, webSocketWith } from './transports/websocket.browser.ts';
export { fetchLongPoll } from './transports/long-poll.fetch.ts';
export { withFallback } from './transports/fallback.ts';
