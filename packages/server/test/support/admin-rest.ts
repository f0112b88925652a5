/**
 * A REST admin API caller for integration tests: real HTTP to /v4/<service>/<command> with
 * Tencent's query parameters, signed as the test app's admin unless told otherwise.
 */
import { RawClient } from './raw-client.ts';
import type { TestServer } from './test-server.ts';

export type RestReply = Record<string, unknown> & { ActionStatus: string; ErrorCode: number; ErrorInfo: string };

export interface RestCallOptions {
  /** Query parameters replacing the admin's (undefined values are left out). */
  query?: Record<string, string | undefined>;
  /** Send this text as the body instead of JSON of `body`. */
  raw?: string;
  method?: string;
}

export async function rest(t: TestServer, path: string, body: unknown = {}, opts: RestCallOptions = {}): Promise<RestReply> {
  const admin = t.app.adminIdentifier;
  const query = opts.query ?? { sdkappid: String(t.sdkAppId), identifier: admin, usersig: t.sig(admin), random: String(Math.floor(Math.random() * 2 ** 32)), contenttype: 'json' };
  const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
  const res = await fetch(`${t.url}/v4/${path}?${qs}`, { method: opts.method ?? 'POST', body: opts.method === 'GET' ? undefined : (opts.raw ?? JSON.stringify(body)) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status} from /v4/${path}`);
  return (await res.json()) as RestReply;
}

/** A logged-in raw WebSocket client of the test app. */
export async function loginRaw(t: TestServer, userId: string, platform = 7): Promise<RawClient> {
  const c = await RawClient.connect(t.wsUrl);
  const r = await c.login(t.sdkAppId, userId, t.sig(userId), platform);
  if (r.body.ErrorCode !== 0) throw new Error(`login ${userId} failed: ${JSON.stringify(r.body)}`);
  return c;
}

/** C2C messages pushed to a raw client so far. */
export function pushedMsgs(c: RawClient): Record<string, unknown>[] {
  return c.frames
    .filter((f) => f.head.servcmd === 'im_open_push.msg_push')
    .flatMap((f) => (f.body.EventArray as { Event: number; C2cMsgArray?: Record<string, unknown>[] }[]).flatMap((e) => e.C2cMsgArray ?? []));
}

/** Non-message C2C events (recall, read receipts) pushed to a raw client so far. */
export function pushedEvents(c: RawClient): Record<string, unknown>[] {
  return c.frames
    .filter((f) => f.head.servcmd === 'im_open_push.msg_push')
    .flatMap((f) => (f.body.EventArray as { Event: number; C2cNotifyMsgArray?: Record<string, unknown>[] }[]).flatMap((e) => e.C2cNotifyMsgArray ?? []));
}

export const text = (s: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: s } }];
