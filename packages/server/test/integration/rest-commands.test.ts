/**
 * Every REST admin command against a real server over HTTP, with raw WebSocket clients
 * standing in for the users: accounts and kick, online state, sendmsg to online and
 * offline users, batchsendmsg to 500, history, recall, read and unread, profiles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginRaw, pushedEvents, pushedMsgs, rest, text } from '../support/admin-rest.ts';
import { RawClient } from '../support/raw-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

let rnd = 1000;
const importUsers = (...ids: string[]) => rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ids });

describe('REST accounts', () => {
  it('imports accounts (UserID or Identifier, with nick and avatar) and checks them', async () => {
    expect(await rest(t, 'im_open_login_svc/account_import', { UserID: 'ac-a', Nick: 'Ann', FaceUrl: 'https://x/a.png' })).toMatchObject({ ActionStatus: 'OK' });
    expect(await rest(t, 'im_open_login_svc/account_import', { Identifier: 'ac-b' })).toMatchObject({ ActionStatus: 'OK' });
    expect(await rest(t, 'im_open_login_svc/account_import', { UserID: 'ac-a' })).toMatchObject({ ActionStatus: 'OK' });
    const multi = await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ['ac-c', 'ac-d', 'x'.repeat(40)] });
    expect(multi).toMatchObject({ ActionStatus: 'OK', FailAccounts: ['x'.repeat(40)] });
    const check = await rest(t, 'im_open_login_svc/account_check', { CheckItem: [{ UserID: 'ac-a' }, { UserID: 'ac-c' }, { UserID: 'ac-zz' }] });
    expect((check.ResultItem as Record<string, unknown>[]).map((i) => i.AccountStatus)).toEqual(['Imported', 'Imported', 'NotImported']);
    const acc = await t.server.core.store.getAccount(t.sdkAppId, 'ac-a');
    expect(acc).toMatchObject({ nick: 'Ann', faceUrl: 'https://x/a.png' });
  });

  it('deletes accounts, answering 70107 for missing ones and closing live sessions', async () => {
    await importUsers('del-a');
    const c = await loginRaw(t, 'del-a');
    const r = await rest(t, 'im_open_login_svc/account_delete', { DeleteItem: [{ UserID: 'del-a' }, { UserID: 'del-none' }] });
    expect(r.ResultItem).toEqual([
      { ResultCode: 0, ResultInfo: '', UserID: 'del-a' },
      { ResultCode: 70107, ResultInfo: 'UserID does not exist', UserID: 'del-none' },
    ]);
    await c.waitFor((f) => f.head.servcmd === 'im_open_status.stat_forceoffline');
    expect((await t.server.core.store.getAccount(t.sdkAppId, 'del-a'))).toBeUndefined();
  });

  it('kick ends every session with REST_API_Kick (KickType 3) and refuses the old UserSig, not a new one', async () => {
    await importUsers('kick-a');
    const oldSig = t.sig('kick-a');
    const web = await loginRaw(t, 'kick-a', 7);
    const android = await loginRaw(t, 'kick-a', 2);
    expect(await rest(t, 'im_open_login_svc/kick', { UserID: 'kick-a' })).toMatchObject({ ActionStatus: 'OK' });
    for (const c of [web, android]) {
      const f = await c.waitFor((x) => x.head.servcmd === 'im_open_status.stat_forceoffline');
      expect(JSON.stringify(f.body)).toContain('"KickType":3');
      await c.waitClosed();
    }
    const again = await RawClient.connect(t.wsUrl);
    expect((await again.login(t.sdkAppId, 'kick-a', oldSig)).body.ErrorCode).toBe(70001);
    // UserSigs issued at or before the kick's second are refused; one from the next second logs in.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await again.login(t.sdkAppId, 'kick-a', t.sig('kick-a'))).body.ErrorCode).toBe(0);
    again.close();
    expect(await rest(t, 'im_open_login_svc/kick', { Identifier: 'kick-none' })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70107 });
  });

  it('reports online state from live sessions, with platforms on request, under both names', async () => {
    await importUsers('st-a', 'st-b');
    const c = await loginRaw(t, 'st-a', 7);
    const r = await rest(t, 'openim/query_online_status', { To_Account: ['st-a', 'st-b', 'st-none'], IsNeedDetail: 1 });
    expect(r.QueryResult).toEqual([
      { To_Account: 'st-a', Status: 'Online', State: 'Online', Detail: [{ Platform: 'Web', Status: 'Online' }] },
      { To_Account: 'st-b', Status: 'Offline', State: 'Offline', Detail: [] },
    ]);
    expect(r.ErrorList).toEqual([{ To_Account: 'st-none', ErrorCode: 70107 }]);
    const old = await rest(t, 'openim/querystate', { To_Account: ['st-a'] });
    expect(old.QueryResult).toEqual([{ To_Account: 'st-a', Status: 'Online', State: 'Online' }]);
    c.close();
  });
});

describe('REST messages', () => {
  it('sendmsg reaches an online recipient at once, with Tencent\'s MsgKey', async () => {
    await importUsers('sm-a', 'sm-b');
    const b = await loginRaw(t, 'sm-b');
    const started = performance.now();
    const r = await rest(t, 'openim/sendmsg', { From_Account: 'sm-a', To_Account: 'sm-b', MsgSeq: 77, MsgRandom: 4242, MsgBody: text('hi from the back end'), CloudCustomData: 'cd' });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgSeq: 77 });
    expect(r.MsgKey).toBe(`77_4242_${r.MsgTime}`);
    await b.waitFor(() => pushedMsgs(b).length === 1);
    const latencyMs = performance.now() - started;
    expect(pushedMsgs(b)[0]).toMatchObject({ From_Account: 'sm-a', To_Account: 'sm-b', MsgSeq: 77, MsgRandom: 4242, MsgKey: r.MsgKey, MsgBody: text('hi from the back end'), CloudCustomData: 'cd' });
    expect(latencyMs).toBeLessThan(1000);
    b.close();
  });

  it('sendmsg to an offline recipient arrives on its next login; without From_Account the admin sends', async () => {
    await importUsers('off-b');
    const r = await rest(t, 'openim/sendmsg', { To_Account: 'off-b', MsgRandom: rnd++, MsgBody: text('while you were away') });
    expect(r.ActionStatus).toBe('OK');
    const b = await loginRaw(t, 'off-b');
    const sync = await b.request('openim.getmsg', { Cookie: '', SyncFlag: 0 });
    expect(sync.body.MsgList).toEqual([expect.objectContaining({ From_Account: t.app.adminIdentifier, To_Account: 'off-b', MsgBody: text('while you were away') })]);
    b.close();
  });

  it('sends a repeat with the same MsgRandom and content once (120 s dedupe); other content is a new message', async () => {
    await importUsers('dd-a', 'dd-b');
    const body = { From_Account: 'dd-a', To_Account: 'dd-b', MsgRandom: 555, MsgBody: text('once') };
    const first = await rest(t, 'openim/sendmsg', body);
    const second = await rest(t, 'openim/sendmsg', body);
    expect(second.MsgKey).toBe(first.MsgKey);
    const third = await rest(t, 'openim/sendmsg', { ...body, MsgBody: text('twice') });
    expect(third.MsgKey).not.toBe(first.MsgKey);
    const hist = await rest(t, 'openim/admin_getroammsg', { From_Account: 'dd-a', To_Account: 'dd-b', MaxCnt: 10, MinTime: 0, MaxTime: 2 ** 31 });
    expect(hist.MsgCnt).toBe(2);
  });

  it('SyncOtherMachine 1 also reaches the sender\'s own devices; 2 does not', async () => {
    await importUsers('so-a', 'so-b');
    const a = await loginRaw(t, 'so-a');
    await rest(t, 'openim/sendmsg', { SyncOtherMachine: 2, From_Account: 'so-a', To_Account: 'so-b', MsgRandom: rnd++, MsgBody: text('quiet') });
    await rest(t, 'openim/sendmsg', { SyncOtherMachine: 1, From_Account: 'so-a', To_Account: 'so-b', MsgRandom: rnd++, MsgBody: text('synced') });
    await a.waitFor(() => pushedMsgs(a).length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(pushedMsgs(a).map((m) => (m.MsgBody as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text)).toEqual(['synced']);
    a.close();
  });

  it('MsgLifeTime 0 is online-only: pushed to a live recipient, not kept as unread for an offline one', async () => {
    await importUsers('ol-a', 'ol-b');
    await rest(t, 'openim/sendmsg', { MsgLifeTime: 0, From_Account: 'ol-a', To_Account: 'ol-b', MsgRandom: rnd++, MsgBody: text('now or never') });
    const unread = await rest(t, 'openim/get_c2c_unread_msg_num', { To_Account: 'ol-b' });
    expect(unread.AllC2CUnreadMsgNum).toBe(0);
    const b = await loginRaw(t, 'ol-b');
    expect((await b.request('openim.getmsg', { Cookie: '', SyncFlag: 0 })).body.MsgList).toEqual([]);
    b.close();
  });

  it('refuses an unknown recipient (90012) and an unknown From_Account (90048)', async () => {
    await importUsers('er-a');
    expect(await rest(t, 'openim/sendmsg', { From_Account: 'er-a', To_Account: 'er-none', MsgRandom: 1, MsgBody: text('x') })).toMatchObject({ ErrorCode: 90012 });
    expect(await rest(t, 'openim/sendmsg', { From_Account: 'er-none', To_Account: 'er-a', MsgRandom: 1, MsgBody: text('x') })).toMatchObject({ ErrorCode: 90048 });
  });

  it('batchsendmsg delivers to 500 recipients, online ones at once, and lists the failures', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `bt${i}`);
    for (let i = 0; i < ids.length; i += 100) await importUsers(...ids.slice(i, i + 100));
    const online = await Promise.all(['bt0', 'bt250', 'bt499'].map((u) => loginRaw(t, u)));
    const started = performance.now();
    const r = await rest(t, 'openim/batchsendmsg', { To_Account: ids, MsgRandom: 31337, MsgBody: text('to everyone') });
    const tookMs = performance.now() - started;
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(r.MsgKey).toMatch(/^\d+_31337_\d+$/);
    for (const c of online) await c.waitFor(() => pushedMsgs(c).length === 1);
    expect(await t.server.core.store.countMessages(t.sdkAppId)).toBeGreaterThanOrEqual(500);
    console.log(`batchsendmsg to 500 recipients: ${tookMs.toFixed(0)} ms`);
    const partial = await rest(t, 'openim/batchsendmsg', { To_Account: ['bt1', 'bt-none'], MsgRandom: 7, MsgBody: text('some') });
    expect(partial).toMatchObject({ ActionStatus: 'SomeError', ErrorCode: 0, ErrorList: [{ To_Account: 'bt-none', ErrorCode: 90012 }] });
    expect(await rest(t, 'openim/batchsendmsg', { To_Account: [...ids, 'one-more'], MsgRandom: 7, MsgBody: text('x') })).toMatchObject({ ErrorCode: 90011 });
    online.forEach((c) => c.close());
  });

  it('admin_getroammsg pages backwards through a pair\'s history with LastMsgTime and LastMsgKey', async () => {
    await importUsers('rm-a', 'rm-b');
    for (let i = 0; i < 5; i++) await rest(t, 'openim/sendmsg', { From_Account: i % 2 ? 'rm-b' : 'rm-a', To_Account: i % 2 ? 'rm-a' : 'rm-b', MsgRandom: rnd++, MsgBody: text(`m${i}`) });
    const seen: string[] = [];
    let req: Record<string, unknown> = { From_Account: 'rm-a', To_Account: 'rm-b', MaxCnt: 2, MinTime: 0, MaxTime: 2 ** 31 };
    for (let page = 0; page < 5; page++) {
      const r = await rest(t, 'openim/admin_getroammsg', req);
      expect(r.ActionStatus).toBe('OK');
      const list = r.MsgList as { MsgKey: string; MsgBody: { MsgContent: { Text: string } }[] }[];
      seen.unshift(...list.map((m) => m.MsgBody[0]!.MsgContent.Text));
      expect(r.MsgCnt).toBe(list.length);
      if (r.Complete === 1) break;
      expect(r.LastMsgKey).toBe(list[0]!.MsgKey);
      req = { ...req, MaxTime: r.LastMsgTime, LastMsgKey: r.LastMsgKey };
    }
    expect(seen).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('admin_msgwithdraw recalls with no time limit and tells both sides; a repeat answers 20023, a bad key 90054', async () => {
    await importUsers('wd-a', 'wd-b');
    const b = await loginRaw(t, 'wd-b');
    const sent = await rest(t, 'openim/sendmsg', { From_Account: 'wd-a', To_Account: 'wd-b', MsgRandom: rnd++, MsgBody: text('oops') });
    const recall = { From_Account: 'wd-a', To_Account: 'wd-b', MsgKey: sent.MsgKey };
    expect(await rest(t, 'openim/admin_msgwithdraw', recall)).toMatchObject({ ActionStatus: 'OK' });
    await b.waitFor(() => pushedEvents(b).some((e) => 'WithdrawC2cMsgNotify' in e));
    expect(await rest(t, 'openim/admin_msgwithdraw', recall)).toMatchObject({ ErrorCode: 20023 });
    expect(await rest(t, 'openim/admin_msgwithdraw', { ...recall, MsgKey: 'nope' })).toMatchObject({ ErrorCode: 90054 });
    expect(await rest(t, 'openim/admin_msgwithdraw', { ...recall, MsgKey: '1_2_3' })).toMatchObject({ ErrorCode: 20022 });
    b.close();
  });

  it('admin_set_msg_read and get_c2c_unread_msg_num: unread drops and the sender gets a read receipt', async () => {
    await importUsers('rd-a', 'rd-b', 'rd-c');
    for (let i = 0; i < 3; i++) await rest(t, 'openim/sendmsg', { From_Account: 'rd-a', To_Account: 'rd-b', MsgRandom: rnd++, MsgBody: text(`a${i}`) });
    await rest(t, 'openim/sendmsg', { From_Account: 'rd-c', To_Account: 'rd-b', MsgRandom: rnd++, MsgBody: text('c') });
    const before = await rest(t, 'openim/get_c2c_unread_msg_num', { To_Account: 'rd-b', Peer_Account: ['rd-a', 'rd-c', 'rd-none'] });
    expect(before).toMatchObject({
      AllC2CUnreadMsgNum: 4,
      C2CUnreadMsgNumList: [
        { Peer_Account: 'rd-a', C2CUnreadMsgNum: 3 },
        { Peer_Account: 'rd-c', C2CUnreadMsgNum: 1 },
      ],
      ErrorList: [{ Peer_Account: 'rd-none', ErrorCode: 70107 }],
    });
    const a = await loginRaw(t, 'rd-a');
    expect(await rest(t, 'openim/admin_set_msg_read', { Report_Account: 'rd-b', Peer_Account: 'rd-a' })).toMatchObject({ ActionStatus: 'OK' });
    await a.waitFor(() => pushedEvents(a).some((e) => 'C2cReadedReceipt' in e));
    expect((await rest(t, 'openim/get_c2c_unread_msg_num', { To_Account: 'rd-b' })).AllC2CUnreadMsgNum).toBe(1);
    a.close();
  });
});

describe('REST profiles', () => {
  it('portrait_set then portrait_get with a TagList, custom tags included', async () => {
    await importUsers('pf-a');
    const items = [
      { Tag: 'Tag_Profile_IM_Nick', Value: 'Pat' },
      { Tag: 'Tag_Profile_IM_Image', Value: 'https://x/p.png' },
      { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' },
      { Tag: 'Tag_Profile_IM_SelfSignature', Value: 'hello' },
      { Tag: 'Tag_Profile_Custom_Level', Value: 'gold' },
    ];
    expect(await rest(t, 'profile/portrait_set', { From_Account: 'pf-a', ProfileItem: items })).toMatchObject({ ActionStatus: 'OK' });
    const all = await rest(t, 'profile/portrait_get', { To_Account: ['pf-a', 'pf-none'] });
    expect(all).toMatchObject({ Fail_Account: ['pf-none'] });
    expect((all.UserProfileItem as { ProfileItem: unknown[] }[])[0]!.ProfileItem).toEqual(expect.arrayContaining(items));
    const some = await rest(t, 'profile/portrait_get', { To_Account: ['pf-a'], TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_Custom_Level'] });
    expect((some.UserProfileItem as { ProfileItem: unknown[] }[])[0]!.ProfileItem).toEqual([items[0], items[4]]);
  });

  it('refuses an unknown account (40003), an unknown tag (40009) and a value over 500 bytes (40601)', async () => {
    await importUsers('pf-b');
    expect(await rest(t, 'profile/portrait_set', { From_Account: 'pf-none', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x' }] })).toMatchObject({ ErrorCode: 40003 });
    expect(await rest(t, 'profile/portrait_set', { From_Account: 'pf-b', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nope', Value: 'x' }] })).toMatchObject({ ErrorCode: 40009 });
    expect(await rest(t, 'profile/portrait_set', { From_Account: 'pf-b', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'x'.repeat(501) }] })).toMatchObject({ ErrorCode: 40601 });
  });
});
