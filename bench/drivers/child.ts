/** Starting and stopping server processes for the benchmark. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Everything the process printed so far (stdout + stderr), for error messages. */
  output(): string;
  alive(): boolean;
  /** Resolves with the first stdout match of `re`, or rejects when the process exits first. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(command: string, args: string[], opts: SpawnOptions = {}): Child {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('exit', () => ((exited = true), resolve())));
  proc.once('error', () => (exited = true));
  const watchers: (() => void)[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    if (out.length > 64_000) out = out.slice(-32_000);
    for (const w of [...watchers]) w();
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  return {
    proc,
    pid: proc.pid ?? -1,
    output: () => out,
    alive: () => !exited,
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (m) return done(() => resolve(m));
          if (exited) return done(() => reject(new Error(`${command} exited before printing ${re}:\n${out}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${command} did not print ${re} within ${timeoutMs} ms:\n${out}`))), timeoutMs);
        const done = (f: () => void) => {
          clearTimeout(timer);
          watchers.splice(watchers.indexOf(check), 1);
          void exit;
          f();
        };
        watchers.push(check);
        void exit.then(check);
        check();
      });
    },
    async stop(graceMs = 5000) {
      if (exited) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
