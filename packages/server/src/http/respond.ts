/** Small helpers for JSON over node:http, shared by every HTTP route. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ImError } from '@parley/protocol';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Read a request body up to `limit` bytes; larger bodies reject with REQ_TOO_LARGE before being buffered. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new ImError('REQ_TOO_LARGE', `request body exceeds ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new ImError('REQ_TOO_LARGE', `request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parse a JSON object body; empty means {}. Tencent's clients send JSON whatever the content-type. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ImError('REQ_BAD_JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ImError('REQ_BAD_JSON', 'request body must be a JSON object');
  return v as Record<string, unknown>;
}
