import { verifyUserSig } from '@parley/usersig';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const post = (t: TestServer, body: unknown) =>
  fetch(`${t.url}/demo/usersig`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /demo/usersig', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('signs a UserSig for the dev app in demo mode and never returns the key', async () => {
    t = await startTestServer({ config: { demo: true } });
    const res = await post(t, { userID: 'alice' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(t.secretKey);
    const body = JSON.parse(text) as { userSig: string; sdkAppId: number; expireAt: number };
    expect(Object.keys(body).sort()).toEqual(['expireAt', 'sdkAppId', 'userSig']);
    expect(body.sdkAppId).toBe(t.sdkAppId);
    expect(body.expireAt).toBeGreaterThan(Date.now() / 1000);
    const v = verifyUserSig({ sdkAppId: t.sdkAppId, secretKey: t.secretKey, userId: 'alice', userSig: body.userSig });
    expect(v.ok).toBe(true);
  });

  it('does not exist when the server runs without --demo', async () => {
    t = await startTestServer();
    const res = await post(t, { userID: 'alice' });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('userSig');
  });

  it('refuses a bad userID and a non-POST method', async () => {
    t = await startTestServer({ config: { demo: true } });
    expect((await post(t, { userID: '' })).status).toBe(400);
    expect((await post(t, { userID: 'x'.repeat(33) })).status).toBe(400);
    expect((await post(t, {})).status).toBe(400);
    expect((await fetch(`${t.url}/demo/usersig`)).status).toBe(405);
  });
});
