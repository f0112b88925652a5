/**
 * Tencent's own Web SDKs (unmodified, from npm) log in to Parley over the
 * JSON WebSocket protocol: ready, refused sig, multi-instance kick, logout.
 */
import { genUserSig } from '@parley/usersig';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnTimUser, TimCommandError, type OfficialSdk, type TimUser } from '../support/official-sdk/tim-user.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const SDKS: OfficialSdk[] = ['tim-js-sdk', '@tencentcloud/chat'];

describe.each(SDKS)('official SDK %s: login', (sdk) => {
  let srv: TestServer;
  const users: TimUser[] = [];

  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv?.close();
  });
  afterEach(async () => {
    await Promise.all(users.splice(0).map((u) => u.close()));
  });

  async function user(userId: string, userSig = srv.sig(userId)): Promise<TimUser> {
    const u = await spawnTimUser({ sdk, sdkAppId: srv.sdkAppId, wsUrl: srv.wsUrl, userId, userSig });
    users.push(u);
    return u;
  }

  it('reaches SDK_READY and logs out', async () => {
    const alice = await user('alice');
    await alice.login();
    await alice.waitFor('SDK_READY');
    expect(alice.eventsNamed('KICKED_OUT')).toEqual([]);

    await alice.logout();
    await alice.waitFor('SDK_NOT_READY');
    expect(alice.eventsNamed('KICKED_OUT')).toEqual([]);
  });

  it('refuses a UserSig signed with the wrong key', async () => {
    const forged = genUserSig({
      sdkAppId: srv.sdkAppId,
      secretKey: 'f'.repeat(64),
      userId: 'mallory',
      expireSeconds: 3600,
    });
    const mallory = await user('mallory', forged);
    const err = await mallory.login().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TimCommandError);
    const code = Number((err as TimCommandError).code);
    expect(code >= 70000 && code < 71000, `login rejected with ${String(code)}, expected a 70xxx code`).toBe(true);
    expect(mallory.eventsNamed('SDK_READY')).toEqual([]);
  });

  it('kicks the first instance with multipleAccount when the same user logs in again on the same platform', async () => {
    const first = await user('bob');
    await first.login();
    await first.waitFor('SDK_READY');

    const second = await user('bob');
    await second.login();
    await second.waitFor('SDK_READY');

    const kicked = await first.waitFor('KICKED_OUT');
    expect(kicked.data.type).toBe('multipleAccount');
    await first.waitFor('SDK_NOT_READY');
    expect(second.eventsNamed('KICKED_OUT')).toEqual([]);
  });
});
