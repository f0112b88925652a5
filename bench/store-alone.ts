/**
 * `npm run bench:store`: the SQLite store on its own, without sockets or JSON frames, so a
 * change to the schema or the write path can be measured in isolation. Sends go in batches
 * of a fixed size (what a group commit would hand the store) among `--pairs` pairs in
 * Tencent's key form; each round runs every batch size once, interleaved, in a fresh file.
 * Prints CPU microseconds per message (this process: the store is synchronous) and the
 * bytes the process wrote per message (WAL frames and checkpoints, from /proc/self/io).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteStore, type SqliteSync } from '../packages/server/src/store/sqlite/sqlite-store.ts';
import type { NewMessage } from '../packages/server/src/store/store.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '1,2,20,200' },
    messages: { type: 'string', default: '4000' },
    pairs: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    sync: { type: 'string', default: 'full' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`Usage: npm run bench:store -- [--batches 1,2,20,200] [--messages 4000] [--pairs 100] [--rounds 3] [--sync full|normal]`);
  process.exit(0);
}
const batches = values.batches.split(',').map(Number);
const messages = Number(values.messages);
const pairs = Number(values.pairs);
const sync = values.sync as SqliteSync;

const APP = 1_400_000_001;
const bytesWritten = () => Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);

async function run(batch: number): Promise<{ cpuUs: number; kb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-store-bench-'));
  const store = new SqliteStore({ path: join(dir, 'parley.db'), synchronous: sync });
  try {
    await store.createApp({ sdkAppId: APP, secretKey: 'k'.repeat(64), name: 'bench', adminIdentifier: 'administrator', createdAt: 0, options: { webInstances: 1, otherInstances: 1, autoCreateAccounts: false } });
    const users = Array.from({ length: pairs * 2 }, (_, i) => `u${i}`);
    for (const u of users) await store.ensureAccount(APP, u);
    const clientSeq = new Map<string, number>();
    let k = 0;
    const next = (): NewMessage => {
      const i = k++ % users.length;
      const from = users[i]!;
      const to = users[i ^ 1]!;
      const seq = (clientSeq.get(from) ?? 0) + 1;
      clientSeq.set(from, seq);
      const random = (Math.random() * 2 ** 32) >>> 0;
      return {
        sdkAppId: APP, from, to, random, clientMsgId: `t${seq}_${random}`, clientSeq: seq, time: Math.floor(Date.now() / 1000),
        body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(100) } }], cloudCustomData: '', fromNick: '', syncToSender: true, autoCreateRecipient: false,
      };
    };
    // Warm up: statements prepared and compiled, the file past its first pages.
    for (let i = 0; i < 20; i++) await store.sendMessages(Array.from({ length: batch }, next));
    const n = Math.ceil(messages / batch) * batch;
    const w0 = bytesWritten();
    const c0 = process.cpuUsage();
    for (let sent = 0; sent < n; sent += batch) await store.sendMessages(Array.from({ length: batch }, next));
    const c = process.cpuUsage(c0);
    return { cpuUs: (c.user + c.system) / n, kb: (bytesWritten() - w0) / 1024 / n };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<number, { cpuUs: number; kb: number }[]>(batches.map((b) => [b, []]));
for (let r = 0; r < Number(values.rounds); r++) for (const b of batches) results.get(b)!.push(await run(b));
console.log(`SqliteStore alone: ${messages} sends per run among ${pairs} pairs, synchronous=${sync}, ${values.rounds} rounds`);
console.log('batch  CPU us/msg (each round)        KB written/msg');
for (const [b, rs] of results) {
  console.log(`${String(b).padStart(5)}  ${rs.map((x) => x.cpuUs.toFixed(1).padStart(7)).join(' ')}      ${(rs.reduce((s, x) => s + x.kb, 0) / rs.length).toFixed(2)}`);
}
