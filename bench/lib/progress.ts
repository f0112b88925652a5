/** One progress bar across all runs, on stderr; plain periodic lines when stderr is not a terminal. */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Start run `index` (0-based) of `total`, e.g. "parley A". */
  stage(index: number, name: string): void;
  /** Fraction done of the current run, with a short detail. */
  update(fraction: number, detail: string): void;
  /** Print a line above the bar. */
  log(line: string): void;
  stop(): void;
}

export function createProgress(total: number): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: '{stage} |{bar}| {percentage}% {detail}',
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let index = 0;
  let name = '';
  let started = false;
  return {
    stage(i, n) {
      index = i;
      name = n;
      const payload = { stage: `[${i + 1}/${total}] ${name}`, detail: 'starting' };
      if (!started) {
        bar.start(total * 100, i * 100, payload);
        started = true;
      } else bar.update(i * 100, payload);
    },
    update(fraction, detail) {
      const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
      bar.update(Math.round((index + f) * 100), { stage: `[${index + 1}/${total}] ${name}`, detail });
    },
    log(line) {
      if (started && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      process.stderr.write(line + '\n');
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
