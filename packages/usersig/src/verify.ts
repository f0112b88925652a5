/**
 * Checking a UserSig presented at login, in the order Tencent's reference verifiers use:
 * decode, sdkappid, identifier, expiry, userbuf, then the HMAC.
 */
import { USERSIG_ERROR_CODES, type UserSigErrorCode, type UserSigErrorReason } from './errors.ts';
import { buildHmacContent, sigMatches } from './hmac.ts';
import { assertBytes, assertSdkAppId, assertSecretKey, nowSeconds } from './options.ts';
import { parseTicket } from './ticket.ts';
import { unpackTicket } from './wire.ts';

/** Options for {@link verifyUserSig}. */
export interface VerifyUserSigOptions {
  /** The app's SDKAppID; the ticket's `TLS.sdkappid` must equal it. */
  sdkAppId: number;
  /** The app's secret key exactly as shown in the console. */
  secretKey: string;
  /** The UserID presented at login; must equal `TLS.identifier` exactly (no case folding). */
  userId: string;
  /** The ticket as received from the client. */
  userSig: string;
  /** Current unix time in seconds; defaults to the clock. */
  now?: number;
  /** When given, the ticket must carry a `TLS.userbuf` with exactly these bytes. */
  expectUserBuf?: Uint8Array;
}

/** A ticket that passed every check. */
export interface UserSigValid {
  ok: true;
  /** Last second (unix) at which the ticket is still valid: `time + expire`. */
  expireAt: number;
  /** `TLS.time`: when the ticket was issued, unix seconds. */
  time: number;
  /** `TLS.expire`: validity in seconds. */
  expire: number;
  /** Decoded `TLS.userbuf`, when the ticket has one. */
  userBuf?: Uint8Array;
}

/** A refused ticket: Tencent's numeric code, our reason name and a human-readable message. */
export interface UserSigInvalid {
  ok: false;
  code: UserSigErrorCode;
  reason: UserSigErrorReason;
  message: string;
}

/** Outcome of {@link verifyUserSig}. */
export type VerifyUserSigResult = UserSigValid | UserSigInvalid;

/**
 * Verifies a UserSig. Never throws for anything the client controls (`userSig`, `userId`);
 * throws TypeError/RangeError only for invalid server options (sdkAppId, secretKey, now).
 */
export function verifyUserSig(options: VerifyUserSigOptions): VerifyUserSigResult {
  const { sdkAppId, secretKey, userId, userSig, expectUserBuf } = options;
  const now = options.now ?? nowSeconds();
  assertSdkAppId(sdkAppId);
  assertSecretKey(secretKey);
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError('now must be a finite number');
  if (expectUserBuf !== undefined) assertBytes('expectUserBuf', expectUserBuf);

  // Request bodies are untyped at runtime: a missing field arrives as undefined or null.
  const sig: unknown = userSig;
  if (sig === undefined || sig === null || sig === '') return refuse('empty', 'UserSig is empty');
  if (typeof sig !== 'string') return refuse('malformed', 'UserSig is not a string');

  const unpacked = unpackTicket(sig);
  if (!unpacked.ok) return refuse('malformed', unpacked.message);
  const parsed = parseTicket(unpacked.json);
  if (!parsed.ok) return refuse('malformed', parsed.message);
  const t = parsed.ticket;

  if (t.sdkAppId !== sdkAppId) {
    return refuse('sdkappid_mismatch', 'UserSig was issued for another SDKAppID');
  }
  // Plain string equality: byte-for-byte, case-sensitive, no Unicode normalisation (as Tencent).
  if (t.identifier !== userId) {
    return refuse('identifier_mismatch', 'UserSig was issued for another UserID');
  }
  const expireAt = t.time + t.expire;
  // Still valid at exactly time+expire, like the reference verifiers. A future TLS.time is
  // accepted: Tencent has no not-before check, and clocks of issuing servers drift.
  if (now > expireAt) return refuse('expired', `UserSig expired at ${expireAt}`);
  if (expectUserBuf !== undefined && (t.userBuf === undefined || !bytesEqual(t.userBuf, expectUserBuf))) {
    return refuse('userbuf_mismatch', 'UserSig does not carry the expected userbuf');
  }

  // Rebuilt from the parsed values, so the JSON's layout and key order never matter.
  const content = buildHmacContent(t);
  if (!sigMatches(secretKey, content, t.sig)) {
    return refuse('bad_signature', 'UserSig signature does not match (wrong key or altered ticket)');
  }
  const valid: UserSigValid = { ok: true, expireAt, time: t.time, expire: t.expire };
  if (t.userBuf !== undefined) valid.userBuf = t.userBuf;
  return valid;
}

function refuse(reason: UserSigErrorReason, message: string): UserSigInvalid {
  return { ok: false, code: USERSIG_ERROR_CODES[reason], reason, message };
}

// The userbuf is not secret (it travels in the clear inside the ticket), so no constant time.
function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
