import { describe, expect, it } from 'vitest';
import type { C2cMsg } from '@parley/protocol';
import { recordFromWire } from './model.ts';
import type { MessageRecord } from './model.ts';
import { MessageStore } from './store.ts';

const wire = (seq: number, from = 'alice', to = 'bob', extra: Partial<C2cMsg> = {}): C2cMsg => ({
  From_Account: from,
  To_Account: to,
  MsgSeq: seq,
  MsgRandom: 1000 + seq,
  MsgTimeStamp: 1_700_000_000 + seq,
  MsgKey: `${seq}_${1000 + seq}_${1_700_000_000 + seq}`,
  MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `m${seq}` } }],
  ...extra,
});

const outgoing = (clientMsgId: string): MessageRecord => ({
  id: clientMsgId,
  conversationId: 'C2Calice',
  peer: 'alice',
  from: 'bob',
  to: 'alice',
  flow: 'out',
  seq: 0,
  random: 42,
  time: 1_700_000_100,
  clientSeq: 7,
  clientMsgId,
  msgKey: '',
  elems: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'mine' } }],
  cloudCustomData: '',
  nick: '',
  status: 'unSend',
  isRead: true,
  isPeerRead: false,
  isRevoked: false,
});

describe('MessageStore', () => {
  it('keeps a message once when push and sync both deliver it', () => {
    const s = new MessageStore();
    const first = s.upsert(recordFromWire(wire(1), 'bob'));
    const again = s.upsert(recordFromWire(wire(1), 'bob'));
    expect(first.added).toBe(true);
    expect(again.added).toBe(false);
    expect(again.record).toBe(first.record);
    expect(s.all('C2Calice')).toHaveLength(1);
  });

  it('turns an own unsent message into the server copy by ClientMsgID', () => {
    const s = new MessageStore();
    const mine = outgoing('c-1');
    s.upsert(mine);
    expect(s.unsent('C2Calice')).toEqual([mine]);
    const echo = recordFromWire(wire(5, 'bob', 'alice', { ClientMsgID: 'c-1', MsgRandom: 42 }), 'bob');
    const res = s.upsert(echo);
    expect(res).toMatchObject({ added: false, changed: true });
    expect(res.record).toBe(mine);
    expect(mine).toMatchObject({ seq: 5, status: 'success', msgKey: echo.msgKey });
    expect(s.unsent('C2Calice')).toEqual([]);
    expect(s.bySeq('C2Calice', 5)).toBe(mine);
  });

  it('marks a known message revoked when a recalled copy arrives', () => {
    const s = new MessageStore();
    s.upsert(recordFromWire(wire(3), 'bob'));
    const res = s.upsert(recordFromWire(wire(3, 'alice', 'bob', { MsgFlagBits: 8, MsgBody: [] }), 'bob'));
    expect(res.changed).toBe(true);
    expect(res.record.isRevoked).toBe(true);
    expect(res.record.elems).toHaveLength(1);
  });

  it('serves only the contiguous run below a sequence and knows where history ends', () => {
    const s = new MessageStore();
    for (const seq of [1, 2, 3, 5, 6, 7]) s.upsert(recordFromWire(wire(seq), 'bob'));
    expect(s.contiguousBelow('C2Calice', 8, 10).map((m) => m.seq)).toEqual([7, 6, 5]);
    expect(s.contiguousBelow('C2Calice', 4, 10).map((m) => m.seq)).toEqual([3, 2, 1]);
    expect(s.contiguousBelow('C2Calice', 8, 2).map((m) => m.seq)).toEqual([7, 6]);
    expect(s.isComplete('C2Calice', 1)).toBe(true);
    expect(s.isComplete('C2Calice', 5)).toBe(false);
    s.setFloor('C2Calice', 5);
    expect(s.isComplete('C2Calice', 5)).toBe(true);
  });

  it('orders messages by sequence with unsent ones last', () => {
    const s = new MessageStore();
    s.upsert(outgoing('c-9'));
    s.upsert(recordFromWire(wire(2, 'alice', 'bob'), 'bob'));
    s.upsert(recordFromWire(wire(1, 'alice', 'bob'), 'bob'));
    expect(s.all('C2Calice').map((m) => m.seq)).toEqual([1, 2, 0]);
  });

  it('forgets a deleted conversation', () => {
    const s = new MessageStore();
    const r = s.upsert(recordFromWire(wire(1), 'bob')).record;
    s.dropConversation('C2Calice');
    expect(s.get(r.id)).toBeUndefined();
    expect(s.all('C2Calice')).toEqual([]);
  });
});
