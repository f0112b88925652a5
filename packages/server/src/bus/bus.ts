/**
 * The Bus seam: moves small messages between server nodes, keyed by topic.
 *
 * Every node subscribes to the topics of the users it has connections for, so a message
 * committed on one node reaches that user's connections on every node. Delivery is
 * at-most-once and per-topic ordered; nothing relies on the Bus for durability — a
 * connection that misses a publish (node restart, Redis hiccup) fills the gap from the
 * Store through sync, because every event carries its stream cursor.
 */
import type { UserEvent } from '../store/store.ts';

export type BusMessage =
  /**
   * Committed stream events of one user, in cursor order, to push to that user's live
   * connections. `originInstIds[i]` names the connection that caused `events[i]` and was told
   * in its reply; that connection is not pushed the event.
   */
  | { type: 'events'; events: UserEvent[]; originInstIds?: (string | undefined)[] }
  /** A new login of the user: nodes apply the multi-instance policy to their own connections. */
  | { type: 'login'; instId: string; platformClass: string; at: number; limit: number }
  /** Close the user's connections (REST kick, account deleted): all of them, or the listed instances. */
  | { type: 'kick'; kickType: number; instIds?: string[] }
  /** Ephemeral notice (typing) for the user's connections; never stored. */
  | { type: 'ephemeral'; servcmd: string; body: Record<string, unknown> };

export type Unsubscribe = () => Promise<void>;

export interface Bus {
  publish(topic: string, message: BusMessage): Promise<void>;
  subscribe(topic: string, handler: (message: BusMessage) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** Topic of one user's messages. */
export function userTopic(sdkAppId: number, userId: string): string {
  return `user:${sdkAppId}:${userId}`;
}
