/**
 * Store contract cases for what the REST admin API and webhooks add to the seam: the webhook
 * outbox (enqueue, claim with a lease, retry, delete), unread totals, lookup by idempotency
 * key and the per-app callback config. Each backend's test file calls it beside
 * describeStoreContract:
 *
 *   describeWebhookStoreContract('SqliteStore', () => new SqliteStore({ path: ':memory:' }));
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_OPTIONS, type AppRecord, type NewMessage, type NewWebhookDelivery, type Store } from './store.ts';

const APP = 1_400_000_011;
const OTHER_APP = 1_400_000_012;
const T0 = 1_700_000_000;

function appRecord(sdkAppId: number): AppRecord {
  return { sdkAppId, secretKey: 'b'.repeat(64), name: `app-${sdkAppId}`, adminIdentifier: 'administrator', createdAt: T0, options: { ...DEFAULT_APP_OPTIONS } };
}

let n = 0;
function message(from: string, to: string, over: Partial<NewMessage> = {}): NewMessage {
  n += 1;
  return {
    sdkAppId: APP,
    from,
    to,
    random: n,
    clientMsgId: `w-${n}`,
    time: T0,
    body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `m${n}` } }],
    cloudCustomData: '',
    fromNick: '',
    syncToSender: true,
    autoCreateRecipient: false,
    ...over,
  };
}

function delivery(over: Partial<NewWebhookDelivery> = {}): NewWebhookDelivery {
  return { sdkAppId: APP, command: 'C2C.CallbackAfterSendMsg', query: { OptPlatform: 'RESTAPI' }, body: '{"a":1}', createdAt: 1_000, ...over };
}

/** Run the webhook/admin additions of the Store contract against one implementation. */
export function describeWebhookStoreContract(name: string, makeStore: () => Promise<Store> | Store, opts: { skip?: boolean } = {}): void {
  describe.skipIf(opts.skip ?? false)(`Store contract (admin API, webhooks): ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store?.close();
    });

    describe('webhook outbox', () => {
      it('hands out an enqueued delivery once while its lease runs, with its body and query intact', async () => {
        const id = await store.enqueueWebhook(delivery());
        const [first, ...rest] = await store.claimWebhooks(1_000, 10, 5_000);
        expect(rest).toEqual([]);
        expect(first).toMatchObject({ id, sdkAppId: APP, command: 'C2C.CallbackAfterSendMsg', query: { OptPlatform: 'RESTAPI' }, body: '{"a":1}', attempts: 0, createdAt: 1_000 });
        expect(await store.claimWebhooks(5_999, 10, 5_000)).toEqual([]);
        expect((await store.claimWebhooks(6_000, 10, 5_000)).map((d) => d.id)).toEqual([id]);
      });

      it('claims due deliveries oldest first, up to the limit, and not those due later', async () => {
        const a = await store.enqueueWebhook(delivery({ body: '"a"' }));
        const b = await store.enqueueWebhook(delivery({ body: '"b"' }));
        const c = await store.enqueueWebhook(delivery({ body: '"c"' }));
        await store.retryWebhook(a, 50_000);
        expect((await store.claimWebhooks(2_000, 1, 100_000)).map((d) => d.id)).toEqual([b]);
        expect((await store.claimWebhooks(2_000, 10, 100_000)).map((d) => d.id)).toEqual([c]);
        expect((await store.claimWebhooks(50_000, 10, 1_000)).map((d) => d.id)).toEqual([a]);
      });

      it('counts failed attempts and forgets deleted deliveries', async () => {
        const id = await store.enqueueWebhook(delivery());
        await store.retryWebhook(id, 2_000);
        await store.retryWebhook(id, 3_000);
        const [d] = await store.claimWebhooks(3_000, 10, 1_000);
        expect(d).toMatchObject({ id, attempts: 2 });
        await store.deleteWebhook(id);
        expect(await store.countWebhooks()).toBe(0);
        expect(await store.claimWebhooks(1e12, 10, 1_000)).toEqual([]);
      });

      it('counts waiting deliveries per app and in total', async () => {
        await store.enqueueWebhook(delivery());
        await store.enqueueWebhook(delivery());
        await store.enqueueWebhook(delivery({ sdkAppId: OTHER_APP }));
        expect(await store.countWebhooks(APP)).toBe(2);
        expect(await store.countWebhooks(OTHER_APP)).toBe(1);
        expect(await store.countWebhooks()).toBe(3);
      });
    });

    describe('unread totals and idempotency keys', () => {
      it('sums the unread counts of all conversations of a user and drops them as they are read', async () => {
        for (const u of ['amy', 'bob', 'cat']) await store.ensureAccount(APP, u);
        // Sending counts as reading the conversation, so amy's own message comes first.
        await store.sendMessages([message('amy', 'bob'), message('bob', 'amy'), message('bob', 'amy'), message('cat', 'amy')]);
        expect(await store.totalUnread(APP, 'amy')).toBe(3);
        expect(await store.totalUnread(APP, 'bob')).toBe(0);
        await store.markRead(APP, 'amy', 'bob');
        expect(await store.totalUnread(APP, 'amy')).toBe(1);
        expect(await store.totalUnread(OTHER_APP, 'amy')).toBe(0);
      });

      it('finds a sent message by its sender and idempotency key only', async () => {
        for (const u of ['amy', 'bob']) await store.ensureAccount(APP, u);
        const [sent] = await store.sendMessages([message('amy', 'bob', { clientMsgId: 'key-1' })]);
        expect(sent?.ok).toBe(true);
        expect((await store.getMessageByClientMsgId(APP, 'amy', 'key-1'))?.id).toBe(sent?.ok ? sent.message.id : 'none');
        expect(await store.getMessageByClientMsgId(APP, 'bob', 'key-1')).toBeUndefined();
        expect(await store.getMessageByClientMsgId(OTHER_APP, 'amy', 'key-1')).toBeUndefined();
      });
    });

    it('keeps an app’s callback config in its options', async () => {
      const app = appRecord(APP);
      await store.createApp(app);
      const callback = { url: 'https://example.com/cb', events: ['State.StateChange'], timeoutMs: 1500, failClosed: true, token: 't' };
      await store.updateApp({ ...app, options: { ...app.options, callback } });
      expect((await store.getApp(APP))?.options.callback).toEqual(callback);
      await store.updateApp({ ...app, options: { ...app.options, callback: undefined } });
      expect((await store.getApp(APP))?.options.callback).toBeUndefined();
    });
  });
}
