import { describe, expect, it } from 'vitest';
import { FakeServer } from '../testing/fake-server.ts';
import { CoreClient } from './client.ts';
import type { MessageRecord } from './model.ts';

const until = async (check: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** A FakeServer with an idempotent sendmsg: the same ClientMsgID gets the first result. */
function messagingServer() {
  const server = new FakeServer();
  const byClientId = new Map<string, Record<string, unknown>>();
  let seq = 0;
  let cursor = 0;
  server.handle('openim.sendmsg', (f) => {
    const id = String(f.body['ClientMsgID']);
    let r = byClientId.get(id);
    if (!r) {
      seq++;
      r = { MsgSeq: seq, MsgTime: 1_700_000_000 + seq, MsgKey: `${seq}_${String(f.body['MsgRandom'])}_${1_700_000_000 + seq}`, NoticeSeq: ++cursor };
      byClientId.set(id, r);
    }
    return r;
  });
  return { server, byClientId };
}

function client(server: FakeServer) {
  return new CoreClient({
    sdkAppId: 1400000001,
    wsBase: 'ws://fake',
    transport: server.transport,
    connection: { backoff: { baseMs: 10, capMs: 20 } },
  });
}

const text = (c: CoreClient, to: string, t: string): MessageRecord =>
  c.createOutgoing(to, [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }]);

describe('CoreClient sending', () => {
  it('holds a send made while disconnected and delivers it after reconnect', async () => {
    const { server, byClientId } = messagingServer();
    const c = client(server);
    await c.login('alice', 'sig');
    server.refuse = true;
    server.link.drop();
    const m = text(c, 'bob', 'while offline');
    const sent = c.send(m);
    await new Promise((r) => setTimeout(r, 40));
    expect(m.status).toBe('unSend');
    expect(server.sent('openim.sendmsg')).toHaveLength(0);
    server.refuse = false;
    await sent;
    expect(m).toMatchObject({ status: 'success', seq: 1 });
    expect(byClientId.size).toBe(1);
    await c.logout();
  });

  it('re-sends with the same ClientMsgID, random and client seq when the reply is lost', async () => {
    const { server, byClientId } = messagingServer();
    const c = client(server);
    await c.login('alice', 'sig');
    const original = server.handlers.get('openim.sendmsg')!;
    let first = true;
    server.handle('openim.sendmsg', (f, link) => {
      const r = original(f, link);
      if (first) {
        // The server stored it, but the link dies before the reply leaves.
        first = false;
        queueMicrotask(() => link.drop());
        return undefined;
      }
      return r;
    });
    const m = text(c, 'bob', 'once');
    await c.send(m);
    const attempts = server.sent('openim.sendmsg');
    expect(attempts).toHaveLength(2);
    const keys = attempts.map((f) => [f.body['ClientMsgID'], f.body['MsgRandom'], f.body['MsgSeq']].join('/'));
    expect(keys[0]).toBe(keys[1]);
    expect(byClientId.size).toBe(1);
    expect(m.seq).toBe(1);
    await c.logout();
  });

  it('fails a message the server refuses, and resend succeeds with the same identity', async () => {
    const { server } = messagingServer();
    const c = client(server);
    await c.login('alice', 'sig');
    const ok = server.handlers.get('openim.sendmsg')!;
    server.handle('openim.sendmsg', () => ({ ActionStatus: 'FAIL', ErrorCode: 80002, ErrorInfo: 'too large' }));
    const m = text(c, 'bob', 'x');
    await expect(c.send(m)).rejects.toMatchObject({ code: 80002, errorCode: 'MSG_TOO_LARGE' });
    expect(m.status).toBe('fail');
    server.handle('openim.sendmsg', ok);
    await c.send(m);
    expect(m.status).toBe('success');
    const ids = server.sent('openim.sendmsg').map((f) => f.body['ClientMsgID']);
    expect(new Set(ids).size).toBe(1);
    await c.logout();
  });

  it('fails queued sends when the user logs out', async () => {
    const { server } = messagingServer();
    const c = client(server);
    await c.login('alice', 'sig');
    server.refuse = true;
    server.link.drop();
    const m = text(c, 'bob', 'never');
    const p = c.send(m);
    await c.logout();
    await expect(p).rejects.toMatchObject({ errorCode: 'CLIENT_CLOSED' });
    expect(m.status).toBe('fail');
  });
});

describe('CoreClient sync', () => {
  it('pulls the missing events when a push skips ahead, and reports each message once', async () => {
    const server = new FakeServer();
    const msg = (n: number) => ({
      From_Account: 'bob',
      To_Account: 'alice',
      MsgSeq: n,
      MsgRandom: n,
      MsgTimeStamp: 1_700_000_000 + n,
      MsgKey: `${n}_${n}_${1_700_000_000 + n}`,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `m${n}` } }],
      NoticeSeq: n,
    });
    server.handle('openim.getmsg', (f) => {
      const cookie = String(f.body['Cookie']);
      if (cookie === '') return { Cookie: 's1', SyncFlag: 2, MsgList: [msg(1)], EventArray: [] };
      return { Cookie: 's4', SyncFlag: 2, MsgList: [msg(2), msg(3), msg(4)], EventArray: [] };
    });
    server.handle('recentcontact.page_get', () => ({
      CompleteFlag: 1,
      SessionItem: [{ Type: 1, To_Account: 'bob', MsgSeq: 1, MsgTimeStamp: 1_700_000_001, UnreadMsgCount: 1, ReadSeq: 0 }],
    }));
    const c = client(server);
    const received: string[] = [];
    c.events.on('received', (ms) => received.push(...ms.map((m) => String(m.elems[0]?.MsgContent['Text']))));
    await c.login('alice', 'sig');
    expect(received).toEqual([]);
    server.link.push('im_open_push.msg_push', { EventArray: [{ Event: 9, C2cMsgArray: [msg(4)] }] });
    await until(() => received.length === 3);
    expect(received).toEqual(['m2', 'm3', 'm4']);
    expect(server.sent('openim.getmsg').map((f) => f.body['Cookie'])).toEqual(['', 's1']);
    expect(c.conversations.get('C2Cbob')?.unreadCount).toBe(4);
    await c.logout();
  });
});

describe('CoreClient own stream events', () => {
  it('takes the cursor of its own send, recall, read and delete from the replies, so the next push needs no pull', async () => {
    const { server } = messagingServer();
    let cursor = 0;
    const next = () => ({ NoticeSeq: ++cursor });
    const sendmsg = server.handlers.get('openim.sendmsg')!;
    server.handle('openim.sendmsg', (f, link) => {
      const r = sendmsg(f, link)!;
      cursor = Number(r['NoticeSeq']);
      return r;
    });
    server.handle('openim.msgwithdraw', next);
    server.handle('openim.msgreaded', next);
    server.handle('recentcontact.delete', next);
    const c = client(server);
    await c.login('alice', 'sig');
    const m = text(c, 'bob', 'oops');
    await c.send(m);
    await c.revoke(m);
    await c.markRead('C2Cbob', 'bob');
    await c.deleteConversation('C2Cbob', 'bob');
    expect(cursor).toBe(4);
    const received: string[] = [];
    c.events.on('received', (ms) => received.push(...ms.map((r) => String(r.elems[0]?.MsgContent['Text']))));
    server.link.push('im_open_push.msg_push', {
      EventArray: [
        {
          Event: 9,
          C2cMsgArray: [
            {
              From_Account: 'bob',
              To_Account: 'alice',
              MsgSeq: 9,
              MsgRandom: 9,
              MsgTimeStamp: 1_700_000_100,
              MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'next' } }],
              ConvSeq: 2,
              NoticeSeq: 5,
            },
          ],
        },
      ],
    });
    await until(() => received.length === 1);
    expect(received).toEqual(['next']);
    await new Promise((r) => setTimeout(r, 20));
    // Only the login pull: the push followed the cursor the replies gave.
    expect(server.sent('openim.getmsg')).toHaveLength(1);
    await c.logout();
  });
});
