/**
 * Applies stream events (from pushes, sync pages or local actions) to the store and the
 * conversation list, and says what the app should hear about. Pure bookkeeping: no I/O.
 */
import { conversationIdOf, recordFromWire } from './model.ts';
import type { ConversationRecord, MessageRecord } from './model.ts';
import type { ConversationCache } from './conversations.ts';
import type { MessageStore } from './store.ts';
import type { StreamEvent } from './wire.ts';

export interface ApplyContext {
  self: string;
  store: MessageStore;
  conversations: ConversationCache;
}

export interface ApplyResult {
  received: MessageRecord[];
  updated: MessageRecord[];
  revoked: MessageRecord[];
  peerRead: MessageRecord[];
  conversationsChanged: boolean;
}

export function applyStreamEvents(events: StreamEvent[], ctx: ApplyContext): ApplyResult {
  const r: ApplyResult = { received: [], updated: [], revoked: [], peerRead: [], conversationsChanged: false };
  const { store, conversations, self } = ctx;
  for (const ev of events) {
    switch (ev.kind) {
      case 'message': {
        const res = store.upsert(recordFromWire(ev.msg, self));
        const m = res.record;
        const peerReadBefore = conversations.get(m.conversationId)?.peerReadSeq ?? 0;
        if (conversations.onMessage(m)) r.conversationsChanged = true;
        const conv = conversations.get(m.conversationId);
        if (m.flow === 'in' && conv && m.seq <= conv.readSeq) m.isRead = true;
        if (m.flow === 'out' && conv && isPeerRead(m, conv)) m.isPeerRead = true;
        if (res.added) r.received.push(m);
        else if (res.changed) r.updated.push(m);
        // A message from the peer means the peer has read everything before it (the server
        // moves the sender's read position with each send, without a receipt of its own).
        if (m.flow === 'in' && conv) r.peerRead.push(...readByPeerUpTo(store, conv, peerReadBefore));
        break;
      }
      case 'read': {
        const id = conversationIdOf(ev.peer);
        const readSeq = ev.readSeq ?? seqAtTime(store, conversations.get(id), ev.readTime);
        if (conversations.onRead(id, readSeq)) r.conversationsChanged = true;
        const conv = conversations.get(id);
        for (const m of store.all(id)) {
          if (m.flow === 'in' && !m.isRead && m.seq > 0 && conv && m.seq <= conv.readSeq) {
            m.isRead = true;
            r.updated.push(m);
          }
        }
        break;
      }
      case 'peerRead': {
        const id = conversationIdOf(ev.peer);
        if (conversations.onPeerRead(id, ev.readTime, ev.readSeq)) r.conversationsChanged = true;
        const conv = conversations.get(id);
        for (const m of store.all(id)) {
          if (m.flow !== 'out' || m.isPeerRead || m.seq === 0) continue;
          const read = conv ? isPeerRead(m, conv) : ev.readSeq !== undefined ? m.seq <= ev.readSeq : m.time <= ev.readTime;
          if (read) {
            m.isPeerRead = true;
            r.peerRead.push(m);
          }
        }
        break;
      }
      case 'recall': {
        const peer = ev.from === self ? ev.to : ev.from;
        const id = conversationIdOf(peer);
        const m =
          ev.seq !== undefined
            ? store.find(id, ev.seq, ev.random)
            : store.all(id).find((x) => x.clientSeq === ev.clientSeq && x.random === ev.random && x.from === ev.from);
        if (m && !m.isRevoked) {
          m.isRevoked = true;
          r.revoked.push(m);
          if (conversations.get(id)?.lastMessage === m) r.conversationsChanged = true;
        }
        break;
      }
      case 'conversationDeleted': {
        const id = conversationIdOf(ev.peer);
        if (conversations.delete(id)) r.conversationsChanged = true;
        store.dropConversation(id);
        break;
      }
    }
  }
  return r;
}

/** Own messages above `from` and up to the conversation's peer read position, now marked read by the peer. */
function readByPeerUpTo(store: MessageStore, conv: ConversationRecord, from: number): MessageRecord[] {
  const out: MessageRecord[] = [];
  for (let s = from + 1; s <= conv.peerReadSeq; s++) {
    const m = store.bySeq(conv.id, s);
    if (m && m.flow === 'out' && !m.isPeerRead) {
      m.isPeerRead = true;
      out.push(m);
    }
  }
  return out;
}

/**
 * Whether the peer has read `m`. The exact position (Parley's PeerReadSeq) decides whenever the
 * server gave one; the read time only without it: in whole seconds, it also covers messages
 * sent after the read within the same second.
 */
export function isPeerRead(m: MessageRecord, conv: ConversationRecord): boolean {
  if (conv.peerReadSeq > 0) return m.seq <= conv.peerReadSeq;
  return conv.peerReadTime > 0 && m.time <= conv.peerReadTime;
}

/** The highest sequence at or before `time`: read reports carry a time, unread counts need a sequence. */
function seqAtTime(store: MessageStore, conv: ConversationRecord | undefined, time: number): number | undefined {
  if (!conv) return undefined;
  if (time >= conv.lastTime) return conv.lastSeq;
  let best = conv.readSeq;
  for (const m of store.all(conv.id)) if (m.seq > best && m.time <= time) best = m.seq;
  return best;
}
