/**
 * The outer layers of a UserSig: JSON text → zlib (RFC 1950) → Tencent base64, and back.
 * Decoding is bounded so that hostile input costs at most a few kilobytes and microseconds.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { decodeTencentBase64, encodeTencentBase64 } from './tencent-base64.ts';

/**
 * Longest UserSig we decode. Real tickets are 150–400 characters; 8 KB leaves room for large
 * userbufs while keeping base64 and inflate work per login trivially small.
 */
export const MAX_USERSIG_LENGTH = 8192;

/** Most bytes a ticket may inflate to; stops a deflate bomb (about 1000:1) from using memory. */
export const MAX_TICKET_JSON_BYTES = 16384;

/** Result of unwrapping a UserSig down to its JSON text. */
export type UnpackResult = { ok: true; json: string } | { ok: false; message: string };

// fatal: invalid UTF-8 is refused rather than turned into U+FFFD, which would make the
// identifier we compare differ from the bytes the signer hashed.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Compresses ticket JSON and applies Tencent's base64 variant. */
export function packTicket(json: string): string {
  // Default level, like Tencent's Node generator: header 78 9C, so tickets start with "eJ".
  return encodeTencentBase64(deflateSync(Buffer.from(json, 'utf8')));
}

/** Reverses {@link packTicket}; never throws. Any valid zlib stream is accepted. */
export function unpackTicket(userSig: string): UnpackResult {
  if (userSig.length > MAX_USERSIG_LENGTH) {
    return { ok: false, message: `UserSig is longer than ${MAX_USERSIG_LENGTH} characters` };
  }
  const compressed = decodeTencentBase64(userSig);
  if (compressed === null || compressed.length === 0) {
    return { ok: false, message: 'UserSig is not base64' };
  }
  let inflated: Buffer;
  try {
    inflated = inflateSync(compressed, { maxOutputLength: MAX_TICKET_JSON_BYTES });
  } catch (err) {
    const tooLarge = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    return {
      ok: false,
      message: tooLarge
        ? `UserSig inflates to more than ${MAX_TICKET_JSON_BYTES} bytes`
        : 'UserSig is not a zlib stream',
    };
  }
  try {
    return { ok: true, json: utf8.decode(inflated) };
  } catch {
    return { ok: false, message: 'UserSig ticket is not UTF-8' };
  }
}
