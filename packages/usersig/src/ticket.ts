/**
 * The JSON document inside a UserSig ("TLS.ver" 2.0): writing it the way Tencent's Node
 * generator does, and reading it the way every generator may have written it.
 */
import { decodeStrictBase64 } from './tencent-base64.ts';

/** A parsed, type-checked TLSSigAPIv2 ticket. */
export interface Ticket {
  identifier: string;
  sdkAppId: number;
  /** Generation time, unix seconds. */
  time: number;
  /** Validity in seconds after `time`. */
  expire: number;
  /** `TLS.userbuf` verbatim (standard base64), when present. */
  userBufBase64?: string | undefined;
  /** `TLS.userbuf` decoded. */
  userBuf?: Uint8Array | undefined;
  /** `TLS.sig` verbatim. */
  sig: string;
}

/** Result of parsing ticket JSON. */
export type ParseResult = { ok: true; ticket: Ticket } | { ok: false; message: string };

/**
 * Serializes in the field order of Tencent's Node generator (ver, identifier, sdkappid, time,
 * expire, [userbuf], sig), so our tickets are byte-identical to its output on the same zlib.
 */
export function ticketToJson(t: Omit<Ticket, 'userBuf'>): string {
  const doc: Record<string, string | number> = {
    'TLS.ver': '2.0',
    'TLS.identifier': t.identifier,
    'TLS.sdkappid': t.sdkAppId,
    'TLS.time': t.time,
    'TLS.expire': t.expire,
  };
  if (t.userBufBase64 !== undefined) doc['TLS.userbuf'] = t.userBufBase64;
  doc['TLS.sig'] = t.sig;
  return JSON.stringify(doc);
}

/** Parses and type-checks ticket JSON in any key order and layout; never throws. */
export function parseTicket(json: string): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return fail('ticket is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return fail('ticket is not a JSON object');
  }
  const d = doc as Record<string, unknown>;
  if (d['TLS.ver'] !== '2.0') return fail('TLS.ver is not "2.0"');

  const identifier = d['TLS.identifier'];
  const sdkAppId = d['TLS.sdkappid'];
  const time = d['TLS.time'];
  const expire = d['TLS.expire'];
  const sig = d['TLS.sig'];
  const userBufBase64 = d['TLS.userbuf'];
  if (typeof identifier !== 'string') return fail('TLS.identifier is missing or not a string');
  if (!isUint(sdkAppId)) return fail('TLS.sdkappid is missing or not a non-negative integer');
  if (!isUint(time)) return fail('TLS.time is missing or not a non-negative integer');
  if (!isUint(expire)) return fail('TLS.expire is missing or not a non-negative integer');
  if (typeof sig !== 'string') return fail('TLS.sig is missing or not a string');

  const ticket: Ticket = { identifier, sdkAppId, time, expire, sig };
  if (userBufBase64 !== undefined) {
    // Strict base64 also guarantees the userbuf line has no newline, which keeps the signed
    // text uniquely decodable: nothing in one field can pose as another field's line.
    if (typeof userBufBase64 !== 'string') return fail('TLS.userbuf is not a string');
    const bytes = decodeStrictBase64(userBufBase64);
    if (bytes === null) return fail('TLS.userbuf is not standard base64');
    ticket.userBufBase64 = userBufBase64;
    // A copy, so callers never see (or keep alive) Node's shared Buffer pool.
    ticket.userBuf = Uint8Array.from(bytes);
  }
  return { ok: true, ticket };
}

// Safe integers only: larger numbers print as 1e+21 or lose digits, so the text we rebuild for
// the HMAC would not be the text that was signed. The Go reference unmarshals into ints too.
function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function fail(message: string): ParseResult {
  return { ok: false, message };
}
