/**
 * Per-app webhook settings: which Tencent callbacks to send, where, how long to wait and
 * what to do when the before-send callback fails. Stored in the app's options; read
 * through a short-lived cache so a send does not cost a store read, while a change made
 * on another node or by the CLI still applies within CACHE_TTL_MS.
 */
import type { CallbackConfig, Store } from '../store/store.ts';

/** The callbacks Parley sends, by Tencent's CallbackCommand. */
export const CALLBACK_EVENTS = [
  'C2C.CallbackBeforeSendMsg',
  'C2C.CallbackAfterSendMsg',
  'C2C.CallbackAfterMsgWithDraw',
  'State.StateChange',
] as const;
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/** Tencent's callback timeout. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 2000;
export const MAX_CALLBACK_TIMEOUT_MS = 30_000;
const CACHE_TTL_MS = 5000;

export interface CallbackConfigInput {
  url: string;
  events?: readonly string[];
  timeoutMs?: number;
  failClosed?: boolean;
  token?: string;
}

/** Check and complete a config (all events, 2 s, fail-open by default); throws RangeError naming the bad field. */
export function normaliseCallbackConfig(input: CallbackConfigInput): CallbackConfig {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new RangeError(`url: "${input.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError('url: must be http or https');
  const events = input.events ?? CALLBACK_EVENTS;
  for (const e of events) {
    if (!(CALLBACK_EVENTS as readonly string[]).includes(e)) throw new RangeError(`events: unknown callback "${e}" (known: ${CALLBACK_EVENTS.join(', ')})`);
  }
  const timeoutMs = input.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_CALLBACK_TIMEOUT_MS) {
    throw new RangeError(`timeoutMs: must be an integer in 1-${MAX_CALLBACK_TIMEOUT_MS}`);
  }
  const out: CallbackConfig = { url: url.toString(), events: [...new Set(events)], timeoutMs, failClosed: input.failClosed ?? false };
  if (input.token) out.token = input.token;
  return out;
}

/** True when the app's config asks for this callback. */
export function wants(config: CallbackConfig | undefined, event: CallbackEvent): config is CallbackConfig {
  return config !== undefined && config.events.includes(event);
}

/** An app's webhook settings as the cache holds them; undefined when the app is gone. */
export type CallbackEntry = { config: CallbackConfig | undefined; secretKey: string } | undefined;

interface Entry {
  at: number;
  value: Promise<CallbackEntry>;
  /** Set once `value` resolved, so hot paths can decide without waiting (see known). */
  settled?: { entry: CallbackEntry };
}

/** The callback config and secret key of each app, cached for a few seconds. */
export class CallbackConfigCache {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The app's config (undefined: no webhooks) and its secret key (for signatures); undefined when the app is gone. */
  get(sdkAppId: number): Promise<CallbackEntry> {
    const hit = this.entries.get(sdkAppId);
    if (hit && this.now() - hit.at < CACHE_TTL_MS) return hit.value;
    const entry: Entry = { at: this.now(), value: this.store.getApp(sdkAppId).then((app) => app && { config: app.options.callback, secretKey: app.secretKey }) };
    entry.value.then(
      (settled) => (entry.settled = { entry: settled }),
      () => this.entries.get(sdkAppId) === entry && this.entries.delete(sdkAppId),
    );
    this.entries.set(sdkAppId, entry);
    if (this.entries.size > 10_000) this.entries.clear();
    return entry.value;
  }

  /**
   * The app's settings when a fresh read of them has already finished, else undefined (ask
   * `get`). Every send and login asks whether its app wants a callback; most apps want none,
   * and answering that without a promise keeps those paths free of waiting and garbage.
   * A stale entry starts a new read, so the next caller knows again.
   */
  known(sdkAppId: number): { entry: CallbackEntry } | undefined {
    const hit = this.entries.get(sdkAppId);
    if (hit && this.now() - hit.at < CACHE_TTL_MS) return hit.settled;
    void this.get(sdkAppId).catch(() => {});
    return undefined;
  }

  /** True when the app surely wants no `event` callback now; false when it does or is not known yet. */
  surelyUnwanted(sdkAppId: number, event: CallbackEvent): boolean {
    const k = this.known(sdkAppId);
    return k !== undefined && !wants(k.entry?.config, event);
  }

  /** Forget the app's entry after a change on this node, so the change applies at once. */
  invalidate(sdkAppId: number): void {
    this.entries.delete(sdkAppId);
  }
}

const caches = new WeakMap<Store, CallbackConfigCache>();

/** The cache shared by everything on this node that uses one Store. */
export function callbackCache(store: Store): CallbackConfigCache {
  let c = caches.get(store);
  if (!c) caches.set(store, (c = new CallbackConfigCache(store)));
  return c;
}
