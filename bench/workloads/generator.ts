/**
 * Parent side of the generator worker processes (workloads A, B, D): forks them, hands each
 * its share, starts them together and reads the server's, the generator's and the whole
 * machine's CPU from /proc over exactly the measured window.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs } from '../lib/payload.ts';
import { bytesWritten, cpuPercent, otherCpuPercent, sampleMachine, sampleProcess, sampleProcesses, type ProcSample } from '../lib/proc.ts';
import type { WorkerSetup } from './generator-worker.ts';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'generator-worker.ts');

type WorkerMsg = { type: 'ready' } | { type: 'progress'; received: number } | { type: 'done'; result: unknown } | { type: 'error'; message: string };

/** One measured window of the workers' work. */
export interface WorkerRun<R> {
  results: R[];
  serverCpuPct: number;
  serverCpuMs: number;
  generatorCpuPct: number;
  /** CPU used by everything else on the machine meanwhile (other processes, the kernel's share not charged to ours). */
  otherCpuPct: number;
  serverRssKB: number;
  /** Bytes the server wrote to storage meanwhile (undefined where /proc/<pid>/io is unreadable). */
  serverWrittenBytes: number | undefined;
  wallMs: number;
  window: { fromMs: number; toMs: number };
}

export interface WorkerPool {
  /** Start every worker's work at once; resolves when all are done. The server is sampled around it. */
  go<R>(serverPid: number): Promise<WorkerRun<R>>;
  /** Close the workers' connections and end them. */
  close(): Promise<void>;
}

/** Fork one worker per setup and wait until all are ready. */
export async function startWorkers(setups: WorkerSetup[], onProgress: (total: number) => void): Promise<WorkerPool> {
  const workers: ChildProcess[] = [];
  const progress = new Array<number>(setups.length).fill(0);
  const waiting = new Map<ChildProcess, { want: string; resolve: (m: WorkerMsg) => void; reject: (e: Error) => void }>();
  const expect = (w: ChildProcess, want: string) => new Promise<WorkerMsg>((resolve, reject) => waiting.set(w, { want, resolve, reject }));
  const close = () =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve();
            w.once('exit', () => resolve());
            w.send({ type: 'close' });
            setTimeout(() => w.kill('SIGKILL'), 30_000).unref();
          }),
      ),
    ).then(() => undefined);
  try {
    for (const [i, setup] of setups.entries()) {
      const w = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      workers.push(w);
      w.on('message', (m: WorkerMsg) => {
        if (m.type === 'progress') {
          progress[i] = m.received;
          onProgress(progress.reduce((a, b) => a + b, 0));
          return;
        }
        const waiter = waiting.get(w);
        if (!waiter) return;
        waiting.delete(w);
        if (m.type === 'error') waiter.reject(new Error(`generator worker: ${m.message}`));
        else if (m.type !== waiter.want) waiter.reject(new Error(`generator worker sent ${m.type}, expected ${waiter.want}`));
        else waiter.resolve(m);
      });
      w.on('exit', (code) => waiting.get(w)?.reject(new Error(`generator worker exited (${code})`)));
      w.send(setup);
    }
    await Promise.all(workers.map((w) => expect(w, 'ready')));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    async go<R>(serverPid: number): Promise<WorkerRun<R>> {
      const genPids = [process.pid, ...workers.map((w) => w.pid!)];
      const s0 = sampleProcess(serverPid);
      const g0 = sampleProcesses(genPids);
      const m0 = sampleMachine();
      const w0 = bytesWritten(serverPid);
      const fromMs = nowMs();
      const done = workers.map((w) => expect(w, 'done'));
      for (const w of workers) w.send({ type: 'go' });
      const results = (await Promise.all(done)).map((m) => (m as Extract<WorkerMsg, { type: 'done' }>).result as R);
      const toMs = nowMs();
      const s1 = sampleProcess(serverPid);
      const g1 = sampleProcesses(genPids);
      const m1 = sampleMachine();
      const w1 = bytesWritten(serverPid);
      if (!s0 || !s1) throw new Error(`the server process (pid ${serverPid}) is gone`);
      const serverCpuPct = cpuPercent(s0, s1);
      const generatorCpuPct = cpuPercent(g0 as ProcSample, g1);
      return {
        results,
        serverCpuPct,
        serverCpuMs: s1.cpuMs - s0.cpuMs,
        generatorCpuPct,
        otherCpuPct: otherCpuPercent(m0, m1, serverCpuPct + generatorCpuPct),
        serverRssKB: s1.rssKB,
        serverWrittenBytes: w0 !== undefined && w1 !== undefined ? w1 - w0 : undefined,
        wallMs: s1.at - s0.at,
        window: { fromMs, toMs },
      };
    },
    close,
  };
}

/** Split `items` into `n` shares, round-robin. */
export function shares<T>(items: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, i) => items.filter((_, j) => j % n === i));
}
