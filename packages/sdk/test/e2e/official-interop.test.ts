/**
 * One conversation between Tencent's own SDK and Parley's: alice runs tim-js-sdk 2.27.6
 * (unmodified, in a child process), bob runs @parley/sdk. Both see the same messages with
 * the same content in the same order, recalls and read receipts cross in both directions,
 * and history pages back on both sides (live instance and a fresh one) without duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTimUser, type TimMessage, type TimUser } from '../../../server/test/support/official-sdk/tim-user.ts';
import { TIM } from '../../src/node.ts';
import type { Message, TimClient } from '../../src/node.ts';
import { collect, fullHistory, loginUser, startServer, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

const N = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every 10th message is a custom one; texts mix scripts and emoji to check content byte for byte. */
const isCustom = (i: number) => i % 10 === 9;
const textFor = (dir: string, i: number) => `${dir} ${i}: 你好, Grüße 🙂 "quoted" <b>not html</b>`;
const customFor = (dir: string, i: number) => ({ data: `{"n":${i},"dir":"${dir}"}`, description: `custom ${i}`, extension: `ext-${i}` });

/** What a message says, the same way for both SDKs' message objects. */
function content(m: { type: string; payload: unknown; isRevoked: boolean }): string {
  if (m.isRevoked) return '(revoked)';
  const p = m.payload as Record<string, unknown>;
  if (m.type === 'TIMTextElem') return `text:${String(p.text)}`;
  if (m.type === 'TIMCustomElem') return `custom:${String(p.data)}|${String(p.description)}|${String(p.extension)}`;
  return `${m.type}:${JSON.stringify(p)}`;
}

function expected(dir: string): string[] {
  return Array.from({ length: N }, (_, i) => {
    if (!isCustom(i)) return `text:${textFor(dir, i)}`;
    const c = customFor(dir, i);
    return `custom:${c.data}|${c.description}|${c.extension}`;
  });
}

/** Walk tim-js-sdk's getMessageList back to the start; oldest first, with the page sizes. */
async function officialHistory(u: TimUser, conversationID: string): Promise<{ messages: TimMessage[]; pages: number[] }> {
  const pages: TimMessage[][] = [];
  let next: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const r = await u.getMessageList({ conversationID, nextReqMessageID: next });
    pages.unshift(r.messageList);
    if (r.isCompleted) break;
    expect(r.nextReqMessageID).not.toBe('');
    next = r.nextReqMessageID;
  }
  return { messages: pages.flat(), pages: pages.map((p) => p.length).reverse() };
}

describe('tim-js-sdk 2.27.6 and @parley/sdk in one conversation', () => {
  let srv: TestServer;
  const officials: TimUser[] = [];
  const parleys: TimClient[] = [];
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => {
    for (const t of parleys) await t.destroy().catch(() => {});
    await Promise.all(officials.map((u) => u.close()));
    await srv?.close();
  });

  async function official(userId: string): Promise<TimUser> {
    const u = await spawnTimUser({ sdk: 'tim-js-sdk', sdkAppId: srv.sdkAppId, wsUrl: srv.wsUrl, userId, userSig: srv.sig(userId), timeoutMs: 30_000 });
    officials.push(u);
    expect(u.version).toBe('2.27.6');
    await u.login();
    await u.waitFor('SDK_READY');
    return u;
  }

  async function parley(userId: string): Promise<TimClient> {
    const t = await loginUser(srv, userId);
    parleys.push(t);
    return t;
  }

  it('exchanges 30 messages each way, recalls and read receipts both ways, and pages history on both sides', async () => {
    const alice = await official('io-alice');
    const bob = await parley('io-bob');
    const atBob = collect(bob, TIM.EVENT.MESSAGE_RECEIVED);
    const revokedAtBob = collect(bob, TIM.EVENT.MESSAGE_REVOKED);
    const peerReadAtBob = collect(bob, TIM.EVENT.MESSAGE_READ_BY_PEER);

    // --- 30 each way, both directions at once ---
    const aliceSending = (async () => {
      const out: TimMessage[] = [];
      for (let i = 0; i < N; i++) out.push(isCustom(i) ? await alice.sendCustom('io-bob', customFor('a→b', i)) : await alice.sendText('io-bob', textFor('a→b', i)));
      return out;
    })();
    const bobSending = (async () => {
      const out: Message[] = [];
      for (let i = 0; i < N; i++) {
        const m = isCustom(i)
          ? bob.createCustomMessage({ to: 'io-alice', conversationType: 'C2C', payload: customFor('b→a', i) })
          : bob.createTextMessage({ to: 'io-alice', conversationType: 'C2C', payload: { text: textFor('b→a', i) } });
        out.push((await bob.sendMessage(m)).data.message);
      }
      return out;
    })();
    const [aliceSent, bobSent] = await Promise.all([aliceSending, bobSending]);
    expect(aliceSent.every((m) => m.status === 'success' && m.flow === 'out')).toBe(true);
    expect(bobSent.every((m) => m.status === 'success' && m.flow === 'out')).toBe(true);
    expect(aliceSent.map(content)).toEqual(expected('a→b'));
    expect(bobSent.map(content)).toEqual(expected('b→a'));

    const receivedByAlice = () =>
      alice
        .eventsNamed('MESSAGE_RECEIVED')
        .flatMap((e) => e.data)
        .filter((m) => m.conversationID === 'C2Cio-bob');
    await waitFor(() => atBob.flat().length >= N && receivedByAlice().length >= N, 30_000, '30 messages on each side');
    await sleep(300);
    const bobGot = atBob.flat();
    const aliceGot = receivedByAlice();
    expect(bobGot.map(content)).toEqual(expected('a→b'));
    expect(aliceGot.map(content)).toEqual(expected('b→a'));
    expect(bobGot.every((m) => m.from === 'io-alice' && m.flow === 'in' && m.conversationID === 'C2Cio-alice')).toBe(true);
    expect(aliceGot.every((m) => m.from === 'io-bob' && m.flow === 'in')).toBe(true);
    expect(new Set(bobGot.map((m) => m.ID)).size).toBe(N);
    expect(new Set(aliceGot.map((m) => m.ID)).size).toBe(N);

    // --- read receipts, both ways ---
    // The server counts a send as having read everything before it, silently; Parley's SDK
    // draws the same conclusion from each message of the peer. With that and alice's read,
    // bob sees every one of his messages read, each reported once.
    await bob.setMessageRead({ conversationID: 'C2Cio-alice' });
    await alice.setMessageRead('C2Cio-bob');
    await waitFor(() => bobSent.every((m) => m.isPeerRead), 15_000, 'bob to see all his messages read');
    const peerReadIds = peerReadAtBob.flat().map((m) => m.ID);
    expect(new Set(peerReadIds).size).toBe(peerReadIds.length);
    expect(peerReadIds.every((id) => bobSent.some((m) => m.ID === id))).toBe(true);
    // tim-js-sdk hears only explicit reads; whatever it reports is alice's own messages.
    const aliceIds = new Set(aliceSent.map((m) => m.ID));
    expect(alice.eventsNamed('MESSAGE_READ_BY_PEER').flatMap((e) => e.data).every((m) => aliceIds.has(m.ID) && m.isPeerRead)).toBe(true);

    // Then one message each way, read explicitly: each receipt names exactly it.
    const toBob = await alice.sendText('io-bob', 'read me, bob');
    await waitFor(() => atBob.flat().length === N + 1, 15_000, 'the message to read at bob');
    expect(toBob.isPeerRead).toBe(false);
    await bob.setMessageRead({ conversationID: 'C2Cio-alice' });
    const receiptAtAlice = await alice.waitFor('MESSAGE_READ_BY_PEER', (ms) => ms.some((m) => m.ID === toBob.ID), 15_000);
    expect(receiptAtAlice.data.map((m) => [m.ID, m.isPeerRead, m.conversationID])).toEqual([[toBob.ID, true, 'C2Cio-bob']]);
    expect((await alice.getMessage(toBob.ID)).isPeerRead).toBe(true);

    const toAlice = (await bob.sendMessage(bob.createTextMessage({ to: 'io-alice', conversationType: 'C2C', payload: { text: 'read me, alice' } }))).data.message;
    await waitFor(() => receivedByAlice().length === N + 1, 15_000, 'the message to read at alice');
    expect(toAlice.isPeerRead).toBe(false);
    const before = peerReadAtBob.length;
    await alice.setMessageRead('C2Cio-bob');
    await waitFor(() => peerReadAtBob.length > before, 15_000, 'bob to get alice’s receipt');
    expect(peerReadAtBob.slice(before).flat().map((m) => m.ID)).toEqual([toAlice.ID]);
    expect(toAlice.isPeerRead).toBe(true);
    expect((await bob.getConversationProfile('C2Cio-alice')).data.conversation.unreadCount).toBe(0);
    expect((await alice.getConversationProfile('C2Cio-bob')).unreadCount).toBe(0);

    // The conversation's order, as the server committed it: both sides must page back to it.
    const total = 2 * N + 2;
    const rows = (await srv.server.core.store.getHistory(srv.sdkAppId, 'io-alice', 'io-bob', undefined, 1000)).reverse();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const bodyOf = (r: (typeof rows)[number]) => {
      const e = r.body[0]!;
      const c = e.MsgContent as Record<string, unknown>;
      return e.MsgType === 'TIMTextElem' ? `text:${String(c.Text)}` : `custom:${String(c.Data)}|${String(c.Desc)}|${String(c.Ext)}`;
    };

    // --- recall, both ways (the peer's copy is found by its own ID on each side) ---
    const aliceRecalls = aliceSent[N - 2]!;
    const revoked = await alice.revokeMessage(aliceRecalls.ID);
    expect(revoked.isRevoked).toBe(true);
    await waitFor(() => revokedAtBob.flat().length === 1, 15_000, 'bob to see alice’s recall');
    const atBobRevoked = revokedAtBob.flat()[0]!;
    expect(atBobRevoked).toMatchObject({ from: 'io-alice', isRevoked: true });
    expect(atBobRevoked.ID).toBe(bobGot[N - 2]!.ID);
    expect(bobGot[N - 2]!.isRevoked).toBe(true);

    const bobRecalls = bobSent[N - 3]!;
    await bob.revokeMessage(bobRecalls);
    const aliceView = aliceGot[N - 3]!;
    const revokedAtAlice = await alice.waitFor('MESSAGE_REVOKED', (ms) => ms.some((m) => m.ID === aliceView.ID), 15_000);
    expect(revokedAtAlice.data.find((m) => m.ID === aliceView.ID)).toMatchObject({ from: 'io-bob', isRevoked: true });
    expect((await alice.getMessage(aliceView.ID)).isRevoked).toBe(true);
    expect(alice.eventsNamed('MESSAGE_REVOKED').flatMap((e) => e.data)).toHaveLength(1);
    expect(revokedAtBob.flat()).toHaveLength(1);

    // What each side should page back to: the committed order, recalls flagged.
    const recalledRows = new Set(rows.filter((r) => r.clientMsgId === bobRecalls.clientMsgID || (r.from === 'io-alice' && r.random === aliceRecalls.random)).map((r) => r.seq));
    expect(recalledRows.size).toBe(2);
    const conversation = rows.map((r) => [r.from, recalledRows.has(r.seq) ? '(revoked)' : bodyOf(r)]);

    // --- history: live instances and fresh ones, both SDKs ---
    const bobHistory = await fullHistory(bob, 'C2Cio-alice');
    expect(bobHistory.messages.map((m) => [m.from, content(m)])).toEqual(conversation);
    expect(new Set(bobHistory.messages.map((m) => m.ID)).size).toBe(total);
    expect(bobHistory.messages.filter((m) => m.isRevoked).map((m) => m.ID).sort()).toEqual([bobRecalls.ID, atBobRevoked.ID].sort());

    // tim-js-sdk's live list keeps what it sent and what it received in the order they reached
    // it, so within a second the two directions may interleave differently from the server's
    // order; each direction is exact. A fresh instance (below) pages the server's order.
    const aliceHistory = await officialHistory(alice, 'C2Cio-bob');
    const bySender = (list: string[][]) => ['io-alice', 'io-bob'].map((who) => list.filter(([from]) => from === who).map(([, c]) => c));
    expect(bySender(aliceHistory.messages.map((m) => [m.from, content(m)]))).toEqual(bySender(conversation));
    expect(new Set(aliceHistory.messages.map((m) => m.ID)).size).toBe(total);
    expect(aliceHistory.messages.filter((m) => m.isRevoked).map((m) => m.ID).sort()).toEqual([aliceRecalls.ID, aliceView.ID].sort());

    const bob2 = await parley('io-bob');
    const bob2History = await fullHistory(bob2, 'C2Cio-alice');
    expect(bob2History.pages).toBeGreaterThanOrEqual(4);
    expect(bob2History.messages.map((m) => [m.from, content(m)])).toEqual(conversation);
    expect(bob2History.messages.map((m) => m.ID)).toEqual(bobHistory.messages.map((m) => m.ID));

    const alice2 = await official('io-alice');
    const alice2History = await officialHistory(alice2, 'C2Cio-bob');
    expect(alice2History.pages.length).toBeGreaterThanOrEqual(4);
    expect(alice2History.messages.map((m) => [m.from, content(m)])).toEqual(conversation);
    expect(new Set(alice2History.messages.map((m) => m.ID))).toEqual(new Set(aliceHistory.messages.map((m) => m.ID)));
  });
});
