/**
 * The conversation list. The server owns unread counts (unread = last sequence − read
 * sequence, so every device agrees); between list fetches the cache applies the same rule to
 * the messages and read events it sees, and a fetch after each sync replaces local guesses.
 */
import { conversationIdOf } from './model.ts';
import type { ConversationRecord, MessageRecord } from './model.ts';
import type { SessionItem } from './wire.ts';

export class ConversationCache {
  readonly #byId = new Map<string, ConversationRecord>();
  #activity = 0;

  get(id: string): ConversationRecord | undefined {
    return this.#byId.get(id);
  }

  /** Most recent activity first. */
  list(): ConversationRecord[] {
    return [...this.#byId.values()].sort((a, b) => b.lastTime - a.lastTime || b.activity - a.activity);
  }

  /** Replace the cache with the server's list; `lastMessage` records come from the store. */
  replace(items: { item: SessionItem; lastMessage: MessageRecord | undefined }[]): void {
    const next = new Map<string, ConversationRecord>();
    // The server lists the most recent first; keep that order for equal timestamps.
    let rank = items.length;
    for (const { item, lastMessage } of items) {
      const prevActivity = this.#byId.get(conversationIdOf(item.peer))?.activity ?? 0;
      const activity = Math.max(prevActivity, this.#activity + rank--);
      const id = conversationIdOf(item.peer);
      const prev = this.#byId.get(id);
      const lastSeq = Math.max(item.lastSeq, lastMessage?.seq ?? 0);
      const readSeq = item.readSeq ?? Math.max(0, item.lastSeq - item.unreadCount);
      next.set(id, {
        id,
        peer: item.peer,
        lastSeq,
        readSeq,
        unreadCount: Math.max(0, lastSeq - readSeq),
        lastMessage: lastMessage ?? prev?.lastMessage,
        lastTime: Math.max(item.lastTime, lastMessage?.time ?? 0),
        peerReadTime: Math.max(item.peerReadTime, prev?.peerReadTime ?? 0),
        peerReadSeq: Math.max(item.peerReadSeq ?? 0, prev?.peerReadSeq ?? 0),
        activity,
      });
    }
    this.#activity += items.length;
    this.#byId.clear();
    for (const [k, v] of next) this.#byId.set(k, v);
  }

  /** A message was seen (sent, pushed, synced). Returns the conversation when it changed. */
  onMessage(m: MessageRecord): ConversationRecord | undefined {
    if (m.seq === 0) return undefined;
    let c = this.#byId.get(m.conversationId);
    if (!c) {
      c = {
        id: m.conversationId,
        peer: m.peer,
        unreadCount: 0,
        lastSeq: 0,
        // A conversation new to this cache: count this message only; the next list fetch
        // brings the server's read position.
        readSeq: Math.max(0, m.seq - 1),
        lastMessage: undefined,
        lastTime: 0,
        peerReadTime: 0,
        peerReadSeq: 0,
        activity: 0,
      };
      this.#byId.set(c.id, c);
    }
    let changed = false;
    if (m.seq >= c.lastSeq) {
      if (c.lastMessage !== m) changed = true;
      c.lastSeq = m.seq;
      c.lastMessage = m;
      c.lastTime = Math.max(c.lastTime, m.time);
      c.activity = ++this.#activity;
    }
    // Sending implies having read everything before it (the server applies the same rule), for
    // this user and for the peer.
    if (m.flow === 'out' && m.seq > c.readSeq) c.readSeq = m.seq;
    if (m.flow === 'in' && m.seq > c.peerReadSeq) c.peerReadSeq = m.seq;
    if (this.#recount(c)) changed = true;
    return changed ? c : undefined;
  }

  /** This user read the conversation up to readSeq (undefined = everything known). */
  onRead(id: string, readSeq: number | undefined): ConversationRecord | undefined {
    const c = this.#byId.get(id);
    if (!c) return undefined;
    const target = readSeq ?? c.lastSeq;
    if (target > c.readSeq) c.readSeq = target;
    return this.#recount(c) ? c : undefined;
  }

  onPeerRead(id: string, readTime: number, readSeq: number | undefined): ConversationRecord | undefined {
    const c = this.#byId.get(id);
    if (!c) return undefined;
    let changed = false;
    if (readTime > c.peerReadTime) {
      c.peerReadTime = readTime;
      changed = true;
    }
    if (readSeq !== undefined && readSeq > c.peerReadSeq) {
      c.peerReadSeq = readSeq;
      changed = true;
    }
    return changed ? c : undefined;
  }

  delete(id: string): boolean {
    return this.#byId.delete(id);
  }

  clear(): void {
    this.#byId.clear();
  }

  totalUnread(): number {
    let n = 0;
    for (const c of this.#byId.values()) n += c.unreadCount;
    return n;
  }

  #recount(c: ConversationRecord): boolean {
    const unread = Math.max(0, c.lastSeq - c.readSeq);
    if (unread === c.unreadCount) return false;
    c.unreadCount = unread;
    return true;
  }
}
