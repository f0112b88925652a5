/**
 * Browser-test helpers: Debian's Chromium driven by playwright-core (no browser download),
 * a real Parley server in demo mode, and page helpers keyed on the data-testid hooks.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../../packages/server/test/support/test-server.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots go (test-results/ is git-ignored; CI keeps it as an artifact). */
export const SHOTS = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));

/**
 * Whether the browser tests can run. Under CI a missing Chromium is a failure (.ci/run
 * installs it), locally the tests skip with a loud message.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI']) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (.ci/run does)`);
  console.warn(`\n!!! SKIPPING browser tests: ${CHROMIUM} not found (apt-get install chromium) !!!\n`);
  return false;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export async function startDemoServer(): Promise<TestServer> {
  return startTestServer({ config: { demo: true } });
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Messages of alert/confirm/prompt dialogs the page opened (a script ran if any). */
  dialogs: string[];
  errors: string[];
}

/** A fresh browser context (own storage and cookies) with one page at `url`. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 800 }): Promise<UserPage> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { context, page, dialogs, errors };
}

/** Sign in on the chat page through the demo flow. */
export async function signIn(p: UserPage, userID: string): Promise<void> {
  await p.page.getByTestId('login-user').fill(userID);
  await p.page.getByTestId('login-submit').click();
  await p.page.getByTestId('conn-status').waitFor();
}

export async function openChat(p: UserPage, peer: string): Promise<void> {
  await p.page.getByTestId('new-chat-peer').fill(peer);
  await p.page.getByTestId('new-chat-open').click();
  await p.page.getByTestId('message-input').waitFor();
}

/** Type and press Enter. */
export async function send(p: UserPage, text: string): Promise<void> {
  const input = p.page.getByTestId('message-input');
  await input.fill(text);
  await input.press('Enter');
}

export interface Bubble {
  text: string;
  flow: string;
  status: string;
  read: string;
}

export async function bubbles(p: UserPage): Promise<Bubble[]> {
  return p.page.$$eval('[data-testid="message"]', (els) =>
    els.map((e) => ({
      text: e.querySelector('.text')?.textContent ?? '',
      flow: e.getAttribute('data-flow') ?? '',
      status: e.getAttribute('data-status') ?? '',
      read: e.getAttribute('data-read') ?? '',
    })),
  );
}

/** Poll until `check` returns a truthy value. */
export async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function shotPath(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return `${SHOTS}${name}.png`;
}
