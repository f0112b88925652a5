import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SdkError } from './errors.ts';
import { PendingRequests } from './pending.ts';

describe('PendingRequests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('settles a request with the reply that matches servcmd and seq', async () => {
    const p = new PendingRequests<string>();
    const a = p.add(PendingRequests.key('openim.sendmsg', 1), 1_000);
    const b = p.add(PendingRequests.key('openim.getmsg', 1), 1_000);
    expect(p.resolve(PendingRequests.key('openim.getmsg', 1), 'B')).toBe(true);
    expect(p.resolve(PendingRequests.key('openim.sendmsg', 1), 'A')).toBe(true);
    await expect(a).resolves.toBe('A');
    await expect(b).resolves.toBe('B');
    expect(p.size).toBe(0);
  });

  it('rejects with CLIENT_TIMEOUT when no reply comes in time, and ignores the late reply', async () => {
    const p = new PendingRequests<string>();
    const onTimeout = vi.fn();
    const key = PendingRequests.key('heartbeat.alive', 3);
    const r = p.add(key, 3_000, onTimeout);
    const settled = expect(r).rejects.toMatchObject({ errorCode: 'CLIENT_TIMEOUT', code: 2801 });
    vi.advanceTimersByTime(3_000);
    await settled;
    expect(onTimeout).toHaveBeenCalledOnce();
    expect(p.resolve(key, 'late')).toBe(false);
  });

  it('rejects everything at once when the link drops', async () => {
    const p = new PendingRequests<string>();
    const all = [1, 2, 3].map((i) => p.add(PendingRequests.key('x', i), 10_000));
    p.rejectAll(new SdkError('CLIENT_NETWORK'));
    for (const r of all) await expect(r).rejects.toMatchObject({ errorCode: 'CLIENT_NETWORK' });
    expect(p.size).toBe(0);
    vi.advanceTimersByTime(20_000);
  });

  it('refuses a second request under the same key', async () => {
    const p = new PendingRequests<string>();
    void p.add('k', 0);
    await expect(p.add('k', 0)).rejects.toThrow(/duplicate/);
  });
});
