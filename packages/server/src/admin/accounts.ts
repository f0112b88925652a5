/** `im_open_login_svc` commands (accounts, kick) and `openim` online state. */
import { ImError, KickType } from '@parley/protocol';
import { z } from 'zod';
import { userTopic } from '../bus/bus.ts';
import type { Core } from '../core.ts';
import type { Body } from '../gateway/commands.ts';
import { platformName } from '../session/platform.ts';
import type { AppRecord } from '../store/store.ts';
import { command, userIdSchema, type AdminCommand } from './schema.ts';

const profileText = z.string().refine((s) => Buffer.byteLength(s) <= 500, { message: 'must be at most 500 bytes' });

/** Accepts Tencent's current UserID and its pre-2022 name Identifier. */
const userRef = {
  UserID: userIdSchema.optional(),
  Identifier: userIdSchema.optional().meta({ description: 'Older name of UserID, still accepted' }),
};
const requireUser = (b: { UserID?: string; Identifier?: string }) => b.UserID !== undefined || b.Identifier !== undefined;
const userOf = (b: { UserID?: string; Identifier?: string }) => (b.UserID ?? b.Identifier)!;

/** Close the user's sessions on every node (Tencent's REST_API_Kick). */
async function kickEverywhere(core: Core, app: AppRecord, userId: string): Promise<void> {
  await core.bus.publish(userTopic(app.sdkAppId, userId), { type: 'kick', kickType: KickType.RestApi });
}

const itemList = z.array(z.looseObject({ UserID: z.string() })).min(1).max(100);

export const ACCOUNT_COMMANDS: AdminCommand[] = [
  command({
    name: 'im_open_login_svc.account_import',
    summary: 'Import (create) one account; idempotent. Nick and FaceUrl, when given, are set.',
    schema: z
      .looseObject({ ...userRef, Nick: profileText.optional(), FaceUrl: profileText.optional() })
      .refine(requireUser, { message: 'is required', path: ['UserID'] }),
    invalid: 'REQ_INVALID_PARAM',
    handler: async (core, ctx, body) => {
      const account = await core.store.ensureAccount(ctx.app.sdkAppId, userOf(body), body.Nick);
      if ((body.Nick !== undefined && body.Nick !== account.nick) || (body.FaceUrl !== undefined && body.FaceUrl !== account.faceUrl)) {
        await core.store.updateAccount({ ...account, nick: body.Nick ?? account.nick, faceUrl: body.FaceUrl ?? account.faceUrl });
      }
      return {};
    },
    example: { request: { UserID: 'alice', Nick: 'Alice', FaceUrl: 'https://example.com/alice.png' }, response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } },
  }),
  command({
    name: 'im_open_login_svc.multiaccount_import',
    summary: 'Import up to 100 accounts; invalid UserIDs are listed in FailAccounts.',
    schema: z.looseObject({ Accounts: z.array(z.string()).min(1).max(100) }),
    invalid: 'REQ_INVALID_PARAM',
    bulk: true,
    handler: async (core, ctx, body) => {
      const fail: string[] = [];
      for (const id of body.Accounts) {
        if (!userIdSchema.safeParse(id).success) fail.push(id);
        else await core.store.ensureAccount(ctx.app.sdkAppId, id);
      }
      return { FailAccounts: fail };
    },
    example: { request: { Accounts: ['bob', 'carol'] }, response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', FailAccounts: [] } },
  }),
  command({
    name: 'im_open_login_svc.account_delete',
    summary: 'Delete up to 100 accounts; their sessions are closed. Messages stay in their peers\' history.',
    schema: z.looseObject({ DeleteItem: itemList }),
    invalid: 'REQ_INVALID_PARAM',
    bulk: true,
    handler: async (core, ctx, body) => {
      const items = [];
      for (const { UserID } of body.DeleteItem) {
        if (await core.store.deleteAccount(ctx.app.sdkAppId, UserID)) {
          await kickEverywhere(core, ctx.app, UserID);
          items.push({ ResultCode: 0, ResultInfo: '', UserID });
        } else {
          items.push({ ResultCode: 70107, ResultInfo: 'UserID does not exist', UserID });
        }
      }
      return { ResultItem: items };
    },
    example: {
      request: { DeleteItem: [{ UserID: 'carol' }, { UserID: 'nobody' }] },
      response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ResultItem: [{ ResultCode: 0, ResultInfo: '', UserID: 'carol' }, { ResultCode: 70107, ResultInfo: 'UserID does not exist', UserID: 'nobody' }] },
    },
  }),
  command({
    name: 'im_open_login_svc.account_check',
    summary: 'Check whether up to 100 accounts exist.',
    schema: z.looseObject({ CheckItem: itemList }),
    invalid: 'REQ_INVALID_PARAM',
    bulk: true,
    handler: async (core, ctx, body) => {
      const items = [];
      for (const { UserID } of body.CheckItem) {
        const exists = (await core.store.getAccount(ctx.app.sdkAppId, UserID)) !== undefined;
        items.push({ UserID, ResultCode: 0, ResultInfo: '', AccountStatus: exists ? 'Imported' : 'NotImported' });
      }
      return { ResultItem: items };
    },
    example: {
      request: { CheckItem: [{ UserID: 'alice' }, { UserID: 'nobody' }] },
      response: {
        ActionStatus: 'OK',
        ErrorCode: 0,
        ErrorInfo: '',
        ResultItem: [
          { UserID: 'alice', ResultCode: 0, ResultInfo: '', AccountStatus: 'Imported' },
          { UserID: 'nobody', ResultCode: 0, ResultInfo: '', AccountStatus: 'NotImported' },
        ],
      },
    },
  }),
  command({
    name: 'im_open_login_svc.kick',
    summary:
      'Invalidate the account\'s login state: its sessions end (the SDK reports KICKED_OUT "REST_API_Kick") and UserSigs generated up to now are refused; a newly generated one logs in.',
    schema: z.looseObject(userRef).refine(requireUser, { message: 'is required', path: ['UserID'] }),
    invalid: 'REQ_INVALID_PARAM',
    handler: async (core, ctx, body) => {
      const account = await core.store.getAccount(ctx.app.sdkAppId, userOf(body));
      if (!account) throw new ImError('ACCOUNT_NOT_FOUND', `UserID "${userOf(body)}" does not exist`);
      await core.store.updateAccount({ ...account, sigsValidAfter: Math.floor(Date.now() / 1000) });
      await kickEverywhere(core, ctx.app, account.userId);
      return {};
    },
    example: { request: { UserID: 'alice' }, response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } },
  }),
];

const queryState = command({
  name: 'openim.query_online_status',
  summary:
    'Online state of up to 500 accounts, with each session\'s platform when IsNeedDetail is 1. Each node answers from its own sessions (see "Multi-node" in docs/rest-api.md).',
  schema: z.looseObject({ To_Account: z.array(z.string()).min(1).max(500), IsNeedDetail: z.union([z.literal(0), z.literal(1)]).optional() }),
  invalid: 'MSG_BAD_REQUEST',
  handler: async (core, ctx, body) => {
    const results: Body[] = [];
    const errors: Body[] = [];
    for (const id of body.To_Account) {
      if (!(await core.store.getAccount(ctx.app.sdkAppId, id))) {
        errors.push({ To_Account: id, ErrorCode: 70107 });
        continue;
      }
      const sessions = core.registry.sessionsOf(ctx.app.sdkAppId, id);
      const status = sessions.length > 0 ? 'Online' : 'Offline';
      // Tencent's sample says State, its table Status: both are sent.
      const item: Body = { To_Account: id, Status: status, State: status };
      if (body.IsNeedDetail === 1) item.Detail = sessions.map((s) => ({ Platform: platformName(s.platform), Status: 'Online' }));
      results.push(item);
    }
    return { QueryResult: results, ErrorList: errors };
  },
  example: {
    request: { To_Account: ['alice', 'bob'], IsNeedDetail: 1 },
    response: {
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      QueryResult: [
        { To_Account: 'alice', Status: 'Online', State: 'Online', Detail: [{ Platform: 'Web', Status: 'Online' }] },
        { To_Account: 'bob', Status: 'Offline', State: 'Offline', Detail: [] },
      ],
      ErrorList: [],
    },
  },
});

/** querystate is the older name of query_online_status; both are served. */
export const STATE_COMMANDS: AdminCommand[] = [queryState, { ...queryState, name: 'openim.querystate', summary: 'Older name of openim/query_online_status.' }];
