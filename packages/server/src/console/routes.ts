/**
 * The console's JSON API under /console/api: admin sign-in, apps (create, show, rotate the
 * key), the UserSig generator, accounts (search, online state, kick), a pair's history and
 * live numbers. Every route under /console/api/apps/<SDKAppID> needs a console session of
 * that app and reads only that app's rows.
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ErrorCodes, ImError, KickType } from '@parley/protocol';
import { genUserSig } from '@parley/usersig';
import { ADMIN_COMMANDS } from '../admin/commands.ts';
import { DEV_APP_FILE, appCredentials, createApp, rotateSecretKey } from '../apps.ts';
import { userTopic } from '../bus/bus.ts';
import type { Core } from '../core.ts';
import { parseJsonObject, readBody, sendJson } from '../http/respond.ts';
import type { HttpRoute } from '../server.ts';
import { checkUserId, parseSdkAppId } from '../session/auth.ts';
import type { AccountRecord, AppRecord, StoredMessage } from '../store/store.ts';
import { AppMetrics } from './app-metrics.ts';
import { CONSOLE_SESSION_SECONDS, checkConsoleToken, clearedCookie, consoleTokens, issueConsoleToken, sessionCookie, type ConsoleSession } from './session.ts';

const PREFIX = '/console/api';
const BODY_LIMIT = 16 * 1024;
/** Longest UserSig the generator signs: Tencent's console offers up to 180 days. */
const MAX_SIG_SECONDS = 180 * 86400;

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  now: number;
}
interface AppCtx extends Ctx {
  app: AppRecord;
  session: ConsoleSession;
}

export function createConsoleRoute(core: Core): HttpRoute {
  const metrics = new AppMetrics(core.messaging);
  const store = core.store;

  /** Apps this request holds a valid session for. */
  async function sessionsOf(req: IncomingMessage, now: number): Promise<{ app: AppRecord; session: ConsoleSession }[]> {
    const out: { app: AppRecord; session: ConsoleSession }[] = [];
    for (const [id, token] of consoleTokens(req)) {
      const app = await store.getApp(id);
      const session = app && checkConsoleToken(app, token, now);
      if (app && session) out.push({ app, session });
    }
    return out.sort((a, b) => a.app.sdkAppId - b.app.sdkAppId);
  }

  function startSession(c: Ctx, app: AppRecord, identifier: string, notAfter = Infinity): ConsoleSession {
    const expiresAt = Math.min(c.now + CONSOLE_SESSION_SECONDS, notAfter);
    const token = issueConsoleToken(app, identifier, expiresAt);
    c.res.setHeader('set-cookie', sessionCookie(app.sdkAppId, token, expiresAt - c.now));
    return { sdkAppId: app.sdkAppId, identifier, expiresAt };
  }

  async function signIn(c: Ctx, body: Record<string, unknown>): Promise<unknown> {
    const app = await store.getApp(parseSdkAppId(body['sdkAppId']));
    if (!app) throw new ImError('AUTH_APP_NOT_FOUND');
    let notAfter = Infinity;
    if (typeof body['secretKey'] === 'string') {
      const a = Buffer.from(body['secretKey']);
      const b = Buffer.from(app.secretKey);
      if (a.length !== b.length || !timingSafeEqual(a, b)) throw new ImError('AUTH_ADMIN_REQUIRED', 'wrong secret key');
    } else {
      const identifier = body['identifier'];
      if (identifier !== app.adminIdentifier) throw new ImError('AUTH_ADMIN_REQUIRED', `sign in as the app's admin identifier`);
      notAfter = core.auth.checkSig(app, identifier, body['userSig']).expireAt;
    }
    const session = startSession(c, app, app.adminIdentifier, notAfter);
    return { app: appSummary(app), session };
  }

  async function withApp(c: Ctx, id: string): Promise<AppCtx> {
    const sdkAppId = parseSdkAppId(id);
    const token = consoleTokens(c.req).get(sdkAppId);
    const app = await store.getApp(sdkAppId);
    const session = app && token ? checkConsoleToken(app, token, c.now) : undefined;
    // The same answer for "no such app" and "not signed in": the API does not tell which apps exist.
    if (!app || !session) throw new ImError('AUTH_ADMIN_REQUIRED', 'sign in to this app first');
    return { ...c, app, session };
  }

  function onlineIn(sdkAppId: number): number {
    let n = 0;
    for (const s of core.registry.all()) if (s.sdkAppId === sdkAppId) n++;
    return n;
  }

  function accountView(a: AccountRecord) {
    const sessions = core.registry.sessionsOf(a.sdkAppId, a.userId);
    return { userID: a.userId, nick: a.nick, createdAt: a.createdAt, online: sessions.length > 0, instances: sessions.length, platforms: sessions.map((s) => s.platformClass) };
  }

  async function appRoute(c: AppCtx, method: string, rest: string): Promise<unknown> {
    const { app } = c;
    if (method === 'GET' && rest === '') {
      return { app: { ...appCredentials(app), createdAt: app.createdAt, options: app.options }, session: c.session };
    }
    if (method === 'POST' && rest === '/rotate-key') {
      const next = await rotateSecretKey(store, app);
      rewriteDevAppFile(core.config.dataDir, next);
      // The caller's own session was signed with the old key; give it a fresh one.
      const session = startSession(c, next, c.session.identifier);
      return { secretKey: next.secretKey, session };
    }
    if (method === 'POST' && rest === '/usersig') {
      const body = await jsonBody(c.req);
      const userId = body['userID'];
      checkUserId(userId);
      const expire = body['expireSeconds'] === undefined ? 86400 : Number(body['expireSeconds']);
      if (!Number.isInteger(expire) || expire < 1 || expire > MAX_SIG_SECONDS) throw new ImError('REQ_INVALID_PARAM', `expireSeconds must be 1-${MAX_SIG_SECONDS}`);
      const userSig = genUserSig({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, userId, expireSeconds: expire, now: c.now });
      return { userID: userId, userSig, expireAt: c.now + expire };
    }
    if (method === 'GET' && rest === '/accounts') {
      const search = c.url.searchParams.get('search') ?? undefined;
      const offset = intParam(c.url, 'offset', 0, 0, 1e9);
      const limit = intParam(c.url, 'limit', 50, 1, 200);
      const accounts = await store.listAccounts(app.sdkAppId, { search: search || undefined, offset, limit });
      return { total: await store.countAccounts(app.sdkAppId), accounts: accounts.map(accountView) };
    }
    if (method === 'POST' && rest === '/kick') {
      const body = await jsonBody(c.req);
      const userId = body['userID'];
      checkUserId(userId);
      const account = await store.getAccount(app.sdkAppId, userId);
      if (!account) throw new ImError('ACCOUNT_NOT_FOUND');
      // As Tencent's REST kick: the user's current UserSigs stop working too, so a client
      // cannot simply log in again with the sig it holds.
      await store.updateAccount({ ...account, sigsValidAfter: c.now });
      const kicked = core.registry.sessionsOf(app.sdkAppId, userId).length;
      await core.bus.publish(userTopic(app.sdkAppId, userId), { type: 'kick', kickType: KickType.RestApi });
      return { userID: userId, kickedOnThisNode: kicked };
    }
    if (method === 'GET' && rest === '/history') {
      const a = c.url.searchParams.get('a');
      const b = c.url.searchParams.get('b');
      checkUserId(a);
      checkUserId(b);
      const before = c.url.searchParams.get('beforeSeq');
      const limit = intParam(c.url, 'limit', 50, 1, 200);
      const messages = await store.getPairHistory(app.sdkAppId, a, b, { beforeSeq: before ? intParam(c.url, 'beforeSeq', 0, 1, Number.MAX_SAFE_INTEGER) : undefined, limit });
      return { messages: messages.map(messageView), complete: messages.length < limit };
    }
    if (method === 'GET' && rest === '/stats') {
      const m = metrics.of(app.sdkAppId);
      return {
        online: onlineIn(app.sdkAppId),
        onlineAllApps: core.registry.size,
        messagesPerSecond: m.rate(10),
        series: m.series(),
        storedMessages: await store.countMessages(app.sdkAppId),
        accounts: await store.countAccounts(app.sdkAppId),
        at: c.now,
      };
    }
    throw new ImError('REQ_UNKNOWN_COMMAND', `no console route ${method} ${PREFIX}/apps/${app.sdkAppId}${rest}`);
  }

  async function handle(c: Ctx, method: string, path: string): Promise<unknown> {
    if (method !== 'GET' && method !== 'HEAD') checkSameOrigin(c.req);
    if (method === 'POST' && path === '/signin') return signIn(c, await jsonBody(c.req));
    if (method === 'POST' && path === '/signout') {
      const body = await jsonBody(c.req);
      const ids = body['sdkAppId'] === undefined ? [...consoleTokens(c.req).keys()] : [parseSdkAppId(body['sdkAppId'])];
      c.res.setHeader('set-cookie', ids.map(clearedCookie));
      return { signedOut: ids };
    }
    if (method === 'GET' && path === '/rest-commands') {
      // The API tester's menu: every REST admin command with its example body (no secrets here).
      const commands = [...ADMIN_COMMANDS.values()].map((c) => ({ name: c.name, summary: c.summary, extension: c.extension === true, example: c.example.request }));
      return { commands };
    }
    if (method === 'GET' && path === '/apps') {
      const all = await sessionsOf(c.req, c.now);
      return { apps: all.map(({ app, session }) => ({ ...appSummary(app), session })) };
    }
    if (method === 'POST' && path === '/apps') {
      // Creating an app needs an admin session of any app on this server: the console's
      // users are the server's operators. The creator is signed in to the new app.
      const signedIn = await sessionsOf(c.req, c.now);
      if (signedIn.length === 0) throw new ImError('AUTH_ADMIN_REQUIRED', 'sign in to an app before creating another');
      const body = await jsonBody(c.req);
      const name = body['name'] === undefined ? 'app' : body['name'];
      if (typeof name !== 'string' || name.trim() === '' || name.length > 64) throw new ImError('REQ_INVALID_PARAM', 'name must be 1-64 characters');
      const adminIdentifier = body['adminIdentifier'] === undefined ? 'administrator' : body['adminIdentifier'];
      checkUserId(adminIdentifier);
      const app = await createApp(store, { name: name.trim(), adminIdentifier });
      // Keep the cookies of the other apps: only this app's is (re)set.
      const session = startSession(c, app, adminIdentifier);
      return { app: { ...appCredentials(app), createdAt: app.createdAt }, session };
    }
    const m = /^\/apps\/([^/]+)(\/[a-z-]+)?$/.exec(path);
    if (m) return appRoute(await withApp(c, m[1]!), method, m[2] ?? '');
    throw new ImError('REQ_UNKNOWN_COMMAND', `no console route ${method} ${PREFIX}${path}`);
  }

  return async (req, res, url) => {
    if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return false;
    const c: Ctx = { req, res, url, now: Math.floor(Date.now() / 1000) };
    try {
      const body = await handle(c, req.method ?? 'GET', url.pathname.slice(PREFIX.length));
      sendJson(res, 200, body, { 'cache-control': 'no-store' });
    } catch (err) {
      if (!(err instanceof ImError)) throw err;
      sendJson(res, ErrorCodes[err.code].http, err.toWire(), { 'cache-control': 'no-store' });
    }
    return true;
  };
}

function appSummary(app: AppRecord) {
  return { sdkAppId: app.sdkAppId, name: app.name, adminIdentifier: app.adminIdentifier, createdAt: app.createdAt };
}

function messageView(m: StoredMessage) {
  return { seq: m.seq, from: m.from, to: m.to, time: m.time, random: m.random, body: m.body, cloudCustomData: m.cloudCustomData, recalled: m.recalled };
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return parseJsonObject(await readBody(req, BODY_LIMIT));
}

function intParam(url: URL, name: string, def: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ImError('REQ_INVALID_PARAM', `${name} must be an integer ${min}-${max}`);
  return n;
}

/**
 * Cookies are SameSite=Strict; on top of that, a state-changing request must come from this
 * origin (browsers send Origin on cross-site POSTs) and be JSON, which a plain HTML form
 * cannot send.
 */
function checkSameOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) throw new ImError('AUTH_ADMIN_REQUIRED', 'cross-origin console request refused');
  }
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ImError('REQ_INVALID_PARAM', 'console requests must be application/json');
}

/** Keep data/dev-app.json in step when the dev app's key is rotated, so `npm start` keeps printing working credentials. */
function rewriteDevAppFile(dataDir: string, app: AppRecord): void {
  const file = join(dataDir, DEV_APP_FILE);
  if (!existsSync(file)) return;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { sdkAppId?: number };
    if (saved.sdkAppId !== app.sdkAppId) return;
    writeFileSync(file, JSON.stringify(appCredentials(app), null, 2) + '\n', { mode: 0o600 });
  } catch {
    // A broken file is rewritten by ensureDevApp on the next start.
  }
}
