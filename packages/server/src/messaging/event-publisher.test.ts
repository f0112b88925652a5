import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory-bus.ts';
import type { BusMessage } from '../bus/bus.ts';
import { resolveConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { SessionRegistry, type LiveSession, type RenderCache } from '../session/registry.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { AppRecord } from '../store/store.ts';
import { Messaging } from './messaging.ts';

const app: AppRecord = {
  sdkAppId: 1_400_000_123,
  secretKey: 'k'.repeat(64),
  name: 'coalescing',
  adminIdentifier: 'administrator',
  createdAt: 0,
  options: { webInstances: 5, otherInstances: 5, autoCreateAccounts: false },
};
const text = (s: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: s } }];

/** A session that records what the registry hands it, as a transport would push it. */
function recordingSession(userId: string, instId: string) {
  const delivered: { cursors: number[]; cache: RenderCache }[] = [];
  const session: LiveSession = {
    sdkAppId: app.sdkAppId,
    userId,
    instId,
    platformClass: instId,
    platform: undefined,
    loginAt: Date.now(),
    deliver: (m: BusMessage, cache: RenderCache) => {
      if (m.type === 'events') delivered.push({ cursors: m.events.map((e) => e.cursor), cache });
    },
    kick: () => {},
  };
  return { session, delivered };
}

describe('publishing the events of one group commit', () => {
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  async function setUp() {
    const store = new SqliteStore({ path: ':memory:' });
    stores.push(store);
    await store.createApp(app);
    for (const u of ['ann', 'ben']) await store.ensureAccount(app.sdkAppId, u);
    const bus = new MemoryBus();
    const published: { topic: string; message: BusMessage }[] = [];
    for (const u of ['ann', 'ben']) {
      const topic = `user:${app.sdkAppId}:${u}`;
      await bus.subscribe(topic, (message) => published.push({ topic, message }));
    }
    const registry = new SessionRegistry(bus, createLogger('silent'));
    const messaging = new Messaging(store, bus, resolveConfig({}));
    return { messaging, registry, published };
  }

  it('hands each user the events of one commit as one Bus message, in cursor order, naming where each came from', async () => {
    const { messaging, published } = await setUp();
    // Sent in one turn: one group commit. ann sends from two devices, ben from one.
    const sends = [
      messaging.send(app, 'ann', { to: 'ben', random: 1, clientMsgId: 'a1', body: text('1') }, { originInstId: 'ann-phone', rateLimit: false }),
      messaging.send(app, 'ben', { to: 'ann', random: 2, clientMsgId: 'b1', body: text('2') }, { originInstId: 'ben-web', rateLimit: false }),
      messaging.send(app, 'ann', { to: 'ben', random: 3, clientMsgId: 'a2', body: text('3') }, { originInstId: 'ann-pad', rateLimit: false }),
    ];
    const results = await Promise.all(sends);
    expect(results.map((r) => r.message.seq)).toEqual([1, 2, 3]);
    await new Promise((r) => setImmediate(r));

    expect(published.map((p) => p.topic)).toEqual([`user:${app.sdkAppId}:ben`, `user:${app.sdkAppId}:ann`]);
    const [toBen, toAnn] = published.map((p) => p.message as Extract<BusMessage, { type: 'events' }>);
    expect(toBen!.events.map((e) => [e.cursor, e.kind === 'msg' && e.message.seq])).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect(toBen!.originInstIds).toEqual([undefined, 'ben-web', undefined]);
    expect(toAnn!.events.map((e) => [e.cursor, e.kind === 'msg' && e.message.seq])).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect(toAnn!.originInstIds).toEqual(['ann-phone', undefined, 'ann-pad']);
    // Each sender was told its own cursor in the reply instead.
    expect(results.map((r) => r.senderCursor)).toEqual([1, 2, 3]);
  });

  it('gives every connection the events it did not cause, and shares one rendering among those that get them all', async () => {
    const { messaging, registry } = await setUp();
    const phone = recordingSession('ann', 'ann-phone');
    const pad = recordingSession('ann', 'ann-pad');
    const desk = recordingSession('ann', 'ann-desk');
    for (const s of [phone, pad, desk]) await registry.attach(s.session, app);
    await Promise.all([
      messaging.send(app, 'ann', { to: 'ben', random: 1, clientMsgId: 'a1', body: text('1') }, { originInstId: 'ann-phone', rateLimit: false }),
      messaging.send(app, 'ben', { to: 'ann', random: 2, clientMsgId: 'b1', body: text('2') }, { rateLimit: false }),
      messaging.send(app, 'ann', { to: 'ben', random: 3, clientMsgId: 'a2', body: text('3') }, { originInstId: 'ann-phone', rateLimit: false }),
    ]);
    await new Promise((r) => setImmediate(r));

    expect(phone.delivered.map((d) => d.cursors)).toEqual([[2]]);
    expect(pad.delivered.map((d) => d.cursors)).toEqual([[1, 2, 3]]);
    expect(desk.delivered.map((d) => d.cursors)).toEqual([[1, 2, 3]]);
    expect(pad.delivered[0]!.cache).toBe(desk.delivered[0]!.cache);
    expect(phone.delivered[0]!.cache).not.toBe(pad.delivered[0]!.cache);
  });

  it('pushes nothing to a connection whose every event it caused itself', async () => {
    const { messaging, registry } = await setUp();
    const phone = recordingSession('ann', 'ann-phone');
    await registry.attach(phone.session, app);
    await messaging.send(app, 'ann', { to: 'ben', random: 1, clientMsgId: 'a1', body: text('1') }, { originInstId: 'ann-phone', rateLimit: false });
    await new Promise((r) => setImmediate(r));
    expect(phone.delivered).toEqual([]);
  });
});
