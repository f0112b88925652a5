import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { genUserSig } from '@parley/usersig';
import { createApp } from '../../src/apps.ts';
import { RawClient } from '../support/raw-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('WebSocket login (im_open_status.wslogin)', () => {
  it('answers TinyId, A2Key, InstId, TimeStamp and HelloInterval and creates the account', async () => {
    const c = await RawClient.connect(t.wsUrl);
    const r = await c.login(t.sdkAppId, 'login-ok', t.sig('login-ok'));
    expect(r.body).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(r.body.TinyId).toMatch(/^\d+$/);
    expect(typeof r.body.A2Key).toBe('string');
    expect(r.body.InstId).toMatch(/^\d+$/);
    expect(Math.abs((r.body.TimeStamp as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(r.body.HelloInterval).toBe(30);
    expect(r.head).toMatchObject({ servcmd: 'im_open_status.wslogin', seq: 1 });
    expect(await t.server.core.store.getAccount(t.sdkAppId, 'login-ok')).toMatchObject({ userId: 'login-ok', tinyId: Number(r.body.TinyId) });
    c.close();
  });

  it.each([
    ['a wrong key (bad signature)', () => genUserSig({ sdkAppId: t.sdkAppId, secretKey: 'f'.repeat(64), userId: 'u1' }), 70009],
    ['an expired sig', () => genUserSig({ sdkAppId: t.sdkAppId, secretKey: t.secretKey, userId: 'u1', expireSeconds: 10, now: Math.floor(Date.now() / 1000) - 100 }), 70001],
    ['a sig for another user', () => t.sig('someone-else'), 70013],
    ['a sig for another app', () => genUserSig({ sdkAppId: t.sdkAppId + 1, secretKey: t.secretKey, userId: 'u1' }), 70014],
    ['a malformed sig', () => 'not-a-sig', 70003],
    ['an empty sig', () => '', 70002],
  ])('refuses %s with its code', async (_name, makeSig, code) => {
    const c = await RawClient.connect(t.wsUrl);
    const r = await c.login(t.sdkAppId, 'u1', makeSig());
    expect(r.body).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
    // The connection stays usable: a later good login works.
    expect((await c.login(t.sdkAppId, 'u1', t.sig('u1'))).body.ErrorCode).toBe(0);
    c.close();
  });

  it('refuses an unknown SDKAppID with 70020', async () => {
    const c = await RawClient.connect(t.wsUrl);
    const r = await c.login(1400000001 === t.sdkAppId ? 1400000002 : 1400000001, 'u1', t.sig('u1'));
    expect(r.body).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70020 });
    c.close();
  });

  it('refuses an invalid UserID', async () => {
    const c = await RawClient.connect(t.wsUrl);
    const long = 'x'.repeat(33);
    const r = await c.login(t.sdkAppId, long, t.sig(long));
    expect(r.body.ErrorCode).toBe(70402);
    c.close();
  });

  it('answers heartbeats before login but refuses other commands with 2024', async () => {
    const c = await RawClient.connect(t.wsUrl);
    expect((await c.request('heartbeat.alive')).body.ErrorCode).toBe(0);
    const r = await c.request('openim.sendmsg', { To_Account: 'x', MsgRandom: 1, MsgBody: [] });
    expect(r.body).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 2024 });
    expect((await c.request('recentcontact.page_get')).body.ErrorCode).toBe(2024);
    c.close();
  });

  it('answers wshello and wslogout; after logout commands are refused again', async () => {
    const c = await RawClient.connect(t.wsUrl);
    await c.login(t.sdkAppId, 'logout-user', t.sig('logout-user'));
    expect((await c.request('im_open_status.wshello')).body.ErrorCode).toBe(0);
    expect((await c.request('im_open_status.wslogout', { wslogout_type: 0 })).body.ErrorCode).toBe(0);
    expect(t.server.core.registry.sessionsOf(t.sdkAppId, 'logout-user')).toHaveLength(0);
    expect((await c.request('recentcontact.page_get')).body.ErrorCode).toBe(2024);
    c.close();
  });

  it('answers /binfo clients in binary frames and /info clients in text frames', async () => {
    for (const [path, binary] of [
      ['/binfo', true],
      ['/info', false],
    ] as const) {
      const ws = new WebSocket(`${t.wsUrl}${path}?sdkappid=${t.sdkAppId}&instanceid=abc&random=1&platform=7`);
      await new Promise((r) => ws.once('open', r));
      const got = new Promise<{ data: Buffer; isBinary: boolean }>((r) => ws.once('message', (data, isBinary) => r({ data: data as Buffer, isBinary })));
      const frame = JSON.stringify({ head: { servcmd: 'heartbeat.alive', seq: 7 }, body: {} });
      ws.send(binary ? Buffer.from(frame) : frame, { binary });
      const { data, isBinary } = await got;
      expect(isBinary).toBe(binary);
      expect(JSON.parse(data.toString())).toMatchObject({ head: { servcmd: 'heartbeat.alive', seq: 7 }, body: { ErrorCode: 0 } });
      ws.close();
    }
  });

  it('refuses upgrades on other paths', async () => {
    const ws = new WebSocket(`${t.wsUrl}/nope`);
    const err = await new Promise<Error>((r) => ws.once('error', r));
    expect(err.message).toMatch(/404/);
  });

  it('serves /healthz', async () => {
    const r = await fetch(`${t.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ok: true, version: expect.any(String) });
  });

  it('accepts the SDKAppID from the connect URL when the head has none', async () => {
    const c = await RawClient.connect(t.wsUrl, '/info', `?sdkappid=${t.sdkAppId}`);
    const r = await c.request('im_open_status.wslogin', { State: 'Online' }, { identifier: 'url-app', usersig: t.sig('url-app') });
    expect(r.body.ErrorCode).toBe(0);
    c.close();
  });

  it('keeps apps apart: a sig from another app cannot reach this one', async () => {
    const other = await createApp(t.server.core.store, { name: 'other' });
    const sig = genUserSig({ sdkAppId: other.sdkAppId, secretKey: other.secretKey, userId: 'u2' });
    const c = await RawClient.connect(t.wsUrl);
    expect((await c.login(t.sdkAppId, 'u2', sig)).body.ErrorCode).toBe(70014);
    expect((await c.login(other.sdkAppId, 'u2', sig)).body.ErrorCode).toBe(0);
    c.close();
  });
});
