import { genUserSig, verifyUserSig } from '@parley/usersig';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** A console client that keeps its cookies, as the browser does. */
class ConsoleClient {
  readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.base}/console/api${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const [k = '', v = ''] = pair.split('=');
      if (/Max-Age=0/.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
}

let rnd = 1;
const sendText = (c: RawClient, to: string, text: string) =>
  c.request('openim.sendmsg', { To_Account: to, MsgRandom: rnd++, MsgSeq: rnd, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] });
async function loginOk(c: RawClient, sdkAppId: number, userId: string, sig: string): Promise<void> {
  const r = await c.login(sdkAppId, userId, sig);
  expect(r.body.ErrorCode ?? 0, JSON.stringify(r.body)).toBe(0);
}
async function loginCode(wsUrl: string, sdkAppId: number, userId: string, sig: string): Promise<number> {
  const c = await RawClient.connect(wsUrl);
  const r = await c.login(sdkAppId, userId, sig);
  c.close();
  return r.body.ErrorCode ?? 0;
}

describe('console API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('signs in with the secret key or an admin UserSig, and refuses anything else', async () => {
    const c = new ConsoleClient(t.url);
    expect((await c.call('POST', '/signin', { sdkAppId: t.sdkAppId, secretKey: 'nope' })).status).toBe(403);
    expect((await c.call('POST', '/signin', { sdkAppId: t.sdkAppId, identifier: 'alice', userSig: t.sig('alice') })).status).toBe(403);
    expect((await c.call('POST', '/signin', { sdkAppId: t.sdkAppId, identifier: 'administrator', userSig: 'garbage' })).status).toBe(401);
    expect(c.cookies.size).toBe(0);
    expect((await c.call('GET', `/apps/${t.sdkAppId}`)).status).toBe(403);

    const bySig = await c.call('POST', '/signin', { sdkAppId: t.sdkAppId, identifier: 'administrator', userSig: t.sig('administrator', 600) });
    expect(bySig.status).toBe(200);
    expect(JSON.stringify(bySig.body)).not.toContain(t.secretKey);
    const session = bySig.body['session'] as { expiresAt: number };
    // A session never outlives the sig it was made from.
    expect(session.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
    const shown = await c.call('GET', `/apps/${t.sdkAppId}`);
    expect((shown.body['app'] as { secretKey: string }).secretKey).toBe(t.secretKey);

    const byKey = new ConsoleClient(t.url);
    expect((await byKey.call('POST', '/signin', { sdkAppId: t.sdkAppId, secretKey: t.secretKey })).status).toBe(200);
    expect((await byKey.call('GET', '/apps')).body['apps']).toMatchObject([{ sdkAppId: t.sdkAppId, name: 'test' }]);
    await byKey.call('POST', '/signout', { sdkAppId: t.sdkAppId });
    expect((await byKey.call('GET', `/apps/${t.sdkAppId}`)).status).toBe(403);
  });

  it('lists the REST admin commands with example bodies for the API tester', async () => {
    const r = await new ConsoleClient(t.url).call('GET', '/rest-commands');
    const commands = r.body['commands'] as { name: string; example: Record<string, unknown> }[];
    const send = commands.find((c) => c.name === 'openim.sendmsg');
    expect(send?.example).toMatchObject({ To_Account: expect.any(String), MsgBody: expect.any(Array) });
    expect(commands.length).toBeGreaterThan(5);
  });

  it('refuses cross-origin and non-JSON writes', async () => {
    const c = new ConsoleClient(t.url);
    const res = await c.call('POST', '/signin', { sdkAppId: t.sdkAppId, secretKey: t.secretKey }, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    const form = await fetch(`${t.url}/console/api/signin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(form.status).toBe(400);
  });

  it('creates an app whose key only its own admin sees, and scopes every query to the app', async () => {
    const c = new ConsoleClient(t.url);
    expect((await c.call('POST', '/apps', { name: 'nobody' })).status).toBe(403);
    await c.call('POST', '/signin', { sdkAppId: t.sdkAppId, secretKey: t.secretKey });
    const created = await c.call('POST', '/apps', { name: 'second' });
    expect(created.status).toBe(200);
    const app = created.body['app'] as { sdkAppId: number; secretKey: string; adminIdentifier: string };
    expect(app.adminIdentifier).toBe('administrator');
    expect((await c.call('GET', '/apps')).body['apps']).toHaveLength(2);

    // Another admin, signed in to the test app only, cannot read the new app.
    const other = new ConsoleClient(t.url);
    await other.call('POST', '/signin', { sdkAppId: t.sdkAppId, secretKey: t.secretKey });
    for (const path of ['', '/accounts', '/stats', '/history?a=x&b=y']) {
      const r = await other.call('GET', `/apps/${app.sdkAppId}${path}`);
      expect(r.status, path).toBe(403);
      expect(JSON.stringify(r.body)).not.toContain(app.secretKey);
    }
    // A forged cookie for the new app (the test app's token under its name) is refused.
    other.cookies.set(`parley_console_${app.sdkAppId}`, other.cookies.get(`parley_console_${t.sdkAppId}`)!);
    expect((await other.call('GET', `/apps/${app.sdkAppId}`)).status).toBe(403);

    // Accounts of one app are not listed in the other.
    const sig = await c.call('POST', `/apps/${app.sdkAppId}/usersig`, { userID: 'zed', expireSeconds: 3600 });
    const zed = await RawClient.connect(t.wsUrl);
    await loginOk(zed, app.sdkAppId, 'zed', sig.body['userSig'] as string);
    const inNew = await c.call('GET', `/apps/${app.sdkAppId}/accounts`);
    expect(inNew.body).toMatchObject({ total: 1, accounts: [{ userID: 'zed', online: true }] });
    const inTest = await c.call('GET', `/apps/${t.sdkAppId}/accounts?search=zed`);
    expect(inTest.body['accounts']).toEqual([]);
    zed.close();
  });

  it('generates UserSigs that verify, with a bounded expiry', async () => {
    const c = new ConsoleClient(t.url);
    await c.call('POST', '/signin', { sdkAppId: t.sdkAppId, secretKey: t.secretKey });
    const r = await c.call('POST', `/apps/${t.sdkAppId}/usersig`, { userID: 'carol', expireSeconds: 120 });
    expect(r.status).toBe(200);
    const v = verifyUserSig({ sdkAppId: t.sdkAppId, secretKey: t.secretKey, userId: 'carol', userSig: r.body['userSig'] as string });
    expect(v).toMatchObject({ ok: true });
    expect((await c.call('POST', `/apps/${t.sdkAppId}/usersig`, { userID: 'carol', expireSeconds: 0 })).status).toBe(400);
    expect((await c.call('POST', `/apps/${t.sdkAppId}/usersig`, { userID: '' })).status).toBe(400);
  });

  it('lists and searches accounts with their online state, kicks one and shows a pair history', async () => {
    const c = new ConsoleClient(t.url);
    await c.call('POST', '/signin', { sdkAppId: t.sdkAppId, secretKey: t.secretKey });
    const ann = await RawClient.connect(t.wsUrl);
    await loginOk(ann, t.sdkAppId, 'ann', t.sig('ann'));
    const ben = await RawClient.connect(t.wsUrl);
    await loginOk(ben, t.sdkAppId, 'ben', t.sig('ben'));
    await sendText(ann, 'ben', 'hello <b>ben</b>');
    await sendText(ben, 'ann', 'hi ann');

    const found = await c.call('GET', `/apps/${t.sdkAppId}/accounts?search=an`);
    expect(found.body['accounts']).toEqual([expect.objectContaining({ userID: 'ann', online: true, instances: 1 })]);

    const history = await c.call('GET', `/apps/${t.sdkAppId}/history?a=ann&b=ben`);
    const messages = history.body['messages'] as { from: string; seq: number; body: { MsgContent: { Text: string } }[] }[];
    expect(messages.map((m) => [m.seq, m.from, m.body[0]!.MsgContent.Text])).toEqual([
      [2, 'ben', 'hi ann'],
      [1, 'ann', 'hello <b>ben</b>'],
    ]);

    const stats = await c.call('GET', `/apps/${t.sdkAppId}/stats`);
    expect(stats.body).toMatchObject({ online: 2, storedMessages: expect.any(Number) });
    expect(stats.body['storedMessages'] as number).toBeGreaterThanOrEqual(2);
    expect(stats.body['series']).toHaveLength(59);

    const closed = ann.waitClosed();
    const kicked = await c.call('POST', `/apps/${t.sdkAppId}/kick`, { userID: 'ann' });
    expect(kicked.body).toMatchObject({ userID: 'ann', kickedOnThisNode: 1 });
    await closed;
    // The sig ann held was invalidated with the kick.
    const heldSig = genUserSig({ sdkAppId: t.sdkAppId, secretKey: t.secretKey, userId: 'ann', now: Math.floor(Date.now() / 1000) - 5 });
    expect(await loginCode(t.wsUrl, t.sdkAppId, 'ann', heldSig)).toBe(70001);
    ben.close();
  });

  it('rotates the key: old sigs stop working, the admin keeps a fresh session', async () => {
    const c = new ConsoleClient(t.url);
    await c.call('POST', '/signin', { sdkAppId: t.sdkAppId, secretKey: t.secretKey });
    const oldSig = t.sig('dora');
    const staleCookie = c.cookies.get(`parley_console_${t.sdkAppId}`)!;
    const r = await c.call('POST', `/apps/${t.sdkAppId}/rotate-key`, {});
    expect(r.status).toBe(200);
    const newKey = r.body['secretKey'] as string;
    expect(newKey).not.toBe(t.secretKey);
    expect((await c.call('GET', `/apps/${t.sdkAppId}`)).status).toBe(200);

    const stale = new ConsoleClient(t.url);
    stale.cookies.set(`parley_console_${t.sdkAppId}`, staleCookie);
    expect((await stale.call('GET', `/apps/${t.sdkAppId}`)).status).toBe(403);

    expect(await loginCode(t.wsUrl, t.sdkAppId, 'dora', oldSig)).toBe(70009);
    expect(await loginCode(t.wsUrl, t.sdkAppId, 'dora', genUserSig({ sdkAppId: t.sdkAppId, secretKey: newKey, userId: 'dora' }))).toBe(0);
  });
});
