import { describe, expect, it } from 'vitest';
import { CallbackConfigCache } from './config.ts';
import type { AppRecord, Store } from '../store/store.ts';

const APP = 1_400_000_001;

function appWith(events: string[] | undefined): AppRecord {
  return {
    sdkAppId: APP,
    secretKey: 'k',
    name: 'a',
    adminIdentifier: 'administrator',
    createdAt: 0,
    options: {
      webInstances: 1,
      otherInstances: 1,
      autoCreateAccounts: false,
      ...(events && { callback: { url: 'http://127.0.0.1:9/', events: events as never, timeoutMs: 2000, failClosed: false } }),
    },
  };
}

/** A Store whose getApp answers from `current` and counts its reads. */
function fakeStore(current: () => AppRecord | undefined): Store & { reads: number } {
  const store = { reads: 0, getApp: async () => (store.reads++, current()) };
  return store as unknown as Store & { reads: number };
}

describe('CallbackConfigCache.known', () => {
  it('is unknown until a read has finished, then answers without waiting until the entry is stale', async () => {
    let now = 0;
    let app: AppRecord | undefined = appWith(['C2C.CallbackAfterSendMsg']);
    const store = fakeStore(() => app);
    const cache = new CallbackConfigCache(store, () => now);
    expect(cache.known(APP)).toBeUndefined();
    expect(store.reads).toBe(1);
    await cache.get(APP);
    expect(store.reads).toBe(1);
    expect(cache.surelyUnwanted(APP, 'C2C.CallbackAfterSendMsg')).toBe(false);
    expect(cache.surelyUnwanted(APP, 'C2C.CallbackBeforeSendMsg')).toBe(true);

    app = appWith(undefined);
    now = 4_999;
    expect(cache.surelyUnwanted(APP, 'C2C.CallbackBeforeSendMsg')).toBe(true);
    expect(cache.surelyUnwanted(APP, 'C2C.CallbackAfterSendMsg')).toBe(false);
    now = 5_000;
    // Stale: not known (so a caller takes the waiting path), and a fresh read is started.
    expect(cache.surelyUnwanted(APP, 'C2C.CallbackAfterSendMsg')).toBe(false);
    expect(store.reads).toBe(2);
    await cache.get(APP);
    expect(cache.surelyUnwanted(APP, 'C2C.CallbackAfterSendMsg')).toBe(true);
  });

  it('knows a vanished app wants nothing, and forgets on invalidate', async () => {
    let app: AppRecord | undefined;
    const cache = new CallbackConfigCache(fakeStore(() => app));
    await cache.get(APP);
    expect(cache.known(APP)).toEqual({ entry: undefined });
    expect(cache.surelyUnwanted(APP, 'State.StateChange')).toBe(true);
    app = appWith(['State.StateChange']);
    cache.invalidate(APP);
    expect(cache.surelyUnwanted(APP, 'State.StateChange')).toBe(false);
    await cache.get(APP);
    expect(cache.surelyUnwanted(APP, 'State.StateChange')).toBe(false);
  });

  it('does not remember a failed read', async () => {
    let fail = true;
    const store = { getApp: async () => { if (fail) throw new Error('disk'); return appWith(undefined); } } as unknown as Store;
    const cache = new CallbackConfigCache(store);
    await expect(cache.get(APP)).rejects.toThrow('disk');
    await new Promise((r) => setImmediate(r));
    fail = false;
    expect(cache.known(APP)).toBeUndefined();
    await cache.get(APP);
    expect(cache.surelyUnwanted(APP, 'State.StateChange')).toBe(true);
  });
});
