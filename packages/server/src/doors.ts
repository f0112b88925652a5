/**
 * The HTTP doors beyond the WebSocket gateway, installed on a server by the CLI and by
 * tests that want the full product: (later) REST admin, long-poll, web apps and demo.
 */
import { createHttpLine } from './gateway/http-line.ts';
import type { ParleyServer } from './server.ts';
import type { AppRecord } from './store/store.ts';

export interface DoorOptions {
  /** The dev app, for the demo UserSig endpoint. */
  devApp?: AppRecord;
}

export function installHttpDoors(server: ParleyServer, opts: DoorOptions = {}): void {
  // Tencent's HTTP client line first: it claims /v4 requests carrying client credentials,
  // so the admin REST API only ever sees admin requests.
  const httpLine = createHttpLine(server.core, { holdMs: server.core.config.longPollHoldSeconds * 1000 });
  server.routes.push(httpLine.route);
  server.onClose.push(() => httpLine.close());
  void opts;
}
