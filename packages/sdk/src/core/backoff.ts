/**
 * Capped exponential backoff with full jitter: the delay before attempt n is uniform in
 * [0, min(cap, base * 2^n)). Full jitter spreads a crowd of clients that lost the same
 * server across the whole window instead of letting them return in synchronised waves.
 */
export interface BackoffOptions {
  /** Window of the first retry, in ms. */
  baseMs: number;
  /** Upper bound of the window, in ms. */
  capMs: number;
  /** Source of uniform randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/** Delay in ms for a zero-based attempt number. */
export function fullJitterDelay(attempt: number, opts: BackoffOptions): number {
  const window = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor((opts.random ?? Math.random)() * window);
}

/** Stateful counter over fullJitterDelay: next() grows the window, reset() after a success. */
export class Backoff {
  #attempt = 0;
  constructor(private readonly opts: BackoffOptions) {}

  /** The delay before the next attempt; each call widens the window. */
  next(): number {
    return fullJitterDelay(this.#attempt++, this.opts);
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
