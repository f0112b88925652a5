/**
 * `npm run bench`: runs workloads A-E against a fresh Parley server and, in the same run,
 * against Mosquitto (MQTT QoS 1) and Prosody (XMPP), all driven by one generator through
 * the driver seam (drivers/driver.ts). Prints a side-by-side table with Parley/peer ratios,
 * and writes an SVG chart and, with --json, the results file. docs/performance.md explains
 * the method and the latest numbers.
 *
 * Exits non-zero when any run lost, duplicated or reordered a message or failed outright.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Driver, PeerServer, TargetName, WorkloadId } from './drivers/driver.ts';
import { mosquittoDriver } from './drivers/mqtt.ts';
import { parleyDriver } from './drivers/parley.ts';
import { prosodyDriver } from './drivers/xmpp.ts';
import { relayDriver } from './drivers/relay.ts';
import { renderChart } from './lib/chart.ts';
import { parseOptions, USAGE, type Options } from './lib/options.ts';
import { describeMachine, openFileLimit } from './lib/proc.ts';
import { renderProfile, summariseProfile, type ProfileSummary } from './lib/profile.ts';
import { createProgress, type Progress } from './lib/progress.ts';
import { renderTable, type Results } from './lib/report.ts';
import { workloadC } from './workloads/offline.ts';
import { workloadD } from './workloads/connections.ts';
import { workloadE } from './workloads/history.ts';
import { workloadA, workloadB } from './workloads/throughput.ts';
import type { Outcome, Sizes } from './workloads/types.ts';

type Workload = (server: PeerServer, s: Sizes, progress: (fraction: number, detail: string) => void) => Promise<Outcome>;
const WORKLOADS: Record<WorkloadId, Workload> = { A: workloadA, B: workloadB, C: workloadC, D: workloadD, E: workloadE };

/** Debian package that provides each peer. */
const PACKAGES: Partial<Record<TargetName, string>> = { mosquitto: 'mosquitto', xmpp: 'prosody' };

function installPeers(drivers: Driver[], missing: Set<TargetName>, log: (l: string) => void): void {
  const pkgs = drivers.filter((d) => missing.has(d.name)).map((d) => PACKAGES[d.name]!);
  if (pkgs.length === 0) return;
  log(`installing ${pkgs.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env, stdio: 'inherit' }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
    if (!install()) throw new Error(`apt-get install ${pkgs.join(' ')} failed`);
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

async function runOne(driver: Driver, w: WorkloadId, o: Options, progress: Progress, profileDir?: string): Promise<{ label: string; outcome: Outcome }> {
  const server = await driver.start({ workload: w, profileDir });
  try {
    return { label: server.label, outcome: await WORKLOADS[w](server, o.sizes, (f, d) => progress.update(f, d)) };
  } finally {
    await server.stop();
  }
}

/**
 * Profile the Parley server under workload `w` (a separate run, so the measured ones are not
 * slowed), cut to the measured traffic; writes parley-<w>-profile.md/.json into --profile.
 */
async function profileParley(o: Options, w: WorkloadId, progress: Progress): Promise<{ summary: ProfileSummary; text: string }> {
  const dir = o.profile!;
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'parley-bench-prof-'));
  try {
    const { outcome } = await runOne(parleyDriver({ sqliteSync: o.sqliteSync }), w, o, progress, tmp);
    // One profile per thread of each server process (tsx's loader runs in a thread of its own,
    // and workload D restarts the server): keep the one that did the work.
    const summaries = readdirSync(tmp)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => summariseProfile(join(tmp, f), outcome.window));
    const summary = summaries.sort((a, b) => b.busyMs - a.busyMs)[0];
    if (!summary) throw new Error('the server wrote no .cpuprofile');
    const f = outcome.figures;
    const headline =
      w === 'D' ? `${f.loginsPerSec} logins/s` : w === 'C' ? `${f.syncMs} ms to sync` : w === 'E' ? `${f.pagesPerSec} pages/s` : w === 'B' ? `p99 ${f.p99Ms} ms` : `${f.msgsPerSec} msgs/s delivered`;
    const cpu = f.serverCpuPct !== undefined ? `; server CPU from /proc ${f.serverCpuPct}% of one core` : '';
    const text = `Workload ${w}, profiled run: ${headline}${cpu}\n\n${renderProfile(summary)}\n`;
    writeFileSync(join(dir, `parley-${w}-profile.md`), text);
    writeFileSync(join(dir, `parley-${w}-profile.json`), JSON.stringify(summary, null, 2) + '\n');
    return { summary, text };
  } finally {
    if (process.env.BENCH_KEEP_PROFILES) process.stderr.write(`profiles kept in ${tmp}\n`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

/** The figure that ranks repeated runs of a workload, and which way is better. */
const HEADLINE: Record<WorkloadId, string> = { A: 'msgsPerSec', B: 'p99Ms', C: 'syncMs', D: 'loginsPerSec', E: 'pagesPerSec' };

/** With --repeat, the figures of the median run by the headline figure, plus that figure's range. */
function median(w: WorkloadId, runs: Outcome[]): Record<string, number | boolean> {
  const key = HEADLINE[w];
  const value = (o: Outcome) => (typeof o.figures[key] === 'number' ? (o.figures[key] as number) : NaN);
  const sorted = [...runs].sort((a, b) => value(a) - value(b));
  const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
  if (runs.length === 1) return mid.figures;
  return { ...mid.figures, runs: runs.length, [`${key}Min`]: value(sorted[0]!), [`${key}Max`]: value(sorted.at(-1)!) };
}

async function main(argv: string[]): Promise<number> {
  let o: Options | 'help';
  try {
    o = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const all: Driver[] = [parleyDriver({ sqliteSync: o.sqliteSync }), mosquittoDriver({ preferSystem: o.mosquittoSystem }), prosodyDriver(), relayDriver()];
  let drivers = all.filter((d) => o.targets.includes(d.name));
  const say = (l: string) => process.stderr.write(l + '\n');

  const missing = new Set<TargetName>();
  for (const d of drivers) if (await d.unavailable()) missing.add(d.name);
  if (o.peers && missing.size > 0) {
    installPeers(drivers, missing, say);
    // Re-create the drivers: they look for binaries and versions when made.
    drivers = [parleyDriver({ sqliteSync: o.sqliteSync }), mosquittoDriver({ preferSystem: o.mosquittoSystem }), prosodyDriver(), relayDriver()].filter((d) => o.targets.includes(d.name));
  }
  const available: Driver[] = [];
  for (const d of drivers) {
    const why = await d.unavailable();
    if (why) say(`skipping ${d.name}: ${why}`);
    else available.push(d);
  }
  if (!available.some((d) => d.name === 'parley')) say('note: Parley is not among --targets; no ratios');

  // Repeats are interleaved (A parley, A mosquitto, A xmpp, A parley, …) so that a disturbance
  // on the machine hits every system alike.
  const plan: { driver: Driver; workload: WorkloadId }[] = [];
  for (const w of o.workloads) for (let r = 0; r < o.repeat; r++) for (const d of available) if (d.workloads.has(w)) plan.push({ driver: d, workload: w });
  say(`machine: ${describeMachine()}; open-file limit ${openFileLimit()}`);
  const loadBefore = loadavg()[0]!;
  // Server and generator share the machine's cores; anything else running skews every figure.
  if (loadBefore > 1.5 && !o.quick) say(`warning: load average ${loadBefore.toFixed(1)} before the run; figures will be low and noisy`);
  say(`sizes: ${JSON.stringify(o.sizes)}`);

  const results: Results = {};
  const outcomes = new Map<string, Outcome[]>();
  const labels: Partial<Record<TargetName, string>> = {};
  const problems: string[] = [];
  const profiled = o.profile ? o.profileWorkloads : [];
  const progress = createProgress(plan.length + profiled.length);
  const started = Date.now();
  for (const [i, { driver, workload }] of plan.entries()) {
    progress.stage(i, `${driver.name} ${workload}`);
    try {
      const { label, outcome } = await runOne(driver, workload, o, progress);
      labels[driver.name] = label;
      const key = `${workload} ${driver.name}`;
      outcomes.set(key, [...(outcomes.get(key) ?? []), outcome]);
      (results[workload] ??= {})[driver.name] = median(workload, outcomes.get(key)!);
      for (const p of outcome.problems) problems.push(`${driver.name} ${workload}: ${p}`);
    } catch (err) {
      problems.push(`${driver.name} ${workload}: ${(err as Error).stack ?? String(err)}`);
    }
  }
  const profiles: Partial<Record<WorkloadId, ProfileSummary>> = {};
  const profileTexts: string[] = [];
  for (const [i, w] of profiled.entries()) {
    progress.stage(plan.length + i, `parley ${w} (profiled)`);
    try {
      const { summary, text } = await profileParley(o, w, progress);
      profiles[w] = summary;
      profileTexts.push(text);
    } catch (err) {
      problems.push(`profile ${w}: ${(err as Error).message}`);
    }
  }
  progress.stop();

  const targets = (['parley', 'mosquitto', 'xmpp', 'relay'] as TargetName[]).filter((t) => available.some((d) => d.name === t));
  const machine = describeMachine();
  const commit = gitCommit();
  const when = new Date().toISOString();
  process.stdout.write(`\nParley benchmark, ${when}, commit ${commit}${o.quick ? ' (--quick: sizes too small to mean anything)' : ''}\n${machine}\n\n`);
  process.stdout.write(renderTable(results, labels, targets) + '\n');
  for (const t of profileTexts) process.stdout.write(`\n${t}`);
  process.stdout.write(`\n${plan.length} runs in ${((Date.now() - started) / 1000).toFixed(1)} s; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after\n`);

  const subtitle = `${machine}; commit ${commit}; ${when.slice(0, 10)}${o.quick ? ' (quick sizes)' : ''}`;
  mkdirSync(dirname(o.svg), { recursive: true });
  writeFileSync(o.svg, renderChart(results, labels, targets, subtitle));
  process.stdout.write(`chart: ${o.svg}\n`);
  if (o.json) {
    mkdirSync(dirname(o.json), { recursive: true });
    const meta = { date: when, commit, machine, loadBefore, loadAfter: loadavg()[0], quick: o.quick, sqliteSync: o.sqliteSync, sizes: o.sizes, labels, problems, profiles };
    writeFileSync(o.json, JSON.stringify({ ...results, meta }, null, 2) + '\n');
    process.stdout.write(`results: ${o.json}\n`);
  }
  if (problems.length > 0) {
    process.stdout.write(`\nFAILED: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write('\nno message lost, duplicated or reordered\n');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
