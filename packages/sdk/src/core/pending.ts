import { clientError } from './errors.ts';

interface Entry<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Requests waiting for their reply. Tencent's protocol correlates a reply with its request
 * by `servcmd` + `seq` (the reply echoes the request head), so the key is both.
 * Each entry rejects with CLIENT_TIMEOUT when its reply does not come in time.
 */
export class PendingRequests<T> {
  readonly #entries = new Map<string, Entry<T>>();

  static key(servcmd: string, seq: number): string {
    return `${servcmd}#${seq}`;
  }

  /** Register a request; the promise settles on resolve/reject/timeout. 0 = no timeout. */
  add(key: string, timeoutMs: number, onTimeout?: () => void): Promise<T> {
    if (this.#entries.has(key)) return Promise.reject(new Error(`duplicate pending request ${key}`));
    return new Promise<T>((resolve, reject) => {
      const entry: Entry<T> = { resolve, reject, timer: undefined };
      if (timeoutMs > 0) {
        entry.timer = setTimeout(() => {
          this.#entries.delete(key);
          reject(clientError('CLIENT_TIMEOUT', `no reply to ${key.split('#')[0]} within ${timeoutMs} ms`));
          onTimeout?.();
        }, timeoutMs);
      }
      this.#entries.set(key, entry);
    });
  }

  /** Settle with a reply; false when nothing waits for this key (a late or unknown reply). */
  resolve(key: string, value: T): boolean {
    const e = this.#take(key);
    if (!e) return false;
    e.resolve(value);
    return true;
  }

  reject(key: string, err: unknown): boolean {
    const e = this.#take(key);
    if (!e) return false;
    e.reject(err);
    return true;
  }

  /** Reject everything, e.g. when the link drops. */
  rejectAll(err: unknown): void {
    const all = [...this.#entries.values()];
    for (const e of all) if (e.timer !== undefined) clearTimeout(e.timer);
    this.#entries.clear();
    for (const e of all) e.reject(err);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  #take(key: string): Entry<T> | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    this.#entries.delete(key);
    if (e.timer !== undefined) clearTimeout(e.timer);
    return e;
  }
}
