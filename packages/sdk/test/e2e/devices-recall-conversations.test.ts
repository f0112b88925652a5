import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIM } from '../../src/node.ts';
import type { Conversation } from '../../src/node.ts';
import { collect, dropServerSockets, fullHistory, loginUser, sendTexts, startServer, textOf, TRANSPORTS, useTransport, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

describe.each(TRANSPORTS)('%s: multi-device, recall and the conversation list', (transport) => {
  let srv: TestServer;
  beforeAll(async () => {
    useTransport(transport);
    srv = await startServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it("shows a message sent on one device on the sender's other device as flow 'out'", async () => {
    const a1 = await loginUser(srv, 'dana');
    const a2 = await loginUser(srv, 'dana');
    const b = await loginUser(srv, 'dirk');
    const atA1 = collect(a1, TIM.EVENT.MESSAGE_RECEIVED);
    const atA2 = collect(a2, TIM.EVENT.MESSAGE_RECEIVED);
    const atB = collect(b, TIM.EVENT.MESSAGE_RECEIVED);
    const [m] = await sendTexts(a1, 'dirk', ['from device 1']);
    const echo = await waitFor(() => atA2.flat()[0]);
    await waitFor(() => atB.flat()[0]);
    expect(echo).toMatchObject({ ID: m!.ID, flow: 'out', from: 'dana', to: 'dirk', conversationID: 'C2Cdirk', sequence: m!.sequence });
    // The sending instance hears about its own message only through sendMessage.
    await new Promise((r) => setTimeout(r, 100));
    expect(atA1.flat()).toEqual([]);
    for (const t of [a1, a2]) {
      const conv = (await t.getConversationList()).data.conversationList.find((c) => c.conversationID === 'C2Cdirk');
      expect(conv).toMatchObject({ unreadCount: 0, lastMessage: { fromAccount: 'dana', lastSequence: m!.sequence } });
    }
    for (const t of [a1, a2, b]) await t.logout();
  });

  it('recalls a message for the peer, the other devices and a device that was disconnected at the time', async () => {
    const a1 = await loginUser(srv, 'rita');
    const a2 = await loginUser(srv, 'rita');
    const b = await loginUser(srv, 'rolf', { connection: { backoff: { baseMs: 300, capMs: 300 } } });
    const revokedAtB = collect(b, TIM.EVENT.MESSAGE_REVOKED);
    const revokedAtA2 = collect(a2, TIM.EVENT.MESSAGE_REVOKED);
    const receivedAtB = collect(b, TIM.EVENT.MESSAGE_RECEIVED);
    const [keep, gone] = await sendTexts(a1, 'rolf', ['keep', 'oops']);
    await waitFor(() => receivedAtB.flat().length === 2);
    await waitFor(() => a2.isReady());

    // b's socket dies; the recall happens while it is away. (Long-poll has no socket to drop.)
    if (transport === 'websocket') expect(dropServerSockets(srv, 'rolf')).toBe(1);
    const res = await a1.revokeMessage(gone!);
    expect(res.data.message.isRevoked).toBe(true);
    const atA2 = await waitFor(() => revokedAtA2.flat()[0]);
    expect(atA2).toMatchObject({ ID: gone!.ID, isRevoked: true });
    const atB = await waitFor(() => revokedAtB.flat()[0], 10_000, 'recall to reach the reconnected device');
    expect(atB).toMatchObject({ ID: gone!.ID, isRevoked: true, from: 'rita' });

    // A device that logs in afterwards sees the flag in history.
    const b2 = await loginUser(srv, 'rolf');
    const { messages } = await fullHistory(b2, 'C2Crita');
    expect(messages.map((m) => [textOf(m), m.isRevoked])).toEqual([
      ['keep', false],
      ['', true],
    ]);
    // Recalling again is refused with Tencent's code.
    await expect(a1.revokeMessage(gone!)).rejects.toMatchObject({ code: 20023 });
    // Only the sender may recall.
    const bCopy = receivedAtB.flat().find((m) => m.ID === keep!.ID)!;
    await expect(b.revokeMessage(bCopy)).rejects.toMatchObject({ code: expect.any(Number) });
    for (const t of [a1, a2, b, b2]) await t.logout();
  });

  it('orders conversations by last activity, counts unread per peer and deletes on every device', async () => {
    const me1 = await loginUser(srv, 'carl');
    const me2 = await loginUser(srv, 'carl');
    const x = await loginUser(srv, 'xena');
    const y = await loginUser(srv, 'yuri');
    await sendTexts(x, 'carl', ['x1', 'x2']);
    await sendTexts(y, 'carl', ['y1']);
    const list = async () => (await me1.getConversationList()).data.conversationList.map((c) => [c.conversationID, c.unreadCount]);
    await expect.poll(list, { timeout: 5_000 }).toEqual([
      ['C2Cyuri', 1],
      ['C2Cxena', 2],
    ]);
    await new Promise((r) => setTimeout(r, 1_100));
    await sendTexts(x, 'carl', ['x3']);
    await expect.poll(list, { timeout: 5_000 }).toEqual([
      ['C2Cxena', 3],
      ['C2Cyuri', 1],
    ]);

    const updates = collect(me2, TIM.EVENT.CONVERSATION_LIST_UPDATED);
    await me1.deleteConversation('C2Cxena');
    expect(await list()).toEqual([['C2Cyuri', 1]]);
    await waitFor(() => updates.at(-1) && !updates.at(-1)!.some((c: Conversation) => c.conversationID === 'C2Cxena'), 10_000, 'delete on device 2');
    // History is gone for this user, and a new message starts the conversation again.
    expect((await fullHistory(me1, 'C2Cxena')).messages).toEqual([]);
    await sendTexts(x, 'carl', ['x4']);
    await expect.poll(list, { timeout: 5_000 }).toEqual([
      ['C2Cxena', 1],
      ['C2Cyuri', 1],
    ]);
    for (const t of [me1, me2, x, y]) await t.logout();
  });
});
