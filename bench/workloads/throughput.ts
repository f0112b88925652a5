/** Workload A (throughput) and B (fixed rate): pair traffic through the generator workers. */
import type { PeerServer } from '../drivers/driver.ts';
import { round, summarise } from '../lib/stats.ts';
import { shares, startWorkers } from './generator.ts';
import type { FixedRateParams, PairsResult, ThroughputParams } from './pairs.ts';
import type { Outcome, Sizes } from './types.ts';

interface PairsRun {
  merged: PairsResult;
  serverCpuPct: number;
  serverCpuMs: number;
  generatorCpuPct: number;
  otherCpuPct: number;
  serverRssKB: number;
  serverWrittenBytes: number | undefined;
  window: { fromMs: number; toMs: number };
}

/** Pairs a0–b0, a1–b1, … split over the workers; B's rate is split in proportion. */
async function runPairs(
  server: PeerServer,
  workload: 'A' | 'B',
  opts: { pairs: number; workers: number; params: ThroughputParams | FixedRateParams; onProgress: (received: number) => void },
): Promise<PairsRun> {
  const users: [string, string][] = Array.from({ length: opts.pairs }, (_, i) => [`a${i}`, `b${i}`]);
  await server.prepareUsers(users.flat());
  const parts = shares(users, Math.max(1, Math.min(opts.workers, opts.pairs)));
  const pool = await startWorkers(
    parts.map((share) =>
      workload === 'A'
        ? { type: 'setup', workload, endpoint: server.endpoint, pairs: share, params: opts.params as ThroughputParams }
        : { type: 'setup', workload, endpoint: server.endpoint, pairs: share, params: { ...(opts.params as FixedRateParams), rate: ((opts.params as FixedRateParams).rate * share.length) / opts.pairs } },
    ),
    opts.onProgress,
  );
  try {
    const run = await pool.go<PairsResult>(server.pid);
    return { ...run, merged: merge(run.results) };
  } finally {
    await pool.close();
  }
}

function merge(rs: PairsResult[]): PairsResult {
  const out: PairsResult = { sent: 0, acked: 0, failed: 0, received: 0, duplicates: 0, outOfOrder: 0, errors: [], latencies: [], sendLagMaxMs: 0, elapsedMs: 0 };
  for (const r of rs) {
    out.sent += r.sent;
    out.acked += r.acked;
    out.failed += r.failed;
    out.received += r.received;
    out.duplicates += r.duplicates;
    out.outOfOrder += r.outOfOrder;
    out.errors.push(...r.errors);
    for (const l of r.latencies) out.latencies.push(l);
    out.sendLagMaxMs = Math.max(out.sendLagMaxMs, r.sendLagMaxMs);
    out.elapsedMs = Math.max(out.elapsedMs, r.elapsedMs);
  }
  return out;
}

export async function workloadA(server: PeerServer, s: Sizes, progress: (fraction: number, detail: string) => void): Promise<Outcome> {
  const expected = 2 * s.pairs * s.messages;
  const run = await runPairs(server, 'A', {
    pairs: s.pairs,
    workers: s.workers,
    params: { messages: s.messages, window: s.window, size: s.size },
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
      ...writes(run.serverWrittenBytes, m.received),
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
      ...writes(run.serverWrittenBytes, m.received),
      sendLagMaxMs: round(m.sendLagMaxMs, 1),
      sent: m.sent,
      delivered: m.received,
    },
    problems: problems(m.errors, lost, m.duplicates, m.outOfOrder, m.sent < expected ? `only ${m.sent} of ${expected} sent` : undefined),
    window: run.window,
  };
}

/** Storage the server wrote per delivered message, KB (none for servers that keep messages in memory). */
function writes(bytes: number | undefined, delivered: number): Record<string, number> {
  return bytes === undefined || delivered === 0 ? {} : { diskKBPerMsg: round(bytes / 1024 / delivered, 2) };
}

function problems(errors: string[], lost: number, duplicates: number, outOfOrder: number, extra?: string): string[] {
  const out = [...new Set(errors)].slice(0, 5);
  if (lost > 0) out.push(`${lost} messages lost`);
  if (duplicates > 0) out.push(`${duplicates} duplicates`);
  if (outOfOrder > 0) out.push(`${outOfOrder} out of order`);
  if (extra) out.push(extra);
  return out;
}
