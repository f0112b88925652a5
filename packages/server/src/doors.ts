/**
 * The HTTP doors beyond the WebSocket gateway, installed on a server by the CLI and by
 * tests that want the full product: (later) REST admin, long-poll, web apps and demo.
 */
import type { ParleyServer } from './server.ts';
import type { AppRecord } from './store/store.ts';

export interface DoorOptions {
  /** The dev app, for the demo UserSig endpoint. */
  devApp?: AppRecord;
}

export function installHttpDoors(server: ParleyServer, opts: DoorOptions = {}): void {
  void server;
  void opts;
}
