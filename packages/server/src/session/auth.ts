/**
 * Login checks shared by every door (WebSocket, HTTP long-poll, REST): the app exists, the
 * UserSig is valid for it, and the account may log in. Also issues and checks A2, the opaque
 * session credential Tencent's clients carry after login (`a2` + `tinyid` in later requests).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ImError, errorCodeFor } from '@parley/protocol';
import { verifyUserSig } from '@parley/usersig';
import type { AccountRecord, AppRecord, Store } from '../store/store.ts';

export interface Identity {
  app: AppRecord;
  account: AccountRecord;
  /** Unix seconds when the UserSig (and so the session) expires. */
  expireAt: number;
  /** The login instance an A2 was issued to (HTTP-line requests find their session by it). */
  instId?: string;
}

const USER_ID_MAX_BYTES = 32;

/** Tencent: UserID ≤ 32 bytes; we also refuse control characters, which no client can display. */
export function checkUserId(userId: unknown): asserts userId is string {
  // eslint-style note: the control-character class is deliberate.
  if (typeof userId !== 'string' || userId.length === 0 || Buffer.byteLength(userId) > USER_ID_MAX_BYTES || /[\u0000-\u001f\u007f]/.test(userId)) {
    throw new ImError('AUTH_INVALID_USERID', 'UserID must be 1-32 bytes without control characters');
  }
}

/** Parse an SDKAppID from a head or query value. */
export function parseSdkAppId(raw: unknown): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new ImError('AUTH_APP_NOT_FOUND', 'SDKAppID missing or not a number');
  return n;
}

export class Authenticator {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Check a UserSig login; creates the account on first login. */
  async login(sdkAppId: number, userId: unknown, userSig: unknown, nick?: string): Promise<Identity> {
    const app = await this.store.getApp(sdkAppId);
    if (!app) throw new ImError('AUTH_APP_NOT_FOUND', `SDKAppID ${sdkAppId} not found`);
    checkUserId(userId);
    const { time, expireAt } = this.checkSig(app, userId, userSig);
    const existing = await this.store.getAccount(sdkAppId, userId);
    if (existing && time <= existing.sigsValidAfter) {
      throw new ImError('AUTH_USERSIG_EXPIRED', 'this UserSig was invalidated by a kick; generate a new one');
    }
    const account = existing ?? (await this.store.ensureAccount(sdkAppId, userId, nick));
    return { app, account, expireAt };
  }

  /** Verify a UserSig against an app; returns its issue time and expiry. */
  checkSig(app: AppRecord, userId: string, userSig: unknown): { time: number; expireAt: number } {
    if (typeof userSig !== 'string' || userSig === '') throw new ImError('AUTH_USERSIG_EMPTY');
    const r = verifyUserSig({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, userId, userSig, now: this.now() });
    if (!r.ok) throw new ImError(errorCodeFor(undefined, r.code), r.message);
    return { time: r.time, expireAt: r.expireAt };
  }

  /** Issue A2 for an identity's login instance: HMAC-signed with the app key, so rotating the key revokes it. */
  issueA2(id: Identity, instId: string): string {
    const payload = Buffer.from(
      JSON.stringify({ a: id.app.sdkAppId, u: id.account.userId, t: id.account.tinyId, e: id.expireAt, i: this.now(), n: instId }),
    ).toString('base64url');
    return `${payload}.${this.mac(id.app, payload)}`;
  }

  /** Check A2 (+ the TinyId the client sends beside it) and return the identity it stands for. */
  async checkA2(sdkAppId: number, a2: unknown, tinyId: unknown): Promise<Identity> {
    if (typeof a2 !== 'string' || !a2.includes('.')) throw new ImError('AUTH_SESSION_INVALID');
    const app = await this.store.getApp(sdkAppId);
    if (!app) throw new ImError('AUTH_APP_NOT_FOUND', `SDKAppID ${sdkAppId} not found`);
    const [payload = '', mac = ''] = a2.split('.', 2);
    const want = Buffer.from(this.mac(app, payload));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw new ImError('AUTH_SESSION_INVALID');
    let p: { a: number; u: string; t: number; e: number; i: number; n?: string };
    try {
      p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof p;
    } catch {
      throw new ImError('AUTH_SESSION_INVALID');
    }
    if (p.a !== sdkAppId || (tinyId !== undefined && String(tinyId) !== String(p.t))) throw new ImError('AUTH_SESSION_INVALID');
    if (this.now() > p.e) throw new ImError('AUTH_USERSIG_EXPIRED', 'session expired with its UserSig');
    const account = await this.store.getAccount(sdkAppId, p.u);
    if (!account || p.i <= account.sigsValidAfter) throw new ImError('AUTH_SESSION_INVALID', 'session was invalidated');
    return { app, account, expireAt: p.e, instId: p.n };
  }

  private mac(app: AppRecord, payload: string): string {
    return createHmac('sha256', `a2:${app.secretKey}`).update(payload).digest('base64url');
  }
}
