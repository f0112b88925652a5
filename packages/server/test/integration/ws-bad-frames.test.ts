import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let c: RawClient;
beforeAll(async () => {
  t = await startTestServer();
  await t.server.core.store.ensureAccount(t.sdkAppId, 'bob');
  c = await RawClient.connect(t.wsUrl);
  await c.login(t.sdkAppId, 'alice', t.sig('alice'));
});
afterAll(() => t.close());

const text = (s: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: s } }];
const errorFrames = () => c.frames.filter((f) => f.head.servcmd === 'parley.error');

async function stillUsable(): Promise<void> {
  expect((await c.request('heartbeat.alive')).body.ErrorCode).toBe(0);
}

describe('bad frames', () => {
  it('answers invalid JSON with 90001 and keeps the connection', async () => {
    const before = errorFrames().length;
    c.sendRaw('{not json');
    await c.waitFor(() => errorFrames().length > before);
    expect(errorFrames().at(-1)!.body).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90001 });
    await stillUsable();
  });

  it.each([
    ['an array', '[1,2]'],
    ['a head without servcmd', '{"head":{"seq":1},"body":{}}'],
    ['a non-object head', '{"head":"x","body":{}}'],
  ])('answers %s with 70402', async (_n, raw) => {
    const before = errorFrames().length;
    c.sendRaw(raw);
    await c.waitFor(() => errorFrames().length > before);
    expect(errorFrames().at(-1)!.body.ErrorCode).toBe(70402);
    await stillUsable();
  });

  it('answers an unknown command with 60009', async () => {
    const r = await c.request('openim.no_such_thing', {});
    expect(r.body).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60009 });
    await stillUsable();
  });

  it('answers wrong types and missing fields with coded errors and stores nothing', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ MsgRandom: 1, MsgBody: text('x') }, 90003],
      [{ To_Account: 42, MsgRandom: 1, MsgBody: text('x') }, 70402],
      [{ To_Account: 'bob', MsgRandom: -1, MsgBody: text('x') }, 70402],
      [{ To_Account: 'bob', MsgRandom: 1 }, 90002],
      [{ To_Account: 'bob', MsgRandom: 1, MsgBody: 'hello' }, 90007],
      [{ To_Account: 'bob', MsgRandom: 1, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 5 } }] }, 90010],
      [{ To_Account: 'bob', MsgRandom: 1, MsgBody: [{ MsgType: 'TIMBogusElem', MsgContent: {} }] }, 90010],
      [{ To_Account: 'bob', MsgRandom: 1, MsgBody: [{ MsgType: 'TIMLocationElem', MsgContent: { Latitude: 'n' } }] }, 90010],
      [{ To_Account: 'bob', MsgRandom: 1, MsgBody: text('x'), CloudCustomData: { a: 1 } }, 70402],
      [{ To_Account: 'nobody-here', MsgRandom: 1, MsgBody: text('x') }, 20003],
      [{ From_Account: 'bob', To_Account: 'alice', MsgRandom: 1, MsgBody: text('forged') }, 70402],
      [{ To_Account: 'bob', MsgRandom: 1, MsgBody: text('y'.repeat(8001)) }, 80002],
    ];
    for (const [body, code] of cases) {
      const r = await c.request('openim.sendmsg', body);
      expect({ body, code: r.body.ErrorCode }).toEqual({ body, code });
    }
    expect(await t.server.core.store.countMessages(t.sdkAppId)).toBe(0);
    await stillUsable();
  });

  it('answers a frame over the size limit with 93000 and stores nothing', async () => {
    const r = await c.request('openim.sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: text('z'.repeat(20_000)) });
    expect(r.body.ErrorCode).toBe(93000);
    expect(await t.server.core.store.countMessages(t.sdkAppId)).toBe(0);
    await stillUsable();
  });

  it('closes a socket that keeps sending garbage, with a reason, and the server keeps serving', async () => {
    const bad = await RawClient.connect(t.wsUrl);
    for (let i = 0; i < 30; i++) bad.sendRaw('garbage');
    const closed = await bad.waitClosed();
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/malformed/);
    await stillUsable();
    const ok = await c.request('openim.sendmsg', { To_Account: 'bob', MsgRandom: 9, MsgBody: text('fine') });
    expect(ok.body.ErrorCode).toBe(0);
  });

  it('closes a socket that sends more than the hard frame cap (1 MiB) with 1009', async () => {
    const big = await RawClient.connect(t.wsUrl);
    big.sendRaw('x'.repeat(1024 * 1024 + 10));
    expect((await big.waitClosed()).code).toBe(1009);
    await stillUsable();
  });
});
