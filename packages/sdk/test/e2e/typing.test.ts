/**
 * Typing notices (Parley extension): tim.sendTypingNotice() → the peer's TIM.EVENT.TYPING,
 * live only. Nothing is stored: no message, no conversation, no stream event to sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIM } from '../../src/node.ts';
import { fetchLongPoll } from '../../src/transports/long-poll.fetch.ts';
import { collect, loginUser, startServer, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('typing notices', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  /** Everything a notice could have left behind in the store. */
  async function footprint(...users: string[]) {
    const store = srv.server.core.store;
    return {
      messages: await store.countMessages(srv.sdkAppId),
      heads: await Promise.all(users.map((u) => store.headCursor(srv.sdkAppId, u))),
      conversations: await Promise.all(users.map((u) => store.listConversations(srv.sdkAppId, u, { offset: 0, limit: 10 }))),
    };
  }

  it('reaches the peer live, at most once per 3 s per conversation, and leaves nothing behind', async () => {
    const a = await loginUser(srv, 'ty-a');
    const b = await loginUser(srv, 'ty-b');
    const b2 = await loginUser(srv, 'ty-b');
    const typingAtB = collect(b, TIM.EVENT.TYPING);
    const typingAtB2 = collect(b2, TIM.EVENT.TYPING);
    const typingAtA = collect(a, TIM.EVENT.TYPING);
    const quiet = [
      collect(b, TIM.EVENT.MESSAGE_RECEIVED),
      collect(b, TIM.EVENT.CONVERSATION_LIST_UPDATED),
      collect(a, TIM.EVENT.CONVERSATION_LIST_UPDATED),
      collect(b2, TIM.EVENT.MESSAGE_RECEIVED),
    ];
    const before = await footprint('ty-a', 'ty-b');

    const first = await a.sendTypingNotice({ conversationID: 'C2Cty-b' });
    expect(first).toEqual({ code: 0, data: { conversationID: 'C2Cty-b', sent: true } });
    await waitFor(() => typingAtB.length === 1 && typingAtB2.length === 1, 5_000, 'the notice on both of ty-b’s devices');
    expect(typingAtB).toEqual([{ conversationID: 'C2Cty-a', userID: 'ty-a' }]);
    expect(typingAtB2).toEqual([{ conversationID: 'C2Cty-a', userID: 'ty-a' }]);

    // Throttled per conversation: a second notice within 3 s is not sent; another conversation's is.
    expect((await a.sendTypingNotice({ conversationID: 'C2Cty-b' })).data.sent).toBe(false);
    expect((await a.sendTypingNotice({ conversationID: 'C2Cty-other' })).data.sent).toBe(true);
    await sleep(300);
    expect(typingAtB).toHaveLength(1);
    expect(typingAtA).toEqual([]);

    // Not stored: no message, no conversation, no stream event; nobody heard of anything else.
    expect(await footprint('ty-a', 'ty-b')).toEqual(before);
    expect(quiet.map((events) => events.length)).toEqual([0, 0, 0, 0]);
    for (const t of [a, b]) expect((await t.getConversationList()).data.conversationList).toEqual([]);
    // A device that syncs afterwards finds nothing either.
    const late = await loginUser(srv, 'ty-b');
    const typingAtLate = collect(late, TIM.EVENT.TYPING);
    expect((await late.getConversationList()).data.conversationList).toEqual([]);
    expect((await late.getMessageList({ conversationID: 'C2Cty-a' })).data.messageList).toEqual([]);

    // After the interval the next notice goes out again.
    await sleep(3_000 - 300);
    expect((await a.sendTypingNotice({ conversationID: 'C2Cty-b' })).data.sent).toBe(true);
    await waitFor(() => typingAtB.length === 2, 5_000, 'the second notice');
    await waitFor(() => typingAtLate.length === 1, 5_000, 'the second notice on the new device');
    expect(await footprint('ty-a', 'ty-b')).toEqual(before);
    for (const t of [a, b, b2, late]) await t.logout();
  });

  it('is dropped when the peer is offline', async () => {
    const a = await loginUser(srv, 'tyo-a');
    const b = await loginUser(srv, 'tyo-b');
    await b.logout();
    const before = await footprint('tyo-a', 'tyo-b');
    expect((await a.sendTypingNotice({ conversationID: 'C2Ctyo-b' })).data.sent).toBe(true);
    const back = TIM.create({ SDKAppID: srv.sdkAppId, server: srv.url });
    const typing = collect(back, TIM.EVENT.TYPING);
    const received = collect(back, TIM.EVENT.MESSAGE_RECEIVED);
    await back.login({ userID: 'tyo-b', userSig: srv.sig('tyo-b') });
    await sleep(500);
    expect(typing).toEqual([]);
    expect(received).toEqual([]);
    expect((await back.getConversationList()).data.conversationList).toEqual([]);
    expect(await footprint('tyo-a', 'tyo-b')).toEqual(before);
    await a.logout();
    await back.logout();
  });

  it('reaches a peer on the HTTP long-poll line', async () => {
    const a = await loginUser(srv, 'tyl-a');
    const b = await loginUser(srv, 'tyl-b', { transport: fetchLongPoll() });
    const typing = collect(b, TIM.EVENT.TYPING);
    expect((await a.sendTypingNotice({ conversationID: 'C2Ctyl-b' })).data.sent).toBe(true);
    await waitFor(() => typing.length === 1, 10_000, 'the notice over long-poll');
    expect(typing).toEqual([{ conversationID: 'C2Ctyl-a', userID: 'tyl-a' }]);
    await a.logout();
    await b.logout();
  });

  it('refuses a conversation ID that names no user', async () => {
    const a = await loginUser(srv, 'tyr-a');
    await expect(a.sendTypingNotice({ conversationID: 'GROUPx' })).rejects.toMatchObject({ code: expect.any(Number) });
    await a.logout();
  });
});
