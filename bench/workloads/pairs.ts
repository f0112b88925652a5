/**
 * The pair traffic of workloads A and B, run inside a generator worker: every user of a
 * pair sends to its partner, and the receiving side checks each message (latency from the
 * send time in its text, loss, duplicates, order per sender).
 */
import type { BenchClient } from '../drivers/driver.ts';
import { makeText, nowMs, parseText } from '../lib/payload.ts';

export interface ThroughputParams {
  /** Messages each user sends. */
  messages: number;
  /** Messages a user has sent and the server has not acknowledged yet, at most. */
  window: number;
  size: number;
}

export interface FixedRateParams {
  /** Messages per second this worker sends, spread round-robin over its users. */
  rate: number;
  seconds: number;
  size: number;
}

/** What one worker saw. Counts are of messages; latencies in ms, one per first delivery. */
export interface PairsResult {
  sent: number;
  acked: number;
  /** Sends the server refused or that failed with the connection. */
  failed: number;
  received: number;
  duplicates: number;
  outOfOrder: number;
  errors: string[];
  latencies: number[];
  /** Worst lag of the send loop behind its schedule (workload B), ms. */
  sendLagMaxMs: number;
  /** From the first send to the last delivery, ms. */
  elapsedMs: number;
}

/** A connected pair member and its partner's name. */
export interface Member {
  client: BenchClient;
  partner: string;
}

/** Per-receiver bookkeeping; expects messages from its partner only. */
class Receiver {
  private readonly seen: Uint8Array;
  private highest = -1;
  constructor(
    private readonly out: PairsResult,
    capacity: number,
    private readonly onAny: () => void,
  ) {
    this.seen = new Uint8Array(capacity);
  }
  take(text: string): void {
    const now = nowMs();
    const p = parseText(text);
    if (!p || p.seq >= this.seen.length) {
      this.out.errors.push(`unexpected message text "${text.slice(0, 40)}"`);
      return;
    }
    if (this.seen[p.seq]) {
      this.out.duplicates++;
      return;
    }
    this.seen[p.seq] = 1;
    this.out.received++;
    this.out.latencies.push(now - p.sentAtMs);
    if (p.seq < this.highest) this.out.outOfOrder++;
    else this.highest = p.seq;
    this.onAny();
  }
}

function emptyResult(): PairsResult {
  return { sent: 0, acked: 0, failed: 0, received: 0, duplicates: 0, outOfOrder: 0, errors: [], latencies: [], sendLagMaxMs: 0, elapsedMs: 0 };
}

/** Wait until `done()` or until `graceMs` passed without any progress. */
function settle(done: () => boolean, progress: () => number, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    let last = progress();
    let lastChange = Date.now();
    const tick = () => {
      if (done()) return resolve();
      const p = progress();
      if (p !== last) {
        last = p;
        lastChange = Date.now();
      }
      if (Date.now() - lastChange > graceMs) return resolve();
      setTimeout(tick, 5);
    };
    tick();
  });
}

const MAX_ERRORS = 20;

/** Workload A: every member sends `messages` to its partner with `window` in flight. */
export async function runThroughput(members: Member[], p: ThroughputParams, onProgress: (received: number) => void): Promise<PairsResult> {
  const out = emptyResult();
  const expected = members.length * p.messages;
  let lastDelivery = 0;
  for (const m of members) {
    const r = new Receiver(out, p.messages, () => {
      lastDelivery = nowMs();
      if ((out.received & 255) === 0) onProgress(out.received);
    });
    m.client.onMessage = (t) => r.take(t);
  }
  const start = nowMs();
  await Promise.all(
    members.map(
      (m) =>
        new Promise<void>((resolve) => {
          let next = 0;
          let inFlight = 0;
          const pump = () => {
            while (inFlight < p.window && next < p.messages) {
              inFlight++;
              out.sent++;
              m.client.send(m.partner, makeText(m.client.user, next++, p.size)).then(
                () => {
                  out.acked++;
                  inFlight--;
                  pump();
                },
                (err: Error) => {
                  out.failed++;
                  if (out.errors.length < MAX_ERRORS) out.errors.push(err.message);
                  inFlight--;
                  pump();
                },
              );
            }
            if (inFlight === 0 && next >= p.messages) resolve();
          };
          pump();
        }),
    ),
  );
  await settle(() => out.received >= expected, () => out.received, 10_000);
  out.elapsedMs = (lastDelivery || nowMs()) - start;
  onProgress(out.received);
  return out;
}

/** Workload B: `rate` msgs/s for `seconds`, round-robin over the members, open loop (no window). */
export async function runFixedRate(members: Member[], p: FixedRateParams, onProgress: (received: number) => void): Promise<PairsResult> {
  const out = emptyResult();
  const total = Math.round(p.rate * p.seconds);
  const perMember = Math.ceil(total / Math.max(1, members.length)) + 1;
  const nextSeq = new Array<number>(members.length).fill(0);
  let lastDelivery = 0;
  for (const m of members) {
    const r = new Receiver(out, perMember, () => {
      lastDelivery = nowMs();
      if ((out.received & 127) === 0) onProgress(out.received);
    });
    m.client.onMessage = (t) => r.take(t);
  }
  const start = nowMs();
  let turn = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowMs();
      const due = Math.min(total, Math.floor(((now - start) * p.rate) / 1000));
      if (due > out.sent + 1) out.sendLagMaxMs = Math.max(out.sendLagMaxMs, ((due - out.sent - 1) * 1000) / p.rate);
      while (out.sent < due) {
        const i = turn++ % members.length;
        const m = members[i]!;
        out.sent++;
        m.client.send(m.partner, makeText(m.client.user, nextSeq[i]!++, p.size)).then(
          () => void out.acked++,
          (err: Error) => {
            out.failed++;
            if (out.errors.length < MAX_ERRORS) out.errors.push(err.message);
          },
        );
      }
      if (out.sent >= total) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  await settle(() => out.received >= total && out.acked + out.failed >= total, () => out.received + out.acked, 10_000);
  out.elapsedMs = (lastDelivery || nowMs()) - start;
  onProgress(out.received);
  return out;
}
