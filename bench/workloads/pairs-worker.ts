/**
 * A generator worker process for workloads A and B. The parent forks one or more of these
 * so the load generator is not held to one core; each opens the clients of its share of
 * the pairs, waits for "go", runs, and sends back its raw counts and latencies.
 *
 * Messages: parent → {type:'setup'|'go'|'close'}, worker → {type:'ready'|'progress'|'done'|'error'}.
 */
import { connectClient } from '../drivers/connect.ts';
import type { Endpoint } from '../drivers/driver.ts';
import { mapLimit } from '../lib/net.ts';
import { runFixedRate, runThroughput, type FixedRateParams, type Member, type ThroughputParams } from './pairs.ts';

export type WorkerSetup =
  | { type: 'setup'; workload: 'A'; endpoint: Endpoint; pairs: [string, string][]; params: ThroughputParams }
  | { type: 'setup'; workload: 'B'; endpoint: Endpoint; pairs: [string, string][]; params: FixedRateParams };

const send = (m: unknown) => process.send?.(m);

let members: Member[] = [];
let setup: WorkerSetup | undefined;

process.on('message', (msg: WorkerSetup | { type: 'go' } | { type: 'close' }) => {
  void (async () => {
    try {
      if (msg.type === 'setup') {
        setup = msg;
        const users = msg.pairs.flatMap(([a, b]) => [
          { user: a, partner: b },
          { user: b, partner: a },
        ]);
        members = await mapLimit(users, 50, async ({ user, partner }) => ({ client: await connectClient(msg.endpoint, user), partner }));
        send({ type: 'ready' });
      } else if (msg.type === 'go' && setup) {
        const progress = (received: number) => send({ type: 'progress', received });
        const result = setup.workload === 'A' ? await runThroughput(members, setup.params, progress) : await runFixedRate(members, setup.params, progress);
        send({ type: 'done', result });
      } else if (msg.type === 'close') {
        await Promise.all(members.map((m) => m.client.close()));
        process.exit(0);
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
