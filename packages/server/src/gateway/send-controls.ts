/**
 * The parts of Tencent's sendmsg body only the app's back end may use (REST admin API):
 * who sends, SyncOtherMachine, MsgLifeTime, SendMsgControl and ForbidCallbackControl.
 * Shared by openim.sendmsg (both doors) and openim.batchsendmsg.
 */
import { ImError } from '@parley/protocol';
import type { Core } from '../core.ts';
import type { SendInput, SendOptions } from '../messaging/messaging.ts';
import { checkUserId } from '../session/auth.ts';
import type { AccountRecord, AppRecord } from '../store/store.ts';

/** Tencent keeps REST sends' dedupe keys this long. */
export const REST_DEDUPE_SECONDS = 120;
/** Tencent's largest (and default) MsgLifeTime: 7 days. */
export const MAX_MSG_LIFETIME = 604_800;

/** The sender of a REST send: From_Account (which must exist) or, without it, the app admin. */
export async function restSender(core: Core, app: AppRecord, fromAccount: unknown): Promise<AccountRecord> {
  if (fromAccount === undefined || fromAccount === '') return core.store.ensureAccount(app.sdkAppId, app.adminIdentifier);
  checkUserId(fromAccount);
  const account = await core.store.getAccount(app.sdkAppId, fromAccount);
  if (!account) throw new ImError('MSG_FROM_ACCOUNT_NOT_FOUND', `From_Account "${fromAccount}" does not exist`);
  return account;
}

/** SendInput fields from the REST-only controls of a sendmsg/batchsendmsg body. */
export function restSendInput(body: Record<string, unknown>): Pick<SendInput, 'syncToSender' | 'noUnread' | 'onlineOnly' | 'dedupeWindowSeconds'> {
  const lifetime = body.MsgLifeTime;
  if (lifetime !== undefined && (!Number.isInteger(lifetime) || (lifetime as number) < 0 || (lifetime as number) > MAX_MSG_LIFETIME)) {
    throw new ImError('MSG_BAD_LIFETIME');
  }
  const controls = Array.isArray(body.SendMsgControl) ? body.SendMsgControl : [];
  return {
    // 1: also to the sender's own devices; 2 or absent: not (the message stays in the pair's history either way).
    syncToSender: body.SyncOtherMachine === 1,
    noUnread: controls.includes('NoUnread'),
    onlineOnly: lifetime === 0,
    dedupeWindowSeconds: REST_DEDUPE_SECONDS,
  };
}

/** SendOptions of a REST send: no per-user limit (the admin API has its own), callbacks as ForbidCallbackControl says. */
export function restSendOptions(body: Record<string, unknown>, clientIp: string | undefined): SendOptions {
  const forbid = Array.isArray(body.ForbidCallbackControl) ? body.ForbidCallbackControl : [];
  return {
    rateLimit: false,
    platform: 'RESTAPI',
    clientIp,
    skipBeforeSend: forbid.includes('ForbidBeforeSendMsgCallback'),
    skipAfterSend: forbid.includes('ForbidAfterSendMsgCallback'),
  };
}
