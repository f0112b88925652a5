/**
 * WebSocket first, HTTP long-poll when it fails: a Transport that tries the primary factory
 * and, when that link closes before it ever opened (blocked port, proxy refusing the
 * upgrade) or does not open in time, opens the fallback in the same connection attempt.
 * Once the fallback got an answer where WebSocket got none, it is used first for the rest of
 * the client's life, so a network that blocks WebSocket costs one failed upgrade, not one per
 * reconnect. A server that is down fails both, and changes nothing.
 *
 * Backoff after a failed handshake stays with the core: when the fallback fails too, the
 * attempt ends with one close, and the core waits before the next attempt.
 */
import type { Transport, TransportFactory, TransportHandlers } from './transport.ts';

export interface FallbackOptions {
  /** Give the primary this long to open before trying the fallback. */
  openTimeoutMs?: number;
  /** 'websocket' / 'long-poll' forces one of the two; 'auto' (default) falls back. */
  mode?: 'auto' | 'websocket' | 'long-poll';
}

/** Compose a primary (WebSocket) and a fallback (long-poll) factory. */
export function withFallback(primary: TransportFactory, fallback: TransportFactory, opts: FallbackOptions = {}): TransportFactory {
  if (opts.mode === 'websocket') return primary;
  if (opts.mode === 'long-poll') return fallback;
  const state = { useFallback: false };
  const openTimeoutMs = opts.openTimeoutMs ?? 5_000;
  return () => (state.useFallback ? fallback() : new FallbackTransport(primary, fallback, openTimeoutMs, state));
}

class FallbackTransport implements Transport {
  private _current: Transport;
  private _closed = false;
  private _timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    primary: TransportFactory,
    private readonly fallback: TransportFactory,
    private readonly openTimeoutMs: number,
    private readonly state: { useFallback: boolean },
  ) {
    this._current = primary();
  }

  get kind(): Transport['kind'] {
    return this._current.kind;
  }

  open(url: string, on: TransportHandlers): void {
    const first = this._current;
    let opened = false;
    let switched = false;
    const switchOver = () => {
      if (switched || this._closed) return;
      switched = true;
      if (this._timer !== undefined) clearTimeout(this._timer);
      first.close(1000, 'falling back');
      this._current = this.fallback();
      this._current.open(url, {
        ...on,
        frame: (t) => {
          // Answered where WebSocket was not: WebSocket is blocked here, not the server down.
          this.state.useFallback = true;
          on.frame(t);
        },
      });
    };
    this._timer = setTimeout(() => {
      if (!opened) switchOver();
    }, this.openTimeoutMs);
    first.open(url, {
      open: () => {
        if (switched) return;
        opened = true;
        if (this._timer !== undefined) clearTimeout(this._timer);
        on.open();
      },
      frame: (t) => !switched && on.frame(t),
      error: (e) => {
        if (!switched && opened) on.error(e);
      },
      close: (code, reason) => {
        if (switched) return;
        if (!opened) switchOver();
        else on.close(code, reason);
      },
    });
  }

  send(frame: string): void {
    this._current.send(frame);
  }

  close(code?: number, reason?: string): void {
    this._closed = true;
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._current.close(code, reason);
  }
}
