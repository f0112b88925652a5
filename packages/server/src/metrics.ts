/**
 * Live counters for the console and /metrics: messages per second over a sliding minute.
 * One array of per-second buckets, no timers: buckets are rotated when touched.
 */
export class Metrics {
  private readonly buckets = new Float64Array(60);
  private bucketSecond = 0;
  messagesTotal = 0;

  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** Count one committed message. */
  messageSent(): void {
    this.rotate();
    this.buckets[this.bucketSecond % 60]! += 1;
    this.messagesTotal++;
  }

  /** Messages per second over the last `seconds` full seconds (≤ 59). */
  rate(seconds = 10): number {
    this.rotate();
    let sum = 0;
    for (let i = 1; i <= seconds; i++) sum += this.buckets[(this.bucketSecond - i + 60) % 60]!;
    return sum / seconds;
  }

  /** Per-second counts of the last minute, oldest first (for charts). */
  series(): number[] {
    this.rotate();
    const out: number[] = [];
    for (let i = 59; i >= 1; i--) out.push(this.buckets[(this.bucketSecond - i + 60) % 60]!);
    return out;
  }

  private rotate(): void {
    const s = this.now();
    if (this.bucketSecond === 0) this.bucketSecond = s;
    const gap = Math.min(60, s - this.bucketSecond);
    for (let i = 1; i <= gap; i++) this.buckets[(this.bucketSecond + i) % 60] = 0;
    if (gap > 0) this.bucketSecond = s;
  }
}
