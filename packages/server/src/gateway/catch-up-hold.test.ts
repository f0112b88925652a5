import { describe, expect, it, vi } from 'vitest';
import type { UserEvent } from '../store/store.ts';
import { CatchUpHold } from './catch-up-hold.ts';

const ev = (cursor: number): UserEvent => ({ cursor, kind: 'conv_deleted', peer: 'p' });

describe('CatchUpHold', () => {
  it('pushes only the held events above the pull cursor, once', () => {
    const flush = vi.fn();
    const hold = new CatchUpHold(flush, 10_000);
    hold.add([ev(3), ev(4)]);
    hold.add([ev(5)]);
    hold.release(4);
    hold.release(0);
    expect(flush).toHaveBeenCalledTimes(1);
    expect(flush.mock.calls[0]![0].map((e: UserEvent) => e.cursor)).toEqual([5]);
  });

  it('pushes everything held when the client never pulls', () => {
    vi.useFakeTimers();
    try {
      const flush = vi.fn();
      const hold = new CatchUpHold(flush, 5000);
      hold.add([ev(1), ev(2)]);
      vi.advanceTimersByTime(5000);
      expect(flush.mock.calls[0]![0].map((e: UserEvent) => e.cursor)).toEqual([1, 2]);
      // A pull that comes later finds nothing held; what arrives now is pushed at once.
      hold.release(2);
      hold.add([ev(3)]);
      expect(flush.mock.calls.map((c) => c[0].map((e: UserEvent) => e.cursor))).toEqual([[1, 2], [3]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('pushes nothing after cancel', () => {
    const flush = vi.fn();
    const hold = new CatchUpHold(flush, 10_000);
    hold.add([ev(1)]);
    hold.cancel();
    hold.release(0);
    hold.add([ev(2)]);
    expect(flush).not.toHaveBeenCalled();
  });
});
