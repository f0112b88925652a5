/**
 * Durability against a real crash: the server runs as its own process (`parley serve`), is
 * killed with SIGKILL in the middle of a two-way message stream and started again on the same
 * data dir and port. Every acknowledged message must survive, every unacknowledged one must be
 * sent again by the SDK after the reconnect, and each must appear exactly once, in order, on
 * every device — live (MESSAGE_RECEIVED) and in history (getMessageList paging). Afterwards
 * the SQLite file itself is checked: gap-free conversation sequences and stream cursors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { genUserSig } from '@parley/usersig';
import { SqliteStore } from '../../../server/src/store/sqlite/sqlite-store.ts';
import { Platform, TIM, nodeWebSocket } from '../../src/node.ts';
import type { Message, TimClient, TransportFactory } from '../../src/node.ts';
import { collect, fullHistory, textOf, waitFor } from './support.ts';

const PARLEY_BIN = fileURLToPath(new URL('../../../server/bin/parley.js', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A TCP port nobody listens on right now (the server must come back on the same one). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface ServerProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `parley serve` and wait until it listens. */
async function serve(port: number, dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [PARLEY_BIN, 'serve', '--port', String(port), '--data-dir', dataDir, '--log-level', 'silent'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PARLEY_SEND_RATE: '100000', PARLEY_SEND_BURST: '100000', PARLEY_DEMO: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      // The last line `serve` prints at start-up.
      if (output.join('').includes('credentials saved in')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    void exited.then(({ code, signal }) => reject(new Error(`parley serve exited (code ${code}, signal ${signal}):\n${output.join('')}`)));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  try {
    await listening;
  } finally {
    clearTimeout(timer);
  }
  return { child, output, exited };
}

interface SendLog {
  /** sendmsg frames sent, per ClientMsgID. */
  sent: Map<string, number>;
  /** sendmsg replies received, per ClientMsgID. */
  answered: Map<string, number>;
  /** Sends whose frame went out on a link that closed before their reply came back. */
  unanswered: Set<string>;
}

/** A Node WebSocket transport that logs every sendmsg frame and its reply, per link. */
function loggingTransport(log: SendLog): TransportFactory {
  const bump = (m: Map<string, number>, id: string) => m.set(id, (m.get(id) ?? 0) + 1);
  return () => {
    const inner = nodeWebSocket();
    const waiting = new Set<string>();
    return {
      kind: inner.kind,
      open(url, on) {
        inner.open(url, {
          ...on,
          frame(text) {
            const f = JSON.parse(text) as { head: { servcmd: string }; body: { ClientMsgID?: string } };
            if (f.head.servcmd === 'openim.sendmsg' && f.body.ClientMsgID) {
              waiting.delete(f.body.ClientMsgID);
              bump(log.answered, f.body.ClientMsgID);
            }
            on.frame(text);
          },
          close(code, reason) {
            for (const id of waiting) log.unanswered.add(id);
            on.close(code, reason);
          },
        });
      },
      send(frame) {
        const f = JSON.parse(frame) as { head: { servcmd: string }; body: { ClientMsgID?: string } };
        if (f.head.servcmd === 'openim.sendmsg' && f.body.ClientMsgID) {
          waiting.add(f.body.ClientMsgID);
          bump(log.sent, f.body.ClientMsgID);
        }
        inner.send(frame);
      },
      close: (code, reason) => inner.close(code, reason),
    };
  };
}

const TOTAL = 120;
const WINDOW = 8;
const KILL_AFTER = 40;

describe('a server killed with SIGKILL mid-stream', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-kill-'));
  const clients: TimClient[] = [];
  let proc: ServerProcess | undefined;

  afterAll(async () => {
    for (const c of clients) await c.destroy().catch(() => {});
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged message, resends the rest, and shows each exactly once, in order, on every device', async () => {
    const port = await freePort();
    proc = await serve(port, dataDir);
    const firstPid = proc.child.pid;
    const dev = JSON.parse(readFileSync(join(dataDir, 'dev-app.json'), 'utf8')) as { sdkAppId: number; secretKey: string };
    const sig = (userId: string) => genUserSig({ sdkAppId: dev.sdkAppId, secretKey: dev.secretKey, userId, expireSeconds: 3600 });
    const url = `http://127.0.0.1:${port}`;
    const fast = { backoff: { baseMs: 100, capMs: 1_000 } };

    // The dev app allows one web instance per user: bob's second device is an Android one.
    const log: SendLog = { sent: new Map(), answered: new Map(), unanswered: new Set() };
    const alice = TIM.create({ SDKAppID: dev.sdkAppId, server: url, connection: fast, transport: loggingTransport(log) });
    const bob = TIM.create({ SDKAppID: dev.sdkAppId, server: url, connection: fast, transport: loggingTransport(log) });
    const bobPhone = TIM.create({ SDKAppID: dev.sdkAppId, server: url, connection: fast, platform: Platform.Android });
    clients.push(alice, bob, bobPhone);
    await alice.login({ userID: 'alice', userSig: sig('alice') });
    await bob.login({ userID: 'bob', userSig: sig('bob') });
    await bobPhone.login({ userID: 'bob', userSig: sig('bob') });

    const atAlice = collect(alice, TIM.EVENT.MESSAGE_RECEIVED);
    const atBob = collect(bob, TIM.EVENT.MESSAGE_RECEIVED);
    const atPhone = collect(bobPhone, TIM.EVENT.MESSAGE_RECEIVED);
    const aliceNet = collect(alice, TIM.EVENT.NET_STATE_CHANGE);

    // Each side keeps WINDOW sends in flight, so some are on the wire when the server dies.
    let acked = 0;
    let killed = false;
    const ackedBeforeKill = new Set<string>();
    async function stream(from: TimClient, to: string, label: string): Promise<Message[]> {
      const messages: Message[] = [];
      const running = new Set<Promise<unknown>>();
      for (let i = 0; i < TOTAL; i++) {
        const m = from.createTextMessage({ to, conversationType: 'C2C', payload: { text: `${label} ${i}` } });
        messages.push(m);
        const p = from.sendMessage(m).then(() => {
          acked++;
          if (!killed) ackedBeforeKill.add(m.ID);
        });
        running.add(p);
        const done = () => void running.delete(p);
        p.then(done, done);
        if (running.size >= WINDOW) await Promise.race(running);
      }
      await Promise.all(running);
      return messages;
    }
    const aliceSending = stream(alice, 'bob', 'a→b');
    const bobSending = stream(bob, 'alice', 'b→a');
    // Awaited below; these only keep an early failure from leaving them unhandled.
    aliceSending.catch(() => {});
    bobSending.catch(() => {});

    await waitFor(() => acked >= KILL_AFTER, 30_000, `${KILL_AFTER} acknowledged sends`);
    killed = true;
    proc.child.kill('SIGKILL');
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const ackedAtKill = ackedBeforeKill.size;
    expect(ackedAtKill).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(ackedAtKill).toBeLessThan(2 * TOTAL);
    await waitFor(() => aliceNet.some((n) => n.state !== 'connected'), 10_000, 'alice to notice the crash');

    proc = await serve(port, dataDir);
    expect(proc.child.pid).not.toBe(firstPid);
    expect(proc.output.join('')).toContain('Using dev app');

    const [aliceSent, bobSent] = await Promise.all([aliceSending, bobSending]);
    const all = [...aliceSent, ...bobSent];
    expect(all.every((m) => m.status === 'success')).toBe(true);
    expect(acked).toBe(2 * TOTAL);

    // Sends that were on the wire, unanswered, when the server died went out again after the
    // reconnect and were answered then; nothing else was sent twice.
    expect(log.unanswered.size).toBeGreaterThan(0);
    for (const m of all) {
      const unanswered = log.unanswered.has(m.ID);
      expect(log.sent.get(m.ID), `sendmsg frames of ${textOf(m)}`).toBe(unanswered ? 2 : 1);
      expect(log.answered.get(m.ID), `sendmsg replies of ${textOf(m)}`).toBe(1);
      if (unanswered) expect(ackedBeforeKill.has(m.ID)).toBe(false);
    }

    // One conversation, one gap-free sequence; each side's messages in the order it sent them.
    const bySeq = [...all].sort((x, y) => x.sequence - y.sequence);
    expect(bySeq.map((m) => m.sequence)).toEqual(Array.from({ length: 2 * TOTAL }, (_, i) => i + 1));
    const inOrder = (list: Message[]) => list.every((m, i) => i === 0 || m.sequence > list[i - 1]!.sequence);
    expect(inOrder(aliceSent)).toBe(true);
    expect(inOrder(bobSent)).toBe(true);
    const expectedIds = bySeq.map((m) => m.ID);
    const aliceIds = aliceSent.map((m) => m.ID);
    const bobIds = bobSent.map((m) => m.ID);
    const texts = new Map(all.map((m) => [m.ID, textOf(m)]));

    // Live: each device hears every message it did not send itself, once, in sequence order.
    const received = (events: Message[][]) => events.flat();
    await waitFor(() => atBob.flat().length >= TOTAL && atAlice.flat().length >= TOTAL && atPhone.flat().length >= 2 * TOTAL, 30_000, 'every message live on every device');
    await new Promise((r) => setTimeout(r, 500));
    expect(received(atBob).map((m) => m.ID)).toEqual(aliceIds);
    expect(received(atAlice).map((m) => m.ID)).toEqual(bobIds);
    // bob's phone also hears bob's own sends from the other device (flow 'out').
    expect(received(atPhone).map((m) => m.ID)).toEqual(expectedIds);
    expect(received(atPhone).map((m) => [m.flow, textOf(m)])).toEqual(bySeq.map((m) => [m.from === 'bob' ? 'out' : 'in', texts.get(m.ID)]));

    // History: paging back through the conversation gives the same list on every device.
    for (const [tim, conversationID] of [
      [alice, 'C2Cbob'],
      [bob, 'C2Calice'],
      [bobPhone, 'C2Calice'],
    ] as const) {
      const { messages, pages } = await fullHistory(tim, conversationID);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil((2 * TOTAL) / 15));
      expect(messages.map((m) => m.ID)).toEqual(expectedIds);
      expect(messages.map((m) => m.sequence)).toEqual(bySeq.map((m) => m.sequence));
      expect(messages.map(textOf)).toEqual(bySeq.map((m) => texts.get(m.ID)));
    }
    // A device that logs in after everything agrees too (history straight from the store).
    const late = TIM.create({ SDKAppID: dev.sdkAppId, server: url, platform: Platform.iOS });
    clients.push(late);
    await late.login({ userID: 'alice', userSig: sig('alice') });
    expect((await fullHistory(late, 'C2Cbob')).messages.map((m) => m.ID)).toEqual(expectedIds);

    for (const c of clients) await c.logout();
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);

    // The store itself: one row per message, gap-free sequences, gap-free stream cursors.
    const store = new SqliteStore({ path: join(dataDir, 'parley.db') });
    try {
      const rows = await store.getHistory(dev.sdkAppId, 'alice', 'bob', undefined, 10 * TOTAL);
      expect(rows.map((m) => m.seq).reverse()).toEqual(Array.from({ length: 2 * TOTAL }, (_, i) => i + 1));
      expect(rows.map((m) => m.clientMsgId).reverse()).toEqual(expectedIds);
      expect(new Set(rows.map((m) => m.clientMsgId)).size).toBe(2 * TOTAL);
      for (const user of ['alice', 'bob']) {
        const events = await store.readEvents(dev.sdkAppId, user, 0, 10 * TOTAL);
        expect(events.map((e) => e.cursor)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
        expect(events.length).toBe(await store.headCursor(dev.sdkAppId, user));
        expect(events.filter((e) => e.kind === 'msg').map((e) => (e as { message: { clientMsgId: string } }).message.clientMsgId)).toEqual(expectedIds);
      }
      const conv = await store.getConversation(dev.sdkAppId, 'bob', 'alice');
      expect(conv).toMatchObject({ lastSeq: 2 * TOTAL });
    } finally {
      await store.close();
    }
  });
});
