/**
 * After a client logs in again on a new socket (a reconnect), it first pulls what it missed
 * with `openim.getmsg`. Pushes of new events during that pull would reach the app before the
 * older, missed ones. So the connection holds pushes until the pull is complete (a reply with
 * SyncFlag 2), drops what the pull already returned (cursor at or below its cookie) and then
 * pushes the rest in order. A client that never pulls gets the held events after a timeout.
 */
import type { UserEvent } from '../store/store.ts';

export class CatchUpHold {
  private events: UserEvent[] = [];
  private readonly timer: NodeJS.Timeout;
  private released = false;
  private cancelled = false;

  constructor(
    private readonly flush: (events: readonly UserEvent[]) => void,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.release(0), timeoutMs);
    this.timer.unref();
  }

  /** Hold the events, or once released (by the pull or the timeout) push them straight on. */
  add(events: readonly UserEvent[]): void {
    if (this.cancelled) return;
    if (this.released) this.flush(events);
    else this.events.push(...events);
  }

  /** Push the held events above `afterCursor` (0 = all) and stop holding. Idempotent. */
  release(afterCursor: number): void {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.timer);
    const rest = this.events.filter((e) => e.cursor > afterCursor);
    this.events = [];
    if (rest.length > 0) this.flush(rest);
  }

  /** Stop without pushing (session over). */
  cancel(): void {
    this.released = true;
    this.cancelled = true;
    clearTimeout(this.timer);
    this.events = [];
  }
}
