/**
 * Signatures a webhook receiver can check:
 * - `X-Parley-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes, keyed with the
 *   app's secret key (the same key that signs UserSigs, so only Parley and the app know it).
 * - Tencent's optional `Sign` query parameter, sha256(token + RequestTime), when the app
 *   configured a token, so receivers written for Tencent keep their check.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-parley-signature';
/** Id of an after-event delivery, the same on every retry (receivers dedupe on it). */
export const DELIVERY_HEADER = 'x-parley-delivery';

/** The signature header value for a body. */
export function signBody(secretKey: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secretKey).update(body, 'utf8').digest('hex');
}

/** Check a signature header value against a body, in constant time. */
export function verifyBodySignature(secretKey: string, body: string, header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  const want = Buffer.from(signBody(secretKey, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Tencent's callback `Sign`: hex SHA-256 of token + RequestTime (unix seconds as text). */
export function tencentSign(token: string, requestTime: number): string {
  return createHash('sha256').update(token + String(requestTime)).digest('hex');
}
