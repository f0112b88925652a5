/**
 * Wires Tencent-style webhooks into one server: the before-send hook on Messaging, the
 * after-send and after-recall callbacks from its after-commit hooks, State.StateChange from
 * the session registry, and the outbox delivery loop (stopped on server close).
 */
import type { ParleyServer } from '../server.ts';
import type { SessionChange } from '../session/registry.ts';
import { platformName } from '../session/platform.ts';
import { createBeforeSendHook } from './before-send.ts';
import { callbackCache, wants, type CallbackEvent } from './config.ts';
import { WebhookOutbox } from './outbox.ts';
import { afterSendBody, stateChangeBody, statePlatformName, withdrawBody, type StateAction, type StateReason } from './payloads.ts';

/** Tencent's Action and Reason for a session change; undefined when Tencent sends no callback for it. */
export function stateOf(change: SessionChange): [StateAction, StateReason] | undefined {
  if (change.type === 'attached') return ['Login', 'Register'];
  switch (change.end) {
    case 'logout':
      return ['Logout', 'Unregister'];
    case 'timeout':
      return ['Disconnect', 'TimeOut'];
    case 'closed':
    case 'expired':
      return ['Disconnect', 'LinkClose'];
    case 'kicked':
      // An instance pushed out by a newer login of the same account: Tencent (SDK 2.14+) sends
      // only the new Login. A REST kick (KickType 3) logs the user out.
      return change.kickType === 3 ? ['Logout', 'Unregister'] : undefined;
  }
}

export function installWebhooks(server: ParleyServer): WebhookOutbox {
  const { core } = server;
  const cache = callbackCache(core.store);
  const outbox = new WebhookOutbox(core.store, cache, core.log, {
    retryBaseMs: core.config.webhookRetryBaseMs,
    retryMaxMs: core.config.webhookRetryMaxMs,
    pollMs: Math.min(1000, core.config.webhookRetryBaseMs),
  });

  /** Enqueue when the app wants the event; never throws (hooks must not). */
  const enqueue = (sdkAppId: number, event: CallbackEvent, query: Record<string, string>, body: () => Promise<Record<string, unknown>> | Record<string, unknown>) => {
    if (cache.surelyUnwanted(sdkAppId, event)) return;
    void (async () => {
      const entry = await cache.get(sdkAppId);
      if (!wants(entry?.config, event)) return;
      await outbox.enqueue(sdkAppId, event, query, await body());
    })().catch((err: unknown) => core.log.error('webhook enqueue failed', { sdkAppId, event, err }));
  };

  core.messaging.beforeSend = createBeforeSendHook(cache, core.log);
  core.messaging.afterCommit.push((app, kind, message, _events, info) => {
    if (!message) return;
    const query = { OptPlatform: info.platform ?? 'Unknown', ClientIP: info.clientIp ?? '' };
    if (kind === 'send' && !info.skipAfterSend) {
      enqueue(app.sdkAppId, 'C2C.CallbackAfterSendMsg', query, async () =>
        afterSendBody(message, info.onlineOnly ?? false, await core.store.totalUnread(app.sdkAppId, message.to)),
      );
    } else if (kind === 'recall') {
      enqueue(app.sdkAppId, 'C2C.CallbackAfterMsgWithDraw', query, async () => withdrawBody(message, await core.store.totalUnread(app.sdkAppId, message.to)));
    }
  });
  // Sessions closed by a shutdown still report Disconnect: their rows are sent after the restart.
  core.registry.onChange((change) => {
    const state = stateOf(change);
    if (!state) return;
    // Read the session now: a transport may clear its identity right after detaching.
    const { sdkAppId, userId, platform } = change.session;
    const at = Date.now();
    const kicked = change.type === 'attached' ? change.kickedPlatforms : [];
    const optPlatform = platform === undefined ? platformName(undefined) : statePlatformName(platform);
    enqueue(sdkAppId, 'State.StateChange', { OptPlatform: optPlatform, ClientIP: '' }, () => stateChangeBody(userId, state[0], state[1], at, kicked));
  });

  server.onClose.push(() => outbox.close());
  outbox.start();
  return outbox;
}
