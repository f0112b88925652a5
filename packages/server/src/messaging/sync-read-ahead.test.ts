import { describe, expect, it } from 'vitest';
import type { SyncPage } from './messaging.ts';
import { SyncReadAhead } from './sync-read-ahead.ts';

const turn = () => new Promise((r) => setImmediate(r));

/** Pages of a stream with `total` pages; cookie `p<n>` names page n. Records every read. */
function stream(total: number) {
  const reads: string[] = [];
  let failNext = false;
  const read = async (_app: number, user: string, cookie: string): Promise<SyncPage> => {
    reads.push(`${user}:${cookie}`);
    if (failNext) {
      failNext = false;
      throw new Error('store unavailable');
    }
    const n = cookie === '' ? 0 : Number(cookie.slice(1));
    return { events: [], cookie: `p${n + 1}`, complete: n + 1 >= total };
  };
  return { read, reads, failOnce: () => (failNext = true) };
}

describe('SyncReadAhead', () => {
  it('reads the next page after answering one, and hands it over when the client asks', async () => {
    const s = stream(3);
    const ra = new SyncReadAhead(s.read);
    expect((await ra.page(1, 'bob', '')).cookie).toBe('p1');
    expect(s.reads).toEqual(['bob:']);
    await turn();
    expect(s.reads).toEqual(['bob:', 'bob:p1']);
    expect((await ra.page(1, 'bob', 'p1')).cookie).toBe('p2');
    expect(s.reads).toEqual(['bob:', 'bob:p1']);
    await turn();
    const last = await ra.page(1, 'bob', 'p2');
    expect(last.complete).toBe(true);
    await turn();
    // Nothing is read after the last page, and nothing is left held.
    expect(s.reads).toEqual(['bob:', 'bob:p1', 'bob:p2']);
    expect(ra.size).toBe(0);
  });

  it('keeps pages apart per app and user', async () => {
    const s = stream(5);
    const ra = new SyncReadAhead(s.read);
    await ra.page(1, 'bob', '');
    await turn();
    await ra.page(1, 'ann', 'p1');
    await ra.page(2, 'bob', 'p1');
    expect(s.reads).toEqual(['bob:', 'bob:p1', 'ann:p1', 'bob:p1']);
  });

  it('reads again instead of serving a page read ahead too long ago', async () => {
    let now = 0;
    const s = stream(5);
    const ra = new SyncReadAhead(s.read, { maxAgeMs: 2000, maxPages: 8, now: () => now });
    await ra.page(1, 'bob', '');
    await turn();
    now = 2001;
    await ra.page(1, 'bob', 'p1');
    expect(s.reads).toEqual(['bob:', 'bob:p1', 'bob:p1']);
  });

  it('holds at most maxPages, dropping the oldest', async () => {
    const s = stream(5);
    const ra = new SyncReadAhead(s.read, { maxAgeMs: 60_000, maxPages: 2 });
    for (const u of ['a', 'b', 'c']) await ra.page(1, u, '');
    await turn();
    expect(ra.size).toBe(2);
    await ra.page(1, 'a', 'p1');
    await ra.page(1, 'c', 'p1');
    // a's page was dropped for c's; c's was served from the read-ahead.
    expect(s.reads.filter((r) => r.endsWith(':p1'))).toEqual(['a:p1', 'b:p1', 'c:p1', 'a:p1']);
  });

  it('reads again for the client when the read-ahead failed', async () => {
    const s = stream(5);
    const ra = new SyncReadAhead(s.read);
    await ra.page(1, 'bob', '');
    s.failOnce();
    await turn();
    expect((await ra.page(1, 'bob', 'p1')).cookie).toBe('p2');
    expect(s.reads.slice(0, 3)).toEqual(['bob:', 'bob:p1', 'bob:p1']);
  });

  it('passes a failed read of the asked page to the caller', async () => {
    const s = stream(5);
    const ra = new SyncReadAhead(s.read);
    s.failOnce();
    await expect(ra.page(1, 'bob', '')).rejects.toThrow('store unavailable');
    await turn();
    expect(ra.size).toBe(0);
  });
});
