/**
 * REST admin API door: who may call it, Tencent's envelope and codes for every refusal,
 * schema errors that name the field, body limits and the per-app rate limit.
 */
import { genUserSig } from '@parley/usersig';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from '../support/admin-rest.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let other: TestServer;
beforeAll(async () => {
  [t, other] = await Promise.all([startTestServer(), startTestServer()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), other?.close()]);
});

const q = (over: Record<string, string | undefined>) => ({
  sdkappid: String(t.sdkAppId),
  identifier: t.app.adminIdentifier,
  usersig: t.sig(t.app.adminIdentifier),
  random: '1',
  contenttype: 'json',
  ...over,
});
const check = { CheckItem: [{ UserID: 'someone' }] };

describe('REST admin API: authentication', () => {
  it('answers an admin request with the envelope and the command fields', async () => {
    const r = await rest(t, 'im_open_login_svc/account_check', check);
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ResultItem: [{ UserID: 'someone', AccountStatus: 'NotImported' }] });
  });

  it.each([
    ['no usersig', { usersig: undefined }, 60005],
    ['an empty usersig', { usersig: '' }, 60005],
    ['no identifier', { identifier: undefined }, 60004],
    ['no sdkappid', { sdkappid: undefined }, 60012],
    ['an sdkappid that is not a number', { sdkappid: 'abc' }, 60006],
    ['an unknown sdkappid', { sdkappid: '1499999998' }, 60006],
    ['a garbled usersig', { usersig: 'not-a-sig' }, 70003],
  ])('refuses %s', async (_name, over, code) => {
    const r = await rest(t, 'im_open_login_svc/account_check', check, { query: q(over) });
    expect(r).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
    expect(r.ErrorInfo).not.toBe('');
  });

  it('refuses a valid UserSig of a user who is not the app admin (60010)', async () => {
    const r = await rest(t, 'im_open_login_svc/account_check', check, { query: q({ identifier: 'alice', usersig: t.sig('alice') }) });
    expect(r).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60010 });
  });

  it('refuses the admin UserSig of another app', async () => {
    const r = await rest(t, 'im_open_login_svc/account_check', check, { query: q({ usersig: other.sig(other.app.adminIdentifier) }) });
    expect(r.ActionStatus).toBe('FAIL');
    expect([70009, 70014]).toContain(r.ErrorCode);
  });

  it('refuses an expired admin UserSig (70001)', async () => {
    const expired = genUserSig({ sdkAppId: t.sdkAppId, secretKey: t.secretKey, userId: t.app.adminIdentifier, expireSeconds: 60, now: Math.floor(Date.now() / 1000) - 3600 });
    const r = await rest(t, 'im_open_login_svc/account_check', check, { query: q({ usersig: expired }) });
    expect(r).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70001 });
  });

  it('leaves client-line requests (tinyid + a2) to the client line', async () => {
    const r = await rest(t, 'openim/sendmsg', {}, { query: { sdkappid: String(t.sdkAppId), tinyid: '1', a2: 'x.y' } });
    expect(r.ActionStatus).toBe('FAIL');
    expect(r.ErrorCode).not.toBe(60010);
  });
});

describe('REST admin API: requests', () => {
  it('answers an unknown command with 60009 and a GET with 60002, always as HTTP 200', async () => {
    expect(await rest(t, 'openim/no_such_command', {})).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60009 });
    expect(await rest(t, 'openim/sendmsg', {}, { method: 'GET' })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60002 });
  });

  it('refuses a body over 12 KB with 93000', async () => {
    const big = { To_Account: 'bob', MsgRandom: 1, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(13 * 1024) } }] };
    expect(await rest(t, 'openim/sendmsg', big)).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 93000 });
  });

  it('refuses a body that is not JSON: 90001 for openim, 60003 elsewhere', async () => {
    expect(await rest(t, 'openim/sendmsg', undefined, { raw: '{nope' })).toMatchObject({ ErrorCode: 90001 });
    expect(await rest(t, 'im_open_login_svc/account_check', undefined, { raw: '[1]' })).toMatchObject({ ErrorCode: 60003 });
  });

  it.each([
    ['openim/sendmsg', { MsgRandom: 1, MsgBody: [] }, 90003, 'To_Account: is required'],
    ['openim/sendmsg', { To_Account: 'bob', MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }] }, 90005, 'MsgRandom: is required'],
    ['openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: 'hi' }, 90007, 'MsgBody:'],
    ['openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: [{ MsgType: 'TIMTextElem' }] }, 90002, 'MsgBody[0].MsgContent: is required'],
    ['openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgLifeTime: 604801, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }] }, 90026, 'MsgLifeTime:'],
    ['openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, SyncOtherMachine: 3, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }] }, 20001, 'SyncOtherMachine:'],
    ['im_open_login_svc/account_delete', { DeleteItem: [{ UserID: 7 }] }, 70402, 'DeleteItem[0].UserID: expected string'],
    ['im_open_login_svc/account_import', {}, 70402, 'UserID: is required'],
    ['profile/portrait_set', { From_Account: 'x', ProfileItem: [] }, 40001, 'ProfileItem:'],
  ])('%s with a bad field names it (%j)', async (path, body, code, info) => {
    const r = await rest(t, path, body);
    expect(r).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
    expect(r.ErrorInfo).toContain(info);
  });
});

describe('REST admin API: rate limit', () => {
  it('answers 60007 once an app spends its per-command budget, and recovers', async () => {
    const slow = await startTestServer({ config: { adminRatePerSecond: 5 } });
    try {
      const codes = await Promise.all(Array.from({ length: 12 }, () => rest(slow, 'openim/query_online_status', { To_Account: ['x'] }).then((r) => r.ErrorCode)));
      expect(codes.filter((c) => c === 0)).toHaveLength(5);
      expect(codes.filter((c) => c === 60007)).toHaveLength(7);
      // Another command has its own budget.
      expect((await rest(slow, 'im_open_login_svc/account_check', check)).ErrorCode).toBe(0);
      await new Promise((r) => setTimeout(r, 450));
      expect((await rest(slow, 'openim/query_online_status', { To_Account: ['x'] })).ErrorCode).toBe(0);
    } finally {
      await slow.close();
    }
  });
});
