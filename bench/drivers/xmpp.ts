/**
 * Prosody under test (Debian's package), started by the benchmark with peers/prosody.cfg.lua
 * on a free loopback port and a fresh data directory per run. Users are registered through
 * Prosody's own CLI: `prosodyctl shell` reads `user:create(...)` lines from stdin, which
 * registers thousands of users in seconds where one `prosodyctl register` per user would
 * take minutes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './child.ts';
import type { Driver, PeerServer, WorkloadId } from './driver.ts';
import { freePort, waitForPort } from '../lib/net.ts';

const CONF = join(dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'prosody.cfg.lua');
const DOMAIN = 'localhost';
const PASSWORD = 'bench-password';

function prosodyVersion(): string | undefined {
  if (!existsSync('/usr/bin/prosody') || !existsSync('/usr/bin/prosodyctl')) return undefined;
  try {
    return /Prosody (\S+)/.exec(execFileSync('prosodyctl', ['about'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[1] ?? '';
  } catch {
    return '';
  }
}

/** Run `prosodyctl shell` with `lines` on stdin; resolves with its output. */
function prosodyShell(env: NodeJS.ProcessEnv, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('prosodyctl', ['--config', CONF, 'shell'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`prosodyctl shell exited ${code}: ${out.slice(-500)}`))));
    p.stdin.end(lines.join('\n') + '\n');
  });
}

export function prosodyDriver(): Driver {
  const version = prosodyVersion();
  return {
    name: 'xmpp',
    workloads: new Set<WorkloadId>(['A', 'B', 'C', 'D']),
    async unavailable() {
      return version === undefined ? 'prosody is not installed (--peers installs it)' : undefined;
    },
    async start() {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'parley-bench-prosody-'));
      mkdirSync(join(dir, 'certs'));
      const env = { ...process.env, BENCH_XMPP_PORT: String(port), BENCH_XMPP_DATA: dir };
      const child = startChild('prosody', ['--config', CONF, '-F'], { env });
      await waitForPort('127.0.0.1', port, 15_000, child.alive);
      const registered = new Set<string>();
      const server: PeerServer = {
        name: 'xmpp',
        label: `Prosody ${version}`,
        pid: child.pid,
        endpoint: { kind: 'xmpp', host: '127.0.0.1', port, domain: DOMAIN, password: PASSWORD },
        async prepareUsers(users) {
          const fresh = users.filter((u) => !registered.has(u));
          for (let i = 0; i < fresh.length; i += 2000) {
            const chunk = fresh.slice(i, i + 2000);
            const out = await prosodyShell(env, chunk.map((u) => `user:create("${u}@${DOMAIN}", "${PASSWORD}")`));
            const ok = (out.match(/OK: User created/g) ?? []).length;
            if (ok !== chunk.length) throw new Error(`prosodyctl registered ${ok} of ${chunk.length} users:\n${out.slice(-800)}`);
            for (const u of chunk) registered.add(u);
          }
        },
        async stop() {
          await child.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
      return server;
    },
  };
}
