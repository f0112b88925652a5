/**
 * Old mini-program code, unchanged, against a real server: the webim v1 login snippet in a
 * WeChat-like sandbox, loading the built `webim_wx.min.js`, over WebSocket and over the HTTP
 * long-poll line (WebSocket blocked).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdk } from '../../scripts/build.mjs';
import { createWxBridge, miniProgramLoader } from '../support/wx-bridge.ts';
import type { WxBridge } from '../support/wx-bridge.ts';
import { startTestServer, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

const appRoot = fileURLToPath(new URL('../fixtures/webim-v1-app/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../../test-results/', import.meta.url));
let outDir: string;

beforeAll(async () => {
  // Inside the repository (test-results/ is git-ignored) so the Node build resolves `ws`.
  mkdirSync(RESULTS, { recursive: true });
  outDir = mkdtempSync(join(RESULTS, 'sdk-dist-'));
  await buildSdk({ quiet: true, types: false, outDir });
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

interface SeenMsg {
  from: string;
  session: string;
  isSend: boolean;
  text: string;
  seq: number;
  time: number;
}
interface V1Msg {
  getElems(): { getContent(): { getText(): string } }[];
  getFromAccount(): string;
}
interface Page {
  im: {
    checkLogin(): boolean;
    getC2CHistoryMsgs(o: object, ok: (r: { Complete: number; MsgCount: number; LastMsgTime: number; MsgKey: string; MsgList: V1Msg[] }) => void, err: (e: unknown) => void): void;
    MsgStore: { sessByTypeId(t: string, id: string): { unread(): number } | undefined; sessCount(): number };
    logout(ok?: () => void, err?: (e: unknown) => void): void;
  };
  seen: { conn: string[]; msgs: SeenMsg[]; kicked: number; loginResp: Record<string, unknown> | null; loginErr: unknown };
  login(info: object, done: (err?: unknown) => void): void;
  sendText(to: string, text: string, done: (err: unknown, msg?: unknown, resp?: Record<string, unknown>) => void): void;
  config: Record<string, unknown>;
}

/** One device: a sandbox with its own `wx`, running the page. */
function device(srv: TestServer, userId: string, nick: string, blockSocket: boolean): { page: Page; bridge: WxBridge } {
  const bridge = createWxBridge({ blockSocket });
  const load = miniProgramLoader(bridge.wx, { [resolve(appRoot, 'utils/webim_wx.min.js')]: join(outDir, 'webim_wx.min.js') });
  const config = load(resolve(appRoot, 'config.js')) as Record<string, unknown>;
  Object.assign(config, { serverUrl: srv.url, sdkAppID: srv.sdkAppId, identifier: userId, identifierNick: nick, userSig: srv.sig(userId) });
  const page = load(resolve(appRoot, 'pages/index/index.js')) as Page;
  return { page, bridge };
}

const login = (p: Page) =>
  new Promise<void>((ok, fail) => p.login(p.config, (err) => (err ? fail(new Error(JSON.stringify(err))) : ok())));
const send = (p: Page, to: string, text: string) =>
  new Promise<Record<string, unknown>>((ok, fail) => p.sendText(to, text, (err, _m, resp) => (err ? fail(new Error(JSON.stringify(err))) : ok(resp!))));
const history = (p: Page, o: object) =>
  new Promise<{ Complete: number; MsgCount: number; LastMsgTime: number; MsgKey: string; MsgList: V1Msg[] }>((ok, fail) => p.im.getC2CHistoryMsgs(o, ok, fail));
const textOf = (m: V1Msg) => m.getElems().map((e) => e.getContent().getText()).join('');

describe.each([
  ['websocket', false],
  ['long-poll', true],
] as const)('webim_wx.min.js in a WeChat sandbox over %s', (_name, blockSocket) => {
  let srv: TestServer;
  const bridges: WxBridge[] = [];
  beforeAll(async () => {
    srv = await startTestServer({ config: { longPollHoldSeconds: 2 } });
  });
  afterAll(async () => {
    for (const b of bridges) b.dispose();
    await srv?.close();
  });

  it('logs in with the snippet, exchanges messages, survives a server restart, pages history and is kicked by a second device', async () => {
    const alice = device(srv, 'alice', 'Alice', blockSocket);
    const bob = device(srv, 'bob', 'Bob', blockSocket);
    bridges.push(alice.bridge, bob.bridge);
    const a = alice.page;
    const b = bob.page;

    expect(a.im.checkLogin()).toBe(false);
    await login(a);
    await login(b);
    expect(a.seen.loginErr).toBeNull();
    expect(a.seen.loginResp).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: 'login success', identifierNick: 'Alice' });
    expect(a.im.checkLogin()).toBe(true);
    await waitFor(() => a.seen.conn.length > 0 && b.seen.conn.length > 0, 5_000, 'ON');
    expect(a.seen.conn).toEqual(['ON']);
    expect(b.seen.conn).toEqual(['ON']);

    // sendMsg → the peer's onMsgNotify, in order; text is HTML-escaped as webim does.
    const resp = await send(a, 'bob', 'hello bob');
    expect(resp).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    await send(a, 'bob', '<b>"bold"</b>');
    await waitFor(() => b.seen.msgs.length >= 2, 10_000, 'bob to get 2');
    expect(b.seen.msgs.map((m) => m.text)).toEqual(['hello bob', '&lt;b&gt;&quot;bold&quot;&lt;/b&gt;']);
    expect(b.seen.msgs[0]).toMatchObject({ from: 'alice', session: 'alice', isSend: false });
    expect(b.im.MsgStore.sessByTypeId('C2C', 'alice')?.unread()).toBe(2);
    await send(b, 'alice', 'hi alice');
    await waitFor(() => a.seen.msgs.length >= 1, 10_000, 'alice to get 1');
    expect(a.seen.msgs.map((m) => [m.from, m.text])).toEqual([['bob', 'hi alice']]);
    // Unread follows the server's count, and sending counts as having read what came before.
    await waitFor(() => b.im.MsgStore.sessByTypeId('C2C', 'alice')?.unread() === 0, 5_000, "bob's unread to clear with his reply");

    // The server stops: OFF. A message sent meanwhile waits. The server is back: RECONNECT,
    // and the waiting message arrives once.
    await srv.server.close();
    await waitFor(() => a.seen.conn.includes('OFF') && b.seen.conn.includes('OFF'), 15_000, 'OFF');
    let queued: Promise<Record<string, unknown>> | undefined = send(a, 'bob', 'sent while down');
    await srv.restart();
    await waitFor(() => a.seen.conn.includes('RECONNECT') && b.seen.conn.includes('RECONNECT'), 40_000, 'RECONNECT');
    expect(a.seen.conn).toEqual(['ON', 'OFF', 'RECONNECT']);
    expect(b.seen.conn).toEqual(['ON', 'OFF', 'RECONNECT']);
    await queued;
    queued = undefined;
    await waitFor(() => b.seen.msgs.length >= 3, 15_000, 'the queued message');
    await new Promise((r) => setTimeout(r, 300));
    expect(b.seen.msgs.map((m) => m.text)).toEqual(['hello bob', '&lt;b&gt;&quot;bold&quot;&lt;/b&gt;', 'sent while down']);

    // History pages back, 15 at a time, oldest first within a page.
    const more = Array.from({ length: 20 }, (_, i) => `more ${i}`);
    for (const t of more) await send(a, 'bob', t);
    await waitFor(() => b.seen.msgs.length >= 23, 15_000, 'bob to get 23');
    const first = await history(b, { Peer_Account: 'alice', MaxCnt: 15, LastMsgTime: 0, MsgKey: '' });
    expect(first.Complete).toBe(0);
    expect(first.MsgList.map(textOf)).toEqual(more.slice(5));
    const second = await history(b, { Peer_Account: 'alice', MaxCnt: 15, LastMsgTime: first.LastMsgTime, MsgKey: first.MsgKey });
    expect(second.Complete).toBe(1);
    expect(second.MsgList.map(textOf)).toEqual(['hello bob', '&lt;b&gt;&quot;bold&quot;&lt;/b&gt;', 'hi alice', 'sent while down', ...more.slice(0, 5)]);
    expect(second.MsgList.map((m) => m.getFromAccount())).toEqual(['alice', 'alice', 'bob', 'alice', 'alice', 'alice', 'alice', 'alice', 'alice']);

    // The same user logs in on another device of the same kind: the first is kicked.
    const bob2 = device(srv, 'bob', 'Bob', blockSocket);
    bridges.push(bob2.bridge);
    await login(bob2.page);
    await waitFor(() => b.seen.kicked === 1, 10_000, 'onKickedEventCall');
    expect(b.im.checkLogin()).toBe(false);
    expect(bob2.page.im.checkLogin()).toBe(true);

    // WeChat allows 5 sockets per mini program: never more than one open here.
    for (const d of [alice, bob, bob2]) expect(d.bridge.stats.maxOpen).toBeLessThanOrEqual(1);
    if (blockSocket) expect(alice.bridge.stats.requests).toBeGreaterThan(0);
    await new Promise<void>((r) => a.im.logout(() => r(), () => r()));
    await new Promise<void>((r) => bob2.page.im.logout(() => r(), () => r()));
  });
});
