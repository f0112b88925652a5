import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIM } from '../../src/node.ts';
import { collect, cuttableTransport, dropServerSockets, fullHistory, loginUser, startServer, textOf, transportFor, TRANSPORTS, useTransport, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

const fast = { connection: { backoff: { baseMs: 50, capMs: 200 } } };

describe.each(TRANSPORTS)('%s: reconnecting without losing or duplicating anything', (transport) => {
  let srv: TestServer;
  beforeAll(async () => {
    useTransport(transport);
    srv = await startServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  // The next two cut or drop WebSocket links, so they exist only for the WebSocket transport
  // (not as skips); long-poll's reconnects are covered by the server-restart case in
  // webim-wx-sandbox.test.ts.
  const itOverWebSocket = transport === 'websocket' ? it : ((() => undefined) as unknown as typeof it);
  itOverWebSocket('re-sends after a lost reply with the same ClientMsgID, and the message exists once', async () => {
    const cut = cuttableTransport();
    const a = await loginUser(srv, 'ida', { transport: cut.factory, ...fast });
    const b = await loginUser(srv, 'ivo');
    const atB = collect(b, TIM.EVENT.MESSAGE_RECEIVED);
    const net = collect(a, TIM.EVENT.NET_STATE_CHANGE);
    cut.state.cutAfter = 'openim.sendmsg';
    const m = a.createTextMessage({ to: 'ivo', conversationType: 'C2C', payload: { text: 'exactly once' } });
    const res = await a.sendMessage(m);
    expect(res.data.message).toBe(m);
    expect(m.status).toBe('success');
    expect(cut.state.sent.filter((c) => c === 'openim.sendmsg')).toHaveLength(2);
    expect(net.map((n) => n.state)).toContain('connecting');
    await waitFor(() => atB.flat().length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(atB.flat().map(textOf)).toEqual(['exactly once']);
    const history = await fullHistory(b, 'C2Cida');
    expect(history.messages.map((x) => x.ID)).toEqual([m.ID]);
    expect(history.messages[0]!.sequence).toBe(m.sequence);
    await a.logout();
    await b.logout();
  });

  itOverWebSocket('delivers a 300-message stream exactly once and in order while both sides lose their sockets', async () => {
    const a = await loginUser(srv, 'kai', fast);
    const b = await loginUser(srv, 'kim', fast);
    const atB = collect(b, TIM.EVENT.MESSAGE_RECEIVED);
    const netB = collect(b, TIM.EVENT.NET_STATE_CHANGE);
    const texts = Array.from({ length: 300 }, (_, i) => `stream ${i}`);
    // Half the sends are fired at once (the outbox keeps them going through the drops), half
    // one after another, so drops land in the middle of the stream.
    const send = (t: string) => a.sendMessage(a.createTextMessage({ to: 'kim', conversationType: 'C2C', payload: { text: t } }));
    const burst = Promise.all(texts.slice(0, 150).map(send));
    const sending = burst.then(async (first) => {
      const rest = [];
      for (const t of texts.slice(150)) rest.push(await send(t));
      return [...first, ...rest];
    });
    let drops = 0;
    for (let i = 0; i < 3; i++) {
      await waitFor(() => (atB.flat().length >= 60 * (i + 1) && (netB.at(-1)?.state ?? 'connected') === 'connected') || undefined, 20_000, `progress ${i}`);
      const seen = netB.length;
      drops += dropServerSockets(srv, 'kim');
      if (i === 1) dropServerSockets(srv, 'kai');
      await waitFor(() => netB.length > seen, 5_000, 'the client to notice the drop');
    }
    expect(drops).toBe(3);
    const sent = (await sending).map((r) => r.data.message);
    expect(sent.map((m) => m.sequence)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await waitFor(() => atB.flat().length >= 300 || undefined, 20_000, 'all 300 at kim');
    await new Promise((r) => setTimeout(r, 300));
    const got = atB.flat();
    expect(got.map(textOf)).toEqual(texts);
    expect(new Set(got.map((m) => m.ID)).size).toBe(300);
    expect(got.map((m) => m.sequence)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(netB.filter((n) => n.state === 'connecting').length).toBeGreaterThanOrEqual(3);
    expect(netB.at(-1)?.state).toBe('connected');
    const conv = (await b.getConversationList()).data.conversationList[0]!;
    expect(conv).toMatchObject({ conversationID: 'C2Ckai', unreadCount: 300 });
    await a.logout();
    await b.logout();
  });

  it('asks for a fresh UserSig when the session expires, keeps queued sends and resumes', async () => {
    const tim = TIM.create({ SDKAppID: srv.sdkAppId, server: srv.url, transport: transportFor(), ...fast });
    const b = await loginUser(srv, 'lea');
    const atB = collect(b, TIM.EVENT.MESSAGE_RECEIVED);
    const kicked = collect(tim, TIM.EVENT.KICKED_OUT);
    const expired = collect(tim, TIM.EVENT.USER_SIG_EXPIRED);
    await tim.login({ userID: 'leo', userSig: srv.sig('leo', 1) });
    await new Promise((r) => setTimeout(r, 2_100));
    const m = tim.createTextMessage({ to: 'lea', conversationType: 'C2C', payload: { text: 'after renewal' } });
    const sending = tim.sendMessage(m);
    await waitFor(() => expired.length === 1, 10_000, 'USER_SIG_EXPIRED');
    expect(kicked).toEqual([{ type: 'userSigExpired' }]);
    expect(expired).toEqual([{ userID: 'leo' }]);
    expect(m.status).toBe('unSend');
    tim.renewUserSig(srv.sig('leo', 3600));
    await sending;
    expect(m.status).toBe('success');
    await waitFor(() => atB.flat().length === 1);
    expect(atB.flat().map(textOf)).toEqual(['after renewal']);
    await tim.logout();
    await b.logout();
  });
});
