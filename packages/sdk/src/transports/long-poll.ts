/**
 * The HTTP long-poll transport: Tencent's HTTP line (`POST /v4/<service>/<command>`, the
 * line webim v1 and tim-js-sdk ≤ 2.10 use), carried under the same Transport interface as
 * WebSocket so the core does not know which one it runs on.
 *
 * The core speaks `{head, body}` frames. This transport turns each request frame into one
 * HTTP call and each reply into a reply frame with the request's head; it runs the
 * `getlongpollingid` / `longpolling` loop after login and hands what the poll returns to the
 * core as the pushes a WebSocket would have carried (`im_open_push.msg_push`, and
 * `im_open_status.stat_forceoffline` for 91101). Keep-alive commands are answered locally:
 * on this line the poll itself proves the link.
 *
 * Platform-free: the HTTP call is passed in (`HttpPost`), see long-poll.fetch.ts and
 * long-poll.miniprogram.ts.
 */
import { Cmd, KickType, PushCmd } from '@parley/protocol';
import type { Transport, TransportFactory, TransportHandlers } from './transport.ts';

/** One HTTP response: status and body text. */
export interface HttpReply {
  status: number;
  text: string;
}

/** A POST with a JSON body; `abort()` ends it early (the promise may then reject or never settle). */
export type HttpPost = (req: { url: string; body: string; timeoutMs: number }) => { promise: Promise<HttpReply>; abort(): void };

export interface LongPollOptions {
  /** Timeout of ordinary requests (the core has its own per-request timeout too). */
  requestTimeoutMs?: number;
  /** Extra time over the server's announced hold before a poll counts as lost. */
  pollGraceMs?: number;
}

type Obj = Record<string, unknown>;

/** Commands answered by the transport itself: the poll loop is the liveness check here. */
const LOCAL_OK = new Set<string>([Cmd.Heartbeat, Cmd.WsHello, Cmd.PushAck]);

/** Tencent's "poll timed out with no news" code (webim v1); not an error. */
const POLL_TIMEOUT = 60008;
/** Tencent's "instance kicked" code on the long-poll line. */
const KICKED = 91101;
const SIG_EXPIRED = new Set([70001, 70052]);

/** Split the core's WebSocket URL (`ws(s)://host[/path]/info?sdkappid=…`) into the HTTP base and query. */
export function httpLineBase(wsUrl: string): { base: string; sdkAppId: string; platform: string } {
  const m = /^(wss?|https?):\/\/([^/?#]+)([^?#]*)(?:\?([^#]*))?/i.exec(wsUrl);
  if (!m) throw new TypeError(`not a ws(s):// or http(s):// URL: ${wsUrl}`);
  const scheme = m[1]!.toLowerCase();
  const http = scheme === 'wss' || scheme === 'https' ? 'https' : 'http';
  const path = (m[3] ?? '').replace(/\/(b?info)?$/, '').replace(/\/+$/, '');
  const query: Record<string, string> = {};
  for (const part of (m[4] ?? '').split('&')) {
    const i = part.indexOf('=');
    if (i > 0) query[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1));
  }
  return { base: `${http}://${m[2]}${path}`, sdkAppId: query['sdkappid'] ?? '', platform: query['platform'] ?? '10' };
}

function queryString(q: Record<string, string>): string {
  return Object.keys(q)
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(q[k]!)}`)
    .join('&');
}

/** Transport over Tencent's HTTP long-poll line (see the file comment). */
export class LongPollTransport implements Transport {
  readonly kind = 'long-poll';
  private _on: TransportHandlers | undefined;
  private _closed = false;
  private _base = '';
  private _sdkAppId = '';
  private _platform = '10';
  private _tinyId = '';
  private _a2 = '';
  private _longPollingId = '';
  private _noticeSeq = 0;
  private _pollHoldMs = 20_000;
  private _polling = false;
  private readonly _inFlight = new Set<{ abort(): void }>();
  private readonly _requestTimeoutMs: number;
  private readonly _pollGraceMs: number;

  constructor(
    private readonly post: HttpPost,
    opts: LongPollOptions = {},
  ) {
    this._requestTimeoutMs = opts.requestTimeoutMs ?? 15_000;
    this._pollGraceMs = opts.pollGraceMs ?? 10_000;
  }

  open(url: string, on: TransportHandlers): void {
    this._on = on;
    try {
      const b = httpLineBase(url);
      this._base = b.base;
      this._sdkAppId = b.sdkAppId;
      this._platform = b.platform;
    } catch (err) {
      setTimeout(() => this._fail(err instanceof Error ? err.message : 'bad URL'), 0);
      return;
    }
    // HTTP has no handshake of its own: the login request is the first contact, and its
    // failure closes this link like a refused WebSocket upgrade would.
    setTimeout(() => {
      if (!this._closed) on.open();
    }, 0);
  }

  send(frame: string): void {
    if (this._closed || !this._on) return;
    let parsed: { head?: Obj; body?: Obj };
    try {
      parsed = JSON.parse(frame) as { head?: Obj; body?: Obj };
    } catch {
      return;
    }
    const head = parsed.head ?? {};
    const body = parsed.body ?? {};
    const servcmd = String(head['servcmd'] ?? '');
    void this._handle(servcmd, head, body);
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const r of this._inFlight) r.abort();
    this._inFlight.clear();
  }

  // --- internals ---------------------------------------------------------------------

  private async _handle(servcmd: string, head: Obj, body: Obj): Promise<void> {
    if (LOCAL_OK.has(servcmd)) {
      this._reply(head, { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
      return;
    }
    try {
      if (servcmd === Cmd.WsLogin) {
        await this._login(head, body);
        return;
      }
      if (servcmd === Cmd.WsLogout) {
        const r = await this._call('openim/longpollinglogout', { LongPollingId: this._longPollingId }, 5_000);
        this._reply(head, r);
        return;
      }
      const dot = servcmd.indexOf('.');
      if (dot <= 0) {
        this._reply(head, { ActionStatus: 'FAIL', ErrorCode: 60009, ErrorInfo: `unknown command ${servcmd}` });
        return;
      }
      const reply = await this._call(`${servcmd.slice(0, dot)}/${servcmd.slice(dot + 1)}`, body, this._requestTimeoutMs);
      this._reply(head, reply);
    } catch (err) {
      this._fail(err instanceof Error ? err.message : 'request failed');
    }
  }

  private async _login(head: Obj, body: Obj): Promise<void> {
    const identifier = String(head['identifier'] ?? '');
    const usersig = String(head['usersig'] ?? '');
    const reply = await this._call('openim/login', body, this._requestTimeoutMs, { identifier, usersig });
    if (Number(reply['ErrorCode'] ?? 0) === 0) {
      this._tinyId = String(reply['TinyId'] ?? '');
      this._a2 = String(reply['A2Key'] ?? '');
      const id = await this._call('openim/getlongpollingid', {}, this._requestTimeoutMs);
      if (Number(id['ErrorCode'] ?? 0) !== 0 || typeof id['LongPollingId'] !== 'string') {
        this._fail(`getlongpollingid failed (${String(id['ErrorCode'])})`);
        return;
      }
      this._longPollingId = id['LongPollingId'];
      const hold = Number(id['Timeout']);
      if (Number.isFinite(hold) && hold > 0 && hold <= 120) this._pollHoldMs = hold * 1000;
    }
    this._reply(head, reply);
    if (Number(reply['ErrorCode'] ?? 0) === 0) void this._pollLoop();
  }

  private async _pollLoop(): Promise<void> {
    if (this._polling) return;
    this._polling = true;
    let firstPoll = true;
    while (!this._closed) {
      let r: Obj;
      try {
        r = await this._call(
          'openim/longpolling',
          { Timeout: Math.round(this._pollHoldMs / 1000), Cookie: { NotifySeq: 0, NoticeSeq: this._noticeSeq, LongPollingId: this._longPollingId } },
          this._pollHoldMs + this._pollGraceMs,
        );
      } catch (err) {
        this._fail(err instanceof Error ? err.message : 'long poll failed');
        return;
      }
      if (this._closed) return;
      const code = Number(r['ErrorCode'] ?? 0);
      if (code === POLL_TIMEOUT) continue;
      if (code === KICKED || SIG_EXPIRED.has(code)) {
        const kickType = typeof r['KickType'] === 'number' ? r['KickType'] : code === KICKED ? KickType.MultipleAccount : KickType.UserSigExpired;
        this._push(PushCmd.ForceOffline, { EventArray: [{ Event: 10, C2cNotifyMsgArray: [{ SubMsgType: 150, KickoutMsgNotify: { KickType: kickType, NewInstInfo: {} } }] }] });
        return;
      }
      if (code !== 0) {
        // The server no longer knows this session (e.g. its A2 was revoked): log in again.
        this._fail(`long poll refused (${code})`);
        return;
      }
      const all = (Array.isArray(r['EventArray']) ? (r['EventArray'] as Obj[]) : []).filter((e) => e && typeof e === 'object');
      // Event 1 ("messages exist, call getmsg") answers the first poll of a session. After
      // login the core pulls anyway; later it means the server opened a new session for us
      // (it restarted, or forgot an idle one) and pushes may have been missed: log in again,
      // which makes the core pull everything since its cursor.
      if (!firstPoll && all.some((e) => e['Event'] === 1)) {
        this._fail('the server reopened the long-poll session');
        return;
      }
      firstPoll = false;
      const items = all.filter((e) => e['Event'] !== 1);
      for (const e of items) this._noteSeq(e);
      if (items.length > 0) this._push(PushCmd.MsgPush, { EventArray: items });
    }
  }

  private _noteSeq(e: Obj): void {
    const seqs = [e['NoticeSeq']];
    for (const key of ['C2cMsgArray', 'C2cNotifyMsgArray']) {
      const list = e[key];
      if (Array.isArray(list)) for (const item of list as Obj[]) seqs.push(item?.['NoticeSeq']);
    }
    for (const s of seqs) if (typeof s === 'number' && s > this._noticeSeq) this._noticeSeq = s;
  }

  private async _call(path: string, body: Obj, timeoutMs: number, login?: { identifier: string; usersig: string }): Promise<Obj> {
    const q: Record<string, string> = { sdkappid: this._sdkAppId, platform: this._platform, contenttype: 'json' };
    if (login) {
      q['identifier'] = login.identifier;
      q['usersig'] = login.usersig;
    } else {
      q['tinyid'] = this._tinyId;
      q['a2'] = this._a2;
    }
    const version = path.startsWith('webim/') ? 'v3' : 'v4';
    const req = this.post({ url: `${this._base}/${version}/${path}?${queryString(q)}`, body: JSON.stringify(body), timeoutMs });
    this._inFlight.add(req);
    try {
      const res = await req.promise;
      if (res.status !== 200) throw new Error(`HTTP ${res.status} on ${path}`);
      const parsed = JSON.parse(res.text) as unknown;
      if (!parsed || typeof parsed !== 'object') throw new Error(`bad reply on ${path}`);
      return parsed as Obj;
    } finally {
      this._inFlight.delete(req);
    }
  }

  private _reply(head: Obj, body: Obj): void {
    if (this._closed || !this._on) return;
    this._on.frame(JSON.stringify({ head, body }));
  }

  private _push(servcmd: string, body: Obj): void {
    if (this._closed || !this._on) return;
    this._on.frame(JSON.stringify({ head: { servcmd, seq: 0 }, body }));
  }

  private _fail(reason: string): void {
    if (this._closed) return;
    const on = this._on;
    this.close();
    on?.error(new Error(reason));
    on?.close(1006, reason);
  }
}

/** Factory for the long-poll transport over a platform's HTTP POST. */
export function longPollWith(post: HttpPost, opts?: LongPollOptions): TransportFactory {
  return () => new LongPollTransport(post, opts);
}
