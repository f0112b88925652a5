/**
 * The live sessions of this node, whatever their transport, and the decisions that need
 * every node's view: delivery of committed events and the multi-instance (kick) policy.
 * Both go through the Bus keyed by user, so a second node delivers to its own connections
 * and kicks its own older instances.
 */
import type { Bus, BusMessage, Unsubscribe } from '../bus/bus.ts';
import { userTopic } from '../bus/bus.ts';
import type { AppRecord } from '../store/store.ts';
import type { Logger } from '../log.ts';

/** Per-delivery memo, so one push is serialised once and written to all of a user's connections. */
export type RenderCache = Map<string, string>;

/** A logged-in session as the registry sees it; transports implement it. */
export interface LiveSession {
  readonly sdkAppId: number;
  readonly userId: string;
  /** Unique per login instance (Tencent's InstId). */
  readonly instId: string;
  readonly platformClass: string;
  readonly platform: number | undefined;
  /** Milliseconds since epoch of the login; older instances are kicked first. */
  readonly loginAt: number;
  /** Push a bus message (events, ephemeral notices) to the client. */
  deliver(message: BusMessage, cache: RenderCache): void;
  /** Tell the client it was kicked and end the session. */
  kick(kickType: number): void;
}

/**
 * Why a session ended: the client logged out, its connection closed, it fell silent past
 * the heartbeat deadline, it was kicked (`kickType` says by what), or its UserSig expired.
 */
export type SessionEnd = 'logout' | 'closed' | 'timeout' | 'kicked' | 'expired';

/**
 * A session came or went on this node (webhooks turn these into State.StateChange). An
 * attach names the platforms of the older instances on this node that the login pushes out
 * under the app's instance limit (Tencent's KickedDevice).
 */
export type SessionChange =
  | { type: 'attached'; session: LiveSession; kickedPlatforms: (number | undefined)[] }
  | { type: 'detached'; session: LiveSession; end: SessionEnd; kickType?: number };

interface UserEntry {
  sessions: LiveSession[];
  unsubscribe: Promise<Unsubscribe>;
}

export class SessionRegistry {
  private readonly users = new Map<string, UserEntry>();
  private readonly listeners: ((change: SessionChange) => void)[] = [];
  private count = 0;

  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {}

  /** Number of live sessions on this node. */
  get size(): number {
    return this.count;
  }

  /** Be told of every attach and detach on this node; returns a function that stops it. Listeners must not throw. */
  onChange(listener: (change: SessionChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emit(change: SessionChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (err) {
        this.log.error('session listener failed', { err });
      }
    }
  }

  /** Live sessions of one user on this node. */
  sessionsOf(sdkAppId: number, userId: string): readonly LiveSession[] {
    return this.users.get(userTopic(sdkAppId, userId))?.sessions ?? [];
  }

  /** All live sessions on this node (for the console and shutdown). */
  *all(): Iterable<LiveSession> {
    for (const e of this.users.values()) yield* e.sessions;
  }

  /**
   * Register a freshly logged-in session: subscribe to its user's topic first (so nothing
   * published from now on is missed), then announce the login so every node applies the
   * instance limit of the app to its older sessions.
   */
  async attach(session: LiveSession, app: AppRecord): Promise<void> {
    const topic = userTopic(session.sdkAppId, session.userId);
    let entry = this.users.get(topic);
    if (!entry) {
      const sessions: LiveSession[] = [];
      entry = { sessions, unsubscribe: this.bus.subscribe(topic, (m) => this.onBusMessage(sessions, m)) };
      this.users.set(topic, entry);
    }
    entry.sessions.push(session);
    this.count++;
    const limit = session.platformClass === 'web' ? app.options.webInstances : app.options.otherInstances;
    const login = { type: 'login', instId: session.instId, platformClass: session.platformClass, at: session.loginAt, limit } as const;
    // The kicks themselves happen when the announcement arrives (on every node, this one
    // included); which of this node's sessions they will hit is known now.
    this.emit({ type: 'attached', session, kickedPlatforms: instancesToKick(entry.sessions, login).map((s) => s.platform) });
    await entry.unsubscribe;
    await this.bus.publish(topic, login);
  }

  /** Forget a session (logout, close, kick). Idempotent: only the first call counts, with its reason. */
  detach(session: LiveSession, end: SessionEnd = 'closed', kickType?: number): void {
    const topic = userTopic(session.sdkAppId, session.userId);
    const entry = this.users.get(topic);
    if (!entry) return;
    const i = entry.sessions.indexOf(session);
    if (i < 0) return;
    entry.sessions.splice(i, 1);
    this.count--;
    this.emit({ type: 'detached', session, end, kickType });
    if (entry.sessions.length === 0) {
      this.users.delete(topic);
      entry.unsubscribe.then((u) => u()).catch((err: unknown) => this.log.warn('bus unsubscribe failed', { err }));
    }
  }

  private onBusMessage(sessions: LiveSession[], m: BusMessage): void {
    switch (m.type) {
      case 'login':
        return this.applyInstanceLimit(sessions, m);
      case 'kick': {
        for (const s of [...sessions]) if (!m.instIds || m.instIds.includes(s.instId)) s.kick(m.kickType);
        return;
      }
      case 'events': {
        const cache: RenderCache = new Map();
        for (const s of [...sessions]) {
          if (!m.originInstIds?.includes(s.instId)) {
            s.deliver(m, cache);
            continue;
          }
          // The events this connection caused reached it in its replies.
          const events = m.events.filter((_, i) => m.originInstIds![i] !== s.instId);
          if (events.length > 0) s.deliver({ type: 'events', events }, new Map());
        }
        return;
      }
      case 'ephemeral': {
        const cache: RenderCache = new Map();
        for (const s of [...sessions]) s.deliver(m, cache);
        return;
      }
    }
  }

  private applyInstanceLimit(sessions: LiveSession[], m: Extract<BusMessage, { type: 'login' }>): void {
    // KickType 1 "multipleAccount" for web instances, 2 "multipleDevice" for native platforms.
    const kickType = m.platformClass === 'web' ? 1 : 2;
    for (const s of instancesToKick(sessions, m)) s.kick(kickType);
  }
}

/** The instances a login pushes out: of its class, all but the newest `limit` (counting the new one). */
function instancesToKick(sessions: readonly LiveSession[], m: Omit<Extract<BusMessage, { type: 'login' }>, 'type'>): LiveSession[] {
  return sessions
    .filter((s) => s.platformClass === m.platformClass && s.instId !== m.instId && s.loginAt <= m.at)
    .sort((a, b) => b.loginAt - a.loginAt)
    .slice(Math.max(0, m.limit - 1));
}
