import { describe, expect, it } from 'vitest';
import { applyStreamEvents } from './apply.ts';
import { ConversationCache } from './conversations.ts';
import type { MessageRecord } from './model.ts';
import { MessageStore } from './store.ts';

const T = 1_700_000_000;

function sent(seq: number, time: number): MessageRecord {
  return {
    id: `m${seq}`,
    conversationId: 'C2Cbob',
    peer: 'bob',
    from: 'alice',
    to: 'bob',
    flow: 'out',
    seq,
    random: seq,
    time,
    clientSeq: seq,
    clientMsgId: `m${seq}`,
    msgKey: `${seq}_${seq}_${time}`,
    elems: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `t${seq}` } }],
    cloudCustomData: '',
    nick: '',
    status: 'success',
    isRead: true,
    isPeerRead: false,
    isRevoked: false,
  };
}

describe('read receipts', () => {
  it('mark exactly the messages up to the peer’s read sequence, not later ones of the same second', () => {
    const store = new MessageStore();
    const conversations = new ConversationCache();
    const ctx = { self: 'alice', store, conversations };
    for (const m of [sent(1, T), sent(2, T), sent(3, T)]) {
      store.upsert(m);
      conversations.onMessage(m);
    }
    const r = applyStreamEvents([{ kind: 'peerRead', noticeSeq: 1, peer: 'bob', readTime: T, readSeq: 2 }], ctx);
    expect(r.peerRead.map((m) => m.seq)).toEqual([1, 2]);
    expect(store.all('C2Cbob').map((m) => m.isPeerRead)).toEqual([true, true, false]);

    // A later message of the same second arriving (its own echo, a sync page) stays unread by the peer.
    const late = applyStreamEvents([{ kind: 'message', noticeSeq: 2, msg: { From_Account: 'alice', To_Account: 'bob', MsgSeq: 4, MsgRandom: 4, MsgTimeStamp: T, MsgBody: [], ConvSeq: 4, ClientMsgID: 'm4' } as never }], ctx);
    expect(late.received.map((m) => [m.seq, m.isPeerRead])).toEqual([[4, false]]);

    const rest = applyStreamEvents([{ kind: 'peerRead', noticeSeq: 3, peer: 'bob', readTime: T, readSeq: 4 }], ctx);
    expect(rest.peerRead.map((m) => m.seq)).toEqual([3, 4]);
  });

  it('take a message from the peer as read up to it, as the server does for every send', () => {
    const store = new MessageStore();
    const conversations = new ConversationCache();
    const ctx = { self: 'alice', store, conversations };
    for (const m of [sent(1, T), sent(2, T)]) {
      store.upsert(m);
      conversations.onMessage(m);
    }
    const reply = (seq: number) => ({ kind: 'message' as const, noticeSeq: undefined, msg: { From_Account: 'bob', To_Account: 'alice', MsgSeq: 100 + seq, MsgRandom: seq, MsgTimeStamp: T, MsgBody: [], ConvSeq: seq, ClientMsgID: `b${seq}` } as never });
    const r = applyStreamEvents([reply(3)], ctx);
    expect(r.received.map((m) => m.seq)).toEqual([3]);
    expect(r.peerRead.map((m) => m.seq)).toEqual([1, 2]);
    expect(conversations.get('C2Cbob')?.peerReadSeq).toBe(3);
    // Own messages after the reply are not read yet; the next reply covers them, once.
    store.upsert(sent(4, T));
    conversations.onMessage(store.bySeq('C2Cbob', 4)!);
    expect(applyStreamEvents([reply(3)], ctx).peerRead).toEqual([]);
    expect(store.bySeq('C2Cbob', 4)!.isPeerRead).toBe(false);
    expect(applyStreamEvents([reply(5)], ctx).peerRead.map((m) => m.seq)).toEqual([4]);
  });

  it('fall back to the read time when the server gives no sequence', () => {
    const store = new MessageStore();
    const conversations = new ConversationCache();
    for (const m of [sent(1, T), sent(2, T + 5)]) {
      store.upsert(m);
      conversations.onMessage(m);
    }
    const r = applyStreamEvents([{ kind: 'peerRead', noticeSeq: undefined, peer: 'bob', readTime: T + 1, readSeq: undefined }], { self: 'alice', store, conversations });
    expect(r.peerRead.map((m) => m.seq)).toEqual([1]);
  });
});
