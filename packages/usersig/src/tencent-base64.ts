/**
 * Tencent's "base64url": standard base64 with `+`→`*`, `/`→`-`, `=`→`_`.
 * It is NOT RFC 4648 base64url (there `-` stands for `+` and padding is dropped), so Node's
 * 'base64url' encoding would silently decode tickets into garbage.
 */

const TO_TENCENT: Readonly<Record<string, string>> = { '+': '*', '/': '-', '=': '_' };
const FROM_TENCENT: Readonly<Record<string, string>> = { '*': '+', '-': '/', _: '=' };

// Node's base64 decoder skips characters it doesn't know instead of failing, so the alphabet
// and padding are checked here first. Padding may be missing: Tencent's Node library re-pads
// before decoding, so tickets that lost their trailing `_` still decode there.
const LENIENT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Encodes bytes as standard base64 with Tencent's character substitution. */
export function encodeTencentBase64(bytes: Uint8Array): string {
  return toBuffer(bytes).toString('base64').replace(/[+/=]/g, (c) => TO_TENCENT[c] ?? c);
}

/**
 * Decodes Tencent's variant; returns null when the text is not base64.
 * Standard `+`, `/`, `=` are accepted as well, as Tencent's Go verifier does (it substitutes
 * and then decodes, so unsubstituted characters pass through).
 */
export function decodeTencentBase64(text: string): Buffer | null {
  const standard = text.replace(/[*\-_]/g, (c) => FROM_TENCENT[c] ?? c);
  return LENIENT_BASE64.test(standard) ? Buffer.from(standard, 'base64') : null;
}

/** Decodes canonical padded standard base64 (the `TLS.userbuf` field); null when it is not. */
export function decodeStrictBase64(text: string): Buffer | null {
  return STRICT_BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

/** Encodes bytes as padded standard base64. */
export function encodeStandardBase64(bytes: Uint8Array): string {
  return toBuffer(bytes).toString('base64');
}

// A view, not a copy: Buffer.from(Uint8Array) would copy the bytes.
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
