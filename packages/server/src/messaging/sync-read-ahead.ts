/**
 * Read-ahead for `getmsg` paging: after answering a page that is not the last, read the next
 * one while the client is still taking this one in.
 *
 * A client that logs in with a backlog asks for page after page, each only once the previous
 * reply has arrived and been parsed. Without read-ahead the server sits idle during that
 * time and the client during the read, for every page. The next page is read in the
 * `setImmediate` after the reply was written, and handed over when the client asks for it
 * by the cookie the reply named.
 *
 * Serving a page read a moment earlier is the same as having answered the request a moment
 * earlier: cursors never change, and whatever happens after the read (a recall, a read on
 * another device, a new message) is an event further along the user's stream, which the
 * client gets after the page, by push or by the pull that follows. So a page is never
 * invalidated; it is only dropped when not asked for within `maxAgeMs`, and at most
 * `maxPages` are held (the oldest goes first), so a client that stops halfway costs at most
 * one page for a short while.
 */
import type { SyncPage } from './messaging.ts';

export type ReadPage = (sdkAppId: number, user: string, cookie: string) => Promise<SyncPage>;

interface Ahead {
  readAt: number;
  page: Promise<SyncPage>;
}

export class SyncReadAhead {
  /** Insertion order is read order, so the first entries are the oldest. */
  private readonly pages = new Map<string, Ahead>();

  constructor(
    private readonly read: ReadPage,
    private readonly opts: { maxAgeMs: number; maxPages: number; now?: () => number } = { maxAgeMs: 2000, maxPages: 256 },
  ) {}

  /** The page after `cookie`: the one read ahead if there is a fresh one, else read now. */
  async page(sdkAppId: number, user: string, cookie: string): Promise<SyncPage> {
    const key = keyOf(sdkAppId, user, cookie);
    const ahead = this.pages.get(key);
    if (ahead) this.pages.delete(key);
    const page =
      ahead && this.now() - ahead.readAt <= this.opts.maxAgeMs
        ? // A read-ahead that failed is simply read again, now, for the client that asks.
          await ahead.page.catch(() => this.read(sdkAppId, user, cookie))
        : await this.read(sdkAppId, user, cookie);
    if (!page.complete) this.schedule(sdkAppId, user, page.cookie);
    return page;
  }

  /** Pages currently held (for tests and metrics). */
  get size(): number {
    return this.pages.size;
  }

  private schedule(sdkAppId: number, user: string, cookie: string): void {
    setImmediate(() => {
      const key = keyOf(sdkAppId, user, cookie);
      if (this.pages.has(key)) return;
      const page = this.read(sdkAppId, user, cookie);
      // Not awaited here: a failure is met again by the request that takes it (see page()).
      page.catch(() => {});
      this.pages.set(key, { readAt: this.now(), page });
      this.evict();
    });
  }

  private evict(): void {
    const oldest = this.now() - this.opts.maxAgeMs;
    for (const [key, ahead] of this.pages) {
      if (this.pages.size <= this.opts.maxPages && ahead.readAt >= oldest) break;
      this.pages.delete(key);
    }
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}

function keyOf(sdkAppId: number, user: string, cookie: string): string {
  return `${sdkAppId}\u0000${user}\u0000${cookie}`;
}
