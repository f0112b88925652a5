/**
 * Paging a conversation backwards. Sequences are gap-free per conversation, so a run of
 * consecutive cached sequences below the cursor is complete and is served without a round
 * trip; only the part below the first missing sequence is fetched with openim.getroammsg.
 */
import { Cmd } from '@parley/protocol';
import type { Connection } from './connection.ts';
import type { MessageStore } from './store.ts';
import { compareMessages, recordFromWire } from './model.ts';
import type { MessageRecord } from './model.ts';
import { decodeRoamReply } from './wire.ts';

export interface HistoryPage {
  /** Oldest first. */
  messages: MessageRecord[];
  /** Pass back to get the next (older) page; '' when complete. */
  nextReqMessageID: string;
  isCompleted: boolean;
}

export interface HistoryDeps {
  connection: Connection;
  store: MessageStore;
  self(): string;
  /** Highest sequence the conversation is known to have (from the conversation list). */
  lastSeq(conversationId: string): number;
  /** New messages learnt from history (conversation list bookkeeping). */
  onMessages(records: MessageRecord[]): void;
  /** Server page size (Parley allows up to 100). */
  roamPageSize?: number;
}

export class History {
  constructor(private readonly deps: HistoryDeps) {}

  async page(conversationId: string, peer: string, count: number, before: MessageRecord | undefined): Promise<HistoryPage> {
    const { store } = this.deps;
    const firstPage = before === undefined;
    // The first page starts above the newest sequence anyone told us about.
    const top = firstPage ? Math.max(store.maxSeq(conversationId), this.deps.lastSeq(conversationId)) + 1 : before.seq;
    let local = store.contiguousBelow(conversationId, top, count);
    const reachedBottom = () => store.isComplete(conversationId, local.length ? local[local.length - 1]!.seq : top);
    if (local.length < count && !reachedBottom() && top > 1) {
      await this.#fetch(conversationId, peer, local[local.length - 1] ?? before, firstPage && local.length === 0, count - local.length);
      local = store.contiguousBelow(conversationId, top, count);
    }
    const messages = local.reverse();
    if (firstPage) messages.push(...store.unsent(conversationId));
    messages.sort(compareMessages);
    const oldest = messages.find((m) => m.seq > 0) ?? messages[0];
    const isCompleted = oldest === undefined || oldest.seq <= 1 || store.isComplete(conversationId, oldest.seq);
    return { messages, nextReqMessageID: isCompleted || !oldest ? '' : oldest.id, isCompleted };
  }

  /** Fetch pages older than `anchor` until `need` new contiguous messages arrived or none are left. */
  async #fetch(conversationId: string, peer: string, anchor: MessageRecord | undefined, fromTop: boolean, need: number): Promise<void> {
    const { connection, store } = this.deps;
    let lastMsgTime = fromTop || !anchor ? 0 : anchor.time;
    let msgKey = fromTop || !anchor ? '' : anchor.msgKey;
    let lastMsgSeq = fromTop || !anchor ? 0 : anchor.seq;
    let got = 0;
    for (let guard = 0; guard < 50 && got < need; guard++) {
      const body = await connection.request(Cmd.GetRoamMsg, {
        Peer_Account: peer,
        MaxCnt: Math.min(this.deps.roamPageSize ?? 100, Math.max(need, 15)),
        LastMsgTime: lastMsgTime,
        MsgKey: msgKey,
        // Parley extension: the exact conversation-sequence cursor.
        LastMsgSeq: lastMsgSeq,
        WithRecalledMsg: 1,
        GetDirection: 0,
      });
      const page = decodeRoamReply(body);
      const fresh: MessageRecord[] = [];
      let minSeq = Infinity;
      for (const w of page.msgs) {
        const res = store.upsert(recordFromWire(w, this.deps.self()));
        if (res.record.seq > 0) minSeq = Math.min(minSeq, res.record.seq);
        if (res.added) fresh.push(res.record);
        got++;
      }
      if (fresh.length) this.deps.onMessages(fresh);
      if (page.complete || page.msgs.length === 0) {
        store.setFloor(conversationId, Number.isFinite(minSeq) ? minSeq : anchor?.seq ?? 1);
        return;
      }
      if (!page.msgKey && !page.lastMsgTime) return;
      lastMsgTime = page.lastMsgTime;
      msgKey = page.msgKey;
      lastMsgSeq = page.lastMsgSeq || (Number.isFinite(minSeq) ? minSeq : 0);
    }
  }
}
