/**
 * MemoryBus: the in-process Bus for a single node (the embedded default), and the shape
 * several nodes in one test process can share to exercise cluster behaviour.
 * Handlers run synchronously in publish order, which keeps per-topic order trivially.
 */
import type { Bus, BusMessage, Unsubscribe } from './bus.ts';

export class MemoryBus implements Bus {
  private readonly topics = new Map<string, Set<(m: BusMessage) => void>>();
  private closed = false;

  async publish(topic: string, message: BusMessage): Promise<void> {
    if (this.closed) return;
    const handlers = this.topics.get(topic);
    if (!handlers) return;
    for (const h of [...handlers]) {
      try {
        h(message);
      } catch (err) {
        // One failing subscriber must not starve the others; the Bus is at-most-once anyway.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  async subscribe(topic: string, handler: (m: BusMessage) => void): Promise<Unsubscribe> {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0 && this.topics.get(topic) === set) this.topics.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.topics.clear();
  }
}
