/**
 * The text of every benchmark message: `<seq> <sentAtMs> <from> ` padded with `x` to the
 * configured size. The receiver reads the send time (monotonic clock, the same in every
 * process on the machine) for latency and the per-sender sequence for order and loss.
 */

/** Milliseconds on the machine-wide monotonic clock (CLOCK_MONOTONIC), with microsecond precision. */
export function nowMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

export function makeText(from: string, seq: number, size: number): string {
  const head = `${seq} ${nowMs().toFixed(3)} ${from} `;
  return head.length >= size ? head : head + 'x'.repeat(size - head.length);
}

export interface ParsedText {
  seq: number;
  sentAtMs: number;
  from: string;
}

export function parseText(text: string): ParsedText | undefined {
  const a = text.indexOf(' ');
  const b = text.indexOf(' ', a + 1);
  const c = text.indexOf(' ', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  const seq = Number(text.slice(0, a));
  const sentAtMs = Number(text.slice(a + 1, b));
  if (!Number.isInteger(seq) || !Number.isFinite(sentAtMs)) return undefined;
  return { seq, sentAtMs, from: text.slice(b + 1, c) };
}
