import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIM } from '../../src/node.ts';
import type { Message } from '../../src/node.ts';
import { collect, fullHistory, loginUser, sendTexts, startServer, textOf, TRANSPORTS, useTransport, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

describe.each(TRANSPORTS)('%s: two users exchanging messages', (transport) => {
  let srv: TestServer;
  beforeAll(async () => {
    useTransport(transport);
    srv = await startServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('delivers 200 messages each way with exact content, order and gap-free sequences', async () => {
    const a = await loginUser(srv, 'ann');
    const b = await loginUser(srv, 'ben');
    const atA = collect(a, TIM.EVENT.MESSAGE_RECEIVED);
    const atB = collect(b, TIM.EVENT.MESSAGE_RECEIVED);
    const fromA = Array.from({ length: 200 }, (_, i) => `a->b ${i}`);
    const fromB = Array.from({ length: 200 }, (_, i) => `b->a ${i}`);
    const [sentA, sentB] = await Promise.all([sendTexts(a, 'ben', fromA), sendTexts(b, 'ann', fromB)]);

    const gotB = await waitFor(() => (atB.flat().length >= 200 ? atB.flat() : undefined), 20_000, 'ben to receive 200');
    const gotA = await waitFor(() => (atA.flat().length >= 200 ? atA.flat() : undefined), 20_000, 'ann to receive 200');
    await new Promise((r) => setTimeout(r, 100));
    expect(atB.flat().map(textOf)).toEqual(fromA);
    expect(atA.flat().map(textOf)).toEqual(fromB);
    for (const m of gotB) expect(m).toMatchObject({ from: 'ann', to: 'ben', flow: 'in', conversationID: 'C2Cann', status: 'success' });
    for (const m of gotA) expect(m.conversationID).toBe('C2Cben');

    // One conversation, one sequence: 1..400 without gaps, each sender's messages ascending.
    const all = [...sentA, ...sentB].map((m) => m.sequence).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    const ascending = (ms: Message[]) => ms.every((m, i) => i === 0 || m.sequence > ms[i - 1]!.sequence);
    expect(ascending(sentA) && ascending(sentB) && ascending(gotA) && ascending(gotB)).toBe(true);
    // The receiver's copy carries the sender's ID (the ClientMsgID), so devices agree on identity.
    expect(gotB.map((m) => m.ID)).toEqual(sentA.map((m) => m.ID));

    // History, page by page from each side, equals what was sent, in sequence order.
    for (const [tim, conv] of [
      [a, 'C2Cben'],
      [b, 'C2Cann'],
    ] as const) {
      const { messages, pages } = await fullHistory(tim, conv);
      expect(pages).toBeGreaterThanOrEqual(27);
      expect(messages.map((m) => m.sequence)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    }
    await a.logout();
    await b.logout();
  });

  it('pages history from the server across several pages for a fresh device', async () => {
    const a = await loginUser(srv, 'hana');
    const texts = Array.from({ length: 50 }, (_, i) => `h${i}`);
    await sendTexts(a, 'hiro', texts);
    const b = await loginUser(srv, 'hiro');
    // First page: the 15 newest; then three more pages back to the first message.
    const first = await b.getMessageList({ conversationID: 'C2Chana', count: 15 });
    expect(first.data.messageList.map(textOf)).toEqual(texts.slice(35));
    expect(first.data.isCompleted).toBe(false);
    const { messages, pages } = await fullHistory(b, 'C2Chana');
    expect(pages).toBe(4);
    expect(messages.map(textOf)).toEqual(texts);
    // A repeat walk is served from the cache and returns the same objects.
    const again = await fullHistory(b, 'C2Chana');
    expect(again.messages).toEqual(messages);
    expect(again.messages[0]).toBe(messages[0]);
    await a.logout();
    await b.logout();
  });
});
