/**
 * Console sign-in sessions: a short-lived token per app, HMAC-signed with that app's secret
 * key. Nothing is kept on the server, so any node checks it, and rotating the key ends every
 * console session of the app along with its UserSigs and A2 sessions.
 *
 * The browser keeps one HttpOnly, SameSite=Strict cookie per signed-in app
 * (`parley_console_<SDKAppID>`), so several apps can be open at once and page scripts never
 * see a token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AppRecord } from '../store/store.ts';

/** How long a console session lasts (never longer than the UserSig it was made from). */
export const CONSOLE_SESSION_SECONDS = 3600;

const COOKIE_PREFIX = 'parley_console_';

export interface ConsoleSession {
  sdkAppId: number;
  identifier: string;
  /** Unix seconds. */
  expiresAt: number;
}

export function issueConsoleToken(app: AppRecord, identifier: string, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ a: app.sdkAppId, u: identifier, e: expiresAt })).toString('base64url');
  return `${payload}.${mac(app, payload)}`;
}

/** The session a token stands for, or undefined when it is forged, for another app, expired or signed with an old key. */
export function checkConsoleToken(app: AppRecord, token: string, now: number): ConsoleSession | undefined {
  const [payload = '', sig = ''] = token.split('.', 2);
  const want = Buffer.from(mac(app, payload));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  let p: { a?: unknown; u?: unknown; e?: unknown };
  try {
    p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof p;
  } catch {
    return undefined;
  }
  if (p.a !== app.sdkAppId || typeof p.u !== 'string' || typeof p.e !== 'number' || p.e <= now) return undefined;
  if (p.u !== app.adminIdentifier) return undefined;
  return { sdkAppId: app.sdkAppId, identifier: p.u, expiresAt: p.e };
}

function mac(app: AppRecord, payload: string): string {
  return createHmac('sha256', `console:${app.secretKey}`).update(payload).digest('base64url');
}

/** Console tokens the request carries, by SDKAppID (cookies, or `Authorization: Bearer <id>:<token>` for scripts). */
export function consoleTokens(req: IncomingMessage): Map<number, string> {
  const out = new Map<number, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name.startsWith(COOKIE_PREFIX)) continue;
    const id = Number(name.slice(COOKIE_PREFIX.length));
    if (Number.isSafeInteger(id)) out.set(id, decodeURIComponent(part.slice(eq + 1).trim()));
  }
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer (\d+):(\S+)$/.exec(auth) : null;
  if (m) out.set(Number(m[1]), m[2]!);
  return out;
}

export function sessionCookie(sdkAppId: number, token: string, maxAge: number): string {
  return `${COOKIE_PREFIX}${sdkAppId}=${token}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAge))}`;
}

export function clearedCookie(sdkAppId: number): string {
  return `${COOKIE_PREFIX}${sdkAppId}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`;
}
