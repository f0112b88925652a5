/**
 * WebSocket transport on `wx.connectSocket` (WeChat mini programs).
 *
 * Platform limits it respects: at most 5 sockets per mini program (the core opens one per
 * attempt and closes the old one first, and this transport closes its SocketTask whatever
 * state it is in); no reconnect of its own (the core decides); devices only accept `wss://`
 * to a domain on the app's socket allow-list, so a `ws://` server URL only works in the
 * developer tools with domain checks off.
 */
import type { Transport, TransportFactory, TransportHandlers } from './transport.ts';
import { utf8Decode } from './wx.ts';
import type { WxLike, WxSocketTask } from './wx.ts';

export class MiniProgramWebSocketTransport implements Transport {
  readonly kind = 'websocket';
  private _task: WxSocketTask | undefined;
  private _closed = false;
  private _open = false;

  constructor(private readonly wx: WxLike) {}

  open(url: string, on: TransportHandlers): void {
    let closeReported = false;
    const reportClose = (code: number, reason: string) => {
      if (closeReported || this._closed) return;
      closeReported = true;
      this._open = false;
      on.close(code, reason);
    };
    let task: WxSocketTask;
    try {
      task = this.wx.connectSocket({
        url,
        tcpNoDelay: true,
        fail: (res) => setTimeout(() => reportClose(1006, res?.errMsg ?? 'connectSocket failed'), 0),
      });
    } catch (err) {
      setTimeout(() => reportClose(1006, err instanceof Error ? err.message : 'connectSocket threw'), 0);
      return;
    }
    this._task = task;
    task.onOpen(() => {
      if (this._closed) return;
      this._open = true;
      on.open();
    });
    task.onMessage((res) => {
      if (this._closed) return;
      on.frame(typeof res.data === 'string' ? res.data : utf8Decode(res.data));
    });
    task.onError((res) => {
      if (this._closed) return;
      on.error(new Error(res?.errMsg ?? 'socket error'));
      // Some base libraries report a failed connect only through onError.
      if (!this._open) reportClose(1006, res?.errMsg ?? 'socket error');
    });
    task.onClose((res) => reportClose(res?.code ?? 1006, res?.reason ?? ''));
  }

  send(frame: string): void {
    if (this._open && this._task && !this._closed) this._task.send({ data: frame });
  }

  close(code = 1000, reason = ''): void {
    if (this._closed) return;
    this._closed = true;
    this._open = false;
    // WeChat accepts 1000 and 3000–4999 only.
    const safe = code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
    try {
      this._task?.close({ code: safe, reason, fail: () => {} });
    } catch {
      // Closing a task that never connected may throw on some base libraries; it is gone either way.
    }
  }
}

/** Factory for the mini-program WebSocket transport. */
export function miniprogramWebSocket(wx: WxLike): TransportFactory {
  return () => new MiniProgramWebSocketTransport(wx);
}
