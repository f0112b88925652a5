/**
 * Workload C: messages to an offline user, then its login; the clock runs from the start of
 * the connection until every message arrived, and their order is checked. The user has been
 * online once before (Parley creates the account, MQTT records the persistent session).
 */
import { connectClient } from '../drivers/connect.ts';
import type { BenchClient, PeerServer } from '../drivers/driver.ts';
import { makeText, nowMs, parseText } from '../lib/payload.ts';
import { round } from '../lib/stats.ts';
import type { Outcome, Sizes } from './types.ts';

/** Send `count` messages from `from` to `to`, `window` in flight; resolves when all were acknowledged. */
export async function sendMany(from: BenchClient, to: string, count: number, window: number, size: number, progress?: (n: number) => void): Promise<void> {
  let next = 0;
  let acked = 0;
  let failure: Error | undefined;
  await new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    const pump = () => {
      if (failure) return reject(failure);
      while (inFlight < window && next < count) {
        inFlight++;
        from.send(to, makeText(from.user, next++, size)).then(
          () => {
            inFlight--;
            if ((++acked & 255) === 0) progress?.(acked);
            pump();
          },
          (err: Error) => {
            failure = err;
            pump();
          },
        );
      }
      if (inFlight === 0 && next >= count) resolve();
    };
    pump();
  });
}

export async function workloadC(server: PeerServer, s: Sizes, progress: (fraction: number, detail: string) => void): Promise<Outcome> {
  const sender = 'c-sender';
  const receiver = 'c-receiver';
  await server.prepareUsers([sender, receiver]);
  const ep = server.endpoint;
  await (await connectClient(ep, receiver, { persistent: true })).close();
  const from = await connectClient(ep, sender);
  await sendMany(from, receiver, s.offline, s.window, s.size, (n) => progress((0.5 * n) / s.offline, `${n}/${s.offline} stored`));
  await from.close();
  // Let the server finish what it does after acking (Prosody's offline writes, broker queues).
  await new Promise((r) => setTimeout(r, 200));

  const seqs: number[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  const take = (text: string) => {
    const p = parseText(text);
    if (p && p.from === sender) seqs.push(p.seq);
    if ((seqs.length & 255) === 0) progress(0.5 + (0.5 * seqs.length) / s.offline, `${seqs.length}/${s.offline} synced`);
    if (seqs.length >= s.offline) done();
  };
  const t0 = nowMs();
  const client = await connectClient(ep, receiver, { persistent: true, onMessage: take });
  await client.pullOffline();
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000).unref());
  const finished = await Promise.race([all.then(() => 'ok' as const), timeout]);
  const t1 = nowMs();
  const syncMs = t1 - t0;
  // Catch anything delivered twice before closing.
  await new Promise((r) => setTimeout(r, 100));
  await client.close();

  const unique = new Set(seqs);
  let inOrder = true;
  for (let i = 1; i < seqs.length; i++) if (seqs[i]! <= seqs[i - 1]!) inOrder = false;
  const lost = s.offline - unique.size;
  const problems: string[] = [];
  if (finished === 'timeout') problems.push(`only ${unique.size} of ${s.offline} arrived within 60 s`);
  if (lost > 0) problems.push(`${lost} messages lost`);
  if (seqs.length !== unique.size) problems.push(`${seqs.length - unique.size} duplicates`);
  if (!inOrder) problems.push('messages out of order');
  return {
    figures: { messages: s.offline, syncMs: round(syncMs, 1), msgsPerSec: round(unique.size / (syncMs / 1000), 0), inOrder, lost },
    problems,
    window: { fromMs: t0, toMs: t1 },
  };
}
