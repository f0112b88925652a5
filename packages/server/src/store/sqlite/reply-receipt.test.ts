import { afterEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../store.ts';
import { SqliteStore } from './sqlite-store.ts';

const APP = 1400000001;
let n = 0;
const msg = (from: string, to: string): NewMessage => ({
  sdkAppId: APP,
  from,
  to,
  random: ++n,
  clientMsgId: `c${n}`,
  time: 1_700_000_000 + n,
  body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `m${n}` } }],
  cloudCustomData: '',
  fromNick: '',
  syncToSender: true,
  autoCreateRecipient: false,
});

describe('SqliteStore: a reply reads the conversation', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it('sends the peer a read receipt when a send moves the sender past unread messages', async () => {
    store = new SqliteStore({ path: ':memory:' });
    for (const u of ['ann', 'ben']) await store.ensureAccount(APP, u);
    await store.sendMessages([msg('ann', 'ben')]);
    const [first] = await store.sendMessages([msg('ann', 'ben')]);
    // ann's own sends never produce receipts for ann.
    expect(first!.ok && first!.events.filter((e) => e.event.kind === 'read')).toEqual([]);

    const [reply] = await store.sendMessages([msg('ben', 'ann')]);
    if (!reply!.ok) throw new Error('send failed');
    const receipts = reply!.events.filter((e) => e.event.kind === 'read');
    expect(receipts).toEqual([{ userId: 'ann', event: expect.objectContaining({ kind: 'read', peer: 'ben', reader: 'ben', readSeq: 3 }) }]);
    // The receipt is in ann's stream, so a device that was offline gets it on sync.
    const head = await store.headCursor(APP, 'ann');
    const events = await store.readEvents(APP, 'ann', head - 1, 10);
    expect(events).toEqual([expect.objectContaining({ kind: 'read', peer: 'ben', reader: 'ben', readSeq: 3 })]);
    expect((await store.getConversation(APP, 'ann', 'ben'))!.peerReadSeq).toBe(3);

    // A second reply with nothing new to read sends no receipt.
    const [again] = await store.sendMessages([msg('ben', 'ann')]);
    expect(again!.ok && again!.events.filter((e) => e.event.kind === 'read')).toEqual([]);
  });
});
