/** `openim` message commands of the REST admin API. sendmsg is the same handler the WebSocket door uses. */
import { ImError, parseMsgKey } from '@parley/protocol';
import { z } from 'zod';
import type { Core } from '../core.ts';
import { sendmsg, type Body } from '../gateway/commands.ts';
import { restSender, restSendInput, restSendOptions, MAX_MSG_LIFETIME } from '../gateway/send-controls.ts';
import { msgKeyOf, toC2cMsg } from '../gateway/tencent-shapes.ts';
import { normaliseMsgBody } from '../messaging/validate.ts';
import type { AppRecord } from '../store/store.ts';
import { command, msgBodySchema, uint32Schema, userIdSchema, type AdminCommand, type FieldCode } from './schema.ts';

/** Tencent's limit per batchsendmsg call. */
export const BATCH_MAX = 500;
const ROAM_PAGE_MAX = 100;

const sendFields = {
  SyncOtherMachine: z.union([z.literal(1), z.literal(2)]).optional().meta({ description: '1: also to the sender\'s online devices; 2 or absent: not' }),
  From_Account: userIdSchema.optional().meta({ description: 'Sender; the app admin when absent. Must exist.' }),
  MsgLifeTime: z.number().int().min(0).max(MAX_MSG_LIFETIME).optional().meta({ description: 'Offline retention, seconds; 0 = online only' }),
  MsgSeq: uint32Schema.optional().meta({ description: 'Sender\'s sequence; random when absent. Part of MsgKey.' }),
  MsgRandom: uint32Schema.meta({ description: 'Random number; with MsgSeq and the content, repeats within 120 s are sent once' }),
  MsgTimeStamp: z.number().int().optional(),
  ForbidCallbackControl: z.array(z.enum(['ForbidBeforeSendMsgCallback', 'ForbidAfterSendMsgCallback'])).optional(),
  SendMsgControl: z.array(z.string()).optional().meta({ description: '"NoUnread" is honoured; other values are accepted and ignored' }),
  MsgBody: msgBodySchema,
  CloudCustomData: z.string().optional(),
  OfflinePushInfo: z.record(z.string(), z.unknown()).optional().meta({ description: 'Accepted; Parley has no offline push' }),
  IsNeedReadReceipt: z.union([z.literal(0), z.literal(1)]).optional(),
};

const msgBodyCode: FieldCode = (v) => (v !== undefined && !Array.isArray(v) ? 'MSG_BODY_NOT_ARRAY' : 'MSG_BAD_BODY');
const commonSendCodes = { MsgRandom: 'MSG_RANDOM_MISSING', MsgBody: msgBodyCode, MsgLifeTime: 'MSG_BAD_LIFETIME' } as const;

const TEXT = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }];

async function existing(core: Core, app: AppRecord, userId: string): Promise<void> {
  if (!(await core.store.getAccount(app.sdkAppId, userId))) throw new ImError('ACCOUNT_NOT_FOUND', `UserID "${userId}" does not exist`);
}

export const MESSAGE_COMMANDS: AdminCommand[] = [
  command({
    name: 'openim.sendmsg',
    summary:
      'Send a C2C message, as From_Account or the admin. Same path as a client send: sequence, sync, unread, read receipts and callbacks (unless ForbidCallbackControl).',
    schema: z.looseObject({ To_Account: userIdSchema, ...sendFields }),
    invalid: 'MSG_BAD_REQUEST',
    fields: { ...commonSendCodes, To_Account: 'MSG_TO_ACCOUNT_MISSING' },
    handler: sendmsg,
    example: {
      request: { SyncOtherMachine: 2, From_Account: 'alice', To_Account: 'bob', MsgLifeTime: 604800, MsgSeq: 93847636, MsgRandom: 1287657, MsgBody: TEXT, CloudCustomData: '' },
      response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', MsgTime: 1700000000, MsgSeq: 93847636, MsgKey: '93847636_1287657_1700000000', ConvSeq: 1, MsgId: '1', ClientMsgID: 'rbob_93847636_1287657:1a2b3c4d@14166666' },
    },
  }),
  command({
    name: 'openim.batchsendmsg',
    summary:
      'Send one message to up to 500 accounts. No callbacks fire (as with Tencent). Partial failure answers ActionStatus "SomeError" with ErrorCode 0 and an ErrorList.',
    schema: z.looseObject({ To_Account: z.array(userIdSchema).min(1).max(BATCH_MAX), ...sendFields }),
    invalid: 'MSG_BAD_REQUEST',
    fields: { ...commonSendCodes, To_Account: (v) => (Array.isArray(v) && v.length > BATCH_MAX ? 'MSG_TOO_MANY_RECIPIENTS' : 'MSG_TO_ACCOUNT_MISSING') },
    handler: async (core, ctx, body) => {
      const sender = await restSender(core, ctx.app, body.From_Account);
      normaliseMsgBody(body.MsgBody);
      const seq = body.MsgSeq ?? Math.floor(Math.random() * 0xffffffff);
      const input = restSendInput(body);
      const opts = { ...restSendOptions(body, ctx.clientIp), skipBeforeSend: true, skipAfterSend: true };
      const recipients = [...new Set(body.To_Account)];
      const results = await Promise.all(
        recipients.map((to) =>
          core.messaging
            .send(
              ctx.app,
              sender.userId,
              { ...input, to, random: body.MsgRandom, clientMsgId: `b${to}_${body.MsgSeq ?? '-'}_${body.MsgRandom}`, clientSeq: seq, body: body.MsgBody, cloudCustomData: body.CloudCustomData || undefined, fromNick: sender.nick },
              opts,
            )
            .then(
              (r) => ({ to, key: msgKeyOf(r.message) }),
              (err: unknown) => {
                if (!(err instanceof ImError)) throw err;
                return { to, err: err.code === 'MSG_RECIPIENT_NOT_FOUND' ? new ImError('MSG_TO_ACCOUNT_NOT_REGISTERED') : err };
              },
            ),
        ),
      );
      const errors = results.flatMap((r) => ('err' in r ? [{ To_Account: r.to, ErrorCode: r.err.tim }] : []));
      const first = results.find((r) => 'key' in r);
      if (!first) {
        const e = (results[0] as { err: ImError }).err;
        return { ActionStatus: 'FAIL', ErrorCode: e.tim, ErrorInfo: e.message, ErrorList: errors };
      }
      const out: Body = { MsgKey: (first as { key: string }).key };
      if (errors.length > 0) Object.assign(out, { ActionStatus: 'SomeError', ErrorCode: 0, ErrorInfo: '', ErrorList: errors });
      return out;
    },
    example: {
      request: { SyncOtherMachine: 2, From_Account: 'alice', To_Account: ['bob', 'carol', 'nobody'], MsgRandom: 19901224, MsgBody: TEXT },
      response: { ActionStatus: 'SomeError', ErrorCode: 0, ErrorInfo: '', MsgKey: '2845393820_19901224_1700000000', ErrorList: [{ To_Account: 'nobody', ErrorCode: 90012 }] },
    },
  }),
  command({
    name: 'openim.admin_getroammsg',
    summary:
      'History of a pair of accounts between MinTime and MaxTime, newest page first, each page oldest first. For the next (older) page send MaxTime = LastMsgTime and LastMsgKey from the reply; Complete 1 means there is no more.',
    schema: z.looseObject({
      From_Account: userIdSchema,
      To_Account: userIdSchema,
      MaxCnt: z.number().int().min(1).meta({ description: `Messages per page (at most ${ROAM_PAGE_MAX} are returned)` }),
      MinTime: z.number().int().min(0),
      MaxTime: z.number().int().min(0),
      LastMsgKey: z.string().optional(),
    }),
    invalid: 'MSG_BAD_REQUEST',
    handler: async (core, ctx, body) => {
      let beforeSeq: number | undefined;
      if (body.LastMsgKey) {
        const key = parseMsgKey(body.LastMsgKey);
        const anchor = key && (await core.messaging.findByClientSeq(ctx.app, body.From_Account, body.To_Account, key.seq, key.random));
        if (!anchor) throw new ImError('MSG_BAD_MSGKEY', 'LastMsgKey names no message of this pair');
        beforeSeq = anchor.seq;
      }
      const n = Math.min(body.MaxCnt, ROAM_PAGE_MAX);
      const rows = await core.store.getPairHistory(ctx.app.sdkAppId, body.From_Account, body.To_Account, { beforeSeq, minTime: body.MinTime, maxTime: body.MaxTime, limit: n + 1 });
      const page = rows.slice(0, n).reverse();
      const oldest = page[0];
      return {
        Complete: rows.length <= n ? 1 : 0,
        MsgCnt: page.length,
        LastMsgTime: oldest?.time ?? 0,
        LastMsgKey: oldest ? msgKeyOf(oldest) : '',
        MsgList: page.map((m) => toC2cMsg(m)),
      };
    },
    example: {
      request: { From_Account: 'alice', To_Account: 'bob', MaxCnt: 100, MinTime: 1699990000, MaxTime: 1700000000 },
      response: {
        ActionStatus: 'OK',
        ErrorCode: 0,
        ErrorInfo: '',
        Complete: 1,
        MsgCnt: 1,
        LastMsgTime: 1700000000,
        LastMsgKey: '93847636_1287657_1700000000',
        MsgList: [{ From_Account: 'alice', To_Account: 'bob', MsgSeq: 93847636, MsgRandom: 1287657, MsgTimeStamp: 1700000000, MsgFlagBits: 0, MsgKey: '93847636_1287657_1700000000', MsgBody: TEXT }],
      },
    },
  }),
  command({
    name: 'openim.admin_msgwithdraw',
    summary: 'Recall a message by its MsgKey, with no time limit. Both sides see it recalled; the after-recall callback fires.',
    schema: z.looseObject({ From_Account: userIdSchema, To_Account: userIdSchema, MsgKey: z.string() }),
    invalid: 'MSG_BAD_REQUEST',
    handler: async (core, ctx, body) => {
      const key = parseMsgKey(body.MsgKey);
      if (!key) throw new ImError('MSG_BAD_MSGKEY', 'MsgKey must look like "<MsgSeq>_<MsgRandom>_<MsgTime>"');
      await core.messaging.recall(ctx.app, body.From_Account, body.To_Account, { clientSeq: key.seq, random: key.random }, { asAdmin: true, platform: 'RESTAPI', clientIp: ctx.clientIp });
      return {};
    },
    example: { request: { From_Account: 'alice', To_Account: 'bob', MsgKey: '93847636_1287657_1700000000' }, response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } },
  }),
  command({
    name: 'openim.admin_set_msg_read',
    summary: 'Mark Report_Account\'s messages from Peer_Account read up to MsgReadTime (default: all). The peer gets a read receipt.',
    schema: z.looseObject({ Report_Account: userIdSchema, Peer_Account: userIdSchema, MsgReadTime: z.number().int().min(0).optional() }),
    invalid: 'MSG_BAD_REQUEST',
    handler: async (core, ctx, body) => {
      await existing(core, ctx.app, body.Report_Account);
      let upTo: number | undefined;
      if (body.MsgReadTime !== undefined) {
        const [last] = await core.store.getPairHistory(ctx.app.sdkAppId, body.Report_Account, body.Peer_Account, { maxTime: body.MsgReadTime, limit: 1 });
        if (!last) return {};
        upTo = last.seq;
      }
      await core.messaging.markRead(ctx.app, body.Report_Account, body.Peer_Account, upTo);
      return {};
    },
    example: { request: { Report_Account: 'bob', Peer_Account: 'alice' }, response: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } },
  }),
  command({
    name: 'openim.get_c2c_unread_msg_num',
    summary: 'Unread C2C messages of To_Account: in total, and per peer for up to 10 Peer_Account.',
    schema: z.looseObject({ To_Account: userIdSchema, Peer_Account: z.array(z.string()).max(10).optional() }),
    invalid: 'MSG_BAD_REQUEST',
    handler: async (core, ctx, body) => {
      await existing(core, ctx.app, body.To_Account);
      const out: Body = { AllC2CUnreadMsgNum: await core.store.totalUnread(ctx.app.sdkAppId, body.To_Account) };
      if (body.Peer_Account) {
        const list: Body[] = [];
        const errors: Body[] = [];
        for (const peer of body.Peer_Account) {
          if (!(await core.store.getAccount(ctx.app.sdkAppId, peer))) errors.push({ Peer_Account: peer, ErrorCode: 70107 });
          else list.push({ Peer_Account: peer, C2CUnreadMsgNum: (await core.messaging.conversation(ctx.app, body.To_Account, peer))?.unread ?? 0 });
        }
        out.C2CUnreadMsgNumList = list;
        out.ErrorList = errors;
      }
      return out;
    },
    example: {
      request: { To_Account: 'bob', Peer_Account: ['alice', 'carol'] },
      response: {
        ActionStatus: 'OK',
        ErrorCode: 0,
        ErrorInfo: '',
        AllC2CUnreadMsgNum: 3,
        C2CUnreadMsgNumList: [{ Peer_Account: 'alice', C2CUnreadMsgNum: 2 }, { Peer_Account: 'carol', C2CUnreadMsgNum: 1 }],
        ErrorList: [],
      },
    },
  }),
];
