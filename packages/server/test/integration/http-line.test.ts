import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpLineClient } from '../support/http-line-client.ts';
import { RawClient } from '../support/raw-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ config: { longPollHoldSeconds: 0.5 } });
});
afterAll(() => t.close());

const text = (s: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: s } }];
const msgsOf = (r: Record<string, unknown>) =>
  ((r.EventArray ?? []) as { C2cMsgArray?: Record<string, unknown>[] }[]).flatMap((e) => e.C2cMsgArray ?? []);

describe("Tencent's HTTP long-poll line", () => {
  it('answers webim v1 accesslayer and keeps it on this host', async () => {
    const c = new HttpLineClient(t.url, t.sdkAppId, 'v1');
    const r = await c.call('v3/webim/accesslayer', {}, { identifier: 'v1', usersig: t.sig('v1') });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, WebImAccessLayer: 0 });
  });

  it('logs in with identifier + usersig and refuses a bad sig with its code', async () => {
    const c = new HttpLineClient(t.url, t.sdkAppId, 'lp-a');
    expect(await c.login('bad')).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70003 });
    const r = await c.login(t.sig('lp-a'));
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, TinyId: expect.stringMatching(/^\d+$/), A2Key: expect.any(String) });
    expect(c.longPollingId).not.toBe('');
  });

  it('holds an idle poll and answers OK with an empty EventArray', async () => {
    const c = new HttpLineClient(t.url, t.sdkAppId, 'lp-idle');
    await c.login(t.sig('lp-idle'));
    await c.poll(); // first poll may carry an Event 1 notice
    const started = Date.now();
    const r = await c.poll();
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, EventArray: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('delivers a WebSocket user\'s message to a long-poll user and back, through the same handlers', async () => {
    const lp = new HttpLineClient(t.url, t.sdkAppId, 'lp-b');
    await lp.login(t.sig('lp-b'));
    await lp.poll();
    const ws = await RawClient.connect(t.wsUrl);
    await ws.login(t.sdkAppId, 'ws-b', t.sig('ws-b'));
    const waiting = lp.poll();
    await ws.request('openim.sendmsg', { To_Account: 'lp-b', MsgRandom: 11, MsgSeq: 1, MsgBody: text('over ws') });
    const got = msgsOf(await waiting);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ From_Account: 'ws-b', MsgBody: text('over ws'), NoticeSeq: expect.any(Number) });
    const sent = await lp.call('v4/openim/sendmsg', { To_Account: 'ws-b', MsgRandom: 12, MsgSeq: 1, MsgTimeStamp: 0, MsgBody: text('over http') });
    expect(sent).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgSeq: 1, ConvSeq: 2 });
    const push = await ws.waitFor((f) => f.head.servcmd === 'im_open_push.msg_push');
    expect(JSON.stringify(push.body)).toContain('over http');
    const hist = await lp.call('v4/openim/getroammsg', { Peer_Account: 'ws-b', MaxCnt: 15, LastMsgTime: 0, MsgKey: '', WithRecalledMsg: 1 });
    expect((hist.MsgList as { ConvSeq: number }[]).map((m) => m.ConvSeq)).toEqual([1, 2]);
    const sync = await lp.call('v4/openim/getmsg', { Cookie: '', SyncFlag: 0 });
    expect(sync).toMatchObject({ ErrorCode: 0, SyncFlag: 2, Cookie: expect.stringMatching(/^s\d+$/) });
  });

  it('sends a lost answer once more when the next poll does not acknowledge it', async () => {
    const lp = new HttpLineClient(t.url, t.sdkAppId, 'lp-ack');
    await lp.login(t.sig('lp-ack'));
    await lp.poll();
    const ws = await RawClient.connect(t.wsUrl);
    await ws.login(t.sdkAppId, 'ws-ack', t.sig('ws-ack'));
    await ws.request('openim.sendmsg', { To_Account: 'lp-ack', MsgRandom: 21, MsgSeq: 1, MsgBody: text('once') });
    const before = lp.noticeSeq;
    expect(msgsOf(await lp.poll())).toHaveLength(1);
    lp.noticeSeq = before; // the client never saw that answer
    expect(msgsOf(await lp.poll())).toHaveLength(1);
    expect(msgsOf(await lp.poll())).toHaveLength(0);
  });

  it('answers 91101 to a long-poll instance kicked by a newer web login', async () => {
    const old = new HttpLineClient(t.url, t.sdkAppId, 'lp-kick');
    await old.login(t.sig('lp-kick'));
    await old.poll();
    const ws = await RawClient.connect(t.wsUrl);
    await ws.login(t.sdkAppId, 'lp-kick', t.sig('lp-kick'), 7);
    expect(await old.poll()).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 91101 });
  });

  it('serves webim v1 recentcontact/get and the shared profile commands', async () => {
    const c = new HttpLineClient(t.url, t.sdkAppId, 'lp-b');
    await c.login(t.sig('lp-b'));
    const r = await c.call('v4/recentcontact/get', { From_Account: 'lp-b', Count: 10 });
    expect(r.SessionItem).toEqual([expect.objectContaining({ Type: 1, To_Account: 'ws-b', MsgShow: 'over http', UnreadMsgCount: 0 })]);
    expect(await c.call('v4/profile/portrait_set', { From_Account: 'lp-b', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Bee' }] })).toMatchObject({ ErrorCode: 0 });
    const p = await c.call('v4/profile/portrait_get', { From_Account: 'lp-b', To_Account: ['lp-b'], TagList: ['Tag_Profile_IM_Nick'] });
    expect(JSON.stringify(p.UserProfileItem)).toContain('"Value":"Bee"');
  });

  it('answers the SDKs\' telemetry OK even without credentials (tim-js-sdk 2.10 posts it after logout)', async () => {
    const res = await fetch(`${t.url}/v4/imopenstat/tim_web_report?sdkappid=${t.sdkAppId}&reqtime=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: JSON.stringify({ table: 'timwebsum', report: [] }),
    });
    expect(await res.json()).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
  });

  it('answers CORS preflights and refuses a forged a2', async () => {
    const pre = await fetch(`${t.url}/v4/openim/sendmsg`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const c = new HttpLineClient(t.url, t.sdkAppId, 'lp-x');
    c.a2 = 'eyJ9.forged';
    c.tinyId = '1';
    expect(await c.call('v4/openim/getmsg', { Cookie: '' })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 20002 });
  });

  it('keeps working for a logged-in client across a server restart (A2 stays valid)', async () => {
    const c = new HttpLineClient(t.url, t.sdkAppId, 'lp-restart');
    await c.login(t.sig('lp-restart'));
    await t.restart();
    expect(await c.call('v4/openim/getmsg', { Cookie: '' })).toMatchObject({ ErrorCode: 0, SyncFlag: 2 });
    expect(await c.poll()).toMatchObject({ ErrorCode: 0 });
  });
});
