/**
 * The Store contract: the promises of store.ts as executable cases. Every Store
 * implementation runs this same suite from a few-line test file, so "works on SQLite but
 * not on Postgres" fails in CI instead of in production:
 *
 *   describeStoreContract('SqliteStore', () => new SqliteStore({ path: tempFile() }));
 *
 * Each case gets a fresh, empty store from `makeStore` and closes it afterwards. Cases use
 * only the Store interface; anything backend-specific (pragmas, migrations) belongs in the
 * implementation's own test file. To extend: add an `it` here, never in one backend's file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_OPTIONS, type AppRecord, type NewMessage, type SendOutcome, type Store, type StoredMessage, type UserEvent } from './store.ts';

/** Options for {@link describeStoreContract}. */
export interface StoreContractOptions {
  /** Skip the whole suite (e.g. its database is not reachable); the reason belongs in the caller. */
  skip?: boolean;
}

const APP = 1_400_000_001;
const OTHER_APP = 1_400_000_002;
/** A fixed clock: messages carry explicit times so ordering never depends on the wall clock. */
const T0 = 1_700_000_000;

function appRecord(sdkAppId: number, over: Partial<AppRecord> = {}): AppRecord {
  return {
    sdkAppId,
    secretKey: 'a'.repeat(64),
    name: `app-${sdkAppId}`,
    adminIdentifier: 'administrator',
    createdAt: T0,
    options: { ...DEFAULT_APP_OPTIONS },
    ...over,
  };
}

let clientIds = 0;

/** A send of a text message; every field can be overridden. */
function newMessage(from: string, to: string, over: Partial<NewMessage> = {}): NewMessage {
  clientIds += 1;
  return {
    sdkAppId: APP,
    from,
    to,
    random: 1000 + clientIds,
    clientMsgId: `c-${clientIds}`,
    time: T0,
    body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `text ${clientIds}` } }],
    cloudCustomData: '',
    fromNick: '',
    syncToSender: true,
    autoCreateRecipient: false,
    ...over,
  };
}

type Accepted = Extract<SendOutcome, { ok: true }>;

function accepted(outcome: SendOutcome | undefined): Accepted {
  if (!outcome?.ok) throw new Error(`send refused: ${JSON.stringify(outcome)}`);
  return outcome;
}

const seqs = (messages: readonly StoredMessage[]) => messages.map((m) => m.seq);
const cursors = (events: readonly { cursor: number }[]) => events.map((e) => e.cursor);

/** Run the Store contract against one implementation. */
export function describeStoreContract(name: string, makeStore: () => Promise<Store> | Store, opts: StoreContractOptions = {}): void {
  describe.skipIf(opts.skip ?? false)(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store?.close();
    });

    /** Send one message and return the accepted outcome. */
    async function send(from: string, to: string, over: Partial<NewMessage> = {}): Promise<Accepted> {
      const [outcome] = await store.sendMessages([newMessage(from, to, over)]);
      return accepted(outcome);
    }

    async function users(...ids: string[]): Promise<void> {
      for (const id of ids) await store.ensureAccount(APP, id);
    }

    async function allEvents(user: string, sdkAppId = APP): Promise<UserEvent[]> {
      return store.readEvents(sdkAppId, user, 0, 10_000);
    }

    describe('apps', () => {
      it('creates an app and reads it back by id', async () => {
        const app = appRecord(APP, { options: { webInstances: 3, otherInstances: 2, autoCreateAccounts: true } });
        await store.createApp(app);
        expect(await store.getApp(APP)).toEqual(app);
        expect(await store.getApp(OTHER_APP)).toBeUndefined();
      });

      it('lists every app', async () => {
        await store.createApp(appRecord(APP));
        await store.createApp(appRecord(OTHER_APP, { createdAt: T0 + 1 }));
        expect((await store.listApps()).map((a) => a.sdkAppId).sort()).toEqual([APP, OTHER_APP]);
      });

      it('updates the key, name, admin and options of an app', async () => {
        await store.createApp(appRecord(APP));
        const next = appRecord(APP, {
          secretKey: 'b'.repeat(64),
          name: 'renamed',
          adminIdentifier: 'root',
          options: { webInstances: 5, otherInstances: 4, autoCreateAccounts: true },
        });
        await store.updateApp(next);
        expect(await store.getApp(APP)).toEqual(next);
      });
    });

    describe('accounts', () => {
      it('ensureAccount creates an account once and returns the same record afterwards', async () => {
        const first = await store.ensureAccount(APP, 'alice', 'Alice');
        expect(first).toMatchObject({ sdkAppId: APP, userId: 'alice', nick: 'Alice', faceUrl: '', sigsValidAfter: 0, profile: {} });
        const again = await store.ensureAccount(APP, 'alice', 'Other nick');
        expect(again).toEqual(first);
        expect(await store.countAccounts(APP)).toBe(1);
      });

      it('gives every account of an app a distinct tinyId that never changes', async () => {
        const ids = ['a', 'b', 'c', 'd', 'e'];
        const made = await Promise.all(ids.map((id) => store.ensureAccount(APP, id)));
        const tinyIds = made.map((a) => a.tinyId);
        expect(new Set(tinyIds).size).toBe(ids.length);
        for (const t of tinyIds) expect(Number.isSafeInteger(t) && t > 0).toBe(true);
        for (const a of made) {
          expect((await store.getAccount(APP, a.userId))?.tinyId).toBe(a.tinyId);
          expect((await store.ensureAccount(APP, a.userId)).tinyId).toBe(a.tinyId);
        }
      });

      it('creates an account once when many ask for it at the same time', async () => {
        // Logins of the same new user on several devices at once, beside other first logins.
        const made = await Promise.all([
          store.ensureAccount(APP, 'twin', 'First'),
          store.ensureAccount(APP, 'twin', 'Second'),
          store.ensureAccount(OTHER_APP, 'twin'),
          ...Array.from({ length: 50 }, (_, i) => store.ensureAccount(APP, `crowd-${i}`)),
        ]);
        expect(made[1]).toEqual(made[0]);
        expect(made[0]).toMatchObject({ userId: 'twin', nick: 'First' });
        expect(made[2]).toMatchObject({ sdkAppId: OTHER_APP, userId: 'twin' });
        expect(await store.countAccounts(APP)).toBe(51);
        expect(new Set(made.slice(3).map((a) => a.tinyId)).size).toBe(50);
        expect(await store.getAccount(APP, 'crowd-49')).toEqual(made.at(-1));
      });

      it('getAccount returns undefined for an unknown user', async () => {
        expect(await store.getAccount(APP, 'nobody')).toBeUndefined();
      });

      it('lists accounts ordered by userId with offset and limit', async () => {
        await users('carol', 'alice', 'dave', 'bob');
        const page = async (offset: number, limit: number) => (await store.listAccounts(APP, { offset, limit })).map((a) => a.userId);
        expect(await page(0, 10)).toEqual(['alice', 'bob', 'carol', 'dave']);
        expect(await page(1, 2)).toEqual(['bob', 'carol']);
        expect(await page(3, 5)).toEqual(['dave']);
        expect(await page(4, 5)).toEqual([]);
      });

      it('search matches a substring of the userId or of the nick', async () => {
        await store.ensureAccount(APP, 'user_alpha', 'Ann');
        await store.ensureAccount(APP, 'user_beta', 'Bert');
        await store.ensureAccount(APP, 'gamma', 'alphabet soup');
        const search = async (s: string) => (await store.listAccounts(APP, { search: s, offset: 0, limit: 10 })).map((a) => a.userId);
        expect(await search('alpha')).toEqual(['gamma', 'user_alpha']);
        expect(await search('user_')).toEqual(['user_alpha', 'user_beta']);
        expect(await search('Bert')).toEqual(['user_beta']);
        expect(await search('zzz')).toEqual([]);
        expect(await search('')).toHaveLength(3);
      });

      it('counts the accounts of an app', async () => {
        expect(await store.countAccounts(APP)).toBe(0);
        await users('a', 'b', 'c');
        expect(await store.countAccounts(APP)).toBe(3);
      });

      it('updates nick, face, sig cutoff and profile, keeping the tinyId', async () => {
        const a = await store.ensureAccount(APP, 'alice');
        const next = { ...a, nick: 'Al', faceUrl: 'https://example.com/a.png', sigsValidAfter: T0, profile: { Tag_Profile_IM_Gender: 'Gender_Type_Female', Tag_Profile_Custom_Level: 3 } };
        await store.updateAccount(next);
        expect(await store.getAccount(APP, 'alice')).toEqual(next);
      });

      it('deletes an account and reports whether it existed', async () => {
        await users('alice');
        expect(await store.deleteAccount(APP, 'alice')).toBe(true);
        expect(await store.getAccount(APP, 'alice')).toBeUndefined();
        expect(await store.deleteAccount(APP, 'alice')).toBe(false);
        expect(await store.countAccounts(APP)).toBe(0);
      });

      it('peekAccount, where a store has it, answers as getAccount does or not at all', async () => {
        if (!store.peekAccount) return;
        const peek = (u: string) => store.peekAccount!(APP, u);
        const agrees = async (u: string) => {
          const now = peek(u);
          if (now !== undefined) expect(now).toEqual(await store.getAccount(APP, u));
        };
        await agrees('alice');
        const a = await store.ensureAccount(APP, 'alice', 'A');
        await agrees('alice');
        await store.updateAccount({ ...a, nick: 'Al', profile: { Tag_Profile_Custom_Level: 2 } });
        await agrees('alice');
        await store.deleteAccount(APP, 'alice');
        expect(peek('alice')).toBeUndefined();
      });

      it('keeps messages for the peer after an account is deleted', async () => {
        await users('alice', 'bob');
        await send('alice', 'bob');
        await store.deleteAccount(APP, 'alice');
        expect(seqs(await store.getHistory(APP, 'bob', 'alice', undefined, 10))).toEqual([1]);
      });
    });

    describe('sendMessages', () => {
      it('stores the message as sent and returns it with an id and the conversation sequence', async () => {
        await users('alice', 'bob');
        const input = newMessage('alice', 'bob', { cloudCustomData: '{"k":1}', fromNick: 'Alice', random: 77 });
        const [outcome] = await store.sendMessages([input]);
        const { message, duplicate } = accepted(outcome);
        expect(duplicate).toBe(false);
        expect(message).toMatchObject({
          id: expect.any(String),
          sdkAppId: APP,
          from: 'alice',
          to: 'bob',
          seq: 1,
          random: 77,
          time: T0,
          clientMsgId: input.clientMsgId,
          body: input.body,
          cloudCustomData: '{"k":1}',
          fromNick: 'Alice',
          recalled: false,
        });
        expect(await store.getMessage(APP, 'bob', 'alice', 1)).toEqual(message);
        expect(await store.countMessages(APP)).toBe(1);
      });

      it('increases the conversation sequence by exactly 1 per message in both directions', async () => {
        await users('alice', 'bob', 'carol');
        const order: [string, string][] = [
          ['alice', 'bob'],
          ['bob', 'alice'],
          ['bob', 'alice'],
          ['alice', 'bob'],
          ['bob', 'alice'],
        ];
        const got: number[] = [];
        for (const [from, to] of order) got.push((await send(from, to)).message.seq);
        expect(got).toEqual([1, 2, 3, 4, 5]);
        // Another pair has its own sequence.
        expect((await send('alice', 'carol')).message.seq).toBe(1);
      });

      it('allocates consecutive sequences to the messages of one batch', async () => {
        await users('alice', 'bob');
        const outcomes = await store.sendMessages([newMessage('alice', 'bob'), newMessage('bob', 'alice'), newMessage('alice', 'bob')]);
        expect(outcomes.map((o) => accepted(o).message.seq)).toEqual([1, 2, 3]);
      });

      it('increases each user cursor by exactly 1 per event', async () => {
        await users('alice', 'bob', 'carol');
        await send('alice', 'bob');
        await send('bob', 'alice');
        await send('carol', 'alice');
        await send('alice', 'carol', { syncToSender: false });
        await store.markRead(APP, 'alice', 'bob');
        for (const u of ['alice', 'bob', 'carol']) {
          const events = await allEvents(u);
          expect(cursors(events)).toEqual(events.map((_, i) => i + 1));
          expect(await store.headCursor(APP, u)).toBe(events.length);
        }
        // alice: sent(sync), received, received, read(own); bob: received, sent(sync), read receipt; carol: sent(sync), received.
        expect(await store.headCursor(APP, 'alice')).toBe(4);
        expect(await store.headCursor(APP, 'bob')).toBe(3);
        expect(await store.headCursor(APP, 'carol')).toBe(2);
      });

      it('returns the committed events with the cursors they got in each stream', async () => {
        await users('alice', 'bob');
        await send('bob', 'alice');
        const { message, events } = await send('alice', 'bob');
        expect(events).toHaveLength(2);
        const toBob = events.find((e) => e.userId === 'bob')!;
        const toAlice = events.find((e) => e.userId === 'alice')!;
        expect(toBob.event).toEqual({ cursor: 2, kind: 'msg', peer: 'alice', message });
        expect(toAlice.event).toEqual({ cursor: 2, kind: 'msg', peer: 'bob', message });
        expect(await allEvents('bob')).toContainEqual(toBob.event);
        expect(await allEvents('alice')).toContainEqual(toAlice.event);
      });

      it('answers a repeated clientMsgId with the first message, marked duplicate, and stores nothing new', async () => {
        await users('alice', 'bob');
        const first = await send('alice', 'bob', { clientMsgId: 'same' });
        const before = {
          count: await store.countMessages(APP),
          alice: await store.headCursor(APP, 'alice'),
          bob: await store.headCursor(APP, 'bob'),
          conv: await store.getConversation(APP, 'bob', 'alice'),
        };
        const again = await send('alice', 'bob', { clientMsgId: 'same', random: 9, time: T0 + 50 });
        expect(again.duplicate).toBe(true);
        expect(again.message).toEqual(first.message);
        expect(again.events).toEqual([]);
        expect(await store.countMessages(APP)).toBe(before.count);
        expect(await store.headCursor(APP, 'alice')).toBe(before.alice);
        expect(await store.headCursor(APP, 'bob')).toBe(before.bob);
        expect(await store.getConversation(APP, 'bob', 'alice')).toEqual(before.conv);
        // The sequence was not consumed either.
        expect((await send('alice', 'bob')).message.seq).toBe(2);
      });

      it('answers a resend of a stored message inside a batch of new ones, the batch otherwise as if sent alone', async () => {
        await users('alice', 'bob');
        const first = await send('alice', 'bob', { clientMsgId: 'kept' });
        const outcomes = await store.sendMessages([
          newMessage('bob', 'alice', { clientMsgId: 'b1' }),
          newMessage('alice', 'newcomer', { clientMsgId: 'n1', autoCreateRecipient: true }),
          newMessage('alice', 'bob', { clientMsgId: 'kept', random: 9 }),
          newMessage('alice', 'bob', { clientMsgId: 'a2' }),
        ]);
        expect(outcomes.map((o) => o.ok && accepted(o).duplicate)).toEqual([false, false, true, false]);
        expect(accepted(outcomes[2]!).message).toEqual(first.message);
        expect(outcomes.map((o) => accepted(o).message.seq)).toEqual([2, 1, 1, 3]);
        expect((await store.getAccount(APP, 'newcomer'))?.userId).toBe('newcomer');
        expect(await store.countAccounts(APP)).toBe(3);
        expect(await store.countMessages(APP)).toBe(4);
        expect(seqs(await store.getHistory(APP, 'alice', 'bob', undefined, 10))).toEqual([3, 2, 1]);
        expect((await allEvents('bob')).map((e) => e.cursor)).toEqual([1, 2, 3]);
      });

      it('detects a repeated clientMsgId within one batch', async () => {
        await users('alice', 'bob');
        const outcomes = await store.sendMessages([
          newMessage('alice', 'bob', { clientMsgId: 'x' }),
          newMessage('alice', 'bob', { clientMsgId: 'x' }),
          newMessage('alice', 'bob', { clientMsgId: 'y' }),
        ]);
        const [a, b, c] = outcomes.map(accepted);
        expect([a!.duplicate, b!.duplicate, c!.duplicate]).toEqual([false, true, false]);
        expect(b!.message).toEqual(a!.message);
        expect(b!.events).toEqual([]);
        expect(c!.message.seq).toBe(2);
        expect(await store.countMessages(APP)).toBe(2);
        expect(await store.headCursor(APP, 'bob')).toBe(2);
      });

      it('treats clientMsgId as unique per sender, not across senders', async () => {
        await users('alice', 'bob');
        const a = await send('alice', 'bob', { clientMsgId: 'shared' });
        const b = await send('bob', 'alice', { clientMsgId: 'shared' });
        expect(b.duplicate).toBe(false);
        expect(b.message.seq).toBe(a.message.seq + 1);
      });

      it('refuses an unknown recipient without any side effect', async () => {
        await users('alice');
        const [outcome] = await store.sendMessages([newMessage('alice', 'ghost', { clientMsgId: 'g' })]);
        expect(outcome).toEqual({ ok: false, code: 'MSG_RECIPIENT_NOT_FOUND' });
        expect(await store.getAccount(APP, 'ghost')).toBeUndefined();
        expect(await store.countMessages(APP)).toBe(0);
        expect(await store.headCursor(APP, 'alice')).toBe(0);
        expect(await store.headCursor(APP, 'ghost')).toBe(0);
        expect(await store.listConversations(APP, 'alice', { offset: 0, limit: 10 })).toEqual([]);
        // Neither the sequence nor the clientMsgId was used up.
        await users('ghost');
        const later = await send('alice', 'ghost', { clientMsgId: 'g' });
        expect(later.duplicate).toBe(false);
        expect(later.message.seq).toBe(1);
      });

      it('refuses only the bad sends of a batch and commits the rest', async () => {
        await users('alice', 'bob');
        const outcomes = await store.sendMessages([newMessage('alice', 'bob'), newMessage('alice', 'ghost'), newMessage('alice', 'bob')]);
        expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
        expect(outcomes.filter((o) => o.ok).map((o) => accepted(o).message.seq)).toEqual([1, 2]);
      });

      it('creates the recipient when autoCreateRecipient is set', async () => {
        await users('alice');
        const { message } = await send('alice', 'newbie', { autoCreateRecipient: true });
        expect(message.seq).toBe(1);
        expect(await store.getAccount(APP, 'newbie')).toMatchObject({ sdkAppId: APP, userId: 'newbie' });
        expect(await store.countAccounts(APP)).toBe(2);
        expect(seqs(await store.getHistory(APP, 'newbie', 'alice', undefined, 10))).toEqual([1]);
      });

      it('adds no event to the sender stream when syncToSender is false', async () => {
        await users('alice', 'bob');
        const { events } = await send('alice', 'bob', { syncToSender: false });
        expect(events.map((e) => e.userId)).toEqual(['bob']);
        expect(await store.headCursor(APP, 'alice')).toBe(0);
        expect(await allEvents('alice')).toEqual([]);
        expect(await store.headCursor(APP, 'bob')).toBe(1);
        // The sender still sees the conversation and its history.
        expect((await store.getConversation(APP, 'alice', 'bob'))?.lastSeq).toBe(1);
        expect(seqs(await store.getHistory(APP, 'alice', 'bob', undefined, 10))).toEqual([1]);
      });

      it('commits a batch of 1000 sends in one call', async () => {
        await users('alice', 'bob');
        const batch = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? newMessage('alice', 'bob') : newMessage('bob', 'alice')));
        const outcomes = await store.sendMessages(batch);
        expect(outcomes).toHaveLength(1000);
        expect(outcomes.map((o) => accepted(o).message.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
        expect(await store.countMessages(APP)).toBe(1000);
        expect(await store.headCursor(APP, 'alice')).toBe(1000);
        expect(await store.headCursor(APP, 'bob')).toBe(1000);
      });

      it('leaves the same state after a batch as after the same sends one at a time', async () => {
        // Sends in every shape a group commit can hold, in a fixed pseudo-random order: both
        // directions, own devices synced or not, repeats of earlier and same-batch ids, unknown
        // and auto-created recipients, NoUnread, talking to oneself, and conversations that
        // already have history, read positions and a deleted side.
        let seed = 7;
        const rand = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
        const people = ['alice', 'bob', 'carol'];
        const plan: NewMessage[] = [];
        for (let i = 0; i < 400; i++) {
          const from = people[rand(3)]!;
          const roll = rand(40);
          const to = roll === 0 ? 'ghost' : roll === 1 ? `new-${i}` : roll === 2 ? from : people[rand(3)]!;
          const repeat = roll === 3 && plan.length > 0 ? plan[rand(plan.length)]! : undefined;
          plan.push(
            repeat
              ? { ...repeat }
              : newMessage(from, to, {
                  time: T0 + Math.floor(i / 10),
                  syncToSender: rand(4) !== 0,
                  autoCreateRecipient: roll === 1,
                  noUnread: roll === 4,
                  clientMsgId: `plan-${i}`,
                  // Text is stored as the client sent it, even a broken surrogate pair.
                  fromNick: i % 50 === 7 ? `nick \ud800 ${i}` : '',
                  cloudCustomData: i % 50 === 9 ? `{"k":"\udfff"}` : '',
                }),
          );
        }
        const other = await makeStore();
        try {
          for (const s of [store, other]) {
            for (const id of people) await s.ensureAccount(APP, id);
            for (const m of plan.slice(0, 100)) await s.sendMessages([m]);
            await s.markRead(APP, 'bob', 'alice');
            await s.markRead(APP, 'carol', 'alice', 2);
            await s.deleteConversation(APP, 'alice', 'carol');
          }
          const batched = [
            ...(await store.sendMessages(plan.slice(100, 350))),
            ...(await store.sendMessages(plan.slice(350))),
          ];
          const single: SendOutcome[] = [];
          for (const m of plan.slice(100)) single.push(...(await other.sendMessages([m])));
          expect(batched).toEqual(single);
          expect(batched.filter((o) => !o.ok).length).toBeGreaterThan(0);
          expect(batched.filter((o) => o.ok && o.duplicate).length).toBeGreaterThan(0);
          for (const user of [...people, 'ghost', 'new-1']) {
            const state = async (s: Store) => ({
              conversations: await s.listConversations(APP, user, { offset: 0, limit: 100 }),
              events: await s.readEvents(APP, user, 0, 10_000),
              head: await s.headCursor(APP, user),
              backlog: await s.readUnreadBacklog(APP, user, 0, 10_000),
              unread: await s.totalUnread(APP, user),
            });
            expect(await state(store), user).toEqual(await state(other));
          }
          for (const [a, b] of [['alice', 'bob'], ['bob', 'carol'], ['alice', 'alice']] as const) {
            expect(await store.getPairHistory(APP, a, b, { limit: 1000 })).toEqual(await other.getPairHistory(APP, a, b, { limit: 1000 }));
          }
          expect(await store.countAccounts(APP)).toBe(await other.countAccounts(APP));
        } finally {
          await other.close();
        }
      });
    });

    describe('the user stream', () => {
      it('reads events in cursor order, after a cursor, at most limit at a time', async () => {
        await users('alice', 'bob');
        for (let i = 0; i < 7; i++) await send('bob', 'alice', { time: T0 + i });
        const pages: number[][] = [];
        let after = 0;
        for (;;) {
          const page = await store.readEvents(APP, 'alice', after, 3);
          if (page.length === 0) break;
          pages.push(cursors(page));
          after = page.at(-1)!.cursor;
        }
        expect(pages).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
        const events = await allEvents('alice');
        expect(events.map((e) => (e.kind === 'msg' ? e.message.seq : -1))).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(await store.readEvents(APP, 'alice', 7, 10)).toEqual([]);
      });

      it('records each kind of event with its peer', async () => {
        await users('alice', 'bob');
        await send('bob', 'alice', { time: T0 });
        await store.markRead(APP, 'alice', 'bob');
        await store.recall({ sdkAppId: APP, by: 'bob', peer: 'alice', seq: 1, now: T0 + 1, windowSeconds: 120, asAdmin: false });
        await store.deleteConversation(APP, 'alice', 'bob');
        const events = await allEvents('alice');
        expect(events.map((e) => [e.cursor, e.kind, e.peer])).toEqual([
          [1, 'msg', 'bob'],
          [2, 'read', 'bob'],
          [3, 'recall', 'bob'],
          [4, 'conv_deleted', 'bob'],
        ]);
        expect(events[1]).toEqual({ cursor: 2, kind: 'read', peer: 'bob', reader: 'alice', readSeq: 1, readTime: T0 });
        expect(events[2]).toMatchObject({ kind: 'recall', message: { seq: 1, from: 'bob', recalled: true } });
      });

      it('headCursor is 0 for an empty stream and the newest cursor otherwise', async () => {
        await users('alice', 'bob');
        expect(await store.headCursor(APP, 'alice')).toBe(0);
        expect(await store.headCursor(APP, 'nobody')).toBe(0);
        await send('bob', 'alice');
        await send('bob', 'alice');
        expect(await store.headCursor(APP, 'alice')).toBe(2);
        expect((await allEvents('alice')).at(-1)?.cursor).toBe(2);
      });

      it('the unread backlog holds only unread received messages, in cursor order', async () => {
        await users('alice', 'bob', 'carol');
        await send('bob', 'alice', { time: T0 + 1 }); // alice cursor 1: unread
        await send('alice', 'bob', { time: T0 + 2 }); // alice cursor 2: own message; also marks bob's side read for alice
        await send('carol', 'alice', { time: T0 + 3 }); // cursor 3: unread
        await send('bob', 'alice', { time: T0 + 4 }); // cursor 4: unread
        await send('carol', 'alice', { time: T0 + 5 }); // cursor 5: unread
        await store.markRead(APP, 'alice', 'carol', 1); // cursor 6: carol's seq 1 read, seq 2 still unread
        const backlog = await store.readUnreadBacklog(APP, 'alice', 0, 100);
        expect(backlog.map((e) => [e.cursor, e.peer, e.message.from, e.message.seq])).toEqual([
          [4, 'bob', 'bob', 3],
          [5, 'carol', 'carol', 2],
        ]);
        for (const e of backlog) expect(e.kind).toBe('msg');
        // Paging: after a cursor, at most limit.
        expect(cursors(await store.readUnreadBacklog(APP, 'alice', 0, 1))).toEqual([4]);
        expect(cursors(await store.readUnreadBacklog(APP, 'alice', 4, 10))).toEqual([5]);
        expect(await store.readUnreadBacklog(APP, 'alice', 5, 10)).toEqual([]);
      });

      it('the unread backlog is empty once everything is marked read', async () => {
        await users('alice', 'bob', 'carol');
        await send('bob', 'alice');
        await send('carol', 'alice');
        await send('bob', 'alice');
        expect(cursors(await store.readUnreadBacklog(APP, 'alice', 0, 100))).toEqual([1, 2, 3]);
        await store.markRead(APP, 'alice', 'bob');
        expect(cursors(await store.readUnreadBacklog(APP, 'alice', 0, 100))).toEqual([2]);
        await store.markRead(APP, 'alice', 'carol');
        expect(await store.readUnreadBacklog(APP, 'alice', 0, 100)).toEqual([]);
        // A new message after that is the whole backlog.
        const { events } = await send('bob', 'alice');
        const cursor = events.find((e) => e.userId === 'alice')!.event.cursor;
        expect(cursors(await store.readUnreadBacklog(APP, 'alice', 0, 100))).toEqual([cursor]);
      });

      it('leaves noUnread messages out of the unread count and the backlog', async () => {
        await users('alice', 'bob');
        await send('bob', 'alice', { noUnread: true });
        expect((await store.getConversation(APP, 'alice', 'bob'))?.unread).toBe(0);
        expect(await store.readUnreadBacklog(APP, 'alice', 0, 100)).toEqual([]);
        expect(await store.headCursor(APP, 'alice')).toBe(1);
      });
    });

    describe('history', () => {
      it('pages backwards from the newest message, newest first', async () => {
        await users('alice', 'bob');
        for (let i = 0; i < 5; i++) await send(i % 2 ? 'bob' : 'alice', i % 2 ? 'alice' : 'bob', { time: T0 + i });
        expect(seqs(await store.getHistory(APP, 'alice', 'bob', undefined, 2))).toEqual([5, 4]);
        expect(seqs(await store.getHistory(APP, 'alice', 'bob', 4, 2))).toEqual([3, 2]);
        expect(seqs(await store.getHistory(APP, 'alice', 'bob', 2, 2))).toEqual([1]);
        expect(seqs(await store.getHistory(APP, 'alice', 'bob', 1, 2))).toEqual([]);
        expect(seqs(await store.getHistory(APP, 'bob', 'alice', undefined, 10))).toEqual([5, 4, 3, 2, 1]);
      });

      it('is empty for a pair that never talked', async () => {
        await users('alice', 'bob');
        expect(await store.getHistory(APP, 'alice', 'bob', undefined, 10)).toEqual([]);
        expect(await store.getPairHistory(APP, 'alice', 'bob', { limit: 10 })).toEqual([]);
      });

      it('hides what the user cleared with deleteConversation while the peer still sees everything', async () => {
        await users('alice', 'bob');
        await send('alice', 'bob');
        await send('bob', 'alice');
        await store.deleteConversation(APP, 'alice', 'bob');
        expect(await store.getHistory(APP, 'alice', 'bob', undefined, 10)).toEqual([]);
        expect(seqs(await store.getHistory(APP, 'bob', 'alice', undefined, 10))).toEqual([2, 1]);
        await send('bob', 'alice');
        expect(seqs(await store.getHistory(APP, 'alice', 'bob', undefined, 10))).toEqual([3]);
        expect(seqs(await store.getHistory(APP, 'bob', 'alice', undefined, 10))).toEqual([3, 2, 1]);
        expect(seqs(await store.getPairHistory(APP, 'alice', 'bob', { limit: 10 }))).toEqual([3, 2, 1]);
      });

      it('getPairHistory filters by inclusive time bounds and pages by sequence', async () => {
        await users('alice', 'bob');
        for (let i = 0; i < 6; i++) await send('alice', 'bob', { time: T0 + 10 * i });
        const pair = async (o: { beforeSeq?: number; minTime?: number; maxTime?: number; limit: number }) => seqs(await store.getPairHistory(APP, 'bob', 'alice', o));
        expect(await pair({ limit: 10 })).toEqual([6, 5, 4, 3, 2, 1]);
        expect(await pair({ minTime: T0 + 10, maxTime: T0 + 30, limit: 10 })).toEqual([4, 3, 2]);
        expect(await pair({ minTime: T0 + 11, maxTime: T0 + 29, limit: 10 })).toEqual([3]);
        expect(await pair({ minTime: T0 + 20, limit: 10 })).toEqual([6, 5, 4, 3]);
        expect(await pair({ maxTime: T0 + 10, limit: 10 })).toEqual([2, 1]);
        expect(await pair({ minTime: T0, beforeSeq: 5, limit: 2 })).toEqual([4, 3]);
        expect(await pair({ minTime: T0 + 100, limit: 10 })).toEqual([]);
      });

      it('getMessage finds a message by either order of the pair and sequence', async () => {
        await users('alice', 'bob');
        const { message } = await send('alice', 'bob');
        expect(await store.getMessage(APP, 'alice', 'bob', 1)).toEqual(message);
        expect(await store.getMessage(APP, 'bob', 'alice', 1)).toEqual(message);
        expect(await store.getMessage(APP, 'alice', 'bob', 2)).toBeUndefined();
      });
    });

    describe('conversations', () => {
      it('lists conversations by latest activity with unread = lastSeq - readSeq', async () => {
        await users('alice', 'bob', 'carol', 'dave');
        await send('bob', 'alice', { time: T0 + 1 });
        await send('carol', 'alice', { time: T0 + 2 });
        await send('carol', 'alice', { time: T0 + 3 });
        await send('dave', 'alice', { time: T0 + 4 });
        await send('bob', 'alice', { time: T0 + 5 });
        const list = await store.listConversations(APP, 'alice', { offset: 0, limit: 10 });
        expect(list.map((c) => c.peer)).toEqual(['bob', 'dave', 'carol']);
        for (const c of list) expect(c.unread).toBe(c.lastSeq - c.readSeq);
        expect(list.map((c) => [c.peer, c.lastSeq, c.readSeq, c.unread, c.lastTime])).toEqual([
          ['bob', 2, 0, 2, T0 + 5],
          ['dave', 1, 0, 1, T0 + 4],
          ['carol', 2, 0, 2, T0 + 3],
        ]);
        expect(list[0]!.lastMessage).toMatchObject({ from: 'bob', seq: 2 });
      });

      it('sending marks the sender side of the conversation read', async () => {
        await users('alice', 'bob');
        await send('bob', 'alice', { time: T0 + 1 });
        await send('bob', 'alice', { time: T0 + 2 });
        expect((await store.getConversation(APP, 'alice', 'bob'))?.unread).toBe(2);
        await send('alice', 'bob', { time: T0 + 3 });
        const alice = await store.getConversation(APP, 'alice', 'bob');
        expect(alice).toMatchObject({ peer: 'bob', lastSeq: 3, readSeq: 3, unread: 0 });
        const bob = await store.getConversation(APP, 'bob', 'alice');
        expect(bob).toMatchObject({ peer: 'alice', lastSeq: 3, readSeq: 2, unread: 1, peerReadSeq: 3 });
      });

      it('orders conversations that moved in the same second by commit order', async () => {
        await users('alice', 'busy', 'quiet');
        for (let i = 0; i < 5; i++) await send('busy', 'alice', { time: T0 });
        await send('quiet', 'alice', { time: T0 });
        expect((await store.listConversations(APP, 'alice', { offset: 0, limit: 10 })).map((c) => c.peer)).toEqual(['quiet', 'busy']);
        await send('busy', 'alice', { time: T0 });
        expect((await store.listConversations(APP, 'alice', { offset: 0, limit: 10 })).map((c) => c.peer)).toEqual(['busy', 'quiet']);
      });

      it('pages the conversation list with offset and limit', async () => {
        await users('alice', 'p1', 'p2', 'p3', 'p4', 'p5');
        for (let i = 1; i <= 5; i++) await send(`p${i}`, 'alice', { time: T0 + i });
        const page = async (offset: number, limit: number) => (await store.listConversations(APP, 'alice', { offset, limit })).map((c) => c.peer);
        expect(await page(0, 2)).toEqual(['p5', 'p4']);
        expect(await page(2, 2)).toEqual(['p3', 'p2']);
        expect(await page(4, 2)).toEqual(['p1']);
        expect(await page(5, 2)).toEqual([]);
      });

      it('getConversation is undefined for a pair that never talked', async () => {
        await users('alice', 'bob');
        expect(await store.getConversation(APP, 'alice', 'bob')).toBeUndefined();
        expect(await store.listConversations(APP, 'alice', { offset: 0, limit: 10 })).toEqual([]);
      });

      it('markRead moves the read sequence forward and reports it to both users', async () => {
        await users('alice', 'bob');
        await send('bob', 'alice', { time: T0 + 1 });
        await send('bob', 'alice', { time: T0 + 2 });
        await send('bob', 'alice', { time: T0 + 3 });
        const r = await store.markRead(APP, 'alice', 'bob', 2);
        expect(r.readSeq).toBe(2);
        expect(r.readTime).toBe(T0 + 2);
        expect(r.events).toHaveLength(2);
        expect(r.events).toContainEqual({ userId: 'alice', event: { cursor: 4, kind: 'read', peer: 'bob', reader: 'alice', readSeq: 2, readTime: T0 + 2 } });
        expect(r.events).toContainEqual({ userId: 'bob', event: { cursor: 4, kind: 'read', peer: 'alice', reader: 'alice', readSeq: 2, readTime: T0 + 2 } });
        for (const { userId, event } of r.events) expect((await allEvents(userId)).at(-1)).toEqual(event);
        expect(await store.getConversation(APP, 'alice', 'bob')).toMatchObject({ readSeq: 2, unread: 1 });
        expect(await store.getConversation(APP, 'bob', 'alice')).toMatchObject({ peerReadSeq: 2, peerReadTime: T0 + 2 });
        // Without upToSeq: up to the last message.
        expect((await store.markRead(APP, 'alice', 'bob')).readSeq).toBe(3);
        expect(await store.getConversation(APP, 'alice', 'bob')).toMatchObject({ readSeq: 3, unread: 0 });
      });

      it('markRead never moves backwards and emits nothing when nothing moves', async () => {
        await users('alice', 'bob');
        await send('bob', 'alice', { time: T0 + 1 });
        await send('bob', 'alice', { time: T0 + 2 });
        await store.markRead(APP, 'alice', 'bob');
        const head = { alice: await store.headCursor(APP, 'alice'), bob: await store.headCursor(APP, 'bob') };
        const back = await store.markRead(APP, 'alice', 'bob', 1);
        expect(back).toEqual({ readSeq: 2, readTime: T0 + 2, events: [] });
        const same = await store.markRead(APP, 'alice', 'bob');
        expect(same.events).toEqual([]);
        expect(await store.getConversation(APP, 'alice', 'bob')).toMatchObject({ readSeq: 2, unread: 0 });
        expect(await store.headCursor(APP, 'alice')).toBe(head.alice);
        expect(await store.headCursor(APP, 'bob')).toBe(head.bob);
      });

      it('markRead does not read past the last message', async () => {
        await users('alice', 'bob');
        await send('bob', 'alice');
        expect((await store.markRead(APP, 'alice', 'bob', 99)).readSeq).toBe(1);
        await send('bob', 'alice');
        expect((await store.getConversation(APP, 'alice', 'bob'))?.unread).toBe(1);
      });

      it('deleteConversation hides the conversation until a new message arrives', async () => {
        await users('alice', 'bob', 'carol');
        await send('bob', 'alice', { time: T0 + 1 });
        await send('carol', 'alice', { time: T0 + 2 });
        const events = await store.deleteConversation(APP, 'alice', 'bob');
        expect(events).toEqual([{ userId: 'alice', event: { cursor: 3, kind: 'conv_deleted', peer: 'bob' } }]);
        expect(await store.headCursor(APP, 'bob')).toBe(1);
        // Deleting it again changes nothing and adds no event.
        expect(await store.deleteConversation(APP, 'alice', 'bob')).toEqual([]);
        expect(await store.headCursor(APP, 'alice')).toBe(3);
        const peers = async (u: string) => (await store.listConversations(APP, u, { offset: 0, limit: 10 })).map((c) => c.peer);
        expect(await peers('alice')).toEqual(['carol']);
        expect(await peers('bob')).toEqual(['alice']);
        // Bob's message no longer counts as unread; carol's still does.
        expect((await store.readUnreadBacklog(APP, 'alice', 0, 10)).map((e) => e.peer)).toEqual(['carol']);

        await send('bob', 'alice', { time: T0 + 3 });
        expect(await peers('alice')).toEqual(['bob', 'carol']);
        const conv = (await store.listConversations(APP, 'alice', { offset: 0, limit: 10 }))[0]!;
        expect(conv).toMatchObject({ peer: 'bob', lastSeq: 2, unread: 1, lastMessage: { seq: 2 } });
      });

      it('deleteConversation also ends when the user writes to the peer again', async () => {
        await users('alice', 'bob');
        await send('bob', 'alice');
        await store.deleteConversation(APP, 'alice', 'bob');
        await send('alice', 'bob');
        expect((await store.listConversations(APP, 'alice', { offset: 0, limit: 10 })).map((c) => c.peer)).toEqual(['bob']);
        expect(seqs(await store.getHistory(APP, 'alice', 'bob', undefined, 10))).toEqual([2]);
      });

      it('deleteConversation of a conversation that does not exist does nothing', async () => {
        await users('alice', 'bob');
        expect(await store.deleteConversation(APP, 'alice', 'bob')).toEqual([]);
        expect(await store.headCursor(APP, 'alice')).toBe(0);
      });
    });

    describe('recall', () => {
      const WINDOW = 120;
      async function sentByAlice(time = T0): Promise<StoredMessage> {
        await users('alice', 'bob');
        return (await send('alice', 'bob', { time, random: 4242 })).message;
      }

      it('lets the sender recall within the window and tells both users', async () => {
        const m = await sentByAlice();
        const r = await store.recall({ sdkAppId: APP, by: 'alice', peer: 'bob', seq: m.seq, random: 4242, now: T0 + WINDOW, windowSeconds: WINDOW, asAdmin: false });
        if (!r.ok) throw new Error(r.code);
        expect(r.message).toEqual({ ...m, recalled: true });
        expect(r.events.map((e) => [e.userId, e.event.kind, e.event.peer]).sort()).toEqual([
          ['alice', 'recall', 'bob'],
          ['bob', 'recall', 'alice'],
        ]);
        for (const { userId, event } of r.events) expect((await allEvents(userId)).at(-1)).toEqual(event);
        expect((await store.getMessage(APP, 'alice', 'bob', m.seq))?.recalled).toBe(true);
        expect((await store.getHistory(APP, 'bob', 'alice', undefined, 10))[0]?.recalled).toBe(true);
      });

      it('refuses the sender once the window has passed', async () => {
        const m = await sentByAlice();
        const r = await store.recall({ sdkAppId: APP, by: 'alice', peer: 'bob', seq: m.seq, now: T0 + WINDOW + 1, windowSeconds: WINDOW, asAdmin: false });
        expect(r).toEqual({ ok: false, code: 'MSG_RECALL_WINDOW_PASSED' });
        expect((await store.getMessage(APP, 'alice', 'bob', m.seq))?.recalled).toBe(false);
      });

      it('refuses anyone but the sender with MSG_NOT_SENDER', async () => {
        const m = await sentByAlice();
        const head = await store.headCursor(APP, 'bob');
        const r = await store.recall({ sdkAppId: APP, by: 'bob', peer: 'alice', seq: m.seq, now: T0, windowSeconds: WINDOW, asAdmin: false });
        expect(r).toEqual({ ok: false, code: 'MSG_NOT_SENDER' });
        expect((await store.getMessage(APP, 'alice', 'bob', m.seq))?.recalled).toBe(false);
        expect(await store.headCursor(APP, 'bob')).toBe(head);
      });

      it('stops counting a recalled message as unread, and reading past it keeps the count right', async () => {
        await users('alice', 'bob');
        const m1 = (await send('alice', 'bob', { time: T0 })).message;
        await send('alice', 'bob', { time: T0 });
        const m3 = (await send('alice', 'bob', { time: T0 })).message;
        await send('alice', 'bob', { time: T0 });
        expect((await store.getConversation(APP, 'bob', 'alice'))?.unread).toBe(4);
        await store.recall({ sdkAppId: APP, by: 'alice', peer: 'bob', seq: m3.seq, now: T0, windowSeconds: WINDOW, asAdmin: false });
        expect((await store.getConversation(APP, 'bob', 'alice'))?.unread).toBe(3);
        expect(await store.totalUnread(APP, 'bob')).toBe(3);
        // Reading up to m1 leaves m2, the recalled m3 and m4: two unread.
        await store.markRead(APP, 'bob', 'alice', m1.seq);
        expect((await store.getConversation(APP, 'bob', 'alice'))?.unread).toBe(2);
        // A recall of a message already read changes nothing.
        await store.recall({ sdkAppId: APP, by: 'alice', peer: 'bob', seq: m1.seq, now: T0, windowSeconds: WINDOW, asAdmin: false });
        expect((await store.getConversation(APP, 'bob', 'alice'))?.unread).toBe(2);
        await store.markRead(APP, 'bob', 'alice');
        expect((await store.getConversation(APP, 'bob', 'alice'))?.unread).toBe(0);
      });

      it('refuses a second recall with MSG_ALREADY_RECALLED', async () => {
        const m = await sentByAlice();
        const req = { sdkAppId: APP, by: 'alice', peer: 'bob', seq: m.seq, now: T0 + 1, windowSeconds: WINDOW, asAdmin: false };
        expect((await store.recall(req)).ok).toBe(true);
        const head = await store.headCursor(APP, 'bob');
        expect(await store.recall(req)).toEqual({ ok: false, code: 'MSG_ALREADY_RECALLED' });
        expect(await store.headCursor(APP, 'bob')).toBe(head);
      });

      it('answers MSG_NOT_FOUND for a wrong random or an unknown sequence', async () => {
        const m = await sentByAlice();
        const base = { sdkAppId: APP, by: 'alice', peer: 'bob', now: T0, windowSeconds: WINDOW, asAdmin: false };
        expect(await store.recall({ ...base, seq: m.seq, random: 4243 })).toEqual({ ok: false, code: 'MSG_NOT_FOUND' });
        expect(await store.recall({ ...base, seq: m.seq + 1 })).toEqual({ ok: false, code: 'MSG_NOT_FOUND' });
        expect((await store.getMessage(APP, 'alice', 'bob', m.seq))?.recalled).toBe(false);
      });

      it('lets an admin recall any message of the pair at any time', async () => {
        const m = await sentByAlice();
        const r = await store.recall({ sdkAppId: APP, by: 'bob', peer: 'alice', seq: m.seq, now: T0 + 86_400, windowSeconds: WINDOW, asAdmin: true });
        expect(r.ok).toBe(true);
        expect((await store.getMessage(APP, 'alice', 'bob', m.seq))?.recalled).toBe(true);
      });
    });

    describe("the sender's own sequence (Tencent's MsgSeq)", () => {
      it('stores clientSeq and clientTime as given and the sender tinyId', async () => {
        const alice = await store.ensureAccount(APP, 'alice');
        await users('bob');
        const { message } = await send('alice', 'bob', { clientSeq: 77, clientTime: T0 - 3 });
        expect(message).toMatchObject({ seq: 1, clientSeq: 77, clientTime: T0 - 3, fromTinyId: alice.tinyId });
        expect(await store.getMessage(APP, 'alice', 'bob', 1)).toEqual(message);
      });

      it('defaults clientSeq to the conversation sequence and clientTime to the server time', async () => {
        await users('alice', 'bob');
        await send('bob', 'alice');
        const { message } = await send('alice', 'bob', { time: T0 + 9 });
        expect(message).toMatchObject({ seq: 2, clientSeq: 2, clientTime: T0 + 9 });
      });

      it('getMessageByClientSeq finds a message by sender sequence and random, from either side', async () => {
        await users('alice', 'bob');
        const { message } = await send('alice', 'bob', { clientSeq: 5, random: 31 });
        await send('bob', 'alice', { clientSeq: 5, random: 32 });
        expect(await store.getMessageByClientSeq(APP, 'alice', 'bob', 5, 31)).toEqual(message);
        expect(await store.getMessageByClientSeq(APP, 'bob', 'alice', 5, 31)).toEqual(message);
        expect(await store.getMessageByClientSeq(APP, 'alice', 'bob', 5, 99)).toBeUndefined();
        expect(await store.getMessageByClientSeq(OTHER_APP, 'alice', 'bob', 5, 31)).toBeUndefined();
      });

      it('getMessageByClientSeq finds messages whatever idempotency key they were sent with', async () => {
        await users('alice', 'bob');
        // Tencent's SDKs: the key is t<MsgSeq>_<MsgRandom>. Parley's SDK: its own ClientMsgID,
        // which may start with "t" too. REST: r<To>_<MsgSeq>_<MsgRandom> plus a content hash.
        const keys = ['t70_1', 'tab', 't71_2x', 'rbob_72_3:9f@1', 't73_4'];
        const sent = [];
        for (const [i, key] of keys.entries()) sent.push((await send('alice', 'bob', { clientMsgId: key, clientSeq: 70 + i, random: 1 + i })).message);
        for (const [i, m] of sent.entries()) {
          expect(await store.getMessageByClientSeq(APP, 'bob', 'alice', 70 + i, 1 + i), keys[i]).toEqual(m);
          expect(await store.getMessageByClientSeq(APP, 'alice', 'bob', 70 + i, 2 + i), keys[i]).toBeUndefined();
        }
        // A Tencent-form key that does not match the stored MsgSeq (MsgSeq out of range, so the
        // server chose the sequence) is still found by the stored one.
        const { message: odd } = await send('alice', 'bob', { clientMsgId: 't99_5', clientSeq: 6, random: 5 });
        expect(await store.getMessageByClientSeq(APP, 'alice', 'bob', 6, 5)).toEqual(odd);
        expect(await store.getMessageByClientSeq(APP, 'alice', 'bob', 99, 5)).toBeUndefined();
        // The same MsgSeq and MsgRandom from both sides: the earlier message.
        const { message: first } = await send('bob', 'alice', { clientMsgId: 't80_9', clientSeq: 80, random: 9 });
        await send('alice', 'bob', { clientMsgId: 'other', clientSeq: 80, random: 9 });
        await send('alice', 'bob', { clientMsgId: 't80_9', clientSeq: 80, random: 9 });
        expect(await store.getMessageByClientSeq(APP, 'alice', 'bob', 80, 9)).toEqual(first);
        expect(await store.getMessageByClientSeq(APP, 'alice', 'carol', 80, 9)).toBeUndefined();
      });

      it('recall can name the message by clientSeq and random instead of seq', async () => {
        await users('alice', 'bob');
        await send('alice', 'bob', { clientSeq: 40, random: 7 });
        const { message } = await send('alice', 'bob', { clientSeq: 41, random: 8 });
        const base = { sdkAppId: APP, by: 'alice', peer: 'bob', now: T0, windowSeconds: 120, asAdmin: false };
        expect(await store.recall({ ...base, clientSeq: 41, random: 9 })).toEqual({ ok: false, code: 'MSG_NOT_FOUND' });
        const r = await store.recall({ ...base, clientSeq: 41, random: 8 });
        expect(r).toMatchObject({ ok: true, message: { id: message.id, seq: 2, recalled: true } });
        expect((await store.getMessage(APP, 'alice', 'bob', 1))?.recalled).toBe(false);
      });
    });

    describe('app scoping', () => {
      it('never shows one app the data of another app with the same user ids', async () => {
        await store.createApp(appRecord(APP));
        await store.createApp(appRecord(OTHER_APP));
        const aliceA = await store.ensureAccount(APP, 'alice', 'Alice in A');
        await store.ensureAccount(APP, 'bob');
        await store.ensureAccount(OTHER_APP, 'bob');

        // Same user id in the other app is a different account.
        expect(await store.getAccount(OTHER_APP, 'alice')).toBeUndefined();
        const aliceB = await store.ensureAccount(OTHER_APP, 'alice', 'Alice in B');
        expect(aliceB.nick).toBe('Alice in B');
        expect((await store.getAccount(APP, 'alice'))?.nick).toBe(aliceA.nick);

        await send('alice', 'bob', { clientMsgId: 'same-id', time: T0 + 1 });
        await send('bob', 'alice', { time: T0 + 2 });
        await store.markRead(APP, 'alice', 'bob');

        // The other app: no messages, events or conversations, and its own sequence and cursors.
        expect(await store.countMessages(OTHER_APP)).toBe(0);
        expect(await store.headCursor(OTHER_APP, 'alice')).toBe(0);
        expect(await store.readEvents(OTHER_APP, 'bob', 0, 100)).toEqual([]);
        expect(await store.readUnreadBacklog(OTHER_APP, 'alice', 0, 100)).toEqual([]);
        expect(await store.getHistory(OTHER_APP, 'alice', 'bob', undefined, 10)).toEqual([]);
        expect(await store.getPairHistory(OTHER_APP, 'alice', 'bob', { limit: 10 })).toEqual([]);
        expect(await store.getMessage(OTHER_APP, 'alice', 'bob', 1)).toBeUndefined();
        expect(await store.listConversations(OTHER_APP, 'alice', { offset: 0, limit: 10 })).toEqual([]);
        expect(await store.getConversation(OTHER_APP, 'alice', 'bob')).toBeUndefined();
        expect(await store.markRead(OTHER_APP, 'alice', 'bob')).toMatchObject({ events: [] });
        expect(await store.deleteConversation(OTHER_APP, 'alice', 'bob')).toEqual([]);
        const recall = await store.recall({ sdkAppId: OTHER_APP, by: 'alice', peer: 'bob', seq: 1, now: T0 + 1, windowSeconds: 120, asAdmin: true });
        expect(recall).toEqual({ ok: false, code: 'MSG_NOT_FOUND' });

        const other = await send('alice', 'bob', { sdkAppId: OTHER_APP, clientMsgId: 'same-id', time: T0 + 3 });
        expect(other.duplicate).toBe(false);
        expect(other.message.seq).toBe(1);
        expect(other.events.map((e) => e.event.cursor)).toEqual([1, 1]);

        // And nothing leaked back into the first app.
        expect(await store.countMessages(APP)).toBe(2);
        expect(await store.countMessages()).toBe(3);
        expect(await store.countAccounts(APP)).toBe(2);
        expect(await store.countAccounts(OTHER_APP)).toBe(2);
        expect(await store.getMessage(APP, 'alice', 'bob', 1)).toMatchObject({ sdkAppId: APP, recalled: false });
        expect(seqs(await store.getHistory(APP, 'bob', 'alice', undefined, 10))).toEqual([2, 1]);
        expect(await store.listAccounts(OTHER_APP, { search: 'Alice', offset: 0, limit: 10 })).toEqual([aliceB]);
        expect(await store.deleteAccount(OTHER_APP, 'alice')).toBe(true);
        expect(await store.getAccount(APP, 'alice')).toEqual(aliceA);
      });
    });
  });
}
