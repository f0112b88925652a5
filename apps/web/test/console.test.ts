import { verifyUserSig } from '@parley/usersig';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../packages/server/test/support/test-server.ts';
import { browserAvailable, bubbles, launch, openPage, shotPath, signIn, startDemoServer, until, type UserPage } from './support.ts';

describe.skipIf(!browserAvailable())('console in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages: UserPage[] = [];

  beforeAll(async () => {
    t = await startDemoServer();
    browser = await launch();
  });
  afterAll(async () => {
    for (const p of pages) await p.context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  it('creates an app, generates a sig, and sends a message through the API tester that arrives in a chat pane', async () => {
    const alice = await openPage(browser, t.url);
    const bob = await openPage(browser, t.url);
    pages.push(alice, bob);
    await signIn(alice, 'alice');
    await signIn(bob, 'bob');

    const c = await openPage(browser, `${t.url}/console`, { width: 1280, height: 900 });
    pages.push(c);
    const page = c.page;
    // A wrong key is refused; the right one signs in.
    await page.getByTestId('signin-appid').fill(String(t.sdkAppId));
    await page.getByTestId('signin-key').fill('0'.repeat(64));
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('signin-error').waitFor();
    await page.getByTestId('signin-key').fill(t.secretKey);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('app-id').waitFor();
    expect(await page.getByTestId('app-id').textContent()).toBe(String(t.sdkAppId));
    // The key is hidden until asked for.
    expect(await page.getByTestId('secret-key').textContent()).not.toContain(t.secretKey);
    await page.getByTestId('show-key').click();
    await until(async () => (await page.getByTestId('secret-key').textContent()) === t.secretKey, 'the key to show');

    // Create an app: it is listed, with its own SDKAppID and key.
    await page.getByTestId('create-app-name').fill('shop');
    await page.getByTestId('create-app-submit').click();
    await page.getByTestId('created-app').waitFor();
    const newId = Number(await page.getByTestId('created-app-id').textContent());
    expect(newId).toBeGreaterThan(1_400_000_000);
    expect(newId).not.toBe(t.sdkAppId);
    expect(await t.server.core.store.getApp(newId)).toMatchObject({ name: 'shop' });
    await page.reload();
    await until(async () => (await page.getByTestId('app-row').count()) === 2, 'both apps in the list');
    expect(await page.locator(`[data-testid="app-select"] option[value="${newId}"]`).count()).toBe(1);
    // The reload kept the selected app (it is in the URL).
    expect(await page.getByTestId('app-select').inputValue()).toBe(String(t.sdkAppId));

    // Generate a UserSig in the test app: it verifies with the app's key.
    await page.getByTestId('tab-usersig').click();
    await page.getByTestId('sig-user').fill('bob');
    await page.getByTestId('sig-generate').click();
    const sig = await until(async () => page.getByTestId('sig-output').inputValue(), 'the generated sig');
    expect(verifyUserSig({ sdkAppId: t.sdkAppId, secretKey: t.secretKey, userId: 'bob', userSig: sig })).toMatchObject({ ok: true });

    // Accounts: alice and bob are online.
    await page.getByTestId('tab-accounts').click();
    await until(async () => (await page.locator('[data-testid="account-row"][data-online="true"]').count()) === 2, 'alice and bob online');

    // API tester: openim/sendmsg from alice to bob.
    await page.getByTestId('tab-tester').click();
    await page.getByTestId('tester-command').selectOption('openim.sendmsg');
    const prefilled = JSON.parse(await page.getByTestId('tester-body').inputValue()) as Record<string, unknown>;
    expect(prefilled).toMatchObject({ To_Account: expect.any(String), MsgBody: expect.any(Array) });
    await until(async () => (await page.getByTestId('tester-usersig').inputValue()).length > 20, 'the admin sig to be filled in');
    const body: Record<string, unknown> = { ...prefilled, SyncOtherMachine: 1, From_Account: 'alice', To_Account: 'bob', MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'Hello from the API tester' } }] };
    delete body['MsgSeq'];
    await page.getByTestId('tester-body').fill(JSON.stringify(body, null, 2));
    await page.getByTestId('tester-send').click();
    await until(async () => (await page.getByTestId('tester-response').textContent())?.includes('"ActionStatus": "OK"'), 'an OK response');
    expect(await page.getByTestId('tester-status').textContent()).toContain('HTTP 200');
    const curl = (await page.getByTestId('tester-curl').textContent()) ?? '';
    expect(curl).toContain(`curl -X POST '${t.url}/v4/openim/sendmsg?sdkappid=${t.sdkAppId}&identifier=administrator&usersig=`);
    expect(curl).toContain('&contenttype=json');
    expect(curl).toContain(`-d '${JSON.stringify(body)}'`);
    await page.screenshot({ path: shotPath('console-api-tester') });

    // The message arrives in bob's chat.
    const conv = bob.page.locator('[data-testid="conversation"][data-peer="alice"]');
    await until(async () => (await conv.getByTestId('unread').textContent()) === '1', 'the unread badge at bob');
    await conv.click();
    await until(async () => (await bubbles(bob)).some((b) => b.text === 'Hello from the API tester' && b.flow === 'in'), 'the message in bob\'s pane');
    // SyncOtherMachine 1: alice's signed-in page gets it too, as her own message.
    await alice.page.locator('[data-testid="conversation"][data-peer="bob"]').click();
    await until(async () => (await bubbles(alice)).some((b) => b.text === 'Hello from the API tester' && b.flow === 'out'), 'the message in alice\'s pane');

    // Live numbers and the pair's history in the admin view.
    await page.getByTestId('tab-overview').click();
    await until(async () => Number(await page.getByTestId('stat-stored').textContent()) >= 1, 'stored messages');
    expect(Number(await page.getByTestId('stat-online').textContent())).toBe(2);
    await page.screenshot({ path: shotPath('console-overview') });
    await page.getByTestId('tab-history').click();
    await page.getByTestId('history-a').fill('alice');
    await page.getByTestId('history-b').fill('bob');
    await page.getByTestId('history-load').click();
    await until(async () => (await page.getByTestId('history-message').count()) === 1, 'the pair history');
    expect(await page.getByTestId('history-message').textContent()).toContain('Hello from the API tester');
    expect(c.errors).toEqual([]);
  });

  it('finds an account by search and kicks it: its chat page shows why, the other stays signed in', async () => {
    const dave = await openPage(browser, t.url);
    const erin = await openPage(browser, t.url);
    pages.push(dave, erin);
    await signIn(dave, 'dave');
    await signIn(erin, 'erin');
    const c = await openPage(browser, `${t.url}/console`);
    pages.push(c);
    const page = c.page;
    const key = (await t.server.core.store.getApp(t.sdkAppId))!.secretKey;
    await page.getByTestId('signin-appid').fill(String(t.sdkAppId));
    await page.getByTestId('signin-key').fill(key);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('tab-accounts').click();
    const rows = page.getByTestId('account-row');
    await until(async () => (await rows.count()) >= 2, 'the account list');
    // Search by a part of the userID: only dave's row is left.
    await page.getByTestId('accounts-search').fill('av');
    await page.getByTestId('accounts-search').press('Enter');
    await until(async () => (await rows.count()) === 1 && (await rows.first().getAttribute('data-user')) === 'dave', 'only dave listed');
    expect(await rows.first().getAttribute('data-online')).toBe('true');
    await rows.first().getByTestId('kick').click();
    // Dave's page is told his app's back end signed him out; the console shows him offline.
    await dave.page.getByTestId('kicked').waitFor();
    expect(await dave.page.getByTestId('kicked').textContent()).toContain("The app's back end signed dave out.");
    await until(async () => (await rows.first().getAttribute('data-online')) === 'false', 'dave offline in the console');
    // Erin, not kicked, is still online and still searchable.
    await page.getByTestId('accounts-search').fill('erin');
    await page.getByTestId('accounts-search').press('Enter');
    await until(async () => (await rows.count()) === 1 && (await rows.first().getAttribute('data-online')) === 'true', 'erin online');
    expect(await erin.page.getByTestId('kicked').count()).toBe(0);
    expect(c.errors).toEqual([]);
  });

  it('rotates the key with a warning, after which old sigs are refused', async () => {
    const c = await openPage(browser, `${t.url}/console`);
    pages.push(c);
    const page = c.page;
    await page.getByTestId('signin-appid').fill(String(t.sdkAppId));
    await page.getByTestId('signin-mode-sig').click();
    await page.getByTestId('signin-identifier').fill('administrator');
    await page.getByTestId('signin-usersig').fill(t.sig('administrator', 600));
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('rotate-key').click();
    expect(await page.getByTestId('rotate-warning').textContent()).toContain('stops working');
    const oldSig = t.sig('carol');
    await page.getByTestId('rotate-confirm').click();
    await until(async () => {
      const shown = await page.getByTestId('secret-key').textContent();
      return shown && /^[0-9a-f]{64}$/.test(shown) && shown !== t.secretKey;
    }, 'the new key');
    const app = await t.server.core.store.getApp(t.sdkAppId);
    expect(await page.getByTestId('secret-key').textContent()).toBe(app!.secretKey);
    // The demo back end signs with the new key, so the chat keeps working; a sig from the old key does not.
    const p = await openPage(browser, t.url);
    pages.push(p);
    await signIn(p, 'carol');
    await p.page.getByTestId('new-chat-peer').waitFor();
    expect(verifyUserSig({ sdkAppId: t.sdkAppId, secretKey: app!.secretKey, userId: 'carol', userSig: oldSig }).ok).toBe(false);
  });
});
