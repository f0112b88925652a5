/**
 * The demo mini program's real page logic (login → conversations → chat) in
 * miniprogram-simulate, its `wx.connectSocket` / `wx.request` bridged to a real Parley server
 * started in demo mode. The peer is a Node TIM v2 client.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWxBridge } from '../../../packages/sdk/test/support/wx-bridge.ts';
import type { WxBridge } from '../../../packages/sdk/test/support/wx-bridge.ts';
import { TIM } from '../../../packages/sdk/src/node.ts';
import type { Message, TimClient } from '../../../packages/sdk/src/node.ts';
import { startTestServer } from '../../../packages/server/test/support/test-server.ts';
import type { TestServer } from '../../../packages/server/test/support/test-server.ts';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../test-results/', import.meta.url));

interface SimComponent {
  instance: Record<string, (...a: unknown[]) => unknown> & { data: Record<string, unknown> };
  data: Record<string, unknown>;
  attach(parent: Element): void;
  querySelector(sel: string): { dispatchEvent(name: string, opts?: object): void; dom: HTMLElement } | null;
  querySelectorAll(sel: string): { dispatchEvent(name: string, opts?: object): void; dom: HTMLElement }[];
}
interface Simulate {
  load(path: string, opts: object): string;
  render(id: string, props?: object): SimComponent;
  sleep(ms: number): Promise<void>;
}

let srv: TestServer;
let bridge: WxBridge;
let simulate: Simulate;
let outDir: string;
const nav: string[] = [];

async function until<T>(check: () => T | undefined | false | null, ms = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function page(name: string): SimComponent {
  const id = simulate.load(join(root, 'pages', name, name), { compiler: 'simulate', rootPath: root });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  outDir = mkdtempSync(join(RESULTS, 'miniprogram-sdk-'));
  // In a child process: esbuild does not run inside the jsdom environment.
  execFileSync(process.execPath, [fileURLToPath(new URL('../../../packages/sdk/scripts/build.mjs', import.meta.url)), '--out', outDir, '--no-types'], { stdio: 'pipe' });
  copyFileSync(join(outDir, 'webim_wx.min.js'), join(root, 'utils', 'webim_wx.min.js'));
  srv = await startTestServer({ config: { demo: true, longPollHoldSeconds: 2 } });
  bridge = createWxBridge();
  // The mini program's host API: the network calls reach the server; navigation is recorded.
  Object.assign(bridge.wx, {
    redirectTo: (o: { url: string }) => nav.push(o.url),
    navigateTo: (o: { url: string }) => nav.push(o.url),
    reLaunch: (o: { url: string }) => nav.push(o.url),
    setNavigationBarTitle: () => {},
    showToast: () => {},
  });
  (globalThis as { wx?: unknown }).wx = bridge.wx;
  // The one line that says where the server is.
  (require(join(root, 'utils', 'config.js')) as { serverUrl: string }).serverUrl = srv.url;
  // miniprogram-simulate renders into a DOM: give it jsdom's window and document (the server in
  // this process keeps Node's own globals, which a jsdom test environment would replace).
  // jsdom ships no types; the two members used here are typed by hand.
  const { JSDOM } = require('jsdom') as { JSDOM: new (html: string, opts: object) => { window: Window & typeof globalThis } };
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { pretendToBeVisual: true });
  const g = globalThis as Record<string, unknown>;
  for (const key of ['window', 'document', 'navigator', 'Node', 'Element', 'HTMLElement', 'getComputedStyle', 'requestAnimationFrame']) {
    if (!(key in g)) g[key] = key === 'window' ? dom.window : (dom.window as unknown as Record<string, unknown>)[key];
  }
  // j-component dispatches DOM events through the global constructors: jsdom's must win.
  g['Event'] = dom.window.Event;
  g['CustomEvent'] = dom.window.CustomEvent;
  simulate = require('miniprogram-simulate') as Simulate;
}, 120_000);

afterAll(async () => {
  bridge?.dispose();
  await srv?.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(join(root, 'utils', 'webim_wx.min.js'), { force: true });
});

describe('the demo mini program', () => {
  it('logs in with a sig from the demo endpoint, lists conversations with unread badges and chats', async () => {
    const bob: TimClient = TIM.create({ SDKAppID: srv.sdkAppId, server: srv.url });
    await bob.login({ userID: 'bob', userSig: srv.sig('bob') });
    const atBob: Message[] = [];
    bob.on(TIM.EVENT.MESSAGE_RECEIVED, (e) => atBob.push(...e.data));

    // Login page: type a user ID, tap "Log in".
    const login = page('login');
    login.querySelector('.field')!.dispatchEvent('input', { detail: { value: 'alice' } });
    await simulate.sleep(0);
    login.querySelector('.login-btn')!.dispatchEvent('tap');
    await until(() => nav.includes('/pages/conversations/conversations'), 15_000, 'redirect to conversations');
    expect(login.data['error']).toBe('');
    for (const text of ['hi alice', 'are you there?']) await bob.sendMessage(bob.createTextMessage({ to: 'alice', conversationType: 'C2C', payload: { text } }));

    // Conversations: bob with an unread badge of 2.
    const convs = page('conversations');
    convs.instance.onLoad!({});
    convs.instance.onShow!();
    await until(() => (convs.data['list'] as unknown[]).length === 1, 10_000, 'the conversation list');
    expect(convs.data['list']).toEqual([{ peer: 'bob', initial: 'B', preview: 'are you there?', unread: 2 }]);
    expect(convs.querySelector('.badge')!.dom.textContent).toBe('2');
    expect(convs.querySelector('.state')!.dom.textContent).toBe('online');

    // Tap it: the chat opens with the history; the badge goes away.
    convs.querySelector('.item')!.dispatchEvent('tap');
    await simulate.sleep(0);
    expect(nav.at(-1)).toBe('/pages/chat/chat?peer=bob');
    const chat = page('chat');
    chat.instance.onLoad!({ peer: 'bob' });
    await until(() => (chat.data['messages'] as unknown[]).length === 2, 10_000, 'history in the chat');
    expect((chat.data['messages'] as { text: string; mine: boolean }[]).map((m) => [m.mine, m.text])).toEqual([
      [false, 'hi alice'],
      [false, 'are you there?'],
    ]);
    expect(chat.querySelectorAll('.bubble').map((b) => b.dom.textContent)).toEqual(['hi alice', 'are you there?']);

    // Send from the composer; bob gets it. Text with markup arrives as webim sends it.
    chat.querySelector('.field')!.dispatchEvent('input', { detail: { value: 'yes, <here>' } });
    await simulate.sleep(0);
    chat.querySelector('.send')!.dispatchEvent('tap');
    await until(() => atBob.length === 1, 10_000, 'bob to receive');
    expect((atBob[0]!.payload as { text: string }).text).toBe('yes, &lt;here&gt;');
    await until(() => (chat.data['messages'] as unknown[]).length === 3, 5_000, 'own message shown');

    // bob answers: the open chat shows it live, and it counts as read.
    await bob.sendMessage(bob.createTextMessage({ to: 'alice', conversationType: 'C2C', payload: { text: 'great' } }));
    await until(() => (chat.data['messages'] as unknown[]).length === 4, 10_000, 'live message in the chat');
    expect((chat.data['messages'] as { text: string }[]).at(-1)!.text).toBe('great');
    const bobConv = async () => (await bob.getConversationList()).data.conversationList.find((c) => c.conversationID === 'C2Calice');
    convs.instance.refresh!();
    await until(() => (convs.data['list'] as { unread: number }[])[0]?.unread === 0, 10_000, 'unread 0 after reading');
    expect(await bobConv()).toBeDefined();
    expect(bridge.stats.maxOpen).toBeLessThanOrEqual(1);
    chat.instance.onUnload!();
    convs.instance.onUnload!();
    await bob.logout();
  });
});
