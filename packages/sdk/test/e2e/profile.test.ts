import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIM } from '../../src/node.ts';
import { collect, fullHistory, loginUser, sendTexts, startServer, textOf, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

describe('profiles', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('starts empty, updates every standard field and custom ones, and reads back the same on another device', async () => {
    const a = await loginUser(srv, 'pr-a');
    const fresh = await a.getMyProfile();
    expect(fresh.code).toBe(0);
    expect(fresh.data).toMatchObject({ userID: 'pr-a', nick: '', avatar: '', gender: '', selfSignature: '', birthday: 0, profileCustomField: [] });

    const updated = collect(a, TIM.EVENT.PROFILE_UPDATED);
    const res = await a.updateMyProfile({
      nick: 'Pia',
      avatar: 'https://example.com/pia.png',
      gender: TIM.TYPES.GENDER_FEMALE,
      selfSignature: 'hello there',
      birthday: 19900521,
      location: 'Berlin',
      allowType: TIM.TYPES.ALLOW_TYPE_NEED_CONFIRM,
      language: 2,
      messageSettings: 1,
      adminForbidType: 'AdminForbid_Type_SendOut',
      level: 3,
      role: 4,
      profileCustomField: [{ key: 'Tag_Profile_Custom_Hobby', value: 'chess' }],
    });
    const expected = {
      userID: 'pr-a',
      nick: 'Pia',
      avatar: 'https://example.com/pia.png',
      gender: 'Gender_Type_Female',
      selfSignature: 'hello there',
      birthday: 19900521,
      location: 'Berlin',
      allowType: 'AllowType_Type_NeedConfirm',
      language: 2,
      messageSettings: 1,
      adminForbidType: 'AdminForbid_Type_SendOut',
      level: 3,
      role: 4,
      profileCustomField: [{ key: 'Tag_Profile_Custom_Hobby', value: 'chess' }],
    };
    expect(res).toMatchObject({ code: 0, data: expected });
    expect(updated).toEqual([[res.data]]);
    expect((await a.getMyProfile()).data).toMatchObject(expected);

    // Another device of the same user, and the store, agree.
    const a2 = await loginUser(srv, 'pr-a');
    expect((await a2.getMyProfile()).data).toMatchObject(expected);
    const account = await srv.server.core.store.getAccount(srv.sdkAppId, 'pr-a');
    expect(account).toMatchObject({ nick: 'Pia', faceUrl: 'https://example.com/pia.png' });

    // A partial update changes only what it names.
    const partial = await a2.updateMyProfile({ selfSignature: 'busy' });
    expect(partial.data).toMatchObject({ ...expected, selfSignature: 'busy' });
    for (const t of [a, a2]) await t.logout();
  });

  it("reads other users' profiles, leaving out unknown users", async () => {
    const a = await loginUser(srv, 'pu-a');
    const b = await loginUser(srv, 'pu-b');
    await a.updateMyProfile({ nick: 'Ada', avatar: 'https://example.com/ada.png', gender: TIM.TYPES.GENDER_FEMALE });
    await b.updateMyProfile({ nick: 'Ben' });
    const res = await b.getUserProfile({ userIDList: ['pu-a', 'pu-b', 'pu-nobody'] });
    expect(res.code).toBe(0);
    expect(res.data.map((p) => [p.userID, p.nick, p.avatar, p.gender])).toEqual([
      ['pu-a', 'Ada', 'https://example.com/ada.png', 'Gender_Type_Female'],
      ['pu-b', 'Ben', '', ''],
    ]);
    expect((await b.getUserProfile({ userIDList: [] })).data).toEqual([]);
    await expect(b.getUserProfile({ userIDList: 'pu-a' as unknown as string[] })).rejects.toMatchObject({ code: expect.any(Number) });
    for (const t of [a, b]) await t.logout();
  });

  it("shows the peer's nick and avatar in the conversation list, and a newer nick once read again", async () => {
    const a = await loginUser(srv, 'pc-a');
    await a.updateMyProfile({ nick: 'Cleo', avatar: 'https://example.com/cleo.png' });
    const b = await loginUser(srv, 'pc-b');
    const lists = collect(b, TIM.EVENT.CONVERSATION_LIST_UPDATED);
    await sendTexts(a, 'pc-b', ['hi']);
    const shown = (list: { conversationID: string; userProfile: { nick: string } }[] | undefined) => list?.find((c) => c.conversationID === 'C2Cpc-a' && c.userProfile.nick !== '');
    await waitFor(() => shown(lists.at(-1)), 20_000, 'the peer nick in CONVERSATION_LIST_UPDATED');
    const [conv] = (await b.getConversationList()).data.conversationList;
    expect(conv!.userProfile).toEqual({ userID: 'pc-a', nick: 'Cleo', avatar: 'https://example.com/cleo.png' });
    expect((await b.getConversationProfile('C2Cpc-a')).data.conversation.userProfile.nick).toBe('Cleo');

    // Read once per peer; reading the profile again (getUserProfile) brings a change in.
    await a.updateMyProfile({ nick: 'Cleo B.' });
    const before = lists.length;
    await b.getUserProfile({ userIDList: ['pc-a'] });
    await waitFor(() => lists.length > before && lists.at(-1)!.find((c) => c.userProfile.nick === 'Cleo B.'), 20_000, 'the new nick');
    // A peer without an account keeps an empty profile.
    expect((await b.getConversationProfile('C2Cpc-nobody')).data.conversation.userProfile).toEqual({ userID: 'pc-nobody', nick: '', avatar: '' });
    for (const t of [a, b]) await t.logout();
  });

  it('refuses empty updates, values over 500 bytes and malformed custom keys with coded errors', async () => {
    const a = await loginUser(srv, 'pe-a');
    await expect(a.updateMyProfile({})).rejects.toMatchObject({ code: expect.any(Number) });
    await expect(a.updateMyProfile({ nick: 'x'.repeat(501) })).rejects.toMatchObject({ code: 40601 });
    await expect(a.updateMyProfile({ profileCustomField: [{ key: 'Tag_Profile_Custom_Much_Too_Long_Key', value: 'x' }] })).rejects.toMatchObject({ code: 40009 });
    // Nothing was half-applied.
    expect((await a.getMyProfile()).data).toMatchObject({ nick: '', profileCustomField: [] });
    await a.logout();
  });

  it("shows a nick set with updateMyProfile as the sender's nick on the peer's next message", async () => {
    const a = await loginUser(srv, 'pn-a');
    const b = await loginUser(srv, 'pn-b');
    const atB = collect(b, TIM.EVENT.MESSAGE_RECEIVED);
    await sendTexts(a, 'pn-b', ['before']);
    await waitFor(() => atB.flat().length === 1);
    expect(atB.flat()[0]!.nick).toBe('');

    await a.updateMyProfile({ nick: 'Nora' });
    await sendTexts(a, 'pn-b', ['after']);
    await waitFor(() => atB.flat().length === 2);
    expect(atB.flat().map((m) => [textOf(m), m.from, m.nick])).toEqual([
      ['before', 'pn-a', ''],
      ['after', 'pn-a', 'Nora'],
    ]);
    // History keeps the nick each message was sent with, also for a device that logs in later.
    const b2 = await loginUser(srv, 'pn-b');
    const { messages } = await fullHistory(b2, 'C2Cpn-a');
    expect(messages.map((m) => [textOf(m), m.nick])).toEqual([
      ['before', ''],
      ['after', 'Nora'],
    ]);
    // The peer reads the new nick from the profile too.
    expect((await b.getUserProfile({ userIDList: ['pn-a'] })).data[0]).toMatchObject({ userID: 'pn-a', nick: 'Nora' });
    for (const t of [a, b, b2]) await t.logout();
  });
});
