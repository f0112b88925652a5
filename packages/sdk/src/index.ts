/** Browser entry point (and any runtime with a global WebSocket): TIM on the global WebSocket. */
import { defineTIM } from './facades/tim/index.ts';
import { browserWebSocket } from './transports/websocket.browser.ts';

/** TIM v2 API: `TIM.create({ SDKAppID, server })`. */
export const TIM = defineTIM(browserWebSocket);
export default TIM;
export * from './exports.ts';
export { browserWebSocket, webSocketWith } from './transports/websocket.browser.ts';
