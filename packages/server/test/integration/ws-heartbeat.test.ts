import { afterEach, describe, expect, it } from 'vitest';
import { genUserSig } from '@parley/usersig';
import { RawClient } from '../support/raw-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('heartbeats and session expiry', () => {
  it('closes a connection silent for two heartbeat intervals and keeps one that heartbeats', async () => {
    t = await startTestServer({ config: { heartbeatSeconds: 0.3 } });
    const silent = await RawClient.connect(t.wsUrl);
    await silent.login(t.sdkAppId, 'quiet', t.sig('quiet'));
    const lively = await RawClient.connect(t.wsUrl);
    await lively.login(t.sdkAppId, 'lively', t.sig('lively'));
    const beat = setInterval(() => void lively.request('heartbeat.alive').catch(() => {}), 100);
    try {
      const closed = await silent.waitClosed(3000);
      expect(closed.code).toBe(4000);
      expect(closed.reason).toMatch(/heartbeat/);
      expect(lively.closeInfo).toBeUndefined();
      expect(t.server.core.registry.sessionsOf(t.sdkAppId, 'quiet')).toHaveLength(0);
      expect(t.server.core.registry.sessionsOf(t.sdkAppId, 'lively')).toHaveLength(1);
    } finally {
      clearInterval(beat);
    }
  });

  it("tells a client whose UserSig expired with Tencent's code and ends the session", async () => {
    t = await startTestServer();
    const c = await RawClient.connect(t.wsUrl);
    const sig = genUserSig({ sdkAppId: t.sdkAppId, secretKey: t.secretKey, userId: 'shortlived', expireSeconds: 1 });
    expect((await c.login(t.sdkAppId, 'shortlived', sig)).body.ErrorCode).toBe(0);
    await new Promise((r) => setTimeout(r, 2100));
    const r = await c.request('im_open_status.wshello');
    expect(r.body).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70001 });
    const kick = await c.waitFor((f) => f.head.servcmd === 'im_open_status.stat_forceoffline');
    expect(JSON.stringify(kick.body)).toContain('"KickType":4');
    expect((await c.waitClosed()).code).toBe(4002);
  });
});
