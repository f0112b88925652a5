/**
 * `parley_admin` commands: Parley extensions (Tencent configures callbacks in its console).
 * set_callback stores the app's webhook settings; get_callback reads them back.
 */
import { ImError } from '@parley/protocol';
import { z } from 'zod';
import type { Body } from '../gateway/commands.ts';
import type { CallbackConfig } from '../store/store.ts';
import { CALLBACK_EVENTS, DEFAULT_CALLBACK_TIMEOUT_MS, MAX_CALLBACK_TIMEOUT_MS, callbackCache, normaliseCallbackConfig } from '../webhooks/config.ts';
import { command, type AdminCommand } from './schema.ts';

function describe(c: CallbackConfig | undefined): Body | null {
  return c ? { Url: c.url, Events: c.events, TimeoutMs: c.timeoutMs, FailClosed: c.failClosed ? 1 : 0, HasToken: c.token ? 1 : 0 } : null;
}

const CONFIG = {
  Url: 'https://example.com/im/callback',
  Events: ['C2C.CallbackBeforeSendMsg', 'C2C.CallbackAfterSendMsg', 'C2C.CallbackAfterMsgWithDraw', 'State.StateChange'],
  TimeoutMs: 2000,
  FailClosed: 0,
  HasToken: 0,
};

export const PARLEY_COMMANDS: AdminCommand[] = [
  command({
    name: 'parley_admin.set_callback',
    summary: 'Parley extension. Set the app\'s webhooks: URL, which callbacks, timeout and fail-open/fail-closed. An empty or absent Url turns them off.',
    extension: true,
    schema: z.looseObject({
      Url: z.string().max(1000).optional().meta({ description: 'http(s) URL; empty turns webhooks off' }),
      Events: z.array(z.enum(CALLBACK_EVENTS)).optional().meta({ description: 'Default: all' }),
      TimeoutMs: z.number().int().min(1).max(MAX_CALLBACK_TIMEOUT_MS).optional().meta({ description: `Default ${DEFAULT_CALLBACK_TIMEOUT_MS}` }),
      FailClosed: z.union([z.boolean(), z.literal(0), z.literal(1)]).optional().meta({ description: 'Refuse messages when the before-send callback fails or times out (default: deliver them)' }),
      Token: z.string().max(200).optional().meta({ description: 'Adds Tencent\'s Sign and RequestTime query parameters' }),
    }),
    invalid: 'REQ_INVALID_PARAM',
    handler: async (core, ctx, body) => {
      let callback: CallbackConfig | undefined;
      if (body.Url) {
        try {
          callback = normaliseCallbackConfig({ url: body.Url, events: body.Events, timeoutMs: body.TimeoutMs, failClosed: Boolean(body.FailClosed), token: body.Token });
        } catch (err) {
          throw new ImError('REQ_INVALID_PARAM', (err as Error).message.replace(/^url/, 'Url'));
        }
      }
      const app = (await core.store.getApp(ctx.app.sdkAppId))!;
      await core.store.updateApp({ ...app, options: { ...app.options, callback } });
      callbackCache(core.store).invalidate(app.sdkAppId);
      return { Callback: describe(callback) };
    },
    example: {
      request: { Url: 'https://example.com/im/callback', TimeoutMs: 2000, FailClosed: 0 },
      response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', Callback: CONFIG },
    },
  }),
  command({
    name: 'parley_admin.get_callback',
    summary: 'Parley extension. The app\'s webhook settings (Callback is null when off).',
    extension: true,
    schema: z.looseObject({}),
    invalid: 'REQ_INVALID_PARAM',
    handler: async (core, ctx) => ({ Callback: describe((await core.store.getApp(ctx.app.sdkAppId))?.options.callback) }),
    example: { request: {}, response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', Callback: CONFIG } },
  }),
];
