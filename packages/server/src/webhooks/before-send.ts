/**
 * C2C.CallbackBeforeSendMsg: asks the app's back end about a message before it is committed
 * and applies the answer (Tencent's reply semantics):
 *   ErrorCode 0              deliver; a MsgBody and/or CloudCustomData in the reply replace the content
 *   ErrorCode 1              reject: the sender gets 20006
 *   ErrorCode 2              drop silently: the sender is told it was sent
 *   ErrorCode 120001-130000  reject with the app's own code and ErrorInfo
 * A call that fails or takes longer than the app's timeout is a failure: the message is
 * delivered (fail-open, Tencent's default) or refused with 20006 (fail-closed).
 */
import { CALLBACK_CODE_MAX, CALLBACK_CODE_MIN, ImError, type MsgElem } from '@parley/protocol';
import type { Logger } from '../log.ts';
import type { BeforeSendHook, BeforeSendVerdict } from '../messaging/messaging.ts';
import { normaliseMsgBody } from '../messaging/validate.ts';
import { callWebhook } from './call.ts';
import { wants, type CallbackConfigCache } from './config.ts';
import { beforeSendBody } from './payloads.ts';

export function createBeforeSendHook(cache: CallbackConfigCache, log: Logger): BeforeSendHook {
  const hook: BeforeSendHook = async (app, draft, opts) => {
    const entry = await cache.get(app.sdkAppId);
    const config = entry?.config;
    if (!entry || !wants(config, 'C2C.CallbackBeforeSendMsg')) return;
    const r = await callWebhook({
      sdkAppId: app.sdkAppId,
      command: 'C2C.CallbackBeforeSendMsg',
      query: { OptPlatform: opts.platform ?? 'Unknown', ClientIP: opts.clientIp ?? '' },
      body: JSON.stringify(beforeSendBody(draft)),
      secretKey: entry.secretKey,
      config,
    });
    const failed = (why: string): BeforeSendVerdict => {
      log.warn('before-send callback failed', { sdkAppId: app.sdkAppId, why, failClosed: config.failClosed });
      if (config.failClosed) throw new ImError('MSG_BLOCKED_BY_CALLBACK', `before-send callback failed (${why}); the app refuses messages then`);
      return undefined;
    };
    if (!r.ok) return failed(r.error);
    const { ErrorCode: code, ErrorInfo: info, MsgBody: body, CloudCustomData: cloud } = r.reply;
    const text = typeof info === 'string' && info !== '' ? info : undefined;
    if (code === 1) throw new ImError('MSG_BLOCKED_BY_CALLBACK', text);
    if (code === 2) return { drop: true };
    if (typeof code === 'number' && Number.isInteger(code) && code >= CALLBACK_CODE_MIN && code <= CALLBACK_CODE_MAX) {
      throw new ImError('MSG_BLOCKED_BY_CALLBACK', text, { tim: code });
    }
    if (code !== 0 && code !== undefined) return failed(`unknown ErrorCode ${JSON.stringify(code)}`);
    const verdict: { body?: MsgElem[]; cloudCustomData?: string } = {};
    if (body !== undefined) {
      try {
        verdict.body = normaliseMsgBody(body);
      } catch (err) {
        return failed(`reply MsgBody is invalid: ${(err as Error).message}`);
      }
    }
    if (cloud !== undefined) {
      if (typeof cloud !== 'string') return failed('reply CloudCustomData is not a string');
      verdict.cloudCustomData = cloud;
    }
    return verdict;
  };
  hook.idleFor = (sdkAppId) => cache.surelyUnwanted(sdkAppId, 'C2C.CallbackBeforeSendMsg');
  return hook;
}
