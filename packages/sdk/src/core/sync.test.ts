import { describe, expect, it } from 'vitest';
import { SyncEngine } from './sync.ts';
import type { SyncOrigin, SyncPage } from './sync.ts';

interface Ev {
  noticeSeq: number | undefined;
  id: string;
}
const ev = (n: number): Ev => ({ noticeSeq: n, id: `e${n}` });

/** A scripted stream: the server's events by cursor, paged like getmsg. */
function harness(stream: Ev[], pageSize = 3) {
  const applied: { id: string; origin: SyncOrigin }[] = [];
  const requests: string[] = [];
  let gate: Promise<void> | undefined;
  let fail = false;
  let retryable = false;
  const engine = new SyncEngine<Ev>({
    async fetchPage(cookie): Promise<SyncPage<Ev>> {
      requests.push(cookie);
      if (gate) await gate;
      if (fail) throw new Error('link dropped');
      const after = cookie === '' ? 0 : Number(cookie.slice(1));
      const page = stream.filter((e) => (e.noticeSeq ?? 0) > after).slice(0, pageSize);
      const last = page.at(-1)?.noticeSeq ?? after;
      const more = stream.some((e) => (e.noticeSeq ?? 0) > last);
      return { cookie: `s${last}`, more, events: page };
    },
    apply(events, origin) {
      for (const e of events) applied.push({ id: e.id, origin });
    },
    willRetry: (err) => err instanceof Error && err.message === 'link dropped' && retryable,
  });
  return {
    engine,
    applied,
    requests,
    ids: () => applied.map((a) => a.id),
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
    failNext(v: boolean, willRetry = false) {
      fail = v;
      retryable = willRetry;
    },
  };
}

describe('SyncEngine', () => {
  it('pulls every page from an empty cookie, oldest first, then reports done', async () => {
    const h = harness([1, 2, 3, 4, 5, 6, 7].map(ev));
    await h.engine.sync();
    expect(h.ids()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
    expect(h.requests).toEqual(['', 's3', 's6']);
    expect(h.applied[0]?.origin).toBe('backlog');
    expect(h.engine.contiguous).toBe(7);
  });

  it('applies in-order live pushes at once and drops duplicates', async () => {
    const h = harness([ev(1)]);
    await h.engine.sync();
    h.engine.push([ev(2)]);
    h.engine.push([ev(2), ev(1)]);
    h.engine.push([ev(3)]);
    expect(h.ids()).toEqual(['e1', 'e2', 'e3']);
    expect(h.requests).toEqual(['']);
  });

  it('buffers pushes during a pull and applies each event once, in cursor order', async () => {
    const stream = [1, 2, 3, 4, 5, 6].map(ev);
    const h = harness(stream, 2);
    const release = h.hold();
    const done = h.engine.sync();
    // While the first page is in flight the socket delivers e5, e4 and e6 live.
    h.engine.push([ev(5)]);
    h.engine.push([ev(4), ev(6)]);
    expect(h.ids()).toEqual([]);
    release();
    await done;
    expect(h.ids()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(new Set(h.ids()).size).toBe(6);
  });

  it("takes its own reply's cursor above a hole without a pull, and the push of the same commit fills it", async () => {
    const stream = [1, 2].map(ev);
    const h = harness(stream);
    await h.engine.sync();
    // One commit: e3 for us from the peer, e4 our own send, e5 from the peer. The reply (e4)
    // comes first, then one push with e3 and e5.
    stream.push(ev(3), ev(4), ev(5));
    h.engine.push([ev(4)], undefined, true);
    expect(h.engine.contiguous).toBe(2);
    h.engine.push([ev(3), ev(5)]);
    expect(h.ids()).toEqual(['e1', 'e2', 'e4', 'e3', 'e5']);
    expect(h.engine.contiguous).toBe(5);
    expect(h.requests).toEqual(['']);
  });

  it('still pulls when a later push finds the hole below its own reply unfilled', async () => {
    const stream = [1, 2].map(ev);
    const h = harness(stream);
    await h.engine.sync();
    stream.push(ev(3), ev(4), ev(5));
    h.engine.push([ev(4)], undefined, true);
    // The push with e3 was lost; e5's arrives.
    h.engine.push([ev(5)]);
    await h.engine.sync();
    expect(h.ids()).toEqual(['e1', 'e2', 'e4', 'e3', 'e5']);
    expect(h.requests).toEqual(['', 's2']);
    expect(h.engine.contiguous).toBe(5);
  });

  it('triggers a pull when a push skips ahead of the contiguous cursor', async () => {
    const stream = [1, 2].map(ev);
    const h = harness(stream);
    await h.engine.sync();
    // Server stored e3..e5, but only e5's push reached us.
    stream.push(ev(3), ev(4), ev(5));
    h.engine.push([ev(5)]);
    expect(h.ids()).toEqual(['e1', 'e2']);
    await h.engine.sync();
    expect(h.ids()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(h.requests.at(-1)).toBe('s2');
    expect(h.engine.contiguous).toBe(5);
  });

  it('resumes from the last cookie after a failed pull and does not lose buffered pushes', async () => {
    const stream = [1, 2, 3].map(ev);
    const h = harness(stream);
    await h.engine.sync();
    stream.push(ev(4), ev(5));
    h.failNext(true);
    h.engine.push([ev(5)]);
    await expect(h.engine.sync()).rejects.toThrow('link dropped');
    // The buffered push was applied rather than held hostage by the failure.
    expect(h.ids()).toEqual(['e1', 'e2', 'e3', 'e5']);
    h.failNext(false);
    await h.engine.sync();
    expect(h.ids()).toEqual(['e1', 'e2', 'e3', 'e5', 'e4']);
    expect(h.requests.at(-1)).toBe('s3');
  });

  it('treats a sparse login backlog as complete afterwards', async () => {
    // Cookie '' returns only unread messages (cursors 4 and 9); the stream head is 9.
    const h = harness([ev(4), ev(9)]);
    await h.engine.sync();
    h.engine.push([ev(10)]);
    expect(h.ids()).toEqual(['e4', 'e9', 'e10']);
    expect(h.requests).toEqual(['']);
  });

  it('keeps buffered pushes behind a hole when the pull will be retried after reconnect', async () => {
    const stream = [1, 2, 3].map(ev);
    const h = harness(stream);
    await h.engine.sync();
    stream.push(ev(4), ev(5), ev(6));
    h.failNext(true, true);
    h.engine.push([ev(6)]);
    await expect(h.engine.sync()).rejects.toThrow('link dropped');
    h.engine.push([ev(5)]);
    await new Promise((r) => setTimeout(r, 0));
    expect(h.ids()).toEqual(['e1', 'e2', 'e3']);
    h.failNext(false);
    await h.engine.sync();
    expect(h.ids()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  });

  it('applies events without a cursor as they come', async () => {
    const h = harness([]);
    await h.engine.sync();
    h.engine.push([{ noticeSeq: undefined, id: 'x' }, { noticeSeq: undefined, id: 'y' }]);
    expect(h.ids()).toEqual(['x', 'y']);
  });

  it('applies a push that lands after the pull\'s last page but before the pull has ended', async () => {
    const applied: number[] = [];
    const engine: SyncEngine<Ev> = new SyncEngine<Ev>({
      fetchPage(cookie) {
        const page = Promise.resolve({ cookie: 's3', more: false, events: cookie === '' ? [1, 2, 3].map(ev) : [] });
        // Two HTTP replies read in one turn (the getmsg page and a long poll's push) settle in
        // the same promise jobs: the push runs right after the pull's last continuation.
        if (cookie === '') queueMicrotask(() => void page.then(() => engine.push([ev(4)])));
        return page;
      },
      apply(events) {
        applied.push(...events.map((e) => e.noticeSeq!));
      },
    });
    await engine.sync();
    await new Promise((r) => setTimeout(r, 0));
    expect(applied).toEqual([1, 2, 3, 4]);
    expect(engine.contiguous).toBe(4);
    expect(engine.pulling).toBe(false);
  });
});
