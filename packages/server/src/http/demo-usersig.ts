/**
 * `POST /demo/usersig {"userID"}` → `{ userSig, sdkAppId, expireAt }` for the dev app.
 *
 * This stands in for an app's own back end in the tutorial flow (the browser asks its back
 * end for a UserSig, the back end signs it with the secret key). It answers only when the
 * server runs with `--demo` / PARLEY_DEMO=1 and only for the dev app; the key never leaves
 * the server.
 */
import { ImError, ErrorCodes } from '@parley/protocol';
import { genUserSig } from '@parley/usersig';
import type { Core } from '../core.ts';
import type { HttpRoute } from '../server.ts';
import { checkUserId } from '../session/auth.ts';
import { parseJsonObject, readBody, sendJson } from './respond.ts';

/** How long a demo UserSig lasts. */
export const DEMO_USERSIG_SECONDS = 7 * 86400;

export function createDemoUserSigRoute(core: Core, devAppId: number): HttpRoute {
  return async (req, res, url) => {
    if (url.pathname !== '/demo/usersig') return false;
    if (!core.config.demo) return false; // the path does not exist outside demo mode
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'use POST' }, { allow: 'POST' });
      return true;
    }
    try {
      const body = parseJsonObject(await readBody(req, 4096));
      const userId = body['userID'];
      checkUserId(userId);
      // Read the app each time: the console may have rotated its key since start-up.
      const app = await core.store.getApp(devAppId);
      if (!app) throw new ImError('AUTH_APP_NOT_FOUND', 'the dev app is gone');
      const now = Math.floor(Date.now() / 1000);
      const userSig = genUserSig({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, userId, expireSeconds: DEMO_USERSIG_SECONDS, now });
      sendJson(res, 200, { userSig, sdkAppId: app.sdkAppId, expireAt: now + DEMO_USERSIG_SECONDS }, { 'cache-control': 'no-store' });
    } catch (err) {
      if (!(err instanceof ImError)) throw err;
      sendJson(res, ErrorCodes[err.code].http, err.toWire());
    }
    return true;
  };
}
