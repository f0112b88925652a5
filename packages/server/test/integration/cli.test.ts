/**
 * The `parley` command as an operator runs it: real `node bin/parley.js` processes, their
 * stdout, stderr and exit codes (0 success, 1 a negative answer, 2 a usage error).
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { genUserSig, verifyUserSig } from '@parley/usersig';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
const SDKAPPID = 1_400_000_000;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const T = 1_700_000_000;

const scratch = mkdtempSync(join(tmpdir(), 'parley-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(scratch, `data-${++dirs}`);

/** The parent's environment minus every PARLEY_* variable, so only what a test sets applies. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_')));
  return { ...env, ...extra };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `parley ...args` to completion. */
function parley(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: scratch, env: cleanEnv(env), timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The TLSSigAPIv2 check written from the spec with node:zlib and node:crypto only. */
function independentVerify(userSig: string, key: string): Record<string, unknown> | null {
  const zlibBytes = Buffer.from(userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64');
  const doc = JSON.parse(inflateSync(zlibBytes).toString('utf8')) as Record<string, unknown>;
  let text = `TLS.identifier:${doc['TLS.identifier']}\nTLS.sdkappid:${doc['TLS.sdkappid']}\n`;
  text += `TLS.time:${doc['TLS.time']}\nTLS.expire:${doc['TLS.expire']}\n`;
  if ('TLS.userbuf' in doc) text += `TLS.userbuf:${doc['TLS.userbuf']}\n`;
  const want = createHmac('sha256', key).update(text).digest();
  const got = Buffer.from(String(doc['TLS.sig']), 'base64');
  return got.length === want.length && timingSafeEqual(got, want) ? doc : null;
}

const sigArgs = (userSig: string, over: Record<string, string> = {}) =>
  Object.entries({ sdkappid: String(SDKAPPID), key: KEY, userid: 'alice', sig: userSig, ...over }).flatMap(([k, v]) => [`--${k}`, v]);

describe('parley usersig gen', () => {
  it('prints a UserSig that our verifier and an independent check both accept', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await parley(['usersig', 'gen', '--sdkappid', String(SDKAPPID), '--key', KEY, '--userid', 'alice', '--expire', '3600']);
    const after = Math.floor(Date.now() / 1000);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const userSig = r.stdout.trim();
    expect(r.stdout).toBe(`${userSig}\n`);
    expect(userSig).toMatch(/^eJ[A-Za-z0-9*\-_]+$/);

    expect(verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'alice', userSig })).toMatchObject({ ok: true, expire: 3600 });
    const doc = independentVerify(userSig, KEY);
    expect(doc).toMatchObject({ 'TLS.ver': '2.0', 'TLS.identifier': 'alice', 'TLS.sdkappid': SDKAPPID, 'TLS.expire': 3600 });
    expect(doc!['TLS.time']).toBeGreaterThanOrEqual(before);
    expect(doc!['TLS.time']).toBeLessThanOrEqual(after);
    expect(independentVerify(userSig, KEY.toUpperCase())).toBeNull();
  });

  it('defaults to 180 days and carries a userbuf when asked', async () => {
    const r = await parley(['usersig', 'gen', '--sdkappid', String(SDKAPPID), '--key', KEY, '--userid', '测试', '--userbuf', 'AP8QgH8=']);
    expect(r.code).toBe(0);
    const userSig = r.stdout.trim();
    expect(independentVerify(userSig, KEY)).toMatchObject({ 'TLS.identifier': '测试', 'TLS.expire': 180 * 86400, 'TLS.userbuf': 'AP8QgH8=' });
    const v = verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: '测试', userSig, expectUserBuf: Buffer.from('AP8QgH8=', 'base64') });
    expect(v.ok).toBe(true);
  });
});

describe('parley usersig verify', () => {
  const userSig = genUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'alice', expireSeconds: 100, now: T });

  it('exits 0 with {"ok":true,...} for a good UserSig', async () => {
    const r = await parley(['usersig', 'verify', ...sigArgs(userSig), '--now', String(T + 100)]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, time: T, expire: 100, expireAt: T + 100 });
  });

  it('reports the userbuf of a good UserSig', async () => {
    const withBuf = genUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'alice', now: T, userBuf: Buffer.from([1, 2, 3]) });
    const r = await parley(['usersig', 'verify', ...sigArgs(withBuf), '--now', String(T)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, userBuf: 'AQID' });
  });

  it.concurrent.for([
    ['a wrong key', { key: 'f'.repeat(64) }, String(T), 70009, 'bad_signature'],
    ['an expired UserSig', {}, String(T + 101), 70001, 'expired'],
    ['another user', { userid: 'Alice' }, String(T), 70013, 'identifier_mismatch'],
    ['another SDKAppID', { sdkappid: String(SDKAPPID + 1) }, String(T), 70014, 'sdkappid_mismatch'],
    ['a malformed UserSig', { sig: 'not-a-ticket' }, String(T), 70003, 'malformed'],
  ] as [string, Record<string, string>, string, number, string][])('exits 1 with {"ok":false,"code":N} for %s', async ([, over, now, code, reason], { expect }) => {
    const r = await parley(['usersig', 'verify', ...sigArgs(userSig, over), '--now', now]);
    expect(r).toMatchObject({ code: 1, stderr: '' });
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ ok: false, code, reason });
    expect(out.message).toEqual(expect.any(String));
  });
});

describe('parley app', () => {
  it('app create prints one JSON line with a new SDKAppID and a 64-hex secret key', async () => {
    const dir = freshDir();
    const r = await parley(['app', 'create', '--name', 'shop', '--admin', 'root', '--data-dir', dir]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.split('\n')).toHaveLength(2); // one line plus the final newline
    const app = JSON.parse(r.stdout) as { sdkAppId: number; secretKey: string; name: string; adminIdentifier: string };
    expect(app).toEqual({ sdkAppId: expect.any(Number), secretKey: expect.stringMatching(/^[0-9a-f]{64}$/), name: 'shop', adminIdentifier: 'root' });
    expect(Number.isInteger(app.sdkAppId)).toBe(true);
    expect(app.sdkAppId).toBeGreaterThanOrEqual(1_400_000_000);
    expect(app.sdkAppId).toBeLessThanOrEqual(1_499_999_999);

    // The key signs UserSigs the CLI accepts for that app.
    const sig = (await parley(['usersig', 'gen', '--sdkappid', String(app.sdkAppId), '--key', app.secretKey, '--userid', 'u'])).stdout.trim();
    const check = await parley(['usersig', 'verify', '--sdkappid', String(app.sdkAppId), '--key', app.secretKey, '--userid', 'u', '--sig', sig]);
    expect(check.code).toBe(0);
  });

  it('app list hides secret keys unless --show-keys is given', async () => {
    const dir = freshDir();
    const a = JSON.parse((await parley(['app', 'create', '--name', 'one', '--data-dir', dir])).stdout) as { sdkAppId: number; secretKey: string };
    const b = JSON.parse((await parley(['app', 'create', '--name', 'two', '--data-dir', dir])).stdout) as { sdkAppId: number; secretKey: string };

    const hidden = await parley(['app', 'list', '--data-dir', dir]);
    expect(hidden).toMatchObject({ code: 0, stderr: '' });
    const listed = JSON.parse(hidden.stdout) as Record<string, unknown>[];
    expect(listed.map((x) => x.sdkAppId).sort()).toEqual([a.sdkAppId, b.sdkAppId].sort());
    for (const x of listed) expect(x).not.toHaveProperty('secretKey');
    expect(hidden.stdout).not.toContain(a.secretKey);
    expect(hidden.stdout).not.toContain(b.secretKey);

    const shown = JSON.parse((await parley(['app', 'list', '--data-dir', dir, '--show-keys'])).stdout) as { sdkAppId: number; secretKey: string }[];
    expect(Object.fromEntries(shown.map((x) => [x.sdkAppId, x.secretKey]))).toEqual({ [a.sdkAppId]: a.secretKey, [b.sdkAppId]: b.secretKey });
  });

  it('reads the data dir from PARLEY_DATA_DIR', async () => {
    const dir = freshDir();
    const made = JSON.parse((await parley(['app', 'create'], { PARLEY_DATA_DIR: dir })).stdout) as { sdkAppId: number };
    const listed = JSON.parse((await parley(['app', 'list', '--data-dir', dir])).stdout) as { sdkAppId: number }[];
    expect(listed.map((x) => x.sdkAppId)).toEqual([made.sdkAppId]);
  });
});

describe('usage errors and help', () => {
  const sig = genUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'alice', now: T });
  const gen = ['usersig', 'gen', '--sdkappid', String(SDKAPPID), '--key', KEY, '--userid', 'alice'];
  const verify = ['usersig', 'verify', ...sigArgs(sig)];

  // [what, argv, a fragment the stderr message must contain]
  const cases: [string, string[], string][] = [
    ['an unknown command', ['frobnicate'], 'unknown command "frobnicate"'],
    ['serve with an unknown flag', ['serve', '--bogus'], '--bogus'],
    ['serve with a flag missing its value', ['serve', '--port'], '--port'],
    ['serve with a non-numeric port', ['serve', '--port', 'abc', '--data-dir', 'never'], '--port'],
    ['serve with a port out of range', ['serve', '--port', '70000', '--data-dir', 'never'], 'port'],
    ['serve with an unknown sqlite sync mode', ['serve', '--port', '0', '--sqlite-sync', 'sometimes', '--data-dir', 'never'], '--sqlite-sync'],
    ['serve with a positional argument', ['serve', 'now'], 'now'],
    ['app with an unknown verb', ['app', 'delete'], 'unknown app command "delete"'],
    ['app create with an unknown flag', ['app', 'create', '--color', 'red'], '--color'],
    ['app create with an empty name', ['app', 'create', '--name', '', '--data-dir', 'never'], '--name'],
    ['app create with --show-keys', ['app', 'create', '--show-keys', '--data-dir', 'never'], '--show-keys'],
    ['app list with --name', ['app', 'list', '--name', 'x', '--data-dir', 'never'], '--name'],
    ['usersig with an unknown verb', ['usersig', 'sign', ...gen.slice(2)], 'unknown usersig command "sign"'],
    ['usersig gen without --sdkappid', ['usersig', 'gen', '--key', KEY, '--userid', 'a'], 'missing --sdkappid'],
    ['usersig gen without --key', ['usersig', 'gen', '--sdkappid', '1400000000', '--userid', 'a'], 'missing --key'],
    ['usersig gen without --userid', ['usersig', 'gen', '--sdkappid', '1400000000', '--key', KEY], 'missing --userid'],
    ['usersig gen with a non-numeric sdkappid', ['usersig', 'gen', '--sdkappid', 'abc', '--key', KEY, '--userid', 'a'], '--sdkappid'],
    ['usersig gen with a zero expire', [...gen, '--expire', '0'], '--expire'],
    ['usersig gen with a negative expire', [...gen, '--expire', '-5'], '--expire'],
    ['usersig gen with a userbuf that is not base64', [...gen, '--userbuf', 'not base64!'], '--userbuf'],
    ['usersig gen with --sig', [...gen, '--sig', sig], '--sig'],
    ['usersig gen with an unknown flag', [...gen, '--verbose'], '--verbose'],
    ['usersig verify without --sig', ['usersig', 'verify', '--sdkappid', '1400000000', '--key', KEY, '--userid', 'a'], 'missing --sig'],
    ['usersig verify with a non-numeric --now', [...verify, '--now', 'tomorrow'], '--now'],
    ['usersig verify with --expire', [...verify, '--expire', '10'], '--expire'],
  ];

  it.concurrent.for(cases)('%s exits 2 with a message on stderr', async ([, argv, fragment], { expect }) => {
    const r = await parley(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^parley: /);
    expect(r.stderr).toContain(fragment);
  });

  // A bare command is a usage error too, answered with its usage text.
  it.concurrent.for([
    ['parley', []],
    ['parley app', ['app']],
    ['parley usersig', ['usersig']],
  ] as [string, string[]][])('"%s" without a subcommand exits 2 and prints usage', async ([, argv], { expect }) => {
    const r = await parley(argv);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('Usage');
  });

  it.concurrent.for(
    [
      ['--help'],
      ['-h'],
      ['help'],
      ['serve', '--help'],
      ['app', '--help'],
      ['app', 'create', '--help'],
      ['app', 'list', '--help'],
      ['usersig', '--help'],
      ['usersig', 'gen', '--help'],
      ['usersig', 'verify', '--help'],
    ].map((argv) => [argv.join(' '), argv] as [string, string[]]),
  )('"parley %s" exits 0 with usage on stdout', async ([, argv], { expect }) => {
    const r = await parley(argv);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Usage');
  });
});

describe('parley serve', () => {
  interface Served {
    child: ChildProcessByStdio<null, Readable, Readable>;
    url: string;
    /** Every stdout line so far. */
    lines: string[];
    stderr: () => string;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  }

  const children: Served[] = [];
  afterAll(() => {
    for (const s of children) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  });

  /** Start `parley serve` and wait until it has printed its credentials path. */
  function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
    const child = spawn(process.execPath, [BIN, 'serve', '--log-level', 'silent', ...args], { cwd: scratch, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let err = '';
    let buffered = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${lines.join('\n')}\n${err}`)), 20_000);
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.stdout.on('data', (b: Buffer) => {
        buffered += b.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        lines.push(...parts);
        if (!lines.some((l) => l.startsWith('(credentials saved in '))) return;
        const m = lines.map((l) => /^Parley listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(l)).find(Boolean);
        clearTimeout(timer);
        if (!m) return reject(new Error(`no listening line in:\n${lines.join('\n')}`));
        const s: Served = { child, url: m[1]!, lines, stderr: () => err, exited };
        children.push(s);
        // One served request proves the HTTP side is up too.
        fetch(`${s.url}/healthz`).then(
          (res) => (res.ok ? resolve(s) : reject(new Error(`/healthz answered ${res.status}`))),
          reject,
        );
      });
      void exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${code} before starting:\n${lines.join('\n')}\n${err}`));
      });
    });
  }

  function devAppLine(s: Served): { verb: string; app: { sdkAppId: number; secretKey: string; name: string } } {
    const line = s.lines.find((l) => /^(Created|Using) dev app: /.test(l));
    if (!line) throw new Error(`no dev app line in:\n${s.lines.join('\n')}`);
    const [, verb, json] = /^(Created|Using) dev app: (.*)$/.exec(line)!;
    return { verb: verb!, app: JSON.parse(json!) as { sdkAppId: number; secretKey: string; name: string } };
  }

  async function stop(s: Served): Promise<void> {
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.lines).toContain('Received SIGTERM, shutting down');
  }

  async function checkRunning(s: Served, dir: string): Promise<void> {
    const res = await fetch(`${s.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });

    const { verb, app } = devAppLine(s);
    expect(verb).toBe('Created');
    expect(app).toMatchObject({ name: 'dev', secretKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const file = join(dir, 'dev-app.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, name: 'dev' });
    expect(s.lines).toContain(`(credentials saved in ${dir}/dev-app.json)`);
  }

  it('starts on port 0 with flags, creates the dev app, serves /healthz and stops on SIGTERM', async () => {
    const dir = freshDir();
    const s = await serve(['--port', '0', '--data-dir', dir]);
    await checkRunning(s, dir);
    await stop(s);
    expect(s.stderr()).toBe('');
  });

  it('takes the port and data dir from PARLEY_PORT and PARLEY_DATA_DIR', async () => {
    const dir = freshDir();
    const s = await serve([], { PARLEY_PORT: '0', PARLEY_DATA_DIR: dir });
    await checkRunning(s, dir);
    await stop(s);
  });

  it('reuses the same dev app on the next start', async () => {
    const dir = freshDir();
    const first = await serve(['--port', '0', '--data-dir', dir]);
    const created = devAppLine(first);
    await stop(first);

    const second = await serve(['--port', '0', '--data-dir', dir]);
    const again = devAppLine(second);
    expect(created.verb).toBe('Created');
    expect(again.verb).toBe('Using');
    expect(again.app).toEqual(created.app);
    expect(statSync(join(dir, 'dev-app.json')).mode & 0o777).toBe(0o600);
    const listed = JSON.parse((await parley(['app', 'list', '--data-dir', dir])).stdout) as unknown[];
    expect(listed).toHaveLength(1);
    await stop(second);
  });

  it('exits 0 on a SIGTERM sent as soon as the ready lines are printed', async () => {
    for (let i = 0; i < 3; i++) {
      const child = spawn(process.execPath, [BIN, 'serve', '--log-level', 'silent', '--port', '0', '--data-dir', freshDir()], {
        cwd: scratch,
        env: cleanEnv({}),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      let out = '';
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes('(credentials saved in ')) resolve();
        }),
      );
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    }
  });

  it('refuses a bad PARLEY_PORT with exit 2, naming the variable', async () => {
    const r = await parley(['serve'], { PARLEY_PORT: 'eighty', PARLEY_DATA_DIR: freshDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PARLEY_PORT');
  });
});
