/** Command-line flags of `npm run bench`, with their defaults and the `--quick` sizes. */
import { parseArgs } from 'node:util';
import type { TargetName, WorkloadId } from '../drivers/driver.ts';
import type { Sizes } from '../workloads/types.ts';

export const DEFAULT_SIZES: Sizes = {
  pairs: 100,
  messages: 200,
  window: 10,
  size: 100,
  rate: 2000,
  seconds: 10,
  offline: 10_000,
  connections: 10_000,
  loginConcurrency: 100,
  history: 10_000,
  page: 100,
  workers: 2,
};

/** Tiny sizes for CI: checks that everything runs and loses nothing, measures nothing. */
export const QUICK_SIZES: Sizes = {
  pairs: 10,
  messages: 50,
  window: 10,
  size: 100,
  rate: 500,
  seconds: 2,
  offline: 500,
  connections: 200,
  loginConcurrency: 50,
  history: 500,
  page: 100,
  workers: 1,
};

export interface Options {
  sizes: Sizes;
  workloads: WorkloadId[];
  targets: TargetName[];
  quick: boolean;
  peers: boolean;
  json: string | undefined;
  svg: string;
  profile: string | undefined;
  /** Runs of each workload per system; the table shows the median run. */
  repeat: number;
  /** Workloads to profile Parley under when --profile is given. */
  profileWorkloads: WorkloadId[];
  /** Use the Mosquitto already listening on 127.0.0.1:1883 (stock config) instead of starting one. */
  mosquittoSystem: boolean;
  /** Parley's SQLite durability: "full" (the default: an ack survives power loss) or "normal". */
  sqliteSync: 'full' | 'normal';
}

export const USAGE = `Usage: npm run bench -- [options]

Runs workloads A-E against Parley and, side by side, against Mosquitto (MQTT QoS 1) and
Prosody (XMPP) when they are installed, then prints one table with Parley/peer ratios.

  --quick                 tiny sizes for CI: only checks that nothing is lost
  --peers                 install missing peers with apt-get (mosquitto, prosody)
  --workloads A,B,C,D,E   which workloads (default: all)
  --repeat 1              runs of each workload per system, interleaved; the table shows
                          the median run (by the workload's headline figure) and its range
  --targets parley,mosquitto,xmpp,relay
                          relay: a bare ws relay speaking Parley's frames with no logic
                          and no storage (bench/peers/ws-relay.ts), the floor for A, B, D
  --json FILE             write the results file
  --svg FILE              where to write the chart (default bench/out/latest.svg)
  --profile DIR           afterwards, profile the Parley server under A (node --cpu-prof)
                          and print its top functions by self time
  --profile-workloads A,D which workloads to profile (default A)
  --mosquitto-system      use the broker running on 127.0.0.1:1883 as configured, instead
                          of starting Mosquitto with bench/peers/mosquitto.conf (C still
                          gets its own: the stock queue limit of 1000 would drop messages)
  --sqlite-sync full      Parley's commit durability: full (default; an ack survives power
                          loss) or normal (an ack survives a crash of the process)

Sizes (defaults; --quick uses small ones):
  A  --pairs 100 --messages 200 --window 10 --size 100
  B  --rate 2000 --seconds 10          (uses --pairs)
  C  --offline 10000
  D  --connections 10000 --login-concurrency 100
  E  --history 10000 --page 100
  A/B generator processes: --workers 2
`;

export function parseOptions(argv: string[]): Options | 'help' {
  const num = { type: 'string' } as const;
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      peers: { type: 'boolean' },
      workloads: { type: 'string' },
      targets: { type: 'string' },
      json: { type: 'string' },
      svg: { type: 'string' },
      profile: { type: 'string' },
      'profile-workloads': { type: 'string' },
      repeat: num,
      'sqlite-sync': { type: 'string' },
      'mosquitto-system': { type: 'boolean' },
      pairs: num,
      messages: num,
      window: num,
      size: num,
      rate: num,
      seconds: num,
      offline: num,
      connections: num,
      'login-concurrency': num,
      history: num,
      page: num,
      workers: num,
    },
  });
  if (values.help) return 'help';
  const sizes: Sizes = { ...(values.quick ? QUICK_SIZES : DEFAULT_SIZES) };
  const flagOf: Record<keyof Sizes, string> = {
    pairs: 'pairs',
    messages: 'messages',
    window: 'window',
    size: 'size',
    rate: 'rate',
    seconds: 'seconds',
    offline: 'offline',
    connections: 'connections',
    loginConcurrency: 'login-concurrency',
    history: 'history',
    page: 'page',
    workers: 'workers',
  };
  for (const [key, flag] of Object.entries(flagOf) as [keyof Sizes, string][]) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw !== 'string') continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`--${flag} must be a positive number, got "${raw}"`);
    sizes[key] = key === 'seconds' ? n : Math.round(n);
  }
  if (sizes.size < 40) throw new RangeError('--size must be at least 40 bytes (the text carries a sequence and a timestamp)');
  if (sizes.page > 100) throw new RangeError('--page is at most 100 (the protocol limit)');
  const workloads = (values.workloads ?? 'A,B,C,D,E').split(',').map((w) => w.trim().toUpperCase());
  for (const w of workloads) if (!['A', 'B', 'C', 'D', 'E'].includes(w)) throw new RangeError(`unknown workload "${w}"`);
  const targets = (values.targets ?? 'parley,mosquitto,xmpp,relay').split(',').map((t) => t.trim().toLowerCase());
  for (const t of targets) if (!['parley', 'mosquitto', 'xmpp', 'relay'].includes(t)) throw new RangeError(`unknown target "${t}"`);
  const profileWorkloads = (values['profile-workloads'] ?? 'A').split(',').map((w) => w.trim().toUpperCase());
  for (const w of profileWorkloads) if (!['A', 'B', 'C', 'D', 'E'].includes(w)) throw new RangeError(`unknown workload "${w}"`);
  const sqliteSync = values['sqlite-sync'] ?? 'full';
  if (sqliteSync !== 'full' && sqliteSync !== 'normal') throw new RangeError('--sqlite-sync is "full" or "normal"');
  return {
    sqliteSync,
    mosquittoSystem: values['mosquitto-system'] ?? false,
    sizes,
    workloads: workloads as WorkloadId[],
    targets: targets as TargetName[],
    quick: values.quick ?? false,
    peers: values.peers ?? false,
    json: values.json,
    svg: values.svg ?? 'bench/out/latest.svg',
    profile: values.profile,
    repeat: values.repeat === undefined ? 1 : Math.max(1, Math.round(Number(values.repeat)) || 1),
    profileWorkloads: profileWorkloads as WorkloadId[],
  };
}
