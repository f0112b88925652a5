import { describe, expect, it } from 'vitest';
import { Backoff, fullJitterDelay } from './backoff.ts';

describe('fullJitterDelay', () => {
  it('draws from [0, base * 2^attempt) until the cap', () => {
    const opts = { baseMs: 100, capMs: 1_000 };
    expect(fullJitterDelay(0, { ...opts, random: () => 0.999 })).toBe(99);
    expect(fullJitterDelay(2, { ...opts, random: () => 0.5 })).toBe(200);
    expect(fullJitterDelay(3, { ...opts, random: () => 0.999 })).toBe(799);
    expect(fullJitterDelay(10, { ...opts, random: () => 0.999 })).toBe(999);
    expect(fullJitterDelay(10, { ...opts, random: () => 0 })).toBe(0);
  });

  it('never overflows for huge attempt numbers', () => {
    expect(fullJitterDelay(5_000, { baseMs: 500, capMs: 30_000, random: () => 0.5 })).toBe(15_000);
  });

  it('spreads delays across the whole window', () => {
    const ds = Array.from({ length: 2_000 }, () => fullJitterDelay(4, { baseMs: 100, capMs: 10_000 }));
    expect(Math.min(...ds)).toBeLessThan(160);
    expect(Math.max(...ds)).toBeGreaterThan(1_440);
    expect(Math.max(...ds)).toBeLessThan(1_600);
  });
});

describe('Backoff', () => {
  it('widens the window per attempt and starts over after reset', () => {
    const b = new Backoff({ baseMs: 100, capMs: 10_000, random: () => 0.999 });
    expect([b.next(), b.next(), b.next()]).toEqual([99, 199, 399]);
    expect(b.attempts).toBe(3);
    b.reset();
    expect(b.next()).toBe(99);
  });
});
