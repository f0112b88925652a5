/**
 * Parley under test: a fresh `parley serve` process with its own temporary data directory
 * per workload run, driven over raw `ws` with Tencent's JSON frames (no SDK), so the client
 * side costs as little as the protocol allows.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { genUserSig } from '@parley/usersig';
import { startChild } from './child.ts';
import type { BenchClient, ConnectOptions, Driver, Endpoint, PeerServer, WorkloadId } from './driver.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'packages', 'server', 'bin', 'parley.js');

/**
 * The per-user send limiter (default 20 msgs/s, burst 40) exists to stop abusive clients;
 * the benchmark sends far faster per user on purpose, so it is raised out of the way.
 */
const BENCH_ENV = { PARLEY_LOG_LEVEL: 'silent', PARLEY_SEND_RATE: '1000000000', PARLEY_SEND_BURST: '1000000000' };

export function parleyDriver(opts: { sqliteSync?: 'full' | 'normal' } = {}): Driver {
  return {
    name: 'parley',
    workloads: new Set<WorkloadId>(['A', 'B', 'C', 'D', 'E']),
    async unavailable() {
      return undefined;
    },
    async start({ profileDir }) {
      const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
      const created = spawnSync(process.execPath, [CLI, 'app', 'create', '--name', 'bench', '--data-dir', dataDir], { encoding: 'utf8' });
      if (created.status !== 0) throw new Error(`parley app create failed: ${created.stderr}`);
      const app = JSON.parse(created.stdout.trim().split('\n').at(-1)!) as { sdkAppId: number; secretKey: string };
      const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
      const launch = async (port: number) => {
        const child = startChild(process.execPath, [...nodeArgs, CLI, 'serve', '--port', String(port), '--data-dir', dataDir], {
          env: { ...process.env, ...BENCH_ENV, PARLEY_SQLITE_SYNC: opts.sqliteSync ?? 'full' },
          cwd: ROOT,
        });
        const m = await child.waitFor(/Parley listening on http:\/\/([\d.]+):(\d+)/, 30_000);
        return { child, host: m[1]!, port: Number(m[2]) };
      };
      let run = await launch(0);
      const version = (JSON.parse(readFileSync(join(ROOT, 'packages', 'server', 'package.json'), 'utf8')) as { version: string }).version;
      const server: PeerServer = {
        name: 'parley',
        label: `Parley ${version}${opts.sqliteSync === 'normal' ? ' (sync=normal)' : ''}`,
        get pid() {
          return run.child.pid;
        },
        endpoint: { kind: 'parley', wsUrl: `ws://${run.host}:${run.port}/info`, sdkAppId: app.sdkAppId, secretKey: app.secretKey },
        async prepareUsers() {},
        async restart() {
          await run.child.stop(20_000);
          run = await launch(run.port);
        },
        async stop() {
          // Long enough for --cpu-prof to write its profile on the way out.
          await run.child.stop(20_000);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
      return server;
    },
  };
}

/** A UserSig for `user`; generated ahead of timed loops so its cost is not counted. */
export function parleyCredential(ep: Extract<Endpoint, { kind: 'parley' }>, user: string): string {
  return genUserSig({ sdkAppId: ep.sdkAppId, secretKey: ep.secretKey, userId: user, expireSeconds: 86400 });
}

interface Frame {
  head: { servcmd: string; seq: number };
  body: Record<string, unknown>;
}

interface C2cMsg {
  From_Account: string;
  MsgBody: { MsgType: string; MsgContent: { Text?: string } }[];
}

/** Log in over a fresh socket and return the client. */
export async function connectParley(ep: Extract<Endpoint, { kind: 'parley' }>, user: string, opts: ConnectOptions = {}): Promise<BenchClient> {
  const ws = new WebSocket(ep.wsUrl, { perMessageDeflate: false, localAddress: opts.localAddress });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const client = new ParleyClient(ws, user);
  if (opts.onMessage) client.onMessage = opts.onMessage;
  const usersig = opts.credential ?? parleyCredential(ep, user);
  await client.request('im_open_status.wslogin', { State: 'Online' }, { sdkappid: ep.sdkAppId, identifier: user, usersig, platform: 7 });
  return client;
}

class ParleyClient implements BenchClient {
  onMessage: (text: string) => void = () => {};
  private seq = 0;
  private msgSeq = 0;
  private readonly pending = new Map<number, { servcmd: string; resolve: (b: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private closed: Error | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly user: string,
  ) {
    ws.on('message', (data) => this.onFrame(data as Buffer));
    ws.on('error', () => {});
    ws.on('close', (code) => {
      this.closed = new Error(`${user}: socket closed (${code})`);
      for (const p of this.pending.values()) p.reject(this.closed);
      this.pending.clear();
    });
  }

  private onFrame(data: Buffer): void {
    const f = JSON.parse(data.toString('utf8')) as Frame;
    if (f.head.servcmd === 'im_open_push.msg_push') {
      for (const ev of (f.body.EventArray as { C2cMsgArray?: C2cMsg[] }[] | undefined) ?? []) {
        for (const m of ev.C2cMsgArray ?? []) this.deliver(m);
      }
      return;
    }
    const p = this.pending.get(f.head.seq);
    if (!p || p.servcmd !== f.head.servcmd) return;
    this.pending.delete(f.head.seq);
    if (f.body.ErrorCode === 0 || f.body.ErrorCode === undefined) p.resolve(f.body);
    else p.reject(new Error(`${f.head.servcmd} failed: ${String(f.body.ErrorCode)} ${String(f.body.ErrorInfo)}`));
  }

  private deliver(m: C2cMsg): void {
    const text = m.MsgBody[0]?.MsgContent.Text;
    if (text !== undefined) this.onMessage(text);
  }

  request(servcmd: string, body: Record<string, unknown>, head: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(this.closed);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { servcmd, resolve, reject });
      this.ws.send(JSON.stringify({ head: { servcmd, seq, ...head }, body }));
    });
  }

  async send(to: string, text: string): Promise<void> {
    await this.request('openim.sendmsg', {
      To_Account: to,
      MsgRandom: randomInt(0, 2 ** 32),
      MsgSeq: ++this.msgSeq,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
    });
  }

  async pullOffline(): Promise<void> {
    let cookie = '';
    for (;;) {
      const r = await this.request('openim.getmsg', { Cookie: cookie });
      for (const m of (r.MsgList as C2cMsg[] | undefined) ?? []) if (m.MsgBody) this.deliver(m);
      cookie = r.Cookie as string;
      if (r.SyncFlag === 2) return;
    }
  }

  async history(peer: string, pageSize: number): Promise<{ pages: number; messages: string[] }> {
    const messages: string[] = [];
    let pages = 0;
    let cursor = { LastMsgTime: 0, MsgKey: '' };
    for (;;) {
      const r = await this.request('openim.getroammsg', { Peer_Account: peer, MaxCnt: pageSize, ...cursor });
      pages++;
      const page = ((r.MsgList as C2cMsg[] | undefined) ?? []).map((m) => m.MsgBody[0]?.MsgContent.Text ?? '');
      // Each page is oldest → newest and pages go back in time: prepend to keep the whole list in order.
      messages.unshift(...page);
      if (r.Complete === 1 || page.length === 0) return { pages, messages };
      cursor = { LastMsgTime: r.LastMsgTime as number, MsgKey: r.MsgKey as string };
    }
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
      setTimeout(() => (this.ws.terminate(), resolve()), 2000).unref();
    });
  }
}
