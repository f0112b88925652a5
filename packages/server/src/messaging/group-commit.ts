/**
 * Group commit: sends that arrive in the same turn of the event loop are committed in one
 * store transaction. There is no timer wait: the first send of a turn schedules a flush
 * with setImmediate, and sends arriving while a flush is in flight form the next batch.
 * Each caller's promise resolves only after its batch committed; `onCommitted` sees the
 * whole batch first (Messaging publishes its events from there, in commit order).
 */
import type { NewMessage, SendOutcome, Store } from '../store/store.ts';

export interface CommittedSend {
  message: NewMessage;
  /** The connection that sent it (it gets the reply, not a push). */
  origin: string | undefined;
}

interface Pending extends CommittedSend {
  resolve: (o: SendOutcome) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing = false;

  constructor(
    private readonly store: Store,
    private readonly onCommitted: (batch: readonly CommittedSend[], outcomes: readonly SendOutcome[]) => void = () => {},
    private readonly maxBatch = 500,
  ) {}

  send(message: NewMessage, origin?: string): Promise<SendOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, origin, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.store.sendMessages(batch.map((p) => p.message));
        this.onCommitted(batch, outcomes);
        batch.forEach((p, i) => p.resolve(outcomes[i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = false;
  }
}
