/**
 * Hands committed events to the Bus, one message per user per tick.
 *
 * A group commit resolves hundreds of sends at once, and a user who receives several of
 * them would get one Bus message, and so one msg_push frame, per message. Instead a
 * commit's events are collected per user as soon as it returns (GroupCommit's onCommitted,
 * before any send's promise resolves) and published together in one `process.nextTick`.
 * That tick is queued before the continuations that write the acks run, and Node runs it
 * once the promise jobs are drained and before the socket uncorks those acks queued, so a
 * client gets its acks and its pushes in one write, acks first. A client that sees its own
 * message's cursor in an ack before the pushed events below it just holds the cursor (the
 * SDK's sync engine applies in order).
 *
 * Per user, events are added in commit order (every commit's events are added one promise
 * job after the commit), so each Bus message lists them in cursor order.
 */
import type { Bus, BusMessage } from '../bus/bus.ts';
import type { UserEvent } from '../store/store.ts';

interface Pending {
  events: UserEvent[];
  /** The instance that caused each event and already knows of it (it got the reply). */
  origins: (string | undefined)[];
}

export class EventPublisher {
  private pending = new Map<string, Pending>();

  constructor(
    private readonly bus: Bus,
    /** A failed publish loses nothing (clients pull from their cursor); it is reported here. */
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Queue one committed event for `topic`, published with the rest of this tick's. */
  add(topic: string, event: UserEvent, origin: string | undefined): void {
    if (this.pending.size === 0) process.nextTick(() => this.flush());
    let p = this.pending.get(topic);
    if (!p) this.pending.set(topic, (p = { events: [], origins: [] }));
    p.events.push(event);
    p.origins.push(origin);
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = new Map();
    for (const [topic, p] of pending) {
      const message: BusMessage = { type: 'events', events: p.events };
      if (p.origins.some((o) => o !== undefined)) message.originInstIds = p.origins;
      this.bus.publish(topic, message).catch(this.onError);
    }
  }
}
