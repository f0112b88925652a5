/**
 * The sync position a client carries as Tencent's opaque `Cookie` string.
 *
 * - ''               start: the unread backlog first (Tencent's "offline messages"), then live.
 * - 'b<after>.<head>' inside the backlog: message events after <after>, up to the stream head
 *                     captured when the sync started.
 * - 's<after>'       the stream: every event with a cursor above <after>.
 * Anything else is refused rather than guessed, so a corrupt cookie cannot skip events.
 */
import { ImError } from '@parley/protocol';

export type SyncPosition =
  | { mode: 'start' }
  | { mode: 'backlog'; after: number; head: number }
  | { mode: 'stream'; after: number };

export function encodeSyncCookie(p: Exclude<SyncPosition, { mode: 'start' }>): string {
  return p.mode === 'backlog' ? `b${p.after}.${p.head}` : `s${p.after}`;
}

export function decodeSyncCookie(cookie: unknown): SyncPosition {
  if (cookie === undefined || cookie === null || cookie === '') return { mode: 'start' };
  if (typeof cookie === 'string') {
    let m = /^s(\d{1,15})$/.exec(cookie);
    if (m) return { mode: 'stream', after: Number(m[1]) };
    m = /^b(\d{1,15})\.(\d{1,15})$/.exec(cookie);
    if (m) return { mode: 'backlog', after: Number(m[1]), head: Number(m[2]) };
  }
  throw new ImError('REQ_INVALID_PARAM', 'Cookie is not a sync position this server issued');
}
