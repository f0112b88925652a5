/** Issuing UserSigs that Tencent's SDKs and servers, and ours, accept. */
import { buildHmacContent, computeSig } from './hmac.ts';
import { assertBytes, assertSdkAppId, assertSecretKey, assertSeconds, nowSeconds } from './options.ts';
import { encodeStandardBase64 } from './tencent-base64.ts';
import { ticketToJson } from './ticket.ts';
import { MAX_TICKET_JSON_BYTES, MAX_USERSIG_LENGTH, packTicket } from './wire.ts';

/** Default validity, 180 days: the value Tencent's official generators use. */
const DEFAULT_EXPIRE_SECONDS = 180 * 86400;

/** Options for {@link genUserSig}. */
export interface GenUserSigOptions {
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The app's secret key exactly as shown in the console (used as text, not hex-decoded). */
  secretKey: string;
  /** The UserID the ticket is for; compared byte-for-byte at login. */
  userId: string;
  /** Seconds the ticket stays valid after `now`; default 180 days. */
  expireSeconds?: number;
  /** Raw bytes to carry in `TLS.userbuf` (e.g. a TRTC PrivateMapKey); omitted when absent. */
  userBuf?: Uint8Array;
  /** Issue time (`TLS.time`) in unix seconds; defaults to the clock. */
  now?: number;
}

/** Generates a TLSSigAPIv2 UserSig; throws TypeError/RangeError on invalid options. */
export function genUserSig(options: GenUserSigOptions): string {
  const { sdkAppId, secretKey, userId, expireSeconds = DEFAULT_EXPIRE_SECONDS, userBuf } = options;
  const time = options.now ?? nowSeconds();
  assertSdkAppId(sdkAppId);
  assertSecretKey(secretKey);
  if (typeof userId !== 'string') throw new TypeError('userId must be a string');
  if (userId.length === 0) throw new RangeError('userId must not be empty');
  assertSeconds('expireSeconds', expireSeconds);
  assertSeconds('now', time);
  if (userBuf != null) assertBytes('userBuf', userBuf);

  const fields = {
    identifier: userId,
    sdkAppId,
    time,
    expire: expireSeconds,
    userBufBase64: userBuf == null ? undefined : encodeStandardBase64(userBuf),
  };
  const sig = computeSig(secretKey, buildHmacContent(fields));
  const json = ticketToJson({ ...fields, sig });
  const userSig = packTicket(json);

  // Never hand out a ticket our own verifier would refuse as oversized.
  if (Buffer.byteLength(json, 'utf8') > MAX_TICKET_JSON_BYTES || userSig.length > MAX_USERSIG_LENGTH) {
    throw new RangeError(
      `UserSig exceeds the verifier's limits (${MAX_TICKET_JSON_BYTES} JSON bytes, ` +
        `${MAX_USERSIG_LENGTH} characters); use a smaller userBuf or userId`,
    );
  }
  return userSig;
}
