/**
 * Node entry point: TIM on the `ws` package, falling back to Tencent's HTTP long-poll line
 * (fetch) when WebSocket fails. Force one with `transport: fetchLongPoll()` / `nodeWebSocket`.
 */
import { defineTIM } from './facades/tim/index.ts';
import { withFallback } from './transports/fallback.ts';
import { fetchLongPoll } from './transports/long-poll.fetch.ts';
import { nodeWebSocket } from './transports/websocket.node.ts';

/** TIM v2 API: `TIM.create({ SDKAppID, server })`. */
export const TIM = defineTIM(withFallback(nodeWebSocket, fetchLongPoll()));
export default TIM;
export * from './exports.ts';
export { nodeWebSocket } from './transports/websocket.node.ts';
export { fetchLongPoll } from './transports/long-poll.fetch.ts';
export { withFallback } from './transports/fallback.ts';
