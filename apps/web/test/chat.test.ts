import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../packages/server/test/support/test-server.ts';
import { browserAvailable, bubbles, launch, openChat, openPage, send, shotPath, signIn, startDemoServer, until, type UserPage } from './support.ts';

describe.skipIf(!browserAvailable())('web chat in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages: UserPage[] = [];
  const open = async (viewport?: { width: number; height: number }) => {
    const p = await openPage(browser, t.url, viewport);
    pages.push(p);
    return p;
  };

  beforeAll(async () => {
    t = await startDemoServer();
    browser = await launch();
  });
  afterAll(async () => {
    for (const p of pages) await p.context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  it('alice and bob exchange 20 messages each way with unread badge, read marker, reload and a server restart', async () => {
    const alice = await open();
    const bob = await open();
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');

    // alice starts the chat; bob sees the conversation with an unread badge, opens it and the badge clears.
    await openChat(alice, 'bob');
    await send(alice, 'a→b 1');
    const conv = bob.page.locator('[data-testid="conversation"][data-peer="alice"]');
    await expect.poll(() => conv.getByTestId('unread').textContent(), { timeout: 30_000 }).toBe('1');
    await conv.click();
    await bob.page.getByTestId('message-input').waitFor();
    await until(async () => (await conv.getByTestId('unread').count()) === 0, 'the unread badge to clear');

    await send(bob, 'b→a 1');
    for (let i = 2; i <= 20; i++) {
      await send(alice, `a→b ${i}`);
      await send(bob, `b→a ${i}`);
    }

    const all = (bs: { status: string; flow: string }[]) => bs.length === 40 && bs.every((b) => b.flow === 'in' || b.status === 'sent');
    const atAlice = await until(async () => {
      const bs = await bubbles(alice);
      return all(bs) && bs;
    }, "alice's pane to show 40 sent messages");
    const atBob = await until(async () => {
      const bs = await bubbles(bob);
      return all(bs) && bs;
    }, "bob's pane to show 40 messages");

    // Both panes show the same 40 messages in the same (server) order, each sender's in send order.
    const texts = atAlice.map((b) => b.text);
    expect(atBob.map((b) => b.text)).toEqual(texts);
    expect(texts.filter((x) => x.startsWith('a→b'))).toEqual(Array.from({ length: 20 }, (_, i) => `a→b ${i + 1}`));
    expect(texts.filter((x) => x.startsWith('b→a'))).toEqual(Array.from({ length: 20 }, (_, i) => `b→a ${i + 1}`));
    for (const b of atAlice) expect(b.flow).toBe(b.text.startsWith('a→b') ? 'out' : 'in');
    for (const b of atBob) expect(b.flow).toBe(b.text.startsWith('b→a') ? 'out' : 'in');

    // bob has the chat open, so alice's messages show as read.
    await until(async () => (await bubbles(alice)).filter((b) => b.flow === 'out').every((b) => b.read === 'true'), 'the read marker on all of alice\'s messages');
    expect(await alice.page.getByTestId('read-marker').last().textContent()).toBe('Read');

    // A reload keeps history: bob signs in again by himself and scrolls up through all 40.
    await bob.page.reload();
    await bob.page.locator('[data-testid="conversation"][data-peer="alice"]').click();
    await until(async () => (await bubbles(bob)).length > 0, 'history after reload');
    const afterReload = await until(async () => {
      const n = (await bubbles(bob)).length;
      if (n >= 40) return bubbles(bob);
      await bob.page.getByTestId('messages').evaluate((el) => {
        el.scrollTop = 0;
      });
      return undefined;
    }, 'older messages to load on scrolling up');
    expect(afterReload.map((b) => b.text)).toEqual(texts);

    // The server goes down and comes back: the banner shows reconnecting, then offline, then
    // connected, and what alice sent meanwhile arrives once.
    for (const p of [alice, bob]) {
      await p.page.getByTestId('conn-status').evaluate((el) => {
        const w = window as unknown as { connStates: string[] };
        w.connStates = [el.getAttribute('data-state') ?? ''];
        new MutationObserver(() => {
          const s = document.querySelector('[data-testid="conn-status"]')?.getAttribute('data-state') ?? '';
          if (w.connStates[w.connStates.length - 1] !== s) w.connStates.push(s);
        }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
      });
    }
    await t.server.close();
    await alice.page.locator('[data-testid="conn-status"]:not([data-state="connected"])').waitFor();
    await send(alice, 'during the restart 1');
    await send(alice, 'during the restart 2');
    expect((await bubbles(alice)).slice(-2).map((b) => b.status)).toEqual(['sending', 'sending']);
    // Still down after a few attempts: the banner says so, and that nothing typed is lost.
    for (const p of [alice, bob]) {
      const offline = p.page.locator('[data-testid="conn-status"][data-state="offline"]');
      await offline.waitFor({ timeout: 30_000 });
      expect(await offline.textContent()).toContain('messages will be sent when the connection is back');
    }
    await t.restart();
    for (const p of [alice, bob]) {
      await p.page.locator('[data-testid="conn-status"][data-state="connected"]').waitFor({ timeout: 60_000 });
      const states = await p.page.evaluate(() => (window as unknown as { connStates: string[] }).connStates);
      expect(states[0]).toBe('connected');
      expect(states[1]).toBe('reconnecting');
      expect(states).toContain('offline');
      expect(states.at(-1)).toBe('connected');
    }
    const final = await until(async () => {
      const bs = await bubbles(bob);
      return bs.filter((b) => b.text.startsWith('during the restart')).length >= 2 && bs;
    }, 'the messages sent during the restart to reach bob');
    await new Promise((r) => setTimeout(r, 1000));
    const again = await bubbles(bob);
    expect(again.filter((b) => b.text === 'during the restart 1')).toHaveLength(1);
    expect(again.filter((b) => b.text === 'during the restart 2')).toHaveLength(1);
    expect(again.length).toBe(final.length);
    await until(async () => (await bubbles(alice)).slice(-2).every((b) => b.status === 'sent'), 'alice\'s queued messages to be sent');
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('another page signing in as the same user shows the first one the kicked screen', async () => {
    const first = await open();
    await signIn(first, 'kim');
    await first.page.getByTestId('new-chat-peer').waitFor();
    const second = await open();
    await signIn(second, 'kim');
    await first.page.getByTestId('kicked').waitFor();
    expect(await first.page.getByTestId('kicked').textContent()).toContain('kim');
    await second.page.getByTestId('new-chat-peer').waitFor();
    expect(await second.page.getByTestId('kicked').count()).toBe(0);
  });

  it('marks a send that fails for good as failed and sends it on retry, once', async () => {
    const p = await open();
    await signIn(p, 'quinn');
    await openChat(p, 'nobody-yet');
    await send(p, 'are you there?');
    const bubble = p.page.locator('[data-testid="message"]').last();
    await until(async () => (await bubble.getAttribute('data-status')) === 'failed', 'the send to an unknown account to fail');
    // The account appears (first login), and the retry goes through with the same message.
    const other = await open();
    await signIn(other, 'nobody-yet');
    await p.page.getByTestId('retry').click();
    await until(async () => (await bubble.getAttribute('data-status')) === 'sent', 'the retried send');
    await other.page.locator('[data-testid="conversation"][data-peer="quinn"]').click();
    await until(async () => (await bubbles(other)).length === 1, 'the message at the recipient');
    await new Promise((r) => setTimeout(r, 500));
    expect((await bubbles(other)).map((b) => b.text)).toEqual(['are you there?']);
    expect((await bubbles(p)).map((b) => b.text)).toEqual(['are you there?']);
  });

  it('shows HTML in messages and names as text and runs nothing', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const sender = await open();
    const receiver = await open();
    await signIn(sender, 'mallory');
    await signIn(receiver, evil);
    await openChat(sender, evil);
    await send(sender, evil);
    await send(sender, '<script>alert(2)</script><b>bold?</b>');
    const conv = receiver.page.locator('[data-testid="conversation"][data-peer="mallory"]');
    await conv.click();
    await until(async () => (await bubbles(receiver)).length === 2, 'both messages at the receiver');
    expect((await bubbles(receiver)).map((b) => b.text)).toEqual([evil, '<script>alert(2)</script><b>bold?</b>']);
    expect(await receiver.page.getByTestId('me').textContent()).toBe(evil);
    expect(await sender.page.locator('[data-testid="conversation"]').first().textContent()).toContain(evil);
    // Nothing was parsed as markup: no <img>, <script> or <b> inside the app, and no dialog opened.
    for (const p of [sender, receiver]) {
      expect(await p.page.locator('#app img, #app script, #app b').count()).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(p.dialogs).toEqual([]);
      expect(p.errors).toEqual([]);
    }
  });

  it('works on a phone-sized screen and recalls a message on both sides', async () => {
    const phone = await open({ width: 390, height: 844 });
    const peer = await open();
    const lee = await open();
    await signIn(peer, 'pat');
    await signIn(phone, 'sam');
    await signIn(lee, 'lee');
    await openChat(peer, 'sam');
    await send(peer, 'Hi Sam! Are we still on for lunch tomorrow?');
    await phone.page.locator('[data-testid="conversation"][data-peer="pat"]').click();
    await send(phone, 'Yes, 12:30 at the usual place.');
    await send(peer, 'Great, see you there. I will book a table for three.');
    await send(phone, 'Perfect, thanks!');
    await until(async () => (await bubbles(phone)).length === 4 && (await bubbles(phone)).every((b) => b.status === 'sent' || b.flow === 'in'), 'four messages on the phone');
    await openChat(lee, 'pat');
    await send(lee, 'Can you send me the slides from this morning?');
    await until(async () => (await peer.page.locator('[data-testid="conversation"][data-peer="lee"] [data-testid="unread"]').count()) === 1, 'lee\'s unread badge at pat');
    await until(async () => (await bubbles(peer)).filter((b) => b.flow === 'out').slice(-1)[0]?.read === 'true', 'pat\'s last message read by sam');
    await peer.page.screenshot({ path: shotPath('chat-desktop') });
    // One column: the list is hidden while a chat is open, and nothing overflows sideways.
    expect(await phone.page.locator('.sidebar').isVisible()).toBe(false);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.page.screenshot({ path: shotPath('chat-phone') });

    // Recall: tap the own bubble, then Recall; both sides show it as recalled.
    await send(phone, 'oops, wrong chat');
    await until(async () => (await bubbles(phone)).slice(-1)[0]?.status === 'sent', 'the message to be sent');
    const last = phone.page.locator('[data-testid="message"][data-flow="out"]').last();
    await last.click();
    await phone.page.getByTestId('recall').last().click();
    await until(async () => (await last.getAttribute('data-revoked')) === 'true', 'the recall at the sender');
    await until(
      async () => (await peer.page.locator('[data-testid="message"][data-revoked="true"]').count()) === 1,
      'the recall at the peer',
    );
    expect(await peer.page.getByText('oops, wrong chat').count()).toBe(0);

    await phone.page.getByLabel('Back to conversations').click();
    await phone.page.locator('[data-testid="conversation"][data-peer="pat"]').waitFor();
  });
});
