/** Workload A (throughput) and B (fixed rate): pair traffic through the generator workers. */
import type { PeerServer } from '../drivers/driver.ts';
import { round, summarise } from '../lib/stats.ts';
import { runPairs } from './pairs-runner.ts';
import type { Outcome, Sizes } from './types.ts';

export async function workloadA(server: PeerServer, s: Sizes, progress: (fraction: number, detail: string) => void): Promise<Outcome> {
  const expected = 2 * s.pairs * s.messages;
  const run = await runPairs(server, 'A', {
    pairs: s.pairs,
    workers: s.workers,
    params: { messages: s.messages, window: s.window, size: s.size },
    expected,
    onProgress: (r) => progress(r / expected, `${r}/${expected} delivered`),
  });
  const m = run.merged;
  const lat = summarise(m.latencies);
  const lost = expected - m.received;
  const msgsPerSec = m.received / (m.elapsedMs / 1000);
  return {
    figures: {
      msgsPerSec: round(msgsPerSec, 0),
      p50Ms: round(lat.p50Ms),
      p95Ms: round(lat.p95Ms),
      p99Ms: round(lat.p99Ms),
      maxMs: round(lat.maxMs),
      lost,
      serverCpuPct: round(run.serverCpuPct, 1),
      generatorCpuPct: round(run.generatorCpuPct, 1),
      otherCpuPct: round(run.otherCpuPct, 1),
      msgsPerCpuSec: run.serverCpuMs > 0 ? round(m.received / (run.serverCpuMs / 1000), 0) : NaN,
      serverRssKB: run.serverRssKB,
      sent: m.sent,
      delivered: m.received,
      duplicates: m.duplicates,
      outOfOrder: m.outOfOrder,
      durationMs: round(m.elapsedMs, 1),
    },
    problems: problems(m.errors, lost, m.duplicates, m.outOfOrder),
    window: run.window,
  };
}

export async function workloadB(server: PeerServer, s: Sizes, progress: (fraction: number, detail: string) => void): Promise<Outcome> {
  const expected = Math.round(s.rate * s.seconds);
  const run = await runPairs(server, 'B', {
    pairs: s.pairs,
    workers: s.workers,
    params: { rate: s.rate, seconds: s.seconds, size: s.size },
    expected,
    onProgress: (r) => progress(r / expected, `${r}/${expected} delivered`),
  });
  const m = run.merged;
  const lat = summarise(m.latencies);
  const lost = m.sent - m.received;
  return {
    figures: {
      rate: s.rate,
      achievedRate: round(m.received / (m.elapsedMs / 1000), 0),
      p50Ms: round(lat.p50Ms),
      p95Ms: round(lat.p95Ms),
      p99Ms: round(lat.p99Ms),
      maxMs: round(lat.maxMs),
      lost,
      serverCpuPct: round(run.serverCpuPct, 1),
      generatorCpuPct: round(run.generatorCpuPct, 1),
      otherCpuPct: round(run.otherCpuPct, 1),
      sendLagMaxMs: round(m.sendLagMaxMs, 1),
      sent: m.sent,
      delivered: m.received,
    },
    problems: problems(m.errors, lost, m.duplicates, m.outOfOrder, m.sent < expected ? `only ${m.sent} of ${expected} sent` : undefined),
    window: run.window,
  };
}

function problems(errors: string[], lost: number, duplicates: number, outOfOrder: number, extra?: string): string[] {
  const out = [...new Set(errors)].slice(0, 5);
  if (lost > 0) out.push(`${lost} messages lost`);
  if (duplicates > 0) out.push(`${duplicates} duplicates`);
  if (outOfOrder > 0) out.push(`${outOfOrder} out of order`);
  if (extra) out.push(extra);
  return out;
}
