/**
 * RawClient: a bare WebSocket speaking Tencent's frames, for tests that must control every
 * byte (bad frames, heartbeat silence, exact replies). SDK behaviour is tested through the SDKs.
 */
import WebSocket from 'ws';

export interface Reply {
  head: Record<string, unknown>;
  body: Record<string, unknown> & { ActionStatus?: string; ErrorCode?: number; ErrorInfo?: string };
}

export class RawClient {
  readonly frames: Reply[] = [];
  private seq = 0;
  private waiters: { match: (f: Reply) => boolean; resolve: (f: Reply) => void }[] = [];
  closeInfo: { code: number; reason: string } | undefined;
  private closedWaiters: ((c: { code: number; reason: string }) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Reply;
      this.frames.push(f);
      for (const w of [...this.waiters]) {
        if (w.match(f)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(f);
        }
      }
    });
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      for (const w of this.closedWaiters) w(this.closeInfo);
    });
  }

  static async connect(wsUrl: string, path = '/info', query = ''): Promise<RawClient> {
    const ws = new WebSocket(`${wsUrl}${path}${query}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawClient(ws);
  }

  /** Send a command and wait for its reply (matched on servcmd + seq). */
  request(servcmd: string, body: Record<string, unknown> = {}, head: Record<string, unknown> = {}): Promise<Reply> {
    const seq = ++this.seq;
    const p = this.waitFor((f) => f.head.servcmd === servcmd && f.head.seq === seq);
    this.ws.send(JSON.stringify({ head: { servcmd, seq, ...head }, body }));
    return p;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  waitFor(match: (f: Reply) => boolean, timeoutMs = 5000): Promise<Reply> {
    const existing = this.frames.find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const w = { match, resolve: (f: Reply) => (clearTimeout(timer), resolve(f)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket not closed within ${timeoutMs} ms`)), timeoutMs);
      this.closedWaiters.push((c) => (clearTimeout(timer), resolve(c)));
    });
  }

  async login(sdkAppId: number, identifier: string, usersig: string, platform = 7): Promise<Reply> {
    return this.request('im_open_status.wslogin', { State: 'Online' }, { sdkappid: sdkAppId, identifier, usersig, platform });
  }

  close(): void {
    this.ws.close();
  }
}
