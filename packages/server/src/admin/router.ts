/**
 * The REST admin API door: `POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=
 * &random=&contenttype=json`, answered as Tencent does: HTTP 200 with `{ActionStatus,
 * ErrorCode, ErrorInfo}` plus the command's fields, whatever happened.
 *
 * The same /v4 paths serve Tencent's HTTP client line (gateway/http-line.ts, installed
 * before this door). Requests are told apart by their credentials: a client's `tinyid` +
 * `a2` (or a login's usersig) belong to the client line; `identifier` + `usersig` of the
 * app admin belong here. A client request that reaches this door anyway is answered by
 * answerClientLineRequest, so the two doors never mix.
 */
import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ImError } from '@parley/protocol';
import type { Core } from '../core.ts';
import type { Body } from '../gateway/commands.ts';
import { isClientLineRequest } from '../gateway/http-line.ts';
import { parseJsonObject, readBody, sendJson } from '../http/respond.ts';
import type { HttpRoute } from '../server.ts';
import { authenticateAdmin } from './auth.ts';
import { ADMIN_COMMANDS } from './commands.ts';
import { AdminRateLimit } from './rate-limit.ts';
import { validateBody } from './schema.ts';

/** Tencent's limit on a REST request body; larger ones answer 93000. */
export const MAX_REST_BODY = 12 * 1024;

const PATH = /^\/v4\/([A-Za-z0-9_]{1,64})\/([A-Za-z0-9_]{1,64})$/;

function envelope(fields: Body = {}): Body {
  return { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields };
}

/**
 * Codes the REST API uses where the WebSocket door uses another number for the same
 * condition (Tencent's REST reference differs from its SDK codes there).
 */
function restError(err: ImError, service: string): ImError {
  if (err.code === 'MSG_RECIPIENT_NOT_FOUND') return new ImError('MSG_TO_ACCOUNT_NOT_REGISTERED', err.message);
  if (err.code === 'REQ_BAD_JSON' && service !== 'openim') return new ImError('REST_BAD_JSON', err.message);
  return err;
}

/** A client-line request (a2/tinyid) this door must not serve: Tencent's "unknown command" envelope. */
export function answerClientLineRequest(res: ServerResponse, url: URL): void {
  const err = new ImError('REQ_UNKNOWN_COMMAND', `${url.pathname.slice(0, 100)} is not served to client credentials here`);
  sendJson(res, 200, err.toWire());
}

export function createAdminRoute(core: Core): HttpRoute {
  const limit = new AdminRateLimit(core.config.adminRatePerSecond);
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!url.pathname.startsWith('/v4/')) return false;
    const q = url.searchParams;
    if (isClientLineRequest(url) || (q.has('a2') && q.has('tinyid'))) {
      answerClientLineRequest(res, url);
      return true;
    }
    const m = PATH.exec(url.pathname);
    const service = m?.[1] ?? '';
    let reply: Body;
    try {
      if (req.method !== 'POST' || !m) throw new ImError('REST_BAD_URL', req.method !== 'POST' ? 'use POST' : 'the URL must be /v4/<service>/<command>');
      const text = await readBody(req, MAX_REST_BODY);
      const ctx = await authenticateAdmin(core, q, req.socket.remoteAddress);
      const cmd = ADMIN_COMMANDS.get(`${service}.${m[2]!}`);
      if (!cmd) throw new ImError('REQ_UNKNOWN_COMMAND', `unknown command ${service}/${m[2]!}`);
      limit.take(ctx.app.sdkAppId, cmd);
      const body = validateBody(cmd, parseJsonObject(text));
      reply = envelope(await cmd.handler(core, ctx, body));
    } catch (err) {
      if (err instanceof ImError) reply = { ...restError(err, service).toWire() };
      else {
        const requestId = randomInt(1, 2 ** 47).toString(36);
        core.log.error('admin command failed', { path: url.pathname, requestId, err });
        reply = { ...new ImError('INTERNAL', `internal error (request ${requestId})`).toWire() };
      }
      if (!req.complete) req.resume();
    }
    sendJson(res, 200, reply);
    return true;
  };
}
