/**
 * C2C rules over Tencent's frames with a bare client, so every field is asserted exactly:
 * sequences, the per-user stream and its sync cookie, idempotent sends, read cursors,
 * recall rules, authorization and rate limits. SDK-level behaviour has its own suites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, type Reply } from '../support/raw-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const text = (s: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: s } }];
let rnd = 1;
const send = (c: RawClient, to: string, s: string, extra: Record<string, unknown> = {}) =>
  c.request('openim.sendmsg', { To_Account: to, MsgRandom: rnd++, MsgSeq: rnd, MsgBody: text(s), ...extra });

async function login(user: string, platform = 7): Promise<RawClient> {
  const c = await RawClient.connect(t.wsUrl);
  const r = await c.login(t.sdkAppId, user, t.sig(user), platform);
  expect(r.body.ErrorCode).toBe(0);
  return c;
}

/** Pull the whole stream from a cookie: every page until SyncFlag 2. */
async function syncAll(c: RawClient, cookie = ''): Promise<{ msgs: Record<string, unknown>[]; events: Record<string, unknown>[]; cookie: string; pages: number }> {
  const msgs: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  let pages = 0;
  for (;;) {
    const r = await c.request('openim.getmsg', { Cookie: cookie, SyncFlag: 0 });
    expect(r.body.ErrorCode).toBe(0);
    pages++;
    msgs.push(...(r.body.MsgList as Record<string, unknown>[]));
    events.push(...(r.body.EventArray as Record<string, unknown>[]));
    cookie = r.body.Cookie as string;
    expect(cookie).not.toBe('');
    if (r.body.SyncFlag === 2) return { msgs, events, cookie, pages };
  }
}

const pushedMsgs = (c: RawClient) =>
  c.frames
    .filter((f) => f.head.servcmd === 'im_open_push.msg_push')
    .flatMap((f) => (f.body.EventArray as { Event: number; C2cMsgArray?: Record<string, unknown>[] }[]).flatMap((e) => e.C2cMsgArray ?? []));

describe('C2C over the WebSocket protocol', () => {
  it('gives each conversation a gap-free sequence across both directions and pushes after commit', async () => {
    const a = await login('seq-a');
    const b = await login('seq-b');
    for (let i = 0; i < 20; i++) {
      const r = await send(i % 2 ? b : a, i % 2 ? 'seq-a' : 'seq-b', `m${i}`);
      expect(r.body).toMatchObject({ ErrorCode: 0, ConvSeq: i + 1 });
      expect(r.body.MsgKey).toBe(`${r.body.MsgSeq}_${rnd - 1}_${r.body.MsgTime}`);
    }
    await b.waitFor(() => pushedMsgs(b).length === 10);
    expect(pushedMsgs(b).map((m) => m.ConvSeq)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    const hist = await t.server.core.store.getHistory(t.sdkAppId, 'seq-a', 'seq-b', undefined, 100);
    expect(hist.map((m) => m.seq).reverse()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('returns the first result for a repeated ClientMsgID and stores nothing new', async () => {
    const a = await login('idem-a');
    await t.server.core.store.ensureAccount(t.sdkAppId, 'idem-b');
    const first = await send(a, 'idem-b', 'once', { ClientMsgID: 'c-1' });
    const again = await send(a, 'idem-b', 'once', { ClientMsgID: 'c-1' });
    expect(again.body).toMatchObject({ ErrorCode: 0, MsgTime: first.body.MsgTime, ConvSeq: first.body.ConvSeq, MsgKey: first.body.MsgKey });
    // Tencent's SDKs resend with the same MsgSeq + MsgRandom: that is the key when ClientMsgID is absent.
    const t1 = await a.request('openim.sendmsg', { To_Account: 'idem-b', MsgRandom: 777, MsgSeq: 42, MsgBody: text('tencent') });
    const t2 = await a.request('openim.sendmsg', { To_Account: 'idem-b', MsgRandom: 777, MsgSeq: 42, MsgBody: text('tencent') });
    expect(t2.body.ConvSeq).toBe(t1.body.ConvSeq);
    expect(await t.server.core.store.getHistory(t.sdkAppId, 'idem-a', 'idem-b', undefined, 10)).toHaveLength(2);
  });

  it('delivers an offline backlog of 500 in order through getmsg pages, then continues from the cookie', async () => {
    const a = await login('off-a');
    await t.server.core.store.ensureAccount(t.sdkAppId, 'off-b');
    await Promise.all(Array.from({ length: 500 }, (_, i) => send(a, 'off-b', `o${i}`)));
    const b = await login('off-b');
    const page = await b.request('recentcontact.page_get', {});
    expect((page.body.SessionItem as Record<string, unknown>[])[0]).toMatchObject({ To_Account: 'off-a', UnreadMsgCount: 500, ConvSeq: 500, ReadSeq: 0 });
    const first = await syncAll(b);
    expect(first.pages).toBeGreaterThanOrEqual(5);
    expect(first.msgs.map((m) => (m.MsgBody as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text)).toEqual(Array.from({ length: 500 }, (_, i) => `o${i}`));
    expect(first.msgs.map((m) => m.ConvSeq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    // Nothing new: the cookie is up to date.
    expect((await syncAll(b, first.cookie)).msgs).toHaveLength(0);
    // A message sent later is found after the cookie, exactly once.
    await send(a, 'off-b', 'later');
    const next = await syncAll(b, first.cookie);
    expect(next.msgs.map((m) => m.ConvSeq)).toEqual([501]);
  });

  it('hands over the backlog page read ahead, and a recall made meanwhile still reaches the client after it', async () => {
    const a = await login('ra-a');
    await t.server.core.store.ensureAccount(t.sdkAppId, 'ra-b');
    const sent = [];
    for (let i = 0; i < 150; i++) sent.push({ r: await send(a, 'ra-b', `r${i}`), random: rnd - 1 });
    const b = await login('ra-b');
    const first = await b.request('openim.getmsg', { Cookie: '', SyncFlag: 0 });
    expect(first.body.SyncFlag).toBe(1);
    expect(first.body.MsgList as unknown[]).toHaveLength(100);
    // Once page 1 is out the server reads page 2 ahead; the sender recalls one of its messages
    // in the meantime.
    const target = sent[120]!;
    const info = { From_Account: 'ra-a', To_Account: 'ra-b', MsgSeq: target.r.body.MsgSeq, MsgRandom: target.random, MsgTimeStamp: target.r.body.MsgTime };
    expect((await a.request('openim.msgwithdraw', { MsgInfo: info })).body.ErrorCode).toBe(0);
    const texts: string[] = [];
    const flags: number[] = [];
    let cookie = first.body.Cookie as string;
    for (;;) {
      const r = await b.request('openim.getmsg', { Cookie: cookie, SyncFlag: 0 });
      for (const m of r.body.MsgList as Record<string, unknown>[]) {
        texts.push((m.MsgBody as { MsgContent: { Text?: string } }[])[0]!.MsgContent.Text ?? '');
        flags.push(m.MsgFlagBits as number);
      }
      cookie = r.body.Cookie as string;
      if (r.body.SyncFlag === 2) break;
    }
    // Page 2 is the page as read before the recall: the message is there, unflagged ...
    expect(texts).toEqual(Array.from({ length: 50 }, (_, i) => `r${100 + i}`));
    expect(flags.every((f) => f === 0)).toBe(true);
    // ... and the recall is further along the stream: pushed to the online client, and the
    // first thing after the cookie the backlog ended with.
    const pushed = b.frames.filter((f) => f.head.servcmd === 'im_open_push.msg_push' && JSON.stringify(f.body).includes('WithdrawC2cMsgNotify'));
    expect(pushed).toHaveLength(1);
    const after = await syncAll(b, cookie);
    expect(after.msgs).toHaveLength(1);
    expect(JSON.stringify(after.msgs[0])).toContain('WithdrawC2cMsgNotify');
  });

  it('reads once per device and tells the reader\'s other devices and the peer', async () => {
    const a = await login('rd-a');
    const b1 = await login('rd-b', 7);
    const b2 = await login('rd-b', 2);
    for (let i = 0; i < 3; i++) await send(a, 'rd-b', `r${i}`);
    const r = await b1.request('openim.msgreaded', { C2CMsgReaded: { Cookie: '', C2CMsgReadedItem: [{ To_Account: 'rd-a', LastedMsgTime: 0 }] } });
    expect(r.body.ErrorCode).toBe(0);
    const own = await b2.waitFor((f) => JSON.stringify(f.body).includes('ReadC2cMsgNotify'));
    expect(JSON.stringify(own.body)).toContain('"From_Account":"rd-a"');
    const receipt = await a.waitFor((f) => JSON.stringify(f.body).includes('C2cReadedReceipt'));
    expect(JSON.stringify(receipt.body)).toMatch(/"To_Account":"rd-b","UinPairReadArray":\[\{"LastReadTime":\d+,"LastReadSeq":3\}\]/);
    const list = await b2.request('recentcontact.page_get', {});
    expect((list.body.SessionItem as Record<string, unknown>[])[0]).toMatchObject({ UnreadMsgCount: 0, ReadSeq: 3 });
    const peer = await a.request('openim.get_peer_read_time', { To_Account: ['rd-b'] });
    expect(peer.body).toMatchObject({ ReadTime: [expect.any(Number)], PeerReadSeq: [3] });
  });

  it("pushes a user's own send to its other devices but not back to the sending instance", async () => {
    const a1 = await login('md-a', 7);
    const a2 = await login('md-a', 2);
    const b = await login('md-b');
    const r = await send(a1, 'md-b', 'mine');
    await a2.waitFor(() => pushedMsgs(a2).length === 1);
    expect(pushedMsgs(a2)[0]).toMatchObject({ From_Account: 'md-a', To_Account: 'md-b', NoticeSeq: r.body.NoticeSeq });
    await b.waitFor(() => pushedMsgs(b).length === 1);
    await new Promise((res) => setTimeout(res, 50));
    expect(pushedMsgs(a1)).toHaveLength(0);
  });

  it("answers a read, a recall and a delete with the actor's own stream cursor, as sendmsg does", async () => {
    const a1 = await login('ns-a', 7);
    const a2 = await login('ns-a', 2);
    const b = await login('ns-b');
    const store = t.server.core.store;
    const notices = (c: RawClient, key: string) =>
      c.frames
        .filter((f) => f.head.servcmd === 'im_open_push.msg_push')
        .flatMap((f) => (f.body.EventArray as { C2cNotifyMsgArray?: Record<string, unknown>[] }[]).flatMap((e) => e.C2cNotifyMsgArray ?? []))
        .filter((i) => key in i);
    /** The newest event of ns-a's stream: its cursor and kind. */
    const head = async () => {
      const cursor = await store.headCursor(t.sdkAppId, 'ns-a');
      const [e] = await store.readEvents(t.sdkAppId, 'ns-a', cursor - 1, 1);
      return { cursor, kind: e?.kind };
    };
    await send(a1, 'ns-b', 'one');
    const mineRandom = rnd;
    const mine = await send(a1, 'ns-b', 'two');
    expect(mine.body.NoticeSeq).toEqual((await head()).cursor);
    await send(b, 'ns-a', 'three');
    await a1.waitFor(() => pushedMsgs(a1).length === 1);

    const read = await a1.request('openim.msgreaded', { C2CMsgReaded: { Cookie: '', C2CMsgReadedItem: [{ To_Account: 'ns-b', LastedMsgTime: 0 }] } });
    expect(read.body.ErrorCode).toBe(0);
    expect(await head()).toEqual({ cursor: read.body.NoticeSeq, kind: 'read' });
    const recall = await a1.request('openim.msgwithdraw', { MsgInfo: { From_Account: 'ns-a', To_Account: 'ns-b', MsgSeq: mine.body.MsgSeq, MsgRandom: mineRandom, MsgTimeStamp: mine.body.MsgTime } });
    expect(recall.body.ErrorCode).toBe(0);
    expect(await head()).toEqual({ cursor: recall.body.NoticeSeq, kind: 'recall' });
    const del = await a1.request('recentcontact.batch_delete', { From_Account: 'ns-a', ContactItem: [{ To_Account: 'ns-b', Type: 1 }] });
    expect(del.body).toMatchObject({ ErrorCode: 0, ResultItem: [{ ResultCode: 0, To_Account: 'ns-b' }] });
    expect(await head()).toEqual({ cursor: del.body.NoticeSeq, kind: 'conv_deleted' });
    // Nothing moved, nothing to name.
    const readAgain = await a1.request('openim.msgreaded', { C2CMsgReaded: { Cookie: '', C2CMsgReadedItem: [{ To_Account: 'ns-b', LastedMsgTime: 0 }] } });
    expect(readAgain.body).not.toHaveProperty('NoticeSeq');
    await send(b, 'ns-a', 'four');
    await a1.waitFor(() => pushedMsgs(a1).length === 2);
    const single = await a1.request('recentcontact.delete', { From_Account: 'ns-a', To_Account: 'ns-b' });
    expect(single.body.ErrorCode).toBe(0);
    expect(await head()).toEqual({ cursor: single.body.NoticeSeq, kind: 'conv_deleted' });

    // The other device is pushed the same cursors.
    await a2.waitFor(() => notices(a2, 'ConversationDeleted').length === 2);
    expect(notices(a2, 'ReadC2cMsgNotify').map((i) => i.NoticeSeq)).toEqual([read.body.NoticeSeq]);
    expect(notices(a2, 'WithdrawC2cMsgNotify').map((i) => i.NoticeSeq)).toEqual([recall.body.NoticeSeq]);
    expect(notices(a2, 'ConversationDeleted').map((i) => i.NoticeSeq)).toEqual([del.body.NoticeSeq, single.body.NoticeSeq]);
    // The acting instance is pushed none of its own events (only ns-b's read receipts).
    expect(notices(a1, 'ReadC2cMsgNotify').concat(notices(a1, 'WithdrawC2cMsgNotify'), notices(a1, 'ConversationDeleted'))).toEqual([]);
  });

  it('recalls within the window for the sender only, and the recall reaches an offline peer on sync', async () => {
    const a = await login('rc-a');
    await t.server.core.store.ensureAccount(t.sdkAppId, 'rc-b');
    const m = await send(a, 'rc-b', 'oops');
    const info = { From_Account: 'rc-a', To_Account: 'rc-b', MsgSeq: m.body.MsgSeq, MsgRandom: rnd - 1, MsgTimeStamp: m.body.MsgTime };
    const b = await login('rc-b');
    const notSender = await b.request('openim.msgwithdraw', { MsgInfo: { ...info, From_Account: undefined, To_Account: 'rc-a' } });
    expect(notSender.body.ErrorCode).toBe(100001);
    b.close();
    expect((await a.request('openim.msgwithdraw', { MsgInfo: info })).body.ErrorCode).toBe(0);
    expect((await a.request('openim.msgwithdraw', { MsgInfo: info })).body.ErrorCode).toBe(20023);
    expect((await a.request('openim.msgwithdraw', { MsgInfo: { ...info, MsgRandom: 1 } })).body.ErrorCode).toBe(20022);
    const b2 = await login('rc-b');
    const sync = await syncAll(b2, 's0');
    const signal = sync.msgs.find((x) => 'EventArray' in x);
    expect(JSON.stringify(signal)).toContain('WithdrawC2cMsgNotify');
    const hist = await b2.request('openim.getroammsg', { Peer_Account: 'rc-a', MaxCnt: 15, LastMsgTime: 0, MsgKey: '' });
    expect((hist.body.MsgList as Record<string, unknown>[])[0]).toMatchObject({ MsgFlagBits: 8, MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '', Desc: '', Ext: '' } }] });
  });

  it('refuses a recall outside the window', async () => {
    const short = await startTestServer({ config: { recallWindowSeconds: 0 } });
    try {
      const a = await RawClient.connect(short.wsUrl);
      await a.login(short.sdkAppId, 'w-a', short.sig('w-a'));
      await short.server.core.store.ensureAccount(short.sdkAppId, 'w-b');
      const m = await a.request('openim.sendmsg', { To_Account: 'w-b', MsgRandom: 5, MsgSeq: 9, MsgBody: text('late') });
      await new Promise((r) => setTimeout(r, 1100));
      const r = await a.request('openim.msgwithdraw', { MsgInfo: { To_Account: 'w-b', MsgSeq: 9, MsgRandom: 5, MsgTimeStamp: m.body.MsgTime } });
      expect(r.body.ErrorCode).toBe(20016);
    } finally {
      await short.close();
    }
  });

  it('pages history backwards over 3+ pages with the verbatim MsgKey cursor', async () => {
    const a = await login('h-a');
    await t.server.core.store.ensureAccount(t.sdkAppId, 'h-b');
    for (let i = 0; i < 40; i++) await send(a, 'h-b', `h${i}`);
    const seen: number[] = [];
    let cursor = { LastMsgTime: 0, MsgKey: '' };
    let pages = 0;
    for (;;) {
      const r: Reply = await a.request('openim.getroammsg', { Peer_Account: 'h-b', MaxCnt: 15, ...cursor });
      pages++;
      const list = r.body.MsgList as { ConvSeq: number }[];
      seen.unshift(...list.map((m) => m.ConvSeq));
      cursor = { LastMsgTime: r.body.LastMsgTime as number, MsgKey: r.body.MsgKey as string };
      if (r.body.Complete === 1) break;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('lists conversations by activity with server-owned unread counts, and deletes for one side only', async () => {
    const me = await login('cv-me');
    for (const p of ['cv-1', 'cv-2', 'cv-3']) await t.server.core.store.ensureAccount(t.sdkAppId, p);
    const p1 = await login('cv-1');
    await send(me, 'cv-2', 'x');
    await new Promise((r) => setTimeout(r, 1100));
    await send(p1, 'cv-me', 'y');
    await send(p1, 'cv-me', 'z');
    const list = await me.request('recentcontact.page_get', {});
    const items = list.body.SessionItem as Record<string, unknown>[];
    expect(items.map((i) => i.To_Account)).toEqual(['cv-1', 'cv-2']);
    expect(items.map((i) => i.UnreadMsgCount)).toEqual([2, 0]);
    const del = await me.request('recentcontact.batch_delete', { From_Account: 'cv-me', ContactItem: [{ To_Account: 'cv-1', Type: 1 }], ClearRamble: 1 });
    expect(del.body.ResultItem).toEqual([{ ResultCode: 0, ResultInfo: '', Type: 1, To_Account: 'cv-1' }]);
    const after = await me.request('recentcontact.page_get', {});
    expect((after.body.SessionItem as Record<string, unknown>[]).map((i) => i.To_Account)).toEqual(['cv-2']);
    expect((await me.request('openim.getroammsg', { Peer_Account: 'cv-1', MaxCnt: 15 })).body.MsgList).toEqual([]);
    // The peer keeps its conversation and history.
    const theirs = await p1.request('recentcontact.page_get', {});
    expect((theirs.body.SessionItem as Record<string, unknown>[]).map((i) => i.To_Account)).toContain('cv-me');
    expect((await p1.request('openim.getroammsg', { Peer_Account: 'cv-me', MaxCnt: 15 })).body.MsgList).toHaveLength(2);
    // A new message brings the conversation back, with only the new message.
    await send(p1, 'cv-me', 'back');
    const back = await me.request('recentcontact.page_get', {});
    expect((back.body.SessionItem as Record<string, unknown>[])[0]).toMatchObject({ To_Account: 'cv-1', UnreadMsgCount: 1 });
  });

  it("refuses access to another user's data", async () => {
    const a = await login('az-a');
    await t.server.core.store.ensureAccount(t.sdkAppId, 'az-b');
    await t.server.core.store.ensureAccount(t.sdkAppId, 'az-c');
    const eve = await login('az-eve');
    const m = await send(a, 'az-b', 'private');
    // History is always of the caller's own conversation: eve sees nothing of a↔b.
    expect((await eve.request('openim.getroammsg', { Peer_Account: 'az-b', MaxCnt: 15 })).body.MsgList).toEqual([]);
    // Acting as someone else is refused with a code.
    expect((await eve.request('openim.sendmsg', { From_Account: 'az-a', To_Account: 'az-b', MsgRandom: 1, MsgBody: text('x') })).body.ErrorCode).toBe(70402);
    expect((await eve.request('recentcontact.batch_delete', { From_Account: 'az-a', ContactItem: [{ To_Account: 'az-b', Type: 1 }] })).body.ErrorCode).toBe(70402);
    expect((await eve.request('openim.msgwithdraw', { MsgInfo: { From_Account: 'az-a', To_Account: 'az-b', MsgSeq: m.body.MsgSeq, MsgRandom: rnd - 1 } })).body.ErrorCode).toBe(70402);
    expect((await eve.request('openim.msgwithdraw', { MsgInfo: { To_Account: 'az-a', MsgSeq: m.body.MsgSeq, MsgRandom: rnd - 1 } })).body.ErrorCode).toBe(20022);
    // Marking read only ever moves the caller's own cursor.
    await eve.request('openim.msgreaded', { C2CMsgReaded: { C2CMsgReadedItem: [{ To_Account: 'az-a' }] } });
    expect((await t.server.core.store.getConversation(t.sdkAppId, 'az-b', 'az-a'))!.unread).toBe(1);
    // A forged sync cookie is refused rather than guessed.
    expect((await eve.request('openim.getmsg', { Cookie: 'az-a:1' })).body.ErrorCode).toBe(70402);
  });

  it('holds pushes after a reconnect login until the catch-up pull completes, so missed messages come first', async () => {
    const a = await login('cu-a');
    const b = await login('cu-b');
    const first = await syncAll(b);
    const creds = b.frames.find((f) => f.head.servcmd === 'im_open_status.wslogin')!.body as { A2Key: string; TinyId: string };
    b.close();
    await send(a, 'cu-b', 'missed while away');
    const again = await RawClient.connect(t.wsUrl);
    const relogin = await again.request('im_open_status.wslogin', { State: 'Online' }, { sdkappid: t.sdkAppId, a2: creds.A2Key, tinyid: creds.TinyId, platform: 7 });
    expect(relogin.body.ErrorCode).toBe(0);
    await send(a, 'cu-b', 'live during the pull');
    await new Promise((r) => setTimeout(r, 100));
    expect(pushedMsgs(again)).toHaveLength(0);
    const pulled = await syncAll(again, first.cookie);
    expect(pulled.msgs.map((m) => (m.MsgBody as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text)).toEqual(['missed while away', 'live during the pull']);
    await new Promise((r) => setTimeout(r, 100));
    // Both were returned by the pull: nothing held is pushed again.
    expect(pushedMsgs(again)).toHaveLength(0);
    await send(a, 'cu-b', 'after the pull');
    await again.waitFor(() => pushedMsgs(again).length === 1);
    expect(pushedMsgs(again)[0]!.MsgBody).toEqual(text('after the pull'));
  });

  it('rate-limits sends per user with a retry hint', async () => {
    const limited = await startTestServer({ config: { sendRatePerSecond: 5, sendBurst: 3 } });
    try {
      const a = await RawClient.connect(limited.wsUrl);
      await a.login(limited.sdkAppId, 'rl-a', limited.sig('rl-a'));
      await limited.server.core.store.ensureAccount(limited.sdkAppId, 'rl-b');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => a.request('openim.sendmsg', { To_Account: 'rl-b', MsgRandom: i, MsgSeq: i, MsgBody: text(`${i}`) })),
      );
      const codes = results.map((r) => r.body.ErrorCode);
      expect(codes.filter((c) => c === 0)).toHaveLength(3);
      const refused = results.find((r) => r.body.ErrorCode === 2996)!;
      expect(refused.body.RetryAfterMs).toBeGreaterThan(0);
      expect(await limited.server.core.store.countMessages(limited.sdkAppId)).toBe(3);
    } finally {
      await limited.close();
    }
  });

  it('keeps every acknowledged message across a server restart on the same data dir', async () => {
    const r = await startTestServer();
    try {
      let a = await RawClient.connect(r.wsUrl);
      await a.login(r.sdkAppId, 'dur-a', r.sig('dur-a'));
      await r.server.core.store.ensureAccount(r.sdkAppId, 'dur-b');
      const acked: number[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await a.request('openim.sendmsg', { To_Account: 'dur-b', MsgRandom: i, MsgSeq: i + 1, MsgBody: text(`d${i}`) });
        acked.push(res.body.ConvSeq as number);
      }
      await r.restart();
      a = await RawClient.connect(r.wsUrl);
      await a.login(r.sdkAppId, 'dur-a', r.sig('dur-a'));
      const hist = await a.request('openim.getroammsg', { Peer_Account: 'dur-b', MaxCnt: 100 });
      expect((hist.body.MsgList as { ConvSeq: number }[]).map((m) => m.ConvSeq)).toEqual(acked);
      const next = await a.request('openim.sendmsg', { To_Account: 'dur-b', MsgRandom: 99, MsgSeq: 99, MsgBody: text('after') });
      expect(next.body.ConvSeq).toBe(31);
    } finally {
      await r.close();
    }
  });
});
