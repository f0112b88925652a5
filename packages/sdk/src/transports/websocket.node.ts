import WebSocket from 'ws';
import type { Transport, TransportFactory, TransportHandlers } from './transport.ts';

/** WebSocket transport for Node, on the `ws` package. */
export class NodeWebSocketTransport implements Transport {
  readonly kind = 'websocket';
  #ws: WebSocket | undefined;
  #closed = false;

  open(url: string, on: TransportHandlers): void {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    this.#ws = ws;
    let closeReported = false;
    const reportClose = (code: number, reason: string) => {
      if (closeReported || this.#closed) return;
      closeReported = true;
      on.close(code, reason);
    };
    ws.on('open', () => {
      if (!this.#closed) on.open();
    });
    ws.on('message', (data, isBinary) => {
      if (this.#closed) return;
      // Tencent's /info endpoint uses text frames; a binary frame still carries UTF-8 JSON.
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      void isBinary;
      on.frame(text);
    });
    ws.on('error', (err) => {
      if (!this.#closed) on.error(err);
    });
    ws.on('close', (code, reason) => reportClose(code, reason.toString('utf8')));
  }

  send(frame: string): void {
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(frame);
  }

  close(code = 1000, reason = ''): void {
    if (this.#closed) return;
    this.#closed = true;
    const ws = this.#ws;
    if (!ws) return;
    ws.removeAllListeners('message');
    // Keep an error listener: ws emits 'error' when closing a socket that is still connecting.
    ws.on('error', () => {});
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
  }
}

/** Factory for the Node WebSocket transport. */
export const nodeWebSocket: TransportFactory = () => new NodeWebSocketTransport();
