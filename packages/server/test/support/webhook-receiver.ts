/**
 * A real HTTP webhook receiver for tests: records every call (query, headers, parsed body)
 * and answers with whatever the test's responder returns, optionally after a delay.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  raw: string;
  body: Record<string, unknown>;
  at: number;
}

export type Responder = (call: ReceivedCall) => { status?: number; body?: unknown; delayMs?: number } | undefined;

export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  respond: Responder = () => undefined;
  private server: Server | undefined;
  private waiters: { match: (c: ReceivedCall[]) => boolean; resolve: () => void }[] = [];
  port = 0;

  /** Listen on `port` (0 = any free one). */
  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://localhost');
        const call: ReceivedCall = { query: Object.fromEntries(url.searchParams), headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown>, at: Date.now() };
        this.calls.push(call);
        for (const w of [...this.waiters]) if (w.match(this.calls)) (this.waiters.splice(this.waiters.indexOf(w), 1), w.resolve());
        const answer = this.respond(call) ?? {};
        const send = () => {
          res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer.body ?? { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' }));
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/im/callback`;
  }

  /** Calls of one CallbackCommand. */
  named(command: string): ReceivedCall[] {
    return this.calls.filter((c) => c.query.CallbackCommand === command);
  }

  waitFor(match: (calls: ReceivedCall[]) => boolean, timeoutMs = 10_000): Promise<void> {
    if (match(this.calls)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`webhook calls not seen within ${timeoutMs} ms: ${JSON.stringify(this.calls.map((c) => c.query.CallbackCommand))}`)), timeoutMs);
      this.waiters.push({ match, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
