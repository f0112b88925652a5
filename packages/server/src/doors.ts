/**
 * The HTTP doors beyond the WebSocket gateway, installed on a server by the CLI and by
 * tests that want the full product: long-poll, REST admin and webhooks, (later) web apps and demo.
 */
import { fileURLToPath } from 'node:url';
import { createConsoleRoute } from './console/routes.ts';
import { createAdminRoute } from './admin/router.ts';
import { createHttpLine } from './gateway/http-line.ts';
import { createDemoUserSigRoute } from './http/demo-usersig.ts';
import { createStaticRoute } from './http/static.ts';
import type { ParleyServer } from './server.ts';
import type { AppRecord } from './store/store.ts';
import { installWebhooks } from './webhooks/webhooks.ts';

export interface DoorOptions {
  /** The dev app, for the demo UserSig endpoint. */
  devApp?: AppRecord;
  /** Folder of the built web apps (chat at `/`, console at `/console`); false serves none. Default: apps/web/dist of this repository. */
  webRoot?: string | false;
}

/** apps/web/dist beside this package in the repository. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../apps/web/dist', import.meta.url));

export function installHttpDoors(server: ParleyServer, opts: DoorOptions = {}): void {
  // Tencent's HTTP client line first: it claims /v4 requests carrying client credentials,
  // so the admin REST API only ever sees admin requests.
  const httpLine = createHttpLine(server.core, { holdMs: server.core.config.longPollHoldSeconds * 1000 });
  server.routes.push(httpLine.route);
  server.onClose.push(() => httpLine.close());
  // The REST admin API (the rest of /v4) and the app's webhooks.
  server.routes.push(createAdminRoute(server.core));
  installWebhooks(server);
  if (opts.devApp) server.routes.push(createDemoUserSigRoute(server.core, opts.devApp.sdkAppId));
  server.routes.push(createConsoleRoute(server.core));
  // Last: the web apps fall back to their index.html for any other GET under their prefix.
  const webRoot = opts.webRoot ?? DEFAULT_WEB_ROOT;
  if (webRoot !== false) {
    server.routes.push(
      createStaticRoute({
        root: webRoot,
        apps: [
          { prefix: '/', dir: '.' },
          { prefix: '/console', dir: 'console' },
        ],
        exclude: ['/v4', '/console/api', '/demo', '/info', '/binfo', '/healthz', '/metrics'],
      }),
    );
  }
}
