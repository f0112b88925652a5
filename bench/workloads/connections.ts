/**
 * Workload D: N idle logged-in connections. Logins per second over the whole ramp (each
 * Parley login verifies a UserSig; UserSigs are generated before the clock starts), and the
 * server's resident memory per connection: RSS growth from a baseline taken after a warm-up
 * round of logins, divided by N. The logins come from the generator workers, so a client
 * library's handshake cost does not cap the figure.
 *
 * The users exist before the timed ramp, as registered XMPP users do: Parley creates an
 * account on a user's first login, so every user logs in once first (timed apart, as
 * "first logins/s"), then the server restarts on the same data so memory is measured from
 * a fresh process.
 */
import { connectClient } from '../drivers/connect.ts';
import type { PeerServer } from '../drivers/driver.ts';
import { parleyCredential } from '../drivers/parley.ts';
import { mapLimit, sourceAddresses } from '../lib/net.ts';
import { openFileLimit, sampleProcess } from '../lib/proc.ts';
import { round } from '../lib/stats.ts';
import { shares, startWorkers, type WorkerRun } from './generator.ts';
import type { LoginResult } from './generator-worker.ts';
import type { Outcome, Sizes } from './types.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Log `users` in from the workers; keeps the connections open until `close`. */
async function rampUp(server: PeerServer, users: string[], s: Sizes, onProgress: (opened: number) => void) {
  const n = Math.max(1, Math.min(s.workers, users.length));
  const addrs = sourceAddresses(users.length);
  const pool = await startWorkers(
    shares(users, n).map((share) => ({
      type: 'setup' as const,
      workload: 'D' as const,
      endpoint: server.endpoint,
      users: share,
      localAddresses: addrs,
      concurrency: Math.max(1, Math.round(s.loginConcurrency / n)),
    })),
    onProgress,
  );
  try {
    const run: WorkerRun<LoginResult> = await pool.go(server.pid);
    const opened = run.results.reduce((a, r) => a + r.opened, 0);
    const elapsedMs = Math.max(...run.results.map((r) => r.elapsedMs));
    return { run, opened, elapsedMs, errors: run.results.flatMap((r) => r.errors), close: () => pool.close() };
  } catch (err) {
    await pool.close();
    throw err;
  }
}

export async function workloadD(server: PeerServer, s: Sizes, progress: (fraction: number, detail: string) => void): Promise<Outcome> {
  const limit = openFileLimit();
  // Each worker holds one descriptor per connection it opened; keep headroom for the rest.
  const n = Math.min(s.connections, Math.max(0, limit - 500));
  const problems: string[] = [];
  if (n < s.connections) problems.push(`open-file limit ${limit} allows only ${n} of ${s.connections} connections (run through "npm run bench", which raises it)`);
  const warm = Math.max(10, Math.min(200, Math.floor(n / 50)));
  const users = Array.from({ length: n }, (_, i) => `d${i}`);
  const warmUsers = Array.from({ length: warm }, (_, i) => `w${i}`);
  progress(0, 'registering users');
  await server.prepareUsers([...warmUsers, ...users]);
  const ep = server.endpoint;

  let firstLoginsPerSec: number | undefined;
  if (server.restart) {
    const first = await rampUp(server, [...warmUsers, ...users], s, (k) => progress(0, `first login of ${k}/${n + warm} users`));
    firstLoginsPerSec = round(first.opened / (first.elapsedMs / 1000), 0);
    problems.push(...first.errors);
    progress(0, 'closing, restarting the server');
    await first.close();
    await server.restart();
  }

  // Warm-up: code paths compiled, pools and caches grown; then the baseline.
  const warmClients = await mapLimit(warmUsers, s.loginConcurrency, (u) =>
    connectClient(ep, u, { credential: ep.kind === 'parley' ? parleyCredential(ep, u) : undefined }),
  );
  await mapLimit(warmClients, 100, (c) => c.close());
  await settle(500);
  const s0 = sampleProcess(server.pid);

  const ramp = await rampUp(server, users, s, (k) => progress(k / n, `${k}/${n} logged in`));
  try {
    await settle(1000);
    const s1 = sampleProcess(server.pid);
    if (!s0 || !s1) throw new Error(`${server.label} (pid ${server.pid}) is gone`);
    problems.push(...ramp.errors);
    if (ramp.opened < n) problems.push(`${n - ramp.opened} of ${n} logins failed`);
    return {
      figures: {
        connections: ramp.opened,
        rssPerConnKB: round((s1.rssKB - s0.rssKB) / Math.max(1, ramp.opened), 2),
        loginsPerSec: round(ramp.opened / (ramp.elapsedMs / 1000), 0),
        loginsPerCpuSec: ramp.run.serverCpuMs > 0 ? round(ramp.opened / (ramp.run.serverCpuMs / 1000), 0) : NaN,
        serverCpuPct: round(ramp.run.serverCpuPct, 1),
        generatorCpuPct: round(ramp.run.generatorCpuPct, 1),
        otherCpuPct: round(ramp.run.otherCpuPct, 1),
        ...(firstLoginsPerSec !== undefined ? { firstLoginsPerSec } : {}),
        serverRssKB: s1.rssKB,
        baselineRssKB: s0.rssKB,
      },
      problems,
      window: ramp.run.window,
    };
  } finally {
    progress(1, `closing ${ramp.opened} connections`);
    await ramp.close();
  }
}
