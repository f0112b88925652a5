import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIM } from '../../src/node.ts';
import type { Conversation } from '../../src/node.ts';
import { collect, fullHistory, loginUser, sendTexts, startServer, textOf, TRANSPORTS, useTransport, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

describe.each(TRANSPORTS)('%s: offline delivery, unread counts and read receipts', (transport) => {
  let srv: TestServer;
  beforeAll(async () => {
    useTransport(transport);
    srv = await startServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('gives an offline user 500 messages in order with unread 500; reading clears every device and tells the sender', async () => {
    const a = await loginUser(srv, 'olga');
    const texts = Array.from({ length: 500 }, (_, i) => `offline ${i}`);
    const sent = await sendTexts(a, 'oleg', texts);
    const receipts = collect(a, TIM.EVENT.MESSAGE_READ_BY_PEER);

    const b1 = await loginUser(srv, 'oleg');
    const b2 = await loginUser(srv, 'oleg');
    const b2Lists = collect(b2, TIM.EVENT.CONVERSATION_LIST_UPDATED);
    for (const b of [b1, b2]) {
      const list = (await b.getConversationList()).data.conversationList;
      expect(list.map((c) => [c.conversationID, c.unreadCount])).toEqual([['C2Colga', 500]]);
      expect(textOf(list[0]!.lastMessage)).toBe('offline 499');
      expect(await b.getTotalUnreadMessageCount()).toBe(500);
    }
    const { messages, pages } = await fullHistory(b1, 'C2Colga');
    expect(pages).toBeGreaterThanOrEqual(34);
    expect(messages.map(textOf)).toEqual(texts);
    expect(messages.every((m) => m.flow === 'in' && m.from === 'olga' && !m.isRead)).toBe(true);

    await b1.setMessageRead({ conversationID: 'C2Colga' });
    expect((await b1.getConversationList()).data.conversationList[0]!.unreadCount).toBe(0);
    expect(messages.every((m) => m.isRead)).toBe(true);

    // The sender's messages turn peer-read.
    await waitFor(() => receipts.flat().length >= 500, 10_000, 'read receipts');
    expect(new Set(receipts.flat().map((m) => m.ID))).toEqual(new Set(sent.map((m) => m.ID)));
    expect(sent.every((m) => m.isPeerRead)).toBe(true);

    // The reader's second device drops to 0 without reading anything itself.
    const last = await waitFor(() => b2Lists.at(-1)?.find((c: Conversation) => c.conversationID === 'C2Colga' && c.unreadCount === 0), 10_000, 'second device unread 0');
    expect(last.unreadCount).toBe(0);
    expect(await b2.getTotalUnreadMessageCount()).toBe(0);
    for (const t of [a, b1, b2]) await t.logout();
  });

  it('keeps unread counts equal across devices as messages arrive and are read', async () => {
    const a = await loginUser(srv, 'uma');
    const b1 = await loginUser(srv, 'ugo');
    const b2 = await loginUser(srv, 'ugo');
    await sendTexts(a, 'ugo', ['1', '2', '3']);
    const unread = async (t: typeof a) => (await t.getConversationList()).data.conversationList.find((c) => c.conversationID === 'C2Cuma')?.unreadCount;
    for (const t of [b1, b2]) await expect.poll(() => unread(t), { timeout: 5_000 }).toBe(3);
    await b2.setMessageRead({ conversationID: 'C2Cuma' });
    await expect.poll(() => unread(b1), { timeout: 5_000 }).toBe(0);
    await sendTexts(a, 'ugo', ['4']);
    for (const t of [b1, b2]) await expect.poll(() => unread(t), { timeout: 5_000 }).toBe(1);
    // A fresh third device agrees, from the server's count.
    const b3 = await loginUser(srv, 'ugo');
    expect(await unread(b3)).toBe(1);
    for (const t of [a, b1, b2, b3]) await t.logout();
  });
});
