/**
 * The WAL's fsync, off the event loop.
 *
 * With `synchronous=FULL` SQLite fsyncs the WAL inside every COMMIT, and better-sqlite3 is
 * synchronous, so the whole server stood still for each fsync: at a few messages per
 * commit that was a third of the event loop's time, and one slow fsync delayed every
 * message behind it. Instead SQLite runs with `synchronous=NORMAL` (a commit writes its WAL
 * frames but does not sync them; checkpoints still sync) and this class fdatasyncs the WAL
 * file on libuv's thread pool. fdatasync flushes the file, whichever descriptor wrote it, so
 * once it returns every frame written before it started is on disk: exactly what FULL's
 * in-COMMIT sync guaranteed, and the store resolves nothing before that (see SqliteStore).
 *
 * One fdatasync runs at a time; writes committed while it runs wait for the next one, which
 * covers all of them: group commit at the disk, while the event loop keeps taking frames.
 */
import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** How the WAL file is synced; fs.fdatasync, or a wrapper in tests that watch the order. */
export type SyncFile = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

interface Waiter {
  upTo: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class WalSync {
  /** Write position (SQLite's total_changes) known to be on disk. */
  private synced: number;
  private running: Promise<void> | undefined;
  private waiters: Waiter[] = [];
  private fd: number | undefined;

  constructor(
    private readonly walPath: string,
    /** Changes made before this object existed were synced by whoever made them. */
    startAt: number,
    private readonly syncFile: SyncFile = fdatasync,
  ) {
    this.synced = startAt;
  }

  /** Resolves once every write up to position `upTo` is on disk; undefined when it already is. */
  flushed(upTo: number): Promise<void> | undefined {
    if (upTo <= this.synced) return undefined;
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.start(upTo);
    });
  }

  /** Wait for the sync in flight, then let go of the WAL file. */
  async close(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private start(upTo: number): void {
    if (this.running) return;
    const fd = this.open();
    this.running = new Promise<void>((resolve) => {
      this.syncFile(fd, (err) => {
        this.running = undefined;
        resolve();
        this.finish(upTo, err);
      });
    });
  }

  private finish(upTo: number, err: NodeJS.ErrnoException | null): void {
    const done = this.waiters.filter((w) => w.upTo <= upTo);
    this.waiters = this.waiters.filter((w) => w.upTo > upTo);
    if (err) {
      // The kernel may have dropped the pages it could not write: nothing is known durable.
      const failure = new Error(`fdatasync of the SQLite WAL failed: ${err.message}`, { cause: err });
      for (const w of done) w.reject(failure);
    } else {
      this.synced = Math.max(this.synced, upTo);
      for (const w of done) w.resolve();
    }
    // Writes that arrived during this sync are covered by the next one.
    const next = this.waiters.reduce((max, w) => Math.max(max, w.upTo), 0);
    if (next > 0) this.start(next);
  }

  private open(): number {
    if (this.fd === undefined) {
      this.fd = openSync(this.walPath, 'r');
      // The WAL's directory entry must be durable too (SQLite syncs it on the WAL's first
      // sync, which with NORMAL is the first checkpoint). Once per store, so synchronously.
      const dir = openSync(dirname(this.walPath), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return this.fd;
  }
}

