import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../session/auth.ts';
import { LongPollSession } from './long-poll.ts';

function session(expireAt: number): LongPollSession {
  return new LongPollSession({ expireAt } as Identity, '1', undefined);
}

describe('LongPollSession expiry', () => {
  afterEach(() => vi.useRealTimers());

  it('counts whole seconds, as the UserSig check does: valid through the expiry second', async () => {
    vi.useFakeTimers();
    // A UserSig made at 1000.95 s for 1 s expires at second 1001; at 1001.5 it is still valid.
    vi.setSystemTime(1001_500);
    const s = session(1001);
    const held = s.poll(10, 0);
    vi.advanceTimersByTime(10);
    expect(await held).toEqual({ kind: 'events', items: [] });
    vi.setSystemTime(1002_000);
    expect(await s.poll(10, 0)).toEqual({ kind: 'expired' });
  });
});
