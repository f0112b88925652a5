import type { Transport, TransportFactory, TransportHandlers } from './transport.ts';

/** The subset of the WHATWG WebSocket the transport uses. */
interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
type WebSocketCtor = new (url: string) => WebSocketLike;

const OPEN = 1;

/** WebSocket transport on a WHATWG WebSocket constructor (the global one by default). */
export class BrowserWebSocketTransport implements Transport {
  readonly kind = 'websocket';
  #ws: WebSocketLike | undefined;
  #closed = false;
  readonly #Ctor: WebSocketCtor;

  constructor(Ctor?: WebSocketCtor) {
    const found = Ctor ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    if (!found) throw new TypeError('no WebSocket constructor: pass one, or use @parley/sdk/node');
    this.#Ctor = found;
  }

  open(url: string, on: TransportHandlers): void {
    const ws = new this.#Ctor(url);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    ws.onopen = () => {
      if (!this.#closed) on.open();
    };
    ws.onmessage = (ev) => {
      if (this.#closed) return;
      const data = ev.data;
      if (typeof data === 'string') on.frame(data);
      else if (data instanceof ArrayBuffer) on.frame(new TextDecoder().decode(data));
    };
    ws.onerror = () => {
      if (!this.#closed) on.error(new Error('WebSocket error'));
    };
    ws.onclose = (ev) => {
      if (!this.#closed) on.close(ev.code, ev.reason);
    };
  }

  send(frame: string): void {
    if (this.#ws && this.#ws.readyState === OPEN) this.#ws.send(frame);
  }

  close(code = 1000, reason = ''): void {
    if (this.#closed) return;
    this.#closed = true;
    const ws = this.#ws;
    if (!ws) return;
    ws.onmessage = ws.onopen = ws.onerror = null;
    ws.onclose = null;
    try {
      ws.close(code, reason);
    } catch {
      // Browsers throw on codes outside 1000/3000–4999; the socket is being dropped anyway.
      ws.close();
    }
  }
}

/** Factory for the browser WebSocket transport using the global WebSocket. */
export const browserWebSocket: TransportFactory = () => new BrowserWebSocketTransport();

/** Factory for a given WHATWG-compatible WebSocket constructor (e.g. Node 22's global). */
export function webSocketWith(Ctor: WebSocketCtor): TransportFactory {
  return () => new BrowserWebSocketTransport(Ctor);
}
