/** Shared helpers for SDK end-to-end tests against a real Parley server. */
import { startTestServer } from '../../../server/test/support/test-server.ts';
import type { TestServer, TestServerOptions } from '../../../server/test/support/test-server.ts';
import { TIM, fetchLongPoll, nodeWebSocket } from '../../src/node.ts';
import type { TimClient, TimCreateOptions, TimEvent, TimEventData, TransportFactory, TransportHandlers } from '../../src/node.ts';

export { startTestServer };
export type { TestServer };

/** The transports the C2C suites run over: `describe.each(TRANSPORTS)` plus `useTransport` in a beforeAll. */
export const TRANSPORTS = ['websocket', 'long-poll'] as const;
export type TransportName = (typeof TRANSPORTS)[number];
let current: TransportName = 'websocket';

/** Make loginUser (and transportFor()) use this transport from now on. */
export function useTransport(name: TransportName): void {
  current = name;
}

/** A factory for the named transport (the current one by default). */
export function transportFor(name: TransportName = current): TransportFactory {
  return name === 'long-poll' ? fetchLongPoll() : nodeWebSocket;
}

/** Start a server whose app allows several web instances per user (multi-device tests). */
export function startServer(opts: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({ ...opts, appOptions: { webInstances: 5, otherInstances: 5, autoCreateAccounts: true, ...opts.appOptions } });
}

/** A logged-in TIM instance. */
export async function loginUser(srv: TestServer, userID: string, extra: Partial<TimCreateOptions> = {}): Promise<TimClient> {
  const tim = TIM.create({ SDKAppID: srv.sdkAppId, server: srv.url, transport: transportFor(), ...extra });
  await tim.login({ userID, userSig: srv.sig(userID) });
  return tim;
}

/** Collects every payload of one event. */
export function collect<K extends keyof TimEventData>(tim: TimClient, name: K): TimEventData[K][] {
  const out: TimEventData[K][] = [];
  tim.on(name, (e: TimEvent<K>) => out.push(e.data));
  return out;
}

/** Poll until `check` returns truthy (or throw after `ms`). */
export async function waitFor<T>(check: () => T | undefined | false | null, ms = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Text of a message's payload. */
export function textOf(m: { payload: unknown }): string {
  return (m.payload as { text?: string }).text ?? '';
}

/** Close every server-side socket of a user, as a crashed proxy or a server-side timeout would. */
export function dropServerSockets(srv: TestServer, userID: string): number {
  const sessions = srv.server.core.registry.sessionsOf(srv.sdkAppId, userID);
  let n = 0;
  for (const s of [...sessions]) {
    // WsConnection has close(code, reason); the LiveSession seam does not expose it.
    const closable = s as unknown as { close?: (code: number, reason: string) => void };
    if (typeof closable.close === 'function') {
      closable.close(1011, 'test drop');
      n++;
    }
  }
  return n;
}

/** Send texts one after another; returns the sent messages. */
export async function sendTexts(tim: TimClient, to: string, texts: string[]) {
  const out = [];
  for (const t of texts) {
    const m = tim.createTextMessage({ to, conversationType: 'C2C', payload: { text: t } });
    out.push((await tim.sendMessage(m)).data.message);
  }
  return out;
}

/** Walk getMessageList back to the start; returns all messages oldest first and the page count. */
export async function fullHistory(tim: TimClient, conversationID: string, count = 15) {
  const pages: Awaited<ReturnType<TimClient['getMessageList']>>['data']['messageList'][] = [];
  let next: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const res = await tim.getMessageList({ conversationID, count, ...(next ? { nextReqMessageID: next } : {}) });
    pages.unshift(res.data.messageList);
    if (res.data.isCompleted) break;
    next = res.data.nextReqMessageID;
  }
  return { messages: pages.flat(), pages: pages.length };
}

/**
 * A Node WebSocket transport whose link can be cut by the test right after the client sends a
 * given command, so the server acts on the request but the reply never arrives.
 */
export function cuttableTransport() {
  const state = { cutAfter: undefined as string | undefined, sent: [] as string[] };
  const factory: TransportFactory = () => {
    const inner = nodeWebSocket();
    let handlers: TransportHandlers | undefined;
    let cut = false;
    return {
      kind: inner.kind,
      open(url, on) {
        handlers = on;
        inner.open(url, {
          open: () => !cut && on.open(),
          frame: (t) => !cut && on.frame(t),
          error: (e) => !cut && on.error(e),
          close: (c, r) => !cut && on.close(c, r),
        });
      },
      send(frame) {
        if (cut) return;
        inner.send(frame);
        const cmd = (JSON.parse(frame) as { head: { servcmd: string } }).head.servcmd;
        state.sent.push(cmd);
        if (state.cutAfter === cmd) {
          state.cutAfter = undefined;
          // From here on the client hears nothing more on this link, as if the reply was lost.
          cut = true;
          setTimeout(() => {
            inner.close(1000, 'cut');
            handlers?.close(1006, 'cut by test');
          }, 0);
        }
      },
      close: (code, reason) => {
        cut = true;
        inner.close(code, reason);
      },
    };
  };
  return { factory, state };
}
