/**
 * Decoding and encoding of `{head, body}` frames. Decoding never throws: a bad frame
 * becomes a `FrameProblem` the connection answers with a coded error, because one malformed
 * frame must not cost the client its connection.
 */
import { ImError, type FrameHead } from '@parley/protocol';

export interface DecodedFrame {
  head: FrameHead;
  body: Record<string, unknown>;
}

export interface FrameProblem {
  error: ImError;
  /** The head, when it could be recovered, so the reply still correlates. */
  head: FrameHead | undefined;
}

export function decodeFrame(text: string, maxBytes: number, byteLength: number): DecodedFrame | FrameProblem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: new ImError('REQ_BAD_JSON', 'frame is not valid JSON'), head: undefined };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: new ImError('REQ_INVALID_PARAM', 'frame must be a JSON object'), head: undefined };
  }
  const { head, body } = parsed as { head?: unknown; body?: unknown };
  if (typeof head !== 'object' || head === null || Array.isArray(head)) {
    return { error: new ImError('REQ_INVALID_PARAM', 'frame.head must be an object'), head: undefined };
  }
  const h = head as FrameHead;
  if (typeof h.servcmd !== 'string' || h.servcmd.length === 0 || h.servcmd.length > 128) {
    return { error: new ImError('REQ_INVALID_PARAM', 'frame.head.servcmd must be a non-empty string'), head: undefined };
  }
  if (h.seq !== undefined && typeof h.seq !== 'number' && typeof h.seq !== 'string') {
    return { error: new ImError('REQ_INVALID_PARAM', 'frame.head.seq must be a number'), head: h };
  }
  if (byteLength > maxBytes) {
    return { error: new ImError('REQ_TOO_LARGE', `frame exceeds ${maxBytes} bytes`), head: h };
  }
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    return { error: new ImError('REQ_INVALID_PARAM', 'frame.body must be an object'), head: h };
  }
  return { head: h, body: (body as Record<string, unknown> | undefined) ?? {} };
}

export function isProblem(f: DecodedFrame | FrameProblem): f is FrameProblem {
  return 'error' in f;
}

/** A reply frame: the request head echoed, Tencent's envelope plus the command's fields. */
export function encodeReply(head: FrameHead | undefined, fields: Record<string, unknown>): string {
  return JSON.stringify({
    head: head ?? { servcmd: 'parley.error' },
    body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields },
  });
}

export function encodeError(head: FrameHead | undefined, err: ImError): string {
  return JSON.stringify({ head: head ?? { servcmd: 'parley.error' }, body: err.toWire() });
}

/** A server push: a head no request is waiting for. */
export function encodePush(servcmd: string, body: Record<string, unknown>): string {
  return JSON.stringify({ head: { servcmd, seq: 0 }, body });
}
