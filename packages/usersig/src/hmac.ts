/**
 * The TLSSigAPIv2 signature: HMAC-SHA256 over a fixed line-per-field text, not over the JSON,
 * which is why any JSON layout verifies.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The ticket fields the signature covers. */
export interface SignedFields {
  identifier: string;
  sdkAppId: number;
  time: number;
  expire: number;
  /** Standard base64 of the userbuf exactly as it appears in the ticket; absent = no line. */
  userBufBase64?: string | undefined;
}

/**
 * Builds the exact text Tencent's generators sign. Every line ends in `\n`, the last one too.
 * Numbers are safe integers here, so String() prints plain decimals like the reference code.
 */
export function buildHmacContent(f: SignedFields): string {
  let text =
    `TLS.identifier:${f.identifier}\n` +
    `TLS.sdkappid:${f.sdkAppId}\n` +
    `TLS.time:${f.time}\n` +
    `TLS.expire:${f.expire}\n`;
  if (f.userBufBase64 !== undefined) text += `TLS.userbuf:${f.userBufBase64}\n`;
  return text;
}

/** Returns the `TLS.sig` value: standard base64 of HMAC-SHA256 keyed by the key's UTF-8 bytes. */
export function computeSig(secretKey: string, content: string): string {
  // The console shows the key as 64 hex chars, but every official generator uses the text
  // itself as the key; hex-decoding it would produce signatures no Tencent SDK accepts.
  return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(content, 'utf8').digest('base64');
}

/** Compares a `TLS.sig` value with the expected one in constant time. */
export function sigMatches(secretKey: string, content: string, sigField: string): boolean {
  const expected = Buffer.from(computeSig(secretKey, content), 'utf8');
  const actual = Buffer.from(sigField, 'utf8');
  // timingSafeEqual needs equal lengths; the length of a base64 HMAC is public anyway.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
