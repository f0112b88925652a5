/**
 * createServer wires one Parley node: Store and Bus (the seams), the core services, and the
 * doors (HTTP routes, the WebSocket gateway). Graceful shutdown stops accepting, closes
 * sockets with "going away", lets in-flight commits finish and closes the store.
 */
import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Bus } from './bus/bus.ts';
import { MemoryBus } from './bus/memory-bus.ts';
import { resolveConfig, type ServerConfig } from './config.ts';
import type { Core } from './core.ts';
import { attachWebSocketGateway, type WebSocketGateway } from './gateway/ws.ts';
import { sendJson } from './http/respond.ts';
import { createLogger, type Logger } from './log.ts';
import { Messaging } from './messaging/messaging.ts';
import { Metrics } from './metrics.ts';
import { Authenticator } from './session/auth.ts';
import { SessionRegistry } from './session/registry.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';
import type { Store } from './store/store.ts';
import { SERVER_VERSION } from './version.ts';

export interface CreateServerOptions {
  config?: Partial<ServerConfig>;
  /** Defaults to SQLite at `<dataDir>/parley.db`. */
  store?: Store;
  /** Defaults to the in-process bus. */
  bus?: Bus;
  logger?: Logger;
}

/** An HTTP route: return true when handled. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface ParleyServer {
  readonly core: Core;
  readonly http: Server;
  /** Extra HTTP routes (REST admin, long-poll, web apps) register here. */
  readonly routes: HttpRoute[];
  /** Run first on shutdown, before sockets close (doors end their waiting requests). */
  readonly onClose: (() => void | Promise<void>)[];
  /** Start listening; resolves with the bound port. */
  listen(): Promise<number>;
  /** Base URL once listening, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  close(): Promise<void>;
}

export function createServer(opts: CreateServerOptions = {}): ParleyServer {
  const config = resolveConfig(opts.config);
  const log = opts.logger ?? createLogger(config.logLevel);
  let store = opts.store;
  if (!store) {
    mkdirSync(config.dataDir, { recursive: true });
    store = new SqliteStore({ path: join(config.dataDir, 'parley.db'), synchronous: config.sqliteSync });
  }
  const bus = opts.bus ?? new MemoryBus();
  const registry = new SessionRegistry(bus, log);
  const metrics = new Metrics();
  const messaging = new Messaging(store, bus, config);
  messaging.onPublishError = (err) => log.warn('bus publish failed; clients will pull what they missed', { err });
  messaging.afterCommit.push((_app, kind) => {
    if (kind === 'send') metrics.messageSent();
  });
  const core: Core = { config, store, bus, log, auth: new Authenticator(store), registry, messaging, metrics };

  const routes: HttpRoute[] = [
    (req, res, url) => {
      if (req.method !== 'GET' || url.pathname !== '/healthz') return false;
      sendJson(res, 200, { ok: true, version: SERVER_VERSION });
      return true;
    },
  ];

  const http = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      try {
        for (const route of routes) if (await route(req, res, url)) return;
        sendJson(res, 404, { ok: false, error: 'not found' });
      } catch (err) {
        log.error('http route failed', { path: url.pathname, err });
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal error' });
        else res.destroy();
      }
    })();
  });
  http.keepAliveTimeout = 30_000;
  const gateway: WebSocketGateway = attachWebSocketGateway(http, core);

  let port = 0;
  let closing: Promise<void> | undefined;
  const onClose: (() => void | Promise<void>)[] = [];
  return {
    core,
    http,
    routes,
    onClose,
    get url() {
      return `http://${config.host}:${port}`;
    },
    listen() {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          port = (http.address() as AddressInfo).port;
          resolve(port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        for (const f of onClose) await f();
        await gateway.close();
        http.closeAllConnections();
        await stopped;
        // Commits already queued run on setImmediate; give them that turn before closing the store.
        await new Promise((r) => setImmediate(r));
        await bus.close();
        await store.close();
      })();
      return closing;
    },
  };
}
