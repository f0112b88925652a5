/**
 * Tencent's HTTP client line, the door for clients without WebSocket: tim-js-sdk ≤ 2.10
 * (and tim-wx-sdk ≤ 2.10), webim v1 (`webim.js` / `webim_wx.js` 1.7), and Parley's SDK when
 * WebSocket is blocked. Requests are `POST /<ver>/<service>/<command>?…` with a JSON body
 * whatever the content-type; replies are always HTTP 200 with Tencent's envelope.
 *
 * It is a second door to the same core: every command except the session ones
 * (login, long polling, logout) is the handler the WebSocket door uses, found by
 * `<service>.<command>`. Client requests are told apart from the admin REST API by their
 * credentials: `a2` + `tinyid` (after login), or `identifier` + `usersig` on the login
 * commands themselves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomInt } from 'node:crypto';
import { EventType, ImError } from '@parley/protocol';
import type { Core } from '../core.ts';
import { messagePreview } from '../messaging/validate.ts';
import { parseJsonObject, readBody, sendJson } from '../http/respond.ts';
import type { HttpRoute } from '../server.ts';
import { parseSdkAppId, type Identity } from '../session/auth.ts';
import { findCommand, type Body, type ClientContext } from './commands.ts';
import { LongPollSessions, type LongPollSession } from './long-poll.ts';

/** Commands that carry `identifier` + `usersig` and belong to the client line, not the admin API. */
const LOGIN_COMMANDS = new Set(['openim/login', 'webim/accesslayer']);

/**
 * The SDKs' telemetry, answered OK and dropped. tim-js-sdk 2.10 posts it without any
 * credentials once logged out (only `sdkappid`), and retries it while it gets no OK.
 */
const TELEMETRY_COMMANDS = new Set(['imopenstat/tim_web_report', 'imopenstat/tim_web_report_v2', 'imopenstat/web_report']);

export interface HttpLineOptions {
  /** How long an idle poll is held before answering OK with no events (< the clients' 25-30 s timeouts). */
  holdMs?: number;
  /** A session with no request for this long has gone away. */
  idleMs?: number;
}

export interface HttpLine {
  route: HttpRoute;
  sessions: LongPollSessions;
  close(): void;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

function ok(fields: Body = {}): Body {
  return { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields };
}

/** True when a /v4 request belongs to the client line (so the admin API must not take it). */
export function isClientLineRequest(url: URL): boolean {
  const m = /^\/v\d\/([^/]+\/[^/]+)$/.exec(url.pathname);
  if (!m) return false;
  const q = url.searchParams;
  return (q.has('a2') && q.has('tinyid')) || (LOGIN_COMMANDS.has(m[1]!) && q.has('usersig')) || TELEMETRY_COMMANDS.has(m[1]!);
}

export function createHttpLine(core: Core, opts: HttpLineOptions = {}): HttpLine {
  const holdMs = opts.holdMs ?? 20_000;
  const sessions = new LongPollSessions(core, opts.idleMs ?? Math.max(60_000, holdMs * 3));

  /** The session an `a2` belongs to; re-opened transparently after a server restart. */
  async function sessionOf(url: URL): Promise<{ identity: Identity; session: LongPollSession }> {
    const q = url.searchParams;
    const sdkAppId = parseSdkAppId(q.get('sdkappid'));
    const identity = await core.auth.checkA2(sdkAppId, q.get('a2'), q.get('tinyid') ?? undefined);
    const instId = identity.instId ?? String(randomInt(1, 2 ** 47));
    const session = sessions.get(instId) ?? (await sessions.open(identity, instId, platformOf(q)));
    session.lastSeen = Date.now();
    return { identity, session };
  }

  async function handle(path: string, url: URL, body: Body): Promise<Body> {
    const q = url.searchParams;
    if (TELEMETRY_COMMANDS.has(path)) return ok();
    switch (path) {
      case 'webim/accesslayer':
        // WebImAccessLayer 0 keeps webim v1 on this host.
        return ok({ WebImAccessLayer: 0 });
      case 'openim/login': {
        const identity = await core.auth.login(parseSdkAppId(q.get('sdkappid')), q.get('identifier'), q.get('usersig'));
        const instId = String(randomInt(1, 2 ** 47));
        await sessions.open(identity, instId, platformOf(q));
        return ok({
          TinyId: String(identity.account.tinyId),
          A2Key: core.auth.issueA2(identity, instId),
          InstId: instId,
          TimeStamp: Math.floor(Date.now() / 1000),
          ExpireTime: identity.expireAt,
        });
      }
    }
    const { identity, session } = await sessionOf(url);
    switch (path) {
      case 'openim/getlongpollingid':
        return ok({ LongPollingId: session.longPollingId, Timeout: Math.ceil(holdMs / 1000) + 5 });
      case 'openim/longpolling':
        return longPoll(session, body);
      case 'openim/longpollinglogout':
      case 'openim/logout':
        sessions.close(session);
        return ok();
      case 'recentcontact/get':
        return recentContactGet(identity, body);
    }
    const handler = findCommand(path.replace('/', '.'));
    if (!handler) throw new ImError('REQ_UNKNOWN_COMMAND', `unknown command ${path.slice(0, 128)}`);
    const ctx: ClientContext = { app: identity.app, account: identity.account, instId: session.instId, platform: session.platform };
    return ok(await handler(core, ctx, body));
  }

  async function longPoll(session: LongPollSession, body: Body): Promise<Body> {
    const cookie = (body.Cookie ?? {}) as { NoticeSeq?: unknown };
    const ack = typeof cookie.NoticeSeq === 'number' ? cookie.NoticeSeq : 0;
    const events: Body[] = [];
    if (session.firstPoll) {
      session.firstPoll = false;
      // webim v1 learns of messages that arrived while it was away from an Event 1 notice.
      const head = await core.messaging.headCursor(session.identity.app, session.userId);
      if (head > 0) events.push({ Event: EventType.C2cNotify, NotifySeq: head });
    }
    const r = await session.poll(events.length > 0 ? 0 : holdMs, ack);
    if (r.kind === 'kicked') throw new ImError('AUTH_KICKED');
    if (r.kind === 'expired') throw new ImError('AUTH_USERSIG_EXPIRED');
    return ok({ EventArray: [...events, ...r.items] });
  }

  async function recentContactGet(identity: Identity, body: Body): Promise<Body> {
    const count = typeof body.Count === 'number' && body.Count > 0 ? Math.min(body.Count, 100) : 100;
    const { conversations } = await core.messaging.conversations(identity.app, identity.account.userId, 0, count);
    return ok({
      SessionItem: conversations.map((c) => ({
        Type: 1,
        To_Account: c.peer,
        MsgTimeStamp: c.lastMessage?.time ?? c.lastTime,
        MsgSeq: c.lastMessage?.clientSeq ?? 0,
        MsgRandom: c.lastMessage?.random ?? 0,
        MsgShow: c.lastMessage && !c.lastMessage.recalled ? messagePreview(c.lastMessage.body) : '',
        UnreadMsgCount: c.unread,
        ConvSeq: c.lastSeq,
      })),
    });
  }

  const route: HttpRoute = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!/^\/v\d\//.test(url.pathname)) return false;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return true;
    }
    if (req.method !== 'POST' || !isClientLineRequest(url)) return false;
    const path = url.pathname.split('/').slice(2).join('/');
    let reply: Body;
    try {
      const body = parseJsonObject(await readBody(req, core.config.maxFrameBytes));
      reply = await handle(path, url, body);
    } catch (err) {
      if (err instanceof ImError) reply = { ...err.toWire() };
      else {
        const requestId = randomInt(1, 2 ** 47).toString(36);
        core.log.error('http line command failed', { path, requestId, err });
        reply = new ImError('INTERNAL', `internal error (request ${requestId})`).toWire() as unknown as Body;
      }
    }
    sendJson(res, 200, reply, CORS);
    return true;
  };

  return { route, sessions, close: () => sessions.closeAll() };
}

function platformOf(q: URLSearchParams): number | undefined {
  const p = Number(q.get('platform'));
  return Number.isInteger(p) && p > 0 ? p : 10;
}
