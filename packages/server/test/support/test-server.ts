/**
 * startTestServer: a real Parley server on an ephemeral port with a fresh SQLite file and
 * one app, for integration tests. `restart()` closes it and starts a new one on the same
 * data dir and port, the way an operator restarts the process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genUserSig } from '@parley/usersig';
import { createApp } from '../../src/apps.ts';
import type { ServerConfig } from '../../src/config.ts';
import { createServer, type ParleyServer } from '../../src/server.ts';
import { installHttpDoors } from '../../src/doors.ts';
import type { AppOptions, AppRecord } from '../../src/store/store.ts';

export interface TestServerOptions {
  config?: Partial<ServerConfig>;
  appOptions?: Partial<AppOptions>;
  /** Reuse a data dir (e.g. one left by a previous server). */
  dataDir?: string;
}

export interface TestServer {
  server: ParleyServer;
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  app: AppRecord;
  sdkAppId: number;
  secretKey: string;
  /** A UserSig for `userId` in the test app. */
  sig(userId: string, expireSeconds?: number): string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  const config = (port: number): Partial<ServerConfig> => ({
    port,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    sqliteSync: 'normal',
    // Tests send fast on purpose; the limiter has its own test.
    sendRatePerSecond: 100_000,
    sendBurst: 100_000,
    ...opts.config,
  });
  let server = createServer({ config: config(0) });
  const apps = await server.core.store.listApps();
  const app = apps.find((a) => a.name === 'test') ?? (await createApp(server.core.store, { name: 'test', options: opts.appOptions }));
  installHttpDoors(server, { devApp: app });
  const port = await server.listen();
  const t: TestServer = {
    server,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    dataDir,
    app,
    sdkAppId: app.sdkAppId,
    secretKey: app.secretKey,
    sig: (userId, expireSeconds = 86400) => genUserSig({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, userId, expireSeconds }),
    async restart() {
      await server.close();
      server = createServer({ config: config(port) });
      installHttpDoors(server, { devApp: app });
      t.server = server;
      await server.listen();
    },
    async close() {
      await server.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}
