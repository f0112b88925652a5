/**
 * Test-only re-implementation of the TLSSigAPIv2 wire format with node:crypto and node:zlib,
 * written from the spec and deliberately sharing no code with src/, so tests can check our
 * tickets (and build hostile ones) without trusting the code under test.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync, inflateSync, type ZlibOptions } from 'node:zlib';

/** UserSig → the JSON text inside it. */
export function inflateUserSig(userSig: string): string {
  const b64 = userSig.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
  return inflateSync(Buffer.from(b64, 'base64')).toString('utf8');
}

/** Arbitrary bytes → a UserSig-shaped string (zlib, base64, Tencent substitution). */
export function packBytes(bytes: Uint8Array, zlibOptions?: ZlibOptions): string {
  return tencentBase64(deflateSync(bytes, zlibOptions));
}

/** JSON (or any) text → a UserSig-shaped string. */
export function packText(text: string, zlibOptions?: ZlibOptions): string {
  return packBytes(Buffer.from(text, 'utf8'), zlibOptions);
}

/** Bytes → standard base64 with `+`→`*`, `/`→`-`, `=`→`_`. */
export function tencentBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replaceAll('+', '*').replaceAll('/', '-').replaceAll('=', '_');
}

/** Base64 HMAC-SHA256 keyed by the key's UTF-8 text. */
export function hmacBase64(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64');
}

/** The signed text for the given ticket fields. */
export function signedText(f: {
  identifier: string;
  sdkappid: number;
  time: number;
  expire: number;
  userbuf?: string;
}): string {
  const lines = [`TLS.identifier:${f.identifier}`, `TLS.sdkappid:${f.sdkappid}`, `TLS.time:${f.time}`, `TLS.expire:${f.expire}`];
  if (f.userbuf !== undefined) lines.push(`TLS.userbuf:${f.userbuf}`);
  return lines.map((l) => `${l}\n`).join('');
}

/** One positive case of the shared vectors file. */
export interface PositiveVector {
  id: string;
  note: string;
  generator: string;
  sdkappid: number;
  key: string;
  identifier: string;
  expire: number;
  time: number;
  userbufHex?: string;
  userbufBase64?: string;
  hmacContent: string;
  sigField: string;
  json: string;
  userSig: string;
}

/** One negative case of the shared vectors file. */
export interface NegativeVector {
  id: string;
  desc: string;
  sdkappid: number;
  key: string;
  identifier: string;
  now: number;
  usersig: string;
  expect: 'valid' | 'invalid';
  /** Vector vocabulary; `sig_mismatch` is our `bad_signature`. */
  expectReason: string | null;
}

/** The vectors file (generated with npm tls-sig-api-v2@1.0.2, see docs/usersig.md). */
export interface VectorFile {
  meta: { generatedWith: string };
  positive: PositiveVector[];
  negative: NegativeVector[];
}

/** Loads test/fixtures/usersig-vectors.json. */
export function loadVectors(): VectorFile {
  const url = new URL('../fixtures/usersig-vectors.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as VectorFile;
}
