/**
 * Who may call the REST admin API: the app's admin identifier, with a valid UserSig of the
 * app (Tencent's rule), passed as `sdkappid`, `identifier` and `usersig` query parameters.
 * A kick of the admin account invalidates its older UserSigs here too.
 */
import { ImError } from '@parley/protocol';
import type { Core } from '../core.ts';
import type { AdminContext } from '../gateway/commands.ts';

export async function authenticateAdmin(core: Core, query: URLSearchParams, clientIp: string | undefined): Promise<AdminContext> {
  const rawApp = query.get('sdkappid');
  if (rawApp === null || rawApp === '') throw new ImError('REST_SDKAPPID_MISSING');
  const app = /^\d{1,12}$/.test(rawApp) ? await core.store.getApp(Number(rawApp)) : undefined;
  if (!app) throw new ImError('REST_SDKAPPID_INVALID', `sdkappid ${rawApp.slice(0, 20)} is not an app of this server`);
  const identifier = query.get('identifier');
  if (identifier === null || identifier === '') throw new ImError('REST_IDENTIFIER_INVALID', 'identifier is missing');
  const usersig = query.get('usersig');
  if (usersig === null || usersig === '') throw new ImError('REST_USERSIG_INVALID', 'usersig is missing');
  const { time } = core.auth.checkSig(app, identifier, usersig);
  if (identifier !== app.adminIdentifier) throw new ImError('AUTH_ADMIN_REQUIRED', `identifier "${identifier.slice(0, 32)}" is not the app admin`);
  const account = await core.store.getAccount(app.sdkAppId, identifier);
  if (account && time <= account.sigsValidAfter) throw new ImError('AUTH_USERSIG_EXPIRED', 'this UserSig was invalidated by a kick; generate a new one');
  return { admin: true, app, clientIp };
}
