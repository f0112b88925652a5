/**
 * Parent side of workloads A and B: forks the generator workers, splits the pairs between
 * them, starts them together and reads the server's and the generator's CPU from /proc over
 * exactly the traffic window, then merges what the workers saw.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerServer } from '../drivers/driver.ts';
import { nowMs } from '../lib/payload.ts';
import { cpuPercent, otherCpuPercent, sampleMachine, sampleProcess, sampleProcesses, type ProcSample } from '../lib/proc.ts';
import type { FixedRateParams, PairsResult, ThroughputParams } from './pairs.ts';
import type { WorkerSetup } from './pairs-worker.ts';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'pairs-worker.ts');

export interface PairsRun {
  merged: PairsResult;
  /** Messages the receivers should have seen. */
  expected: number;
  serverCpuPct: number;
  serverCpuMs: number;
  generatorCpuPct: number;
  serverRssKB: number;
  /** CPU used by everything else on the machine meanwhile (other processes, the kernel's share not charged to ours). */
  otherCpuPct: number;
  wallMs: number;
  window: { fromMs: number; toMs: number };
}

type WorkerMsg = { type: 'ready' } | { type: 'progress'; received: number } | { type: 'done'; result: PairsResult } | { type: 'error'; message: string };

export async function runPairs(
  server: PeerServer,
  workload: 'A' | 'B',
  opts: { pairs: number; workers: number; params: ThroughputParams | FixedRateParams; expected: number; onProgress: (received: number) => void },
): Promise<PairsRun> {
  const users: [string, string][] = Array.from({ length: opts.pairs }, (_, i) => [`a${i}`, `b${i}`]);
  await server.prepareUsers(users.flat());
  const n = Math.max(1, Math.min(opts.workers, opts.pairs));
  const workers: ChildProcess[] = [];
  const progress = new Array<number>(n).fill(0);
  const waiting = new Map<ChildProcess, { want: string; resolve: (m: WorkerMsg) => void; reject: (e: Error) => void }>();
  const expect = (w: ChildProcess, want: string) =>
    new Promise<WorkerMsg>((resolve, reject) => waiting.set(w, { want, resolve, reject }));
  try {
    for (let i = 0; i < n; i++) {
      const w = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      workers.push(w);
      w.on('message', (m: WorkerMsg) => {
        if (m.type === 'progress') {
          progress[i] = m.received;
          opts.onProgress(progress.reduce((a, b) => a + b, 0));
          return;
        }
        const waiter = waiting.get(w);
        if (!waiter) return;
        waiting.delete(w);
        if (m.type === 'error') waiter.reject(new Error(`generator worker: ${m.message}`));
        else if (m.type !== waiter.want) waiter.reject(new Error(`generator worker sent ${m.type}, expected ${waiter.want}`));
        else waiter.resolve(m);
      });
      w.on('exit', (code) => {
        const waiter = waiting.get(w);
        if (waiter) waiter.reject(new Error(`generator worker exited (${code})`));
      });
      const share = users.filter((_, j) => j % n === i);
      const params =
        workload === 'B' ? { ...(opts.params as FixedRateParams), rate: ((opts.params as FixedRateParams).rate * share.length) / opts.pairs } : opts.params;
      w.send({ type: 'setup', workload, endpoint: server.endpoint, pairs: share, params } as WorkerSetup);
    }
    await Promise.all(workers.map((w) => expect(w, 'ready')));
    const genPids = [process.pid, ...workers.map((w) => w.pid!)];
    const s0 = sampleProcess(server.pid);
    const g0 = sampleProcesses(genPids);
    const m0 = sampleMachine();
    const fromMs = nowMs();
    const done = workers.map((w) => expect(w, 'done'));
    for (const w of workers) w.send({ type: 'go' });
    const results = (await Promise.all(done)).map((m) => (m as Extract<WorkerMsg, { type: 'done' }>).result);
    const s1 = sampleProcess(server.pid);
    const g1 = sampleProcesses(genPids);
    const m1 = sampleMachine();
    if (!s0 || !s1) throw new Error(`${server.label} (pid ${server.pid}) is gone`);
    const serverCpuPct = cpuPercent(s0, s1);
    const generatorCpuPct = cpuPercent(g0 as ProcSample, g1);
    return {
      merged: merge(results),
      expected: opts.expected,
      serverCpuPct,
      serverCpuMs: s1.cpuMs - s0.cpuMs,
      generatorCpuPct,
      otherCpuPct: otherCpuPercent(m0, m1, serverCpuPct + generatorCpuPct),
      serverRssKB: s1.rssKB,
      wallMs: s1.at - s0.at,
      window: { fromMs, toMs: nowMs() },
    };
  } finally {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null) return resolve();
            w.once('exit', () => resolve());
            w.send({ type: 'close' });
            setTimeout(() => w.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
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
