/**
 * Workload D: N idle logged-in connections. Logins per second over the whole ramp (each
 * Parley login verifies a UserSig; UserSigs are generated before the clock starts), and the
 * server's resident memory per connection: RSS growth from a baseline taken after a warm-up
 * round of logins, divided by N.
 *
 * The users exist before the timed ramp, as registered XMPP users do: Parley creates an
 * account on a user's first login, so every user logs in once first (timed apart, as
 * "first logins/s"), then the server restarts on the same data so memory is measured from
 * a fresh process.
 */
import { connectClient } from '../drivers/connect.ts';
import type { BenchClient, ConnectOptions, PeerServer } from '../drivers/driver.ts';
import { parleyCredential } from '../drivers/parley.ts';
import { mapLimit, sourceAddresses } from '../lib/net.ts';
import { nowMs } from '../lib/payload.ts';
import { cpuPercent, openFileLimit, sampleProcess } from '../lib/proc.ts';
import { round } from '../lib/stats.ts';
import type { Outcome, Sizes } from './types.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function workloadD(server: PeerServer, s: Sizes, progress: (fraction: number, detail: string) => void): Promise<Outcome> {
  const limit = openFileLimit();
  // Our side holds one descriptor per connection; keep headroom for the rest of the process.
  const n = Math.min(s.connections, Math.max(0, limit - 500));
  const problems: string[] = [];
  if (n < s.connections) problems.push(`open-file limit ${limit} allows only ${n} of ${s.connections} connections (run through "npm run bench", which raises it)`);
  const warm = Math.max(10, Math.min(200, Math.floor(n / 50)));
  const users = Array.from({ length: n }, (_, i) => `d${i}`);
  const warmUsers = Array.from({ length: warm }, (_, i) => `w${i}`);
  progress(0, 'registering users');
  await server.prepareUsers([...warmUsers, ...users]);
  const ep = server.endpoint;
  const addrs = sourceAddresses(n);
  const optsFor = (user: string, i: number): ConnectOptions => ({
    localAddress: addrs[i % addrs.length],
    credential: ep.kind === 'parley' ? parleyCredential(ep, user) : undefined,
  });
  progress(0, 'preparing credentials');
  const warmOpts = warmUsers.map(optsFor);
  const opts = users.map(optsFor);

  let firstLoginsPerSec: number | undefined;
  if (server.restart) {
    const tf = nowMs();
    let created = 0;
    const firsts = await mapLimit([...warmUsers, ...users], s.loginConcurrency, async (u, i) => {
      const c = await connectClient(ep, u, i < warm ? warmOpts[i] : opts[i - warm]);
      if ((++created & 127) === 0) progress(0, `first login of ${created}/${n + warm} users`);
      return c;
    });
    firstLoginsPerSec = round(firsts.length / ((nowMs() - tf) / 1000), 0);
    await mapLimit(firsts, 200, (c) => c.close());
    await server.restart();
  }

  // Warm-up: code paths compiled, pools and caches grown; then the baseline.
  const warmClients = await mapLimit(warmUsers, s.loginConcurrency, (u, i) => connectClient(ep, u, warmOpts[i]));
  await mapLimit(warmClients, 100, (c) => c.close());
  await settle(500);
  const s0 = sampleProcess(server.pid);

  let opened = 0;
  const t0 = nowMs();
  const clients: (BenchClient | undefined)[] = await mapLimit(users, s.loginConcurrency, async (u, i) => {
    try {
      const c = await connectClient(ep, u, opts[i]);
      if ((++opened & 127) === 0) progress(opened / n, `${opened}/${n} logged in`);
      return c;
    } catch (err) {
      if (problems.length < 5) problems.push(`login of ${u} failed: ${(err as Error).message}`);
      return undefined;
    }
  });
  const t1 = nowMs();
  const loginMs = t1 - t0;
  const sLogin = sampleProcess(server.pid);
  await settle(1000);
  const s1 = sampleProcess(server.pid);
  const ok = clients.filter((c): c is BenchClient => c !== undefined);
  progress(1, `closing ${ok.length} connections`);
  await mapLimit(ok, 200, (c) => c.close());
  if (!s0 || !s1 || !sLogin) throw new Error(`${server.label} (pid ${server.pid}) is gone`);
  if (ok.length < n) problems.push(`${n - ok.length} of ${n} logins failed`);
  return {
    figures: {
      connections: ok.length,
      rssPerConnKB: round((s1.rssKB - s0.rssKB) / Math.max(1, ok.length), 2),
      loginsPerSec: round(ok.length / (loginMs / 1000), 0),
      serverCpuPct: round(cpuPercent(s0, sLogin), 1),
      ...(firstLoginsPerSec !== undefined ? { firstLoginsPerSec } : {}),
      serverRssKB: s1.rssKB,
      baselineRssKB: s0.rssKB,
    },
    problems,
    window: { fromMs: t0, toMs: t1 },
  };
}
