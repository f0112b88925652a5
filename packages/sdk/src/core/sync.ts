/**
 * Keeps the local view in step with the user's server-side event stream.
 *
 * Every event the server records for a user (new message, read, recall, conversation
 * deleted) carries NoticeSeq, a per-user cursor that grows by 1. Events reach the client
 * two ways: live pushes on the socket, and `openim.getmsg` pages that return everything
 * after an opaque Cookie. This engine merges both into one ordered, duplicate-free stream:
 *
 * - After every login the client logs in first (the socket then receives live pushes) and
 *   pulls pages from the last Cookie until SyncFlag says done. Pushes that arrive during a
 *   pull are buffered and applied after it, so the app sees stream order.
 * - Each NoticeSeq is applied once: `contiguous` is the highest cursor below which every
 *   event was applied, `ahead` holds applied cursors above it.
 * - A live push that skips ahead of contiguous + 1 means a push was lost (or the link
 *   dropped without notice): it is buffered and a pull fills the gap. If that pull fails
 *   because the link dropped, the buffer waits for the pull after the next login.
 * - Events without a NoticeSeq (older servers) are applied as they come; the message
 *   store still de-duplicates them by conversation + sequence.
 */

export interface SyncEvent {
  noticeSeq: number | undefined;
}

export interface SyncPage<E> {
  cookie: string;
  /** SyncFlag 1: another page follows at once. */
  more: boolean;
  events: E[];
}

/** Where applied events came from. `backlog` = the first pull of a session (Cookie ''). */
export type SyncOrigin = 'live' | 'sync' | 'backlog';

export interface SyncDeps<E> {
  fetchPage(cookie: string): Promise<SyncPage<E>>;
  apply(events: E[], origin: SyncOrigin): void;
  /**
   * True when a failed pull will be retried soon (the link dropped: the next login pulls
   * again). Buffered pushes then wait for that pull, so the app still sees stream order.
   * Otherwise they are applied at once rather than held behind a pull that may never work.
   */
  willRetry?(err: unknown): boolean;
}

export class SyncEngine<E extends SyncEvent> {
  #cookie = '';
  #contiguous = 0;
  readonly #ahead = new Set<number>();
  #buffer: E[] = [];
  #pulling: Promise<void> | undefined;
  #gapSeen = false;

  constructor(private readonly deps: SyncDeps<E>) {}

  /** The last Cookie the server gave ('' before the first pull completes a page). */
  get cookie(): string {
    return this.#cookie;
  }

  /** Highest NoticeSeq below which everything has been applied. */
  get contiguous(): number {
    return this.#contiguous;
  }

  /** True while a pull runs. */
  get pulling(): boolean {
    return this.#pulling !== undefined;
  }

  /**
   * Live events from a push frame. `cookie` is the sync position after these events when the
   * server sends one (Parley extension); taking it saves re-pulling them after a reconnect.
   *
   * `own`: events this client caused, as a reply names them (a send's NoticeSeq). Parley
   * writes a commit's replies before its push, in the same write, so a reply may name a
   * cursor above pushed events still on their way: it is applied without a pull and the push
   * fills the hole below it. A hole that a later push still finds triggers the pull.
   */
  push(events: E[], cookie?: string, own?: boolean): void {
    if (this.#pulling) {
      this.#buffer.push(...events);
      return;
    }
    const ordered = sortByNotice(events);
    const now: E[] = [];
    for (const e of ordered) {
      const n = e.noticeSeq;
      if (n === undefined) {
        now.push(e);
      } else if (this.#isApplied(n)) {
        continue;
      } else if (own || (n === this.#contiguous + 1 && this.#buffer.length === 0)) {
        this.#mark(n);
        now.push(e);
      } else {
        // Behind a hole (or behind events already waiting for one): wait for the pull.
        this.#buffer.push(e);
      }
    }
    if (now.length) this.deps.apply(now, 'live');
    if (this.#buffer.length) void this.sync().catch(() => {});
    else if (cookie && this.#cookie !== '') this.#cookie = cookie;
  }

  /**
   * Pull until the server says done, then apply buffered pushes. Concurrent calls share one
   * pull. Rejects when a page request fails (buffered pushes are applied regardless).
   */
  sync(): Promise<void> {
    return (this.#pulling ??= this.#pull());
  }

  /** Forget all state (logout, or another user logs in). */
  reset(): void {
    this.#cookie = '';
    this.#contiguous = 0;
    this.#ahead.clear();
    this.#buffer = [];
  }

  async #pull(): Promise<void> {
    // Start in a later job, so that #pulling holds this pull before its `finally` clears it.
    await undefined;
    let passes = 0;
    try {
      for (;;) {
        passes++;
        let pulledMax = this.#contiguous;
        let pulledAny = false;
        for (;;) {
          const origin: SyncOrigin = this.#cookie === '' ? 'backlog' : 'sync';
          const page = await this.deps.fetchPage(this.#cookie);
          const fresh: E[] = [];
          for (const e of sortByNotice(page.events)) {
            const n = e.noticeSeq;
            if (n !== undefined) {
              pulledMax = Math.max(pulledMax, n);
              if (this.#isApplied(n)) continue;
              this.#mark(n);
            }
            fresh.push(e);
          }
          pulledAny ||= page.events.length > 0;
          if (fresh.length) this.deps.apply(fresh, origin);
          if (page.cookie) this.#cookie = page.cookie;
          if (!page.more) break;
        }
        const gap = this.#flush(pulledMax);
        if (!gap || passes >= 2 || (passes > 1 && !pulledAny)) break;
        // A buffered push sits above a hole the pull did not cover: pull once more.
      }
      this.#settle();
    } catch (err) {
      if (!this.deps.willRetry?.(err)) this.#flush(this.#contiguous);
      throw err;
    } finally {
      // Ended in the same job as the last flush: two HTTP replies read in one turn (a getmsg
      // page and a long poll) settle in the same promise jobs, and a push landing between the
      // flush and a later `finally` would be buffered for a pull that has already ended.
      this.#pulling = undefined;
    }
  }

  /** Apply buffered live events; true when they leave a hole above `from`. */
  #flush(from: number): boolean {
    const buf = sortByNotice(this.#buffer);
    this.#buffer = [];
    const fresh: E[] = [];
    let expect = from + 1;
    let gap = false;
    for (const e of buf) {
      const n = e.noticeSeq;
      if (n !== undefined) {
        if (this.#isApplied(n)) continue;
        if (n > expect) gap = true;
        expect = n + 1;
        this.#mark(n);
      }
      fresh.push(e);
    }
    if (fresh.length) this.deps.apply(fresh, 'live');
    return gap;
  }

  /** After a complete pull everything up to the newest applied cursor is known. */
  #settle(): void {
    for (const n of this.#ahead) if (n > this.#contiguous) this.#contiguous = n;
    this.#ahead.clear();
  }

  #isApplied(n: number): boolean {
    return n <= this.#contiguous || this.#ahead.has(n);
  }

  #mark(n: number): void {
    this.#ahead.add(n);
    while (this.#ahead.has(this.#contiguous + 1)) {
      this.#contiguous++;
      this.#ahead.delete(this.#contiguous);
    }
  }
}

function sortByNotice<E extends SyncEvent>(events: E[]): E[] {
  // Stable: events without a cursor keep their place relative to each other.
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.noticeSeq ?? Infinity) - (b.e.noticeSeq ?? Infinity) || a.i - b.i)
    .map((x) => x.e);
}
