/**
 * Sessions of Tencent's HTTP long-poll line (tim-js-sdk ≤ 2.10, webim v1): a LiveSession
 * whose pushes wait in a queue until the client's next `longpolling` request takes them.
 *
 * Delivery is acknowledged by the client: each poll carries `Cookie.NoticeSeq`, the last
 * NoticeSeq it received, and only then are those items dropped. A response lost on the way
 * is therefore answered again, and anything older than the queue is still in the user's
 * stream for `getmsg`.
 */
import { randomInt } from 'node:crypto';
import { KickType } from '@parley/protocol';
import type { BusMessage } from '../bus/bus.ts';
import type { Core } from '../core.ts';
import type { Identity } from '../session/auth.ts';
import { platformClass } from '../session/platform.ts';
import type { LiveSession, RenderCache } from '../session/registry.ts';
import { eventsToPushBody } from './tencent-shapes.ts';

/** A queued EventArray item and the stream cursor it carries (0 for notices without one). */
interface QueuedItem {
  noticeSeq: number;
  item: Record<string, unknown>;
  resent?: boolean;
}

/** What a poll returns: items, a kick, or an expired session. */
export type PollResult = { kind: 'events'; items: Record<string, unknown>[] } | { kind: 'kicked' } | { kind: 'expired' };

/** Most items kept for a client that stopped polling; beyond this it must resync with getmsg. */
const MAX_QUEUE = 5000;

export class LongPollSession implements LiveSession {
  readonly loginAt = Date.now();
  readonly platformClass: string;
  lastSeen = Date.now();
  /** Items not yet handed to a poll. */
  private queue: QueuedItem[] = [];
  /** Stream items handed to the last poll, kept until the next poll acknowledges them. */
  private inflight: QueuedItem[] = [];
  private waiter: ((r: PollResult) => void) | undefined;
  private kicked = false;
  /** True until the first poll: webim v1 learns of an unread backlog from an Event 1 notice. */
  firstPoll = true;
  readonly longPollingId: string;

  constructor(
    readonly identity: Identity,
    readonly instId: string,
    readonly platform: number | undefined,
  ) {
    this.platformClass = platformClass(platform);
    this.longPollingId = `${instId}-${randomInt(1, 2 ** 30)}`;
  }

  get sdkAppId(): number {
    return this.identity.app.sdkAppId;
  }

  get userId(): string {
    return this.identity.account.userId;
  }

  /** LiveSession: one EventArray item per stream event, so each can be acknowledged by its cursor. */
  deliver(message: BusMessage, _cache: RenderCache): void {
    if (message.type === 'events') {
      for (const e of message.events) {
        const item = eventsToPushBody(this.userId, [e]).EventArray as Record<string, unknown>[];
        this.enqueue({ noticeSeq: e.cursor, item: item[0]! });
      }
    } else if (message.type === 'ephemeral') {
      this.enqueue({ noticeSeq: 0, item: { Event: 0, Servcmd: message.servcmd, ...message.body } });
    }
  }

  /** LiveSession: the next poll answers 91101 (v1 onKickedEventCall, v2 KICKED_OUT). */
  kick(kickType: number): void {
    this.kicked = true;
    this.kickType = kickType;
    if (this.waiter) this.waiter({ kind: 'kicked' });
  }

  kickType = KickType.MultipleAccount as number;

  get isKicked(): boolean {
    return this.kicked;
  }

  /**
   * Answer now if anything is queued, else wait up to `holdMs`. `ack` is the client's
   * Cookie.NoticeSeq: the highest stream cursor it received. Items of the previous answer
   * above it were lost on the way and are sent once more.
   */
  poll(holdMs: number, ack: number): Promise<PollResult> {
    this.lastSeen = Date.now();
    if (this.kicked) return Promise.resolve({ kind: 'kicked' });
    // Whole seconds, as the UserSig check and the WebSocket door count them.
    if (Math.floor(Date.now() / 1000) > this.identity.expireAt) return Promise.resolve({ kind: 'expired' });
    const lost = this.inflight.filter((q) => q.noticeSeq > ack && !q.resent);
    for (const q of lost) q.resent = true;
    this.queue.unshift(...lost);
    this.inflight = [];
    if (this.queue.length > 0) return Promise.resolve(this.take());
    this.waiter?.({ kind: 'events', items: [] });
    return new Promise((resolve) => {
      const finish = (r: PollResult) => {
        clearTimeout(timer);
        if (this.waiter === finish) this.waiter = undefined;
        resolve(r);
      };
      const timer = setTimeout(() => finish({ kind: 'events', items: [] }), holdMs);
      this.waiter = finish;
    });
  }

  /** End a waiting poll (logout, shutdown). */
  release(): void {
    this.waiter?.({ kind: 'events', items: [] });
  }

  private take(): PollResult {
    const taken = this.queue;
    this.queue = [];
    this.inflight = taken.filter((q) => q.noticeSeq > 0);
    return { kind: 'events', items: taken.map((q) => q.item) };
  }

  private enqueue(q: QueuedItem): void {
    this.queue.push(q);
    if (this.queue.length > MAX_QUEUE) this.queue.splice(0, this.queue.length - MAX_QUEUE);
    if (this.waiter) this.waiter(this.take());
  }
}

/** This node's long-poll sessions by InstId, with one sweeper that ends silent ones. */
export class LongPollSessions {
  private readonly byInst = new Map<string, LongPollSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly core: Core,
    /** A session with no poll for this long is over (the client went away). */
    private readonly idleMs: number,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, idleMs / 4));
    this.sweeper.unref();
  }

  get(instId: string | undefined): LongPollSession | undefined {
    return instId === undefined ? undefined : this.byInst.get(instId);
  }

  /** Register a freshly logged-in (or, after a restart, re-authenticated) instance. */
  async open(identity: Identity, instId: string, platform: number | undefined): Promise<LongPollSession> {
    const s = new LongPollSession(identity, instId, platform);
    this.byInst.set(instId, s);
    await this.core.registry.attach(s, identity.app);
    return s;
  }

  close(s: LongPollSession): void {
    s.release();
    this.byInst.delete(s.instId);
    this.core.registry.detach(s);
  }

  closeAll(): void {
    clearInterval(this.sweeper);
    for (const s of [...this.byInst.values()]) this.close(s);
  }

  private sweep(): void {
    const deadline = Date.now() - this.idleMs;
    for (const s of [...this.byInst.values()]) if (s.lastSeen < deadline) this.close(s);
  }
}
