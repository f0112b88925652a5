import { describe, expect, it } from 'vitest';
import { FakeServer } from '../testing/fake-server.ts';
import { Connection } from './connection.ts';
import type { ConnectionOptions, ConnectionState, NetState } from './connection.ts';

const until = async (check: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function setup(extra: Partial<ConnectionOptions> = {}) {
  const server = new FakeServer();
  const conn = new Connection({
    sdkAppId: 1400000001,
    platform: 7,
    buildUrl: () => 'ws://fake/info?sdkappid=1400000001',
    transport: server.transport,
    backoff: { baseMs: 10, capMs: 20 },
    ...extra,
  });
  const states: ConnectionState[] = [];
  const net: NetState[] = [];
  conn.events.on('state', (s) => states.push(s.state));
  conn.events.on('netState', (s) => net.push(s));
  return { server, conn, states, net };
}

describe('Connection', () => {
  it('logs in with the UserSig, then authenticates requests with A2', async () => {
    const { server, conn, states, net } = setup();
    const info = await conn.start('alice', 'sig-1');
    expect(info).toMatchObject({ tinyId: '1', a2: 'a2', instId: '7', helloIntervalSec: 30 });
    await conn.request('openim.getmsg', { Cookie: '' });
    const [login, getmsg] = server.frames;
    expect(login?.head).toMatchObject({ servcmd: 'im_open_status.wslogin', identifier: 'alice', usersig: 'sig-1', platform: 7, sdkappid: 1400000001 });
    expect(login?.body).toEqual({ State: 'Online' });
    expect(getmsg?.head).toMatchObject({ a2: 'a2', tinyid: '1', status_instid: '7' });
    expect(getmsg?.head.usersig).toBeUndefined();
    expect(states).toEqual(['connecting', 'connected']);
    expect(net).toEqual(['connecting', 'connected']);
    await conn.stop();
    expect(server.sent('im_open_status.wslogout')).toHaveLength(1);
    expect(conn.state).toBe('closed');
  });

  it('rejects start() with the server code when the first login is refused', async () => {
    const { server, conn } = setup();
    server.handle('im_open_status.wslogin', () => ({ ActionStatus: 'FAIL', ErrorCode: 70009, ErrorInfo: 'bad sig' }));
    await expect(conn.start('alice', 'x')).rejects.toMatchObject({ code: 70009, message: 'bad sig', errorCode: 'AUTH_USERSIG_BAD_SIGNATURE' });
    expect(conn.state).toBe('closed');
  });

  it('reconnects and logs in again after the server drops the link', async () => {
    const { server, conn, states, net } = setup();
    const logins: boolean[] = [];
    conn.events.on('loggedIn', (e) => logins.push(e.reconnect));
    await conn.start('alice', 'sig');
    server.link.drop();
    await until(() => conn.state === 'connected' && logins.length === 2);
    expect(logins).toEqual([false, true]);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(net).toEqual(['connecting', 'connected', 'connecting', 'connected']);
    expect(server.sent('im_open_status.wslogin').at(-1)?.head).toMatchObject({ usersig: 'sig' });
    await conn.stop();
  });

  it('fails in-flight requests as network errors when the link drops', async () => {
    const { server, conn } = setup();
    server.handle('openim.sendmsg', () => undefined);
    await conn.start('alice', 'sig');
    const r = conn.request('openim.sendmsg', {});
    await until(() => server.sent('openim.sendmsg').length === 1);
    server.link.drop();
    await expect(r).rejects.toMatchObject({ errorCode: 'CLIENT_NETWORK' });
    await conn.stop();
  });

  it('sends heartbeat.alive when idle and reconnects when it goes unanswered', async () => {
    const { server, conn } = setup({ heartbeatIdleMs: 30, heartbeatTimeoutMs: 30 });
    await conn.start('alice', 'sig');
    await until(() => server.sent('heartbeat.alive').length >= 2);
    server.handle('heartbeat.alive', () => undefined);
    const attempts = server.attempts;
    await until(() => server.attempts > attempts && conn.state === 'connected');
    await conn.stop();
  });

  it('reports disconnected after repeated failed attempts, then connected again', async () => {
    const { server, conn, net } = setup({ netDownAfterAttempts: 2 });
    await conn.start('alice', 'sig');
    server.refuse = true;
    server.link.drop();
    await until(() => net.includes('disconnected'));
    server.refuse = false;
    await until(() => conn.state === 'connected');
    expect(net).toEqual(['connecting', 'connected', 'connecting', 'disconnected', 'connected']);
    await conn.stop();
  });

  it('waits for a fresh UserSig when re-login says the sig expired, then resumes', async () => {
    const { server, conn } = setup();
    await conn.start('alice', 'old');
    const expired: boolean[] = [];
    conn.events.on('authExpired', (e) => expired.push(e.kicked));
    server.handle('im_open_status.wslogin', (f) =>
      f.head.usersig === 'old' ? { ActionStatus: 'FAIL', ErrorCode: 70001, ErrorInfo: 'expired' } : { TinyId: '1', A2Key: 'a2b', InstId: '8', TimeStamp: 1 },
    );
    server.link.drop();
    const waiting = conn.whenConnected();
    await until(() => expired.length === 1);
    expect(conn.state).toBe('reconnecting');
    expect(conn.awaitingUserSig).toBe(true);
    const attempts = server.attempts;
    await new Promise((r) => setTimeout(r, 60));
    expect(server.attempts).toBe(attempts);
    conn.renew('new');
    await waiting;
    expect(conn.state).toBe('connected');
    expect(conn.session?.a2).toBe('a2b');
    expect(expired).toEqual([false]);
    await conn.stop();
  });

  it('treats a userSigExpired kick push as a pause, and other kicks as the end', async () => {
    const { server, conn } = setup();
    await conn.start('alice', 'sig');
    const expired: boolean[] = [];
    conn.events.on('authExpired', (e) => expired.push(e.kicked));
    const kick = (t: number) =>
      server.link.push('im_open_status.stat_forceoffline', {
        EventArray: [{ Event: 10, C2cNotifyMsgArray: [{ KickoutMsgNotify: { KickType: t, NewInstInfo: {} } }] }],
      });
    kick(4);
    await until(() => expired.length === 1);
    expect(expired).toEqual([true]);
    conn.renew('sig2');
    await until(() => conn.state === 'connected');
    const kicked: number[] = [];
    conn.events.on('kicked', (k) => kicked.push(k.kickType));
    kick(2);
    await until(() => kicked.length === 1);
    expect(conn.state).toBe('closed');
    expect(kicked).toEqual([2]);
    await expect(conn.whenConnected()).rejects.toMatchObject({ errorCode: 'CLIENT_NOT_LOGGED_IN' });
  });

  it('asks for a reconnect when a request is refused for an unknown A2', async () => {
    const { server, conn } = setup();
    await conn.start('alice', 'sig');
    server.handle('openim.getmsg', () => ({ ActionStatus: 'FAIL', ErrorCode: 20002, ErrorInfo: 'A2 invalid' }));
    const attempts = server.attempts;
    await expect(conn.request('openim.getmsg', {})).rejects.toMatchObject({ code: 20002 });
    await until(() => server.attempts > attempts && conn.state === 'connected');
    await conn.stop();
  });
});
