/** Loopback helpers: free ports and the spread of many client sockets over source addresses. */
import { createServer } from 'node:net';

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Source addresses for `n` client sockets to one server port: none (the kernel picks) up to
 * 20 000, else 127.0.0.2, .3, … one per 20 000 (every 127.0.0.x is local on Linux).
 *
 * Why not always spread: binding a source address before connecting makes the kernel search
 * for a port no socket on that address holds, TIME_WAIT ones included, which costs the
 * generator more CPU with every run (a closing client keeps its port in TIME_WAIT for 60 s).
 * A plain connect picks per destination and reuses loopback TIME_WAIT ports (tcp_tw_reuse).
 */
export function sourceAddresses(n: number): string[] {
  if (n <= 20_000) return [];
  const count = Math.min(200, Math.ceil(n / 20_000));
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 2}`);
}

/** Wait until something accepts TCP connections on host:port, or fail after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect({ host, port });
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!isAlive()) throw new Error(`the process meant to listen on ${host}:${port} exited`);
    if (Date.now() > deadline) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Run `fn` over `items` with at most `concurrency` calls in flight. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}
