import { afterEach, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const isKick = (f: { head: Record<string, unknown> }) => f.head.servcmd === 'im_open_status.stat_forceoffline';
const kickType = (f: { body: Record<string, unknown> }) =>
  ((f.body.EventArray as { C2cNotifyMsgArray: { KickoutMsgNotify: { KickType: number } }[] }[])[0]!.C2cNotifyMsgArray[0]!.KickoutMsgNotify.KickType);

describe('multi-instance policy', () => {
  it("kicks the older web instance when a second web instance logs in (Tencent's default)", async () => {
    t = await startTestServer();
    const first = await RawClient.connect(t.wsUrl);
    await first.login(t.sdkAppId, 'alice', t.sig('alice'), 7);
    const second = await RawClient.connect(t.wsUrl);
    expect((await second.login(t.sdkAppId, 'alice', t.sig('alice'), 7)).body.ErrorCode).toBe(0);
    const kick = await first.waitFor(isKick);
    expect(kickType(kick)).toBe(1);
    expect((await first.waitClosed()).code).toBe(4001);
    // The new instance is untouched and usable.
    expect((await second.request('im_open_status.wshello')).body.ErrorCode).toBe(0);
    expect(second.frames.some(isKick)).toBe(false);
    expect(t.server.core.registry.sessionsOf(t.sdkAppId, 'alice')).toHaveLength(1);
  });

  it('counts a mini program as web', async () => {
    t = await startTestServer();
    const web = await RawClient.connect(t.wsUrl);
    await web.login(t.sdkAppId, 'mp', t.sig('mp'), 7);
    const mini = await RawClient.connect(t.wsUrl);
    await mini.login(t.sdkAppId, "mp", t.sig("mp"), 8);
    expect(kickType(await web.waitFor(isKick))).toBe(1);
  });

  it('lets web and a native platform stay online together, and kicks within the native slot', async () => {
    t = await startTestServer();
    const web = await RawClient.connect(t.wsUrl);
    await web.login(t.sdkAppId, 'bob', t.sig('bob'), 7);
    const android = await RawClient.connect(t.wsUrl);
    await android.login(t.sdkAppId, 'bob', t.sig('bob'), 2);
    const ios = await RawClient.connect(t.wsUrl);
    await ios.login(t.sdkAppId, "bob", t.sig("bob"), 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(web.frames.some(isKick) || android.frames.some(isKick) || ios.frames.some(isKick)).toBe(false);
    expect(t.server.core.registry.sessionsOf(t.sdkAppId, 'bob')).toHaveLength(3);
    const android2 = await RawClient.connect(t.wsUrl);
    await android2.login(t.sdkAppId, 'bob', t.sig('bob'), 2);
    await android.waitFor(isKick);
    expect(web.frames.some(isKick) || ios.frames.some(isKick)).toBe(false);
  });

  it('allows more web instances when the app says so, then kicks the oldest', async () => {
    t = await startTestServer({ appOptions: { webInstances: 3 } });
    const tabs: RawClient[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await RawClient.connect(t.wsUrl);
      await c.login(t.sdkAppId, 'carol', t.sig('carol'), 7);
      tabs.push(c);
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(tabs.some((c) => c.frames.some(isKick))).toBe(false);
    const fourth = await RawClient.connect(t.wsUrl);
    await fourth.login(t.sdkAppId, 'carol', t.sig('carol'), 7);
    await tabs[0]!.waitFor(isKick);
    await new Promise((r) => setTimeout(r, 100));
    expect(tabs[1]!.frames.some(isKick) || tabs[2]!.frames.some(isKick)).toBe(false);
    expect(t.server.core.registry.sessionsOf(t.sdkAppId, 'carol')).toHaveLength(3);
  });

  it('does not mix users or apps', async () => {
    t = await startTestServer();
    const a = await RawClient.connect(t.wsUrl);
    await a.login(t.sdkAppId, 'dave', t.sig('dave'));
    const b = await RawClient.connect(t.wsUrl);
    await b.login(t.sdkAppId, 'erin', t.sig('erin'));
    await new Promise((r) => setTimeout(r, 50));
    expect(a.frames.some(isKick)).toBe(false);
  });
});
