/** Node entry point: TIM on the `ws` package. */
import { defineTIM } from './facades/tim/index.ts';
import { nodeWebSocket } from './transports/websocket.node.ts';

/** TIM v2 API: `TIM.create({ SDKAppID, server })`. */
export const TIM = defineTIM(nodeWebSocket);
export default TIM;
export * from './exports.ts';
export { nodeWebSocket } from './transports/websocket.node.ts';
