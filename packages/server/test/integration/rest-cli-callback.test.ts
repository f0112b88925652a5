/** `parley app callback`: sets, shows and clears an app's webhooks in a data dir, which the running server serves. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.ts';
import { rest } from '../support/admin-rest.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env: {} };
  const code = await main(['app', 'callback', ...args, '--data-dir', t.dataDir], io);
  return { code, out, err };
}

describe('parley app callback', () => {
  it('sets the webhooks, which the admin API then reports, and turns them off', async () => {
    const set = await cli('--sdkappid', String(t.sdkAppId), '--url', 'http://127.0.0.1:9/cb', '--events', 'State.StateChange,C2C.CallbackAfterSendMsg', '--timeout-ms', '1500', '--fail-closed');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.out[0]!)).toMatchObject({ sdkAppId: t.sdkAppId, callback: { url: 'http://127.0.0.1:9/cb', events: ['State.StateChange', 'C2C.CallbackAfterSendMsg'], timeoutMs: 1500, failClosed: true } });
    expect(await rest(t, 'parley_admin/get_callback', {})).toMatchObject({ Callback: { Url: 'http://127.0.0.1:9/cb', TimeoutMs: 1500, FailClosed: 1 } });
    expect(JSON.parse((await cli('--sdkappid', String(t.sdkAppId))).out[0]!).callback.url).toBe('http://127.0.0.1:9/cb');
    expect((await cli('--sdkappid', String(t.sdkAppId), '--off')).code).toBe(0);
    expect(await rest(t, 'parley_admin/get_callback', {})).toMatchObject({ Callback: null });
  });

  it('refuses bad input with exit code 2 and an unknown app with 1', async () => {
    expect((await cli('--url', 'http://x/cb')).code).toBe(2);
    expect((await cli('--sdkappid', String(t.sdkAppId), '--url', 'ftp://x/cb')).code).toBe(2);
    expect((await cli('--sdkappid', String(t.sdkAppId), '--url', 'http://x/cb', '--events', 'C2C.Nope')).code).toBe(2);
    expect((await cli('--sdkappid', '1499999999', '--url', 'http://x/cb')).code).toBe(1);
  });
});
