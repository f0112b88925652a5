/**
 * Per-conversation message cache. Live pushes, sync pages, history pages and our own sends
 * all go through upsert(), which merges duplicates:
 * - by ClientMsgID: our own send (seq 0) becomes the server's copy when the reply, the echo
 *   to this device or a sync page arrives, whichever is first;
 * - by conversation + sequence: the same message from push and sync is kept once.
 * Sequences are gap-free per conversation, so a run of consecutive sequences is known to
 * be complete and history can be served from the cache.
 */
import { compareMessages } from './model.ts';
import type { MessageRecord } from './model.ts';

interface ConversationMessages {
  bySeq: Map<number, MessageRecord>;
  /** Own messages not yet acknowledged (seq 0). */
  unsent: Set<MessageRecord>;
  /** The server said nothing exists below this sequence (0 = not known). */
  floorSeq: number;
}

export interface UpsertResult {
  record: MessageRecord;
  /** True when the message was not known before (first sighting). */
  added: boolean;
  /** True when a known record changed (e.g. became sent, or revoked). */
  changed: boolean;
}

export class MessageStore {
  readonly #conversations = new Map<string, ConversationMessages>();
  readonly #byId = new Map<string, MessageRecord>();
  readonly #byClientId = new Map<string, MessageRecord>();

  /** Insert or merge; returns the record the store keeps (existing objects keep identity). */
  upsert(incoming: MessageRecord): UpsertResult {
    const conv = this.#conv(incoming.conversationId);
    const known =
      (incoming.clientMsgId !== undefined ? this.#byClientId.get(incoming.clientMsgId) : undefined) ??
      (incoming.seq > 0 ? conv.bySeq.get(incoming.seq) : undefined) ??
      this.#byId.get(incoming.id);
    if (!known) {
      this.#index(conv, incoming);
      return { record: incoming, added: true, changed: false };
    }
    let changed = false;
    if (incoming.seq > 0 && known.seq !== incoming.seq) {
      if (known.seq > 0 && conv.bySeq.get(known.seq) === known) conv.bySeq.delete(known.seq);
      known.seq = incoming.seq;
      known.time = incoming.time || known.time;
      known.msgKey = incoming.msgKey;
      changed = true;
    }
    if (incoming.seq > 0 && known.status !== 'success') {
      known.status = 'success';
      changed = true;
    }
    if (incoming.isRevoked && !known.isRevoked) {
      known.isRevoked = true;
      changed = true;
    }
    if (!known.nick && incoming.nick) known.nick = incoming.nick;
    this.#index(conv, known);
    return { record: known, added: false, changed };
  }

  get(id: string): MessageRecord | undefined {
    return this.#byId.get(id);
  }

  bySeq(conversationId: string, seq: number): MessageRecord | undefined {
    return this.#conversations.get(conversationId)?.bySeq.get(seq);
  }

  /** Find a message by the recall/receipt key fields. */
  find(conversationId: string, seq: number, random?: number): MessageRecord | undefined {
    const m = this.bySeq(conversationId, seq);
    if (m && (random === undefined || m.random === random)) return m;
    return undefined;
  }

  /** Every message of a conversation, oldest first (unsent ones last). */
  all(conversationId: string): MessageRecord[] {
    const conv = this.#conversations.get(conversationId);
    if (!conv) return [];
    return [...conv.bySeq.values(), ...conv.unsent].sort(compareMessages);
  }

  /** Own messages that never got a sequence (waiting or failed). */
  unsent(conversationId: string): MessageRecord[] {
    const conv = this.#conversations.get(conversationId);
    return conv ? [...conv.unsent].sort(compareMessages) : [];
  }

  maxSeq(conversationId: string): number {
    const conv = this.#conversations.get(conversationId);
    if (!conv) return 0;
    let max = 0;
    for (const s of conv.bySeq.keys()) if (s > max) max = s;
    return max;
  }

  /**
   * Up to `count` cached messages strictly below `beforeSeq`, newest first, stopping at the
   * first missing sequence: what the cache can serve without asking the server.
   */
  contiguousBelow(conversationId: string, beforeSeq: number, count: number): MessageRecord[] {
    const conv = this.#conversations.get(conversationId);
    const out: MessageRecord[] = [];
    if (!conv) return out;
    for (let s = beforeSeq - 1; s >= 1 && out.length < count; s--) {
      const m = conv.bySeq.get(s);
      if (!m) break;
      out.push(m);
    }
    return out;
  }

  /** Record that the server has nothing older than `seq` in this conversation. */
  setFloor(conversationId: string, seq: number): void {
    const conv = this.#conv(conversationId);
    conv.floorSeq = Math.max(conv.floorSeq, seq);
  }

  /** True when no message exists below `seq` (sequence 1 reached or the server said so). */
  isComplete(conversationId: string, seq: number): boolean {
    if (seq <= 1) return true;
    const conv = this.#conversations.get(conversationId);
    return conv !== undefined && conv.floorSeq > 0 && seq <= conv.floorSeq;
  }

  /** Forget a conversation's messages (conversation deleted). */
  dropConversation(conversationId: string): void {
    const conv = this.#conversations.get(conversationId);
    if (!conv) return;
    for (const m of [...conv.bySeq.values(), ...conv.unsent]) {
      this.#byId.delete(m.id);
      if (m.clientMsgId) this.#byClientId.delete(m.clientMsgId);
    }
    this.#conversations.delete(conversationId);
  }

  clear(): void {
    this.#conversations.clear();
    this.#byId.clear();
    this.#byClientId.clear();
  }

  #conv(id: string): ConversationMessages {
    let c = this.#conversations.get(id);
    if (!c) this.#conversations.set(id, (c = { bySeq: new Map(), unsent: new Set(), floorSeq: 0 }));
    return c;
  }

  #index(conv: ConversationMessages, m: MessageRecord): void {
    this.#byId.set(m.id, m);
    if (m.clientMsgId) this.#byClientId.set(m.clientMsgId, m);
    if (m.seq > 0) {
      conv.unsent.delete(m);
      conv.bySeq.set(m.seq, m);
    } else {
      conv.unsent.add(m);
    }
  }
}
