/**
 * Tencent's HTTP long-poll SDK, tim-js-sdk 2.10.2 (installed unmodified from npm as the alias
 * `tim-js-sdk-http`), against a real Parley server: every request the SDK addresses to
 * https://webim.tim.qq.com is sent to the test server by an XMLHttpRequest shim in the SDK's
 * child process (support/official-sdk/http-shims.cjs), and nothing leaves the machine.
 *
 * Covered: login, a refused sig, C2C both ways between two 2.10.2 users and between 2.10.2 and
 * the WebSocket SDK (tim-js-sdk 2.27.6), history pages, the conversation list with unread
 * counts, read receipts, recall, the multipleAccount kick (91101) and logout.
 */
import { genUserSig } from '@parley/usersig';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnTimUser, TimCommandError, type OfficialSdk, type TimMessage, type TimUser } from '../support/official-sdk/tim-user.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const HTTP_SDK: OfficialSdk = 'tim-js-sdk-http';
const WS_SDK: OfficialSdk = 'tim-js-sdk';
const N = 50;

let srv: TestServer;
const users: TimUser[] = [];

beforeAll(async () => {
  // A short hold keeps idle polls (and the run) quick; the SDK re-polls at once.
  srv = await startTestServer({ config: { longPollHoldSeconds: 1 } });
});
afterAll(async () => {
  await srv?.close();
});
afterEach(async () => {
  const done = users.splice(0);
  // Requests to other hosts than Tencent's IM API never leave the machine. The only one
  // expected is the SDK's network probe after a failed request, answered locally.
  const refused = done.flatMap((u) => u.eventsNamed('BLOCKED_REQUEST').filter((e) => !e.data.answered).map((e) => e.data.url));
  // A reply of a shape the SDK cannot read shows up as an exception or unhandled rejection in its process.
  const broken = done.flatMap((u) =>
    [...u.eventsNamed('CHILD_UNCAUGHT_EXCEPTION'), ...u.eventsNamed('CHILD_UNHANDLED_REJECTION')].map((e) => `${u.userId}: ${JSON.stringify(e.data)}`),
  );
  await Promise.all(done.map((u) => u.close()));
  expect(refused).toEqual([]);
  expect(broken).toEqual([]);
});

async function spawn(sdk: OfficialSdk, userId: string, userSig = srv.sig(userId)): Promise<TimUser> {
  const u = await spawnTimUser({ sdk, sdkAppId: srv.sdkAppId, wsUrl: srv.wsUrl, httpUrl: srv.url, userId, userSig, timeoutMs: 20_000 });
  users.push(u);
  return u;
}

/**
 * A logged-in user whose SDK reached SDK_READY. For 2.10.2 also wait until its login-time
 * requests are answered and it polls: SDK_READY comes before `getlongpollingid` and
 * `get_pendency`, and a logout in between sends them without credentials.
 */
async function ready(sdk: OfficialSdk, userId: string): Promise<TimUser> {
  const u = await spawn(sdk, userId);
  await u.login();
  await u.waitFor('SDK_READY');
  if (sdk === HTTP_SDK) {
    await u.waitFor('HTTP_REPLY', (r) => r.path === '/v4/openim/getlongpollingid' && r.errorCode === 0);
    await u.waitFor('HTTP_REPLY', (r) => r.path === '/v4/group_open_http_svc/get_pendency' && r.errorCode === 0);
  }
  return u;
}

/** MESSAGE_RECEIVED messages of one conversation so far, in event order. */
function received(u: TimUser, conversationID: string): TimMessage[] {
  return u.eventsNamed('MESSAGE_RECEIVED').flatMap((e) => e.data.filter((m) => m.conversationID === conversationID));
}

async function waitForReceived(u: TimUser, conversationID: string, count: number, timeoutMs = 20_000): Promise<TimMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = received(u, conversationID);
    if (got.length >= count) return got;
    if (Date.now() > deadline) {
      throw new Error(`${u.userId} (${u.sdk}) received ${got.length}/${count} messages in ${conversationID}; events: ${u.events.map((e) => e.name).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends `count` numbered texts one after another; returns the texts. */
async function sendMany(from: TimUser, to: string, prefix: string, count = N): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 1; i <= count; i++) {
    const text = `${prefix} ${i} ✓`;
    const sent = await from.sendText(to, text);
    expect(sent).toMatchObject({ flow: 'out', to, status: 'success', payload: { text } });
    texts.push(text);
  }
  return texts;
}

async function exchange(a: TimUser, b: TimUser): Promise<void> {
  const ab = await sendMany(a, b.userId, `${a.userId}→${b.userId}`);
  const gotB = await waitForReceived(b, `C2C${a.userId}`, N);
  expect(gotB.map((m) => m.payload.text)).toEqual(ab);
  expect(gotB.every((m) => m.flow === 'in' && m.from === a.userId && m.to === b.userId)).toBe(true);
  expect(new Set(gotB.map((m) => m.ID)).size).toBe(N);

  const ba = await sendMany(b, a.userId, `${b.userId}→${a.userId}`);
  const gotA = await waitForReceived(a, `C2C${b.userId}`, N);
  expect(gotA.map((m) => m.payload.text)).toEqual(ba);
  expect(gotA.every((m) => m.flow === 'in' && m.from === b.userId)).toBe(true);

  // Nothing arrived twice.
  await new Promise((r) => setTimeout(r, 300));
  expect(received(b, `C2C${a.userId}`)).toHaveLength(N);
  expect(received(a, `C2C${b.userId}`)).toHaveLength(N);
}

describe('tim-js-sdk 2.10.2 (HTTP long-poll line)', () => {
  it('logs in to SDK_READY over the HTTP line and logs out', async () => {
    const alice = await spawn(HTTP_SDK, 'h-login');
    expect(alice.version).toBe('2.10.2');
    await alice.login();
    await alice.waitFor('SDK_READY');
    // An idle poll is held, then answered OK with no events; a few such cycles raise no ERROR.
    await new Promise((r) => setTimeout(r, 2_500));
    const polls = alice.eventsNamed('HTTP_REPLY').filter((e) => e.data.path === '/v4/openim/longpolling');
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls.every((e) => e.data.errorCode === 0)).toBe(true);
    expect(alice.eventsNamed('ERROR')).toEqual([]);
    expect(alice.eventsNamed('KICKED_OUT')).toEqual([]);

    await alice.logout();
    await alice.waitFor('SDK_NOT_READY');
    await alice.waitFor('HTTP_REPLY', (r) => r.path === '/v4/openim/longpollinglogout' && r.errorCode === 0);
    expect(alice.eventsNamed('KICKED_OUT')).toEqual([]);
  });

  it('refuses a UserSig signed with the wrong key', async () => {
    const forged = genUserSig({ sdkAppId: srv.sdkAppId, secretKey: 'f'.repeat(64), userId: 'h-mallory', expireSeconds: 3600 });
    const mallory = await spawn(HTTP_SDK, 'h-mallory', forged);
    const err = await mallory.login().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TimCommandError);
    const code = Number((err as TimCommandError).code);
    expect(code >= 70000 && code < 71000, `login rejected with ${String(code)}, expected a 70xxx code`).toBe(true);
    expect(mallory.eventsNamed('SDK_READY')).toEqual([]);
  });

  it(`exchanges ${N} messages each way between two 2.10.2 users, then pages through the history`, async () => {
    const alice = await ready(HTTP_SDK, 'h-alice');
    const bob = await ready(HTTP_SDK, 'h-bob');
    await exchange(alice, bob);

    // A fresh instance of bob reads the whole conversation back from the server, page by page.
    await bob.logout();
    const bob2 = await ready(HTTP_SDK, 'h-bob');
    const pages: TimMessage[][] = [];
    let next: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await bob2.getMessageList({ conversationID: 'C2Ch-alice', ...(next ? { nextReqMessageID: next } : {}) });
      pages.push(page.messageList);
      if (page.isCompleted) break;
      next = page.nextReqMessageID;
    }
    expect(pages.length).toBeGreaterThanOrEqual(2);
    // Each page is oldest → newest and pages go back in time.
    const history = pages.reverse().flat();
    const expected = [
      ...Array.from({ length: N }, (_, i) => `h-alice→h-bob ${i + 1} ✓`),
      ...Array.from({ length: N }, (_, i) => `h-bob→h-alice ${i + 1} ✓`),
    ];
    expect(history.map((m) => m.payload.text)).toEqual(expected);
    expect(history.map((m) => m.flow)).toEqual([...Array<string>(N).fill('in'), ...Array<string>(N).fill('out')]);
    expect(new Set(history.map((m) => m.ID)).size).toBe(2 * N);
  });

  it(`exchanges ${N} messages each way between 2.10.2 (HTTP) and 2.27.6 (WebSocket)`, async () => {
    const http = await ready(HTTP_SDK, 'h-carol');
    const ws = await ready(WS_SDK, 'w-dave');
    await exchange(http, ws);
  });

  it('lists conversations with unread counts and clears them with setMessageRead; the sender sees the receipt', async () => {
    // The reader exists (accounts are created on first login), then goes offline.
    await (await ready(HTTP_SDK, 'h-frank')).logout();
    const sender = await ready(WS_SDK, 'w-erin');
    // Three messages while the 2.10.2 user is offline.
    for (const t of ['one', 'two', 'three']) await sender.sendText('h-frank', t);

    const reader = await ready(HTTP_SDK, 'h-frank');
    const list = await reader.getConversationList();
    const conv = list.find((c) => c.conversationID === 'C2Cw-erin');
    expect(conv, `conversation list: ${JSON.stringify(list)}`).toBeDefined();
    expect(conv).toMatchObject({ unreadCount: 3, lastMessage: { messageForShow: 'three', fromAccount: 'w-erin' } });

    await reader.setMessageRead('C2Cw-erin');
    expect((await reader.getConversationProfile('C2Cw-erin')).unreadCount).toBe(0);
    const receipt = await sender.waitFor('MESSAGE_READ_BY_PEER');
    expect(receipt.data.map((m) => m.payload.text)).toEqual(expect.arrayContaining(['three']));

    // A fresh login of the reader sees the conversation read.
    await reader.logout();
    const again = await ready(HTTP_SDK, 'h-frank');
    const conv2 = (await again.getConversationList()).find((c) => c.conversationID === 'C2Cw-erin');
    expect(conv2).toMatchObject({ unreadCount: 0 });
  });

  it('delivers a read receipt to a 2.10.2 sender (MESSAGE_READ_BY_PEER over long polling)', async () => {
    const sender = await ready(HTTP_SDK, 'h-gina');
    const reader = await ready(WS_SDK, 'w-hank');
    const sent = await sender.sendText('w-hank', 'read me');
    await waitForReceived(reader, 'C2Ch-gina', 1);
    await reader.setMessageRead('C2Ch-gina');
    const receipt = await sender.waitFor('MESSAGE_READ_BY_PEER');
    expect(receipt.data.map((m) => m.ID)).toContain(sent.ID);
    expect((await sender.getMessage(sent.ID)).isPeerRead).toBe(true);
  });

  it('recalls a message: the 2.10.2 peer gets MESSAGE_REVOKED and history shows it revoked', async () => {
    const alice = await ready(HTTP_SDK, 'h-ivy');
    const bob = await ready(HTTP_SDK, 'h-jack');
    await alice.sendText('h-jack', 'keep');
    const oops = await alice.sendText('h-jack', 'oops');
    await waitForReceived(bob, 'C2Ch-ivy', 2);

    const revoked = await alice.revokeMessage(oops.ID);
    expect(revoked.isRevoked).toBe(true);
    // 2.10.2's message IDs are per side (conversation-sequence-random-flow): match on sequence + random.
    const ev = await bob.waitFor('MESSAGE_REVOKED');
    const theirs = ev.data.find((m) => m.sequence === oops.sequence && m.random === oops.random);
    expect(theirs, JSON.stringify(ev.data)).toBeDefined();
    expect((await bob.getMessage(theirs!.ID)).isRevoked).toBe(true);

    await bob.logout();
    const bob2 = await ready(HTTP_SDK, 'h-jack');
    const { messageList } = await bob2.getMessageList({ conversationID: 'C2Ch-ivy' });
    expect(messageList.map((m) => [m.payload.text ?? '', m.isRevoked])).toEqual([
      ['keep', false],
      [expect.any(String), true],
    ]);
  });

  it('kicks the first 2.10.2 instance with multipleAccount (91101) when the same user logs in again', async () => {
    const first = await ready(HTTP_SDK, 'h-kate');
    const second = await ready(HTTP_SDK, 'h-kate');
    const kicked = await first.waitFor('KICKED_OUT');
    expect(kicked.data.type).toBe('multipleAccount');
    expect(second.eventsNamed('KICKED_OUT')).toEqual([]);

    // The newer instance keeps working.
    const peer = await ready(WS_SDK, 'w-leo');
    await peer.sendText('h-kate', 'still here?');
    const [m] = await waitForReceived(second, 'C2Cw-leo', 1);
    expect(m!.payload.text).toBe('still here?');
    expect(received(first, 'C2Cw-leo')).toEqual([]);
  });
});
