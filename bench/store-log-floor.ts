/**
 * The floor for a Store whose commit appends: each group commit writes its messages as one
 * row of an append-only log table (WAL, synchronous=FULL, the same durability as
 * SqliteStore), and a user's stream is kept in memory as a list of log row ids. Printed like
 * `npm run bench:store` (CPU microseconds and bytes written per message, at the same batch
 * sizes, 100 pairs), so the two can be read side by side: the difference is what the
 * per-user B-trees of today's layout cost a commit. An experiment, not a Store: it keeps no
 * conversations, no history index and no resend check.
 *
 *   node --import tsx bench/store-log-floor.ts [--batches 1,2,20,200] [--messages 4000] [--rounds 3]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '1,2,20,200' },
    messages: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '3' },
  },
});
const pairs = 100;
const messages = Number(values.messages);
const bytesWritten = () => Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);

function run(batch: number): { cpuUs: number; kb: number } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-log-floor-'));
  const db = new Database(join(dir, 'log.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('temp_store = MEMORY');
    db.exec('CREATE TABLE log (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const append = db.prepare('INSERT INTO log (body) VALUES (?)');
    const streams = new Map<string, number[]>();
    let k = 0;
    const next = () => {
      const i = k++ % (pairs * 2);
      const random = (Math.random() * 2 ** 32) >>> 0;
      return { from: `u${i}`, to: `u${i ^ 1}`, random, clientMsgId: `t${k}_${random}`, time: Math.floor(Date.now() / 1000), body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(100) } }] };
    };
    const commit = (sends: ReturnType<typeof next>[]) => {
      const id = Number(append.run(JSON.stringify(sends)).lastInsertRowid);
      for (const m of sends) {
        for (const user of [m.to, m.from]) {
          let s = streams.get(user);
          if (!s) streams.set(user, (s = []));
          s.push(id);
        }
      }
    };
    for (let i = 0; i < 20; i++) commit(Array.from({ length: batch }, next));
    const n = Math.ceil(messages / batch) * batch;
    const w0 = bytesWritten();
    const c0 = process.cpuUsage();
    for (let sent = 0; sent < n; sent += batch) commit(Array.from({ length: batch }, next));
    const c = process.cpuUsage(c0);
    return { cpuUs: (c.user + c.system) / n, kb: (bytesWritten() - w0) / 1024 / n };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const batches = values.batches.split(',').map(Number);
const results = new Map<number, { cpuUs: number; kb: number }[]>(batches.map((b) => [b, []]));
for (let r = 0; r < Number(values.rounds); r++) for (const b of batches) results.get(b)!.push(run(b));
console.log(`Append-only log floor: ${messages} sends per run among ${pairs} pairs, synchronous=full, ${values.rounds} rounds`);
console.log('batch  CPU us/msg (each round)        KB written/msg');
for (const [b, rs] of results) {
  console.log(`${String(b).padStart(5)}  ${rs.map((x) => x.cpuUs.toFixed(1).padStart(7)).join(' ')}      ${(rs.reduce((s, x) => s + x.kb, 0) / rs.length).toFixed(2)}`);
}
