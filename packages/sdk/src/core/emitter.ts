/** A listener map keyed by event name; each event carries one payload. */
export type EventMap = Record<string, unknown>;

/**
 * Minimal typed emitter. A throwing listener is reported through `onListenerError` and
 * never stops the other listeners or the SDK's own processing.
 */
export class Emitter<M extends EventMap> {
  readonly #listeners = new Map<keyof M, Set<(data: never) => void>>();

  constructor(private readonly onListenerError: (err: unknown) => void = (err) => console.error(err)) {}

  on<K extends keyof M>(name: K, fn: (data: M[K]) => void): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(fn as (data: never) => void);
    return () => this.off(name, fn);
  }

  off<K extends keyof M>(name: K, fn: (data: M[K]) => void): void {
    this.#listeners.get(name)?.delete(fn as (data: never) => void);
  }

  emit<K extends keyof M>(name: K, data: M[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as (data: M[K]) => void)(data);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  listenerCount(name: keyof M): number {
    return this.#listeners.get(name)?.size ?? 0;
  }

  removeAll(): void {
    this.#listeners.clear();
  }
}
