/**
 * The chat page's state, outside the view: one TIM instance, the conversation list, the
 * loaded messages of each conversation and the connection state. The SDK updates Message
 * objects in place, so the model only has to say "something changed" and the view
 * re-reads it.
 */
import TIM from '@parley/sdk';
import type { Conversation, Message, TimClient } from '@parley/sdk';

export type Phase = 'login' | 'signing-in' | 'ready' | 'kicked';
export type Banner = 'connected' | 'reconnecting' | 'offline';

export interface Thread {
  messages: Message[];
  nextReqMessageID: string;
  complete: boolean;
  loading: boolean;
}

const USER_KEY = 'parley.chat.user';

/** Answer of the demo back end, POST /demo/usersig. */
interface DemoSig {
  userSig: string;
  sdkAppId: number;
  expireAt: number;
}

async function fetchUserSig(userID: string): Promise<DemoSig> {
  const res = await fetch('/demo/usersig', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userID }) });
  if (res.status === 404) throw new Error('This server does not hand out demo UserSigs: start it with --demo (npm start does).');
  const body = (await res.json().catch(() => ({}))) as Partial<DemoSig> & { ErrorInfo?: string };
  if (!res.ok || typeof body.userSig !== 'string' || typeof body.sdkAppId !== 'number') throw new Error(body.ErrorInfo ?? `sign-in failed (HTTP ${res.status})`);
  return body as DemoSig;
}

export class ChatModel {
  phase: Phase = 'login';
  error = '';
  me = '';
  banner: Banner = 'connected';
  conversations: Conversation[] = [];
  active: string | undefined;
  kickedReason = '';
  readonly threads = new Map<string, Thread>();
  #tim: TimClient | undefined;
  #listeners = new Set<() => void>();
  #version = 0;

  /** The user of the last sign-in in this tab, so a reload signs in again. */
  static rememberedUser(): string | undefined {
    return sessionStorage.getItem(USER_KEY) ?? undefined;
  }

  get version(): number {
    return this.#version;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  changed(): void {
    this.#version++;
    for (const l of this.#listeners) l();
  }

  async login(userID: string): Promise<void> {
    userID = userID.trim();
    if (!userID) return;
    this.phase = 'signing-in';
    this.error = '';
    this.changed();
    try {
      const sig = await fetchUserSig(userID);
      const tim = TIM.create({ SDKAppID: sig.sdkAppId, server: location.origin, connection: { backoff: { baseMs: 300, capMs: 3000 } } });
      this.#tim = tim;
      this.#listen(tim);
      await tim.login({ userID, userSig: sig.userSig });
      this.me = userID;
      sessionStorage.setItem(USER_KEY, userID);
      this.conversations = (await tim.getConversationList()).data.conversationList;
      this.phase = 'ready';
      this.banner = 'connected';
    } catch (err) {
      this.#tim = undefined;
      this.phase = 'login';
      this.error = err instanceof Error ? err.message : String(err);
    }
    this.changed();
  }

  async logout(): Promise<void> {
    sessionStorage.removeItem(USER_KEY);
    const tim = this.#tim;
    this.#reset();
    this.changed();
    await tim?.destroy().catch(() => undefined);
  }

  /** Back to the sign-in form after a kick. */
  dismissKick(): void {
    this.#reset();
    this.changed();
  }

  thread(peer: string): Thread | undefined {
    return this.threads.get(`C2C${peer}`);
  }

  /** The loaded messages of a conversation in display order (re-sorted on read: sends get their sequence late). */
  messagesWith(peer: string): Message[] {
    return [...(this.thread(peer)?.messages ?? [])].sort(order);
  }

  async open(peer: string): Promise<void> {
    peer = peer.trim();
    const tim = this.#tim;
    if (!peer || !tim) return;
    this.active = peer;
    const id = `C2C${peer}`;
    if (!this.threads.has(id)) {
      const t: Thread = { messages: [], nextReqMessageID: '', complete: false, loading: true };
      this.threads.set(id, t);
      this.changed();
      try {
        const page = (await tim.getMessageList({ conversationID: id })).data;
        t.messages = mergeById(page.messageList, t.messages);
        t.nextReqMessageID = page.nextReqMessageID;
        t.complete = page.isCompleted;
      } catch (err) {
        this.error = err instanceof Error ? err.message : String(err);
      }
      t.loading = false;
    }
    this.changed();
    await this.markRead();
  }

  /** Close the chat pane (phone layout: back to the list). */
  close(): void {
    this.active = undefined;
    this.changed();
  }

  /** Load the page before the oldest loaded message; resolves false when there is nothing older. */
  async loadOlder(): Promise<boolean> {
    const tim = this.#tim;
    const t = this.active ? this.thread(this.active) : undefined;
    if (!tim || !t || t.complete || t.loading || !t.nextReqMessageID) return false;
    t.loading = true;
    this.changed();
    try {
      const page = (await tim.getMessageList({ conversationID: `C2C${this.active}`, nextReqMessageID: t.nextReqMessageID })).data;
      t.messages = mergeById(page.messageList, t.messages);
      t.nextReqMessageID = page.nextReqMessageID;
      t.complete = page.isCompleted;
    } finally {
      t.loading = false;
      this.changed();
    }
    return true;
  }

  async send(text: string): Promise<void> {
    const tim = this.#tim;
    const peer = this.active;
    if (!tim || !peer || text.trim() === '') return;
    const m = tim.createTextMessage({ to: peer, conversationType: TIM.TYPES.CONV_C2C, payload: { text } });
    this.#append(peer, [m]);
    this.changed();
    // sendMessage waits through reconnects; it fails only for good (then the bubble offers a retry).
    await tim.sendMessage(m).catch(() => undefined);
    this.changed();
  }

  async retry(m: Message): Promise<void> {
    const tim = this.#tim;
    if (!tim) return;
    const p = tim.resendMessage(m).catch(() => undefined);
    this.changed();
    await p;
    this.changed();
  }

  async recall(m: Message): Promise<void> {
    const tim = this.#tim;
    if (!tim) return;
    try {
      await tim.revokeMessage(m);
    } catch (err) {
      this.error = `Could not recall: ${(err as { message?: string }).message ?? String(err)}`;
    }
    this.changed();
  }

  /** Mark the open conversation read when the page is visible (sends the peer a read receipt). */
  async markRead(): Promise<void> {
    const tim = this.#tim;
    const peer = this.active;
    if (!tim || !peer || document.visibilityState !== 'visible') return;
    const conv = this.conversations.find((c) => c.conversationID === `C2C${peer}`);
    if (!conv || conv.unreadCount === 0) return;
    await tim.setMessageRead({ conversationID: `C2C${peer}` }).catch(() => undefined);
  }

  #append(peer: string, ms: Message[]): void {
    const t = this.thread(peer);
    if (t) t.messages = mergeById(t.messages, ms);
  }

  #listen(tim: TimClient): void {
    const E = TIM.EVENT;
    const mine = () => this.#tim === tim;
    tim.on(E.MESSAGE_RECEIVED, (e) => {
      if (!mine()) return;
      for (const m of e.data) this.#append(m.flow === 'in' ? m.from : m.to, [m]);
      this.changed();
      if (e.data.some((m) => m.conversationID === `C2C${this.active}`)) void this.markRead();
    });
    tim.on(E.CONVERSATION_LIST_UPDATED, (e) => {
      if (!mine()) return;
      this.conversations = e.data;
      this.changed();
      void this.markRead();
    });
    for (const ev of [E.MESSAGE_REVOKED, E.MESSAGE_READ_BY_PEER, E.MESSAGE_MODIFIED] as const) {
      tim.on(ev, () => {
        if (mine()) this.changed();
      });
    }
    tim.on(E.NET_STATE_CHANGE, (e) => {
      if (!mine()) return;
      const s = e.data.state;
      this.banner = s === TIM.TYPES.NET_STATE_CONNECTED ? 'connected' : s === TIM.TYPES.NET_STATE_CONNECTING ? 'reconnecting' : 'offline';
      this.changed();
    });
    tim.on(E.KICKED_OUT, (e) => {
      if (!mine()) return;
      sessionStorage.removeItem(USER_KEY);
      const who = this.me;
      this.kickedReason =
        e.data.type === TIM.TYPES.KICKED_OUT_USERSIG_EXPIRED
          ? 'Your UserSig expired.'
          : e.data.type === TIM.TYPES.KICKED_OUT_REST_API
            ? `The app's back end signed ${who} out.`
            : `${who} signed in on another page or device.`;
      this.phase = 'kicked';
      this.#tim = undefined;
      this.changed();
      void tim.destroy().catch(() => undefined);
    });
  }

  #reset(): void {
    this.#tim = undefined;
    this.phase = 'login';
    this.me = '';
    this.active = undefined;
    this.conversations = [];
    this.threads.clear();
    this.banner = 'connected';
  }
}

/** Merge two message lists by ID, keeping one object per ID, ordered by time then sequence. */
function mergeById(a: Message[], b: Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of [...a, ...b]) if (!byId.has(m.ID)) byId.set(m.ID, m);
  return [...byId.values()].sort(order);
}

function order(x: Message, y: Message): number {
  // Unsent messages have no sequence yet: they sort after everything sent, in send order.
  const sx = x.status === 'success' || x.flow === 'in' ? 0 : 1;
  const sy = y.status === 'success' || y.flow === 'in' ? 0 : 1;
  if (sx !== sy) return sx - sy;
  if (sx === 0 && x.sequence !== y.sequence && x.sequence > 0 && y.sequence > 0) return x.sequence - y.sequence;
  return x.time - y.time || x.clientTime - y.clientTime;
}
