/**
 * The WebSocket door: Tencent's endpoints `/info` (JSON in text frames) and `/binfo` (the
 * same JSON in binary frames), plus `/` where tim-js-sdk 2.11 connects. No authentication
 * at the upgrade: clients log in with their first command, as with Tencent.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode } from '@parley/protocol';
import type { Core } from '../core.ts';
import { WsConnection } from './ws-connection.ts';

/** Hard cap on one WebSocket message; larger ones close the socket (1009). Smaller-but-too-large ones get 93000. */
const MAX_PAYLOAD = 1024 * 1024;
const PATHS = new Set(['/', '/info', '/binfo']);

export interface WebSocketGateway {
  readonly connections: ReadonlySet<WsConnection>;
  /** Close every socket with "going away" and stop accepting. */
  close(): Promise<void>;
}

export function attachWebSocketGateway(server: Server, core: Core): WebSocketGateway {
  // perMessageDeflate off: IM frames are small and compression costs more CPU than it saves.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, perMessageDeflate: false });
  const connections = new Set<WsConnection>();
  let accepting = true;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!accepting || !PATHS.has(url.pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new WsConnection(
        ws,
        core,
        { sdkAppId: url.searchParams.get('sdkappid'), platform: url.searchParams.get('platform'), binary: url.pathname === '/binfo' },
        (c) => connections.delete(c),
      );
      connections.add(conn);
    });
  });

  // Heartbeat reaping: one timer for all connections, no per-connection timers.
  const intervalMs = core.config.heartbeatSeconds * 1000;
  const reaper = setInterval(() => {
    const deadline = Date.now() - 2 * intervalMs;
    for (const c of connections) if (c.lastSeen < deadline) c.close(CloseCode.HeartbeatTimeout, 'heartbeat timeout');
  }, Math.max(50, intervalMs / 4));
  reaper.unref();

  return {
    connections,
    async close() {
      accepting = false;
      clearInterval(reaper);
      for (const c of [...connections]) c.close(CloseCode.GoingAway, 'server going away');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
