import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIM } from '../../src/node.ts';
import type { Message } from '../../src/node.ts';
import { collect, loginUser, startServer, textOf, TRANSPORTS, useTransport, waitFor } from './support.ts';
import type { TestServer } from './support.ts';

describe.each(TRANSPORTS)('%s: sdk smoke', (transport) => {
  let srv: TestServer;
  beforeAll(async () => {
    useTransport(transport);
    srv = await startServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('logs in two users and delivers a text message', async () => {
    const a = await loginUser(srv, 'alice');
    const b = await loginUser(srv, 'bob');
    const got = collect(b, TIM.EVENT.MESSAGE_RECEIVED);
    const msg = a.createTextMessage({ to: 'bob', conversationType: TIM.TYPES.CONV_C2C, payload: { text: 'hi bob' } });
    const res = await a.sendMessage(msg);
    expect(res.code).toBe(0);
    expect(res.data.message.status).toBe('success');
    const received = await waitFor(() => got.flat()[0] as Message | undefined);
    expect(textOf(received)).toBe('hi bob');
    expect(received.conversationID).toBe('C2Calice');
    expect(received.flow).toBe('in');
    await a.logout();
    await b.logout();
  });
});
