/**
 * Every file `npm run build` makes, loaded the way its users load it: the mini-program
 * bundles with `require` in a sandbox that has only WeChat's globals, the browser bundles with
 * a <script> tag in Chromium, the package builds with Node's require and import.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdk } from '../../scripts/build.mjs';
import type { BuiltFile } from '../../scripts/build.mjs';
import { createWxBridge, miniProgramLoader } from '../support/wx-bridge.ts';
import { collect, loginUser, startServer, textOf, waitFor } from './support.ts';
import type { TestServer } from './support.ts';
import { TIM as NodeTIM } from '../../src/node.ts';

const CHROMIUM = '/usr/bin/chromium';
const RESULTS = fileURLToPath(new URL('../../../../test-results/', import.meta.url));
let outDir: string;
let sizes: BuiltFile[];
let srv: TestServer;

beforeAll(async () => {
  // Inside the repository (test-results/ is git-ignored) so the Node build resolves `ws`.
  mkdirSync(RESULTS, { recursive: true });
  outDir = mkdtempSync(join(RESULTS, 'sdk-dist-'));
  sizes = await buildSdk({ quiet: true, outDir });
  srv = await startServer({ config: { longPollHoldSeconds: 2 } });
}, 120_000);
afterAll(async () => {
  await srv?.close();
  rmSync(outDir, { recursive: true, force: true });
});

const WEBIM_API = ['login', 'logout', 'checkLogin', 'sendMsg', 'syncMsgs', 'getC2CHistoryMsgs', 'getRecentContactList', 'setAutoRead', 'configure', 'Msg', 'Session', 'MsgStore', 'Log', 'Tool', 'CONNECTION_STATUS', 'SESSION_TYPE', 'C2C_MSG_SUB_TYPE', 'MSG_ELEMENT_TYPE'];

describe('npm run build', () => {
  it('keeps webim_wx.min.js under 60 KB', () => {
    const wx = sizes.find((s) => s.file === 'webim_wx.min.js')!;
    expect(wx.bytes).toBeLessThan(60 * 1024);
  });

  it('writes a package.json whose exports point at files that exist, declarations included', () => {
    const manifest = JSON.parse(readFileSync(join(outDir, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, unknown>> };
    const targets: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') targets.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(manifest.exports);
    expect(targets.some((t) => t.endsWith('.d.ts'))).toBe(true);
    for (const t of targets) expect(existsSync(join(outDir, t)), t).toBe(true);
    const dts = readFileSync(join(outDir, 'types/sdk/src/miniprogram.d.ts'), 'utf8');
    expect(dts).not.toMatch(/from '[^']+\.ts'/);
    expect(dts).not.toContain('@parley/protocol');
  });
});

describe('mini-program bundles in a sandbox with only WeChat globals', () => {
  it.each(['webim_wx.js', 'webim_wx.min.js'])('require(%s) is the webim object and needs nothing but wx', (file) => {
    const bridge = createWxBridge();
    const im = miniProgramLoader(bridge.wx)(join(outDir, file)) as Record<string, unknown>;
    for (const name of WEBIM_API) expect(im[name], name).toBeDefined();
    expect(im['CONNECTION_STATUS']).toEqual({ INIT: -1, ON: 0, RECONNECT: 1, OFF: 9999 });
    const code = readFileSync(join(outDir, file), 'utf8');
    expect(code).not.toMatch(/\brequire\(/);
    if (file.endsWith('.min.js')) expect(code).not.toMatch(/\bprocess\.|\bBuffer\b|\bwindow\./);
  });
});

describe('package builds', () => {
  it('require(node.cjs) and import(node.mjs) give TIM, which logs in and sends', async () => {
    const req = createRequire(import.meta.url);
    const cjs = req(join(outDir, 'node.cjs')) as { TIM: typeof NodeTIM };
    const esm = (await import(pathToFileURL(join(outDir, 'node.mjs')).href)) as { TIM: typeof NodeTIM; default: typeof NodeTIM };
    expect(esm.default).toBe(esm.TIM);
    const peer = await loginUser(srv, 'pkg-peer');
    const got = collect(peer, NodeTIM.EVENT.MESSAGE_RECEIVED);
    for (const [name, TIM] of [['cjs', cjs.TIM], ['esm', esm.TIM]] as const) {
      const tim = TIM.create({ SDKAppID: srv.sdkAppId, server: srv.url });
      await tim.login({ userID: `pkg-${name}`, userSig: srv.sig(`pkg-${name}`) });
      await tim.sendMessage(tim.createTextMessage({ to: 'pkg-peer', conversationType: 'C2C', payload: { text: `from ${name}` } }));
      await tim.logout();
    }
    await waitFor(() => got.flat().length >= 2);
    expect(got.flat().map(textOf).sort()).toEqual(['from cjs', 'from esm']);
    await peer.logout();
  });
});

describe('browser bundles in Chromium', () => {
  let browser: Browser | undefined;
  const available = existsSync(CHROMIUM);
  if (!available) {
    if (process.env['CI']) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
    console.warn(`\n!!! SKIPPING browser bundle tests: ${CHROMIUM} not found !!!\n`);
  }
  beforeAll(async () => {
    if (!available) return;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(!available).each(['websocket', 'long-poll'] as const)('<script src=webim.min.js> logs in and chats with a TIM user over %s', async (transport) => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${srv.url}/healthz`);
    await page.addScriptTag({ path: join(outDir, 'webim.min.js') });
    const peer = await loginUser(srv, `tim-${transport}`);
    const got = collect(peer, NodeTIM.EVENT.MESSAGE_RECEIVED);
    const me = `web-${transport}`;
    const result = await page.evaluate(
      ({ serverUrl, sdkAppID, identifier, userSig, to, transport }) =>
        new Promise<{ conn: number[]; resp: unknown }>((resolve, reject) => {
          const w = (window as unknown as { webim: Record<string, any> }).webim; // eslint-disable-line @typescript-eslint/no-explicit-any
          const conn: number[] = [];
          w.configure({ serverUrl, transport });
          w.login(
            { sdkAppID, identifier, userSig, accountType: 1 },
            { onConnNotify: (r: { ErrorCode: number }) => conn.push(r.ErrorCode), onMsgNotify: () => {} },
            { isLogOn: false },
            () => {
              const sess = new w.Session(w.SESSION_TYPE.C2C, to);
              const msg = new w.Msg(sess, true, -1, -1, -1, identifier);
              msg.addText(new w.Msg.Elem.Text('from a script tag'));
              w.sendMsg(msg, (resp: unknown) => resolve({ conn, resp }), reject);
            },
            reject,
          );
        }),
      { serverUrl: srv.url, sdkAppID: srv.sdkAppId, identifier: me, userSig: srv.sig(me), to: `tim-${transport}`, transport },
    );
    expect(result.conn).toEqual([0]);
    expect(result.resp).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    await waitFor(() => got.flat().length >= 1);
    expect(got.flat().map(textOf)).toEqual(['from a script tag']);
    expect(got.flat()[0]!.from).toBe(me);
    expect(errors).toEqual([]);
    await peer.logout();
    await page.close();
  });

  it.skipIf(!available)('<script src=tim.min.js> defines TIM, which logs in', async () => {
    const page = await browser!.newPage();
    await page.goto(`${srv.url}/healthz`);
    await page.addScriptTag({ path: join(outDir, 'tim.min.js') });
    const ready = await page.evaluate(async ({ server, SDKAppID, userSig }) => {
      const TIM = (window as unknown as { TIM: typeof NodeTIM }).TIM;
      const tim = TIM.create({ SDKAppID, server });
      await tim.login({ userID: 'web-tim', userSig });
      const ok = tim.isReady();
      await tim.logout();
      return { ok, event: TIM.EVENT.MESSAGE_RECEIVED };
    }, { server: srv.url, SDKAppID: srv.sdkAppId, userSig: srv.sig('web-tim') });
    expect(ready).toEqual({ ok: true, event: 'onMessageReceived' });
    await page.close();
  });
});
