import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIM, nodeWebSocket } from '../../src/node.ts';
import type { TransportFactory } from '../../src/node.ts';
import { collect, loginUser, sendTexts, startServer, textOf, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

/** A Node WebSocket transport that counts the commands the client sends. */
function countingTransport(counts: Map<string, number>): TransportFactory {
  return () => {
    const inner = nodeWebSocket();
    return {
      kind: inner.kind,
      open: (url, on) => inner.open(url, on),
      send(frame) {
        const cmd = (JSON.parse(frame) as { head: { servcmd: string } }).head.servcmd;
        counts.set(cmd, (counts.get(cmd) ?? 0) + 1);
        inner.send(frame);
      },
      close: (code, reason) => inner.close(code, reason),
    };
  };
}

describe("the acting device's own stream events", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('follows its own read, recall and delete by their cursors, so the next push needs no sync', async () => {
    const counts = new Map<string, number>();
    const a = await loginUser(srv, 'oe-a', { transport: countingTransport(counts) });
    const b = await loginUser(srv, 'oe-b');
    const atA = collect(a, TIM.EVENT.MESSAGE_RECEIVED);
    const nextFromB = async (n: number, t: string) => {
      await sendTexts(b, 'oe-a', [t]);
      await waitFor(() => atA.flat().length === n, 10_000, `message ${n} at oe-a`);
    };
    const [mine] = await sendTexts(a, 'oe-b', ['mine']);
    await nextFromB(1, 'after send');
    await a.setMessageRead({ conversationID: 'C2Coe-b' });
    await nextFromB(2, 'after read');
    await a.revokeMessage(mine!);
    await nextFromB(3, 'after recall');
    await a.deleteConversation('C2Coe-b');
    await nextFromB(4, 'after delete');
    expect(atA.flat().map(textOf)).toEqual(['after send', 'after read', 'after recall', 'after delete']);
    await new Promise((r) => setTimeout(r, 200));
    // Only the login sync: no push was taken for a gap.
    expect(counts.get('openim.getmsg')).toBe(1);
    const list = (await a.getConversationList()).data.conversationList;
    expect(list.map((c) => [c.conversationID, c.unreadCount])).toEqual([['C2Coe-b', 1]]);
    await a.logout();
    await b.logout();
  });
});
