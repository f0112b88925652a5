/**
 * The seam between the platform-free core and a platform's network API.
 *
 * A Transport carries text frames for ONE connection attempt: the core creates a fresh one
 * (through a TransportFactory) for every attempt, so implementations never reconnect by
 * themselves and need no reset logic.
 *
 * Promises an implementation must keep:
 * - `open` calls `on.open` at most once, then `on.frame` for each received text frame, in
 *   order, then `on.close` exactly once when the link is gone (also when it never opened).
 * - `on.error` may precede `on.close`; the core treats only `close` as the end of the link.
 * - After the core itself calls `close()`, no handler fires again.
 * - `send` before `open` fired or after close is a no-op (the core never relies on it).
 *
 * A later HTTP long-poll transport implements the same interface: `open` receives the
 * WebSocket-style URL and may derive its HTTP endpoints from it.
 */
export interface TransportHandlers {
  open(): void;
  frame(text: string): void;
  close(code: number, reason: string): void;
  error(err: Error): void;
}

/** One connection attempt's link to the server (see the file comment for its contract). */
export interface Transport {
  readonly kind: 'websocket' | 'long-poll';
  open(url: string, on: TransportHandlers): void;
  send(frame: string): void;
  close(code?: number, reason?: string): void;
}

/** Creates a fresh Transport for each connection attempt. */
export type TransportFactory = () => Transport;
