/**
 * A generator worker process. The parent forks one or more of these so the load generator
 * is not held to one core: for workloads A and B each opens the clients of its share of the
 * pairs, waits for "go", runs the traffic and sends back raw counts and latencies; for
 * workload D each logs its share of the users in on "go" and holds the connections until
 * "close".
 *
 * Messages: parent → {type:'setup'|'go'|'close'}, worker → {type:'ready'|'progress'|'done'|'error'}.
 */
import { connectClient } from '../drivers/connect.ts';
import type { BenchClient, ConnectOptions, Endpoint } from '../drivers/driver.ts';
import { parleyCredential } from '../drivers/parley.ts';
import { mapLimit } from '../lib/net.ts';
import { nowMs } from '../lib/payload.ts';
import { runFixedRate, runThroughput, type FixedRateParams, type Member, type ThroughputParams } from './pairs.ts';

export type WorkerSetup =
  | { type: 'setup'; workload: 'A'; endpoint: Endpoint; pairs: [string, string][]; params: ThroughputParams }
  | { type: 'setup'; workload: 'B'; endpoint: Endpoint; pairs: [string, string][]; params: FixedRateParams }
  | { type: 'setup'; workload: 'D'; endpoint: Endpoint; users: string[]; localAddresses: string[]; concurrency: number };

/** What a workload-D worker reports: logins done, failures, and the time its ramp took. */
export interface LoginResult {
  opened: number;
  errors: string[];
  elapsedMs: number;
}

const send = (m: unknown) => process.send?.(m);

let members: Member[] = [];
let held: BenchClient[] = [];
let loginOpts: ConnectOptions[] = [];
let setup: WorkerSetup | undefined;

async function logins(s: Extract<WorkerSetup, { workload: 'D' }>): Promise<LoginResult> {
  const errors: string[] = [];
  let opened = 0;
  const t0 = nowMs();
  const clients = await mapLimit(s.users, s.concurrency, async (u, i) => {
    try {
      const c = await connectClient(s.endpoint, u, loginOpts[i]);
      if ((++opened & 127) === 0) send({ type: 'progress', received: opened });
      return c;
    } catch (err) {
      if (errors.length < 5) errors.push(`login of ${u} failed: ${(err as Error).message}`);
      return undefined;
    }
  });
  const elapsedMs = nowMs() - t0;
  held = clients.filter((c): c is BenchClient => c !== undefined);
  return { opened: held.length, errors, elapsedMs };
}

process.on('message', (msg: WorkerSetup | { type: 'go' } | { type: 'close' }) => {
  void (async () => {
    try {
      if (msg.type === 'setup') {
        setup = msg;
        if (msg.workload === 'D') {
          // Credentials are made before the clock starts: the figure is the server's login rate.
          const ep = msg.endpoint;
          loginOpts = msg.users.map((u, i) => ({
            localAddress: msg.localAddresses.length > 0 ? msg.localAddresses[i % msg.localAddresses.length] : undefined,
            credential: ep.kind === 'parley' ? parleyCredential(ep, u) : undefined,
          }));
        } else {
          const users = msg.pairs.flatMap(([a, b]) => [
            { user: a, partner: b },
            { user: b, partner: a },
          ]);
          members = await mapLimit(users, 50, async ({ user, partner }) => ({ client: await connectClient(msg.endpoint, user), partner }));
        }
        send({ type: 'ready' });
      } else if (msg.type === 'go' && setup) {
        const progress = (received: number) => send({ type: 'progress', received });
        const result =
          setup.workload === 'D'
            ? await logins(setup)
            : setup.workload === 'A'
              ? await runThroughput(members, setup.params, progress)
              : await runFixedRate(members, setup.params, progress);
        send({ type: 'done', result });
      } else if (msg.type === 'close') {
        await mapLimit([...members.map((m) => m.client), ...held], 200, (c) => c.close());
        process.exit(0);
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
