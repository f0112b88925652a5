/**
 * Handlers for the commands a logged-in client sends, keyed by Tencent's command name
 * (`<service>.<command>`). The WebSocket door looks them up by `head.servcmd`, the HTTP
 * long-poll door by its `/v4/<service>/<command>` path: one handler per command, two doors.
 * Each returns the reply fields; errors are thrown as ImError and become the envelope.
 */
import { ImError, parseMsgKey } from '@parley/protocol';
import type { Core } from '../core.ts';
import { decodeSyncCookie } from '../messaging/sync-cookie.ts';
import { checkUserId } from '../session/auth.ts';
import { platformName } from '../session/platform.ts';
import type { AccountRecord, AppRecord } from '../store/store.ts';
import { restSender, restSendInput, restSendOptions } from './send-controls.ts';
import { eventsToPushBody, msgKeyOf, toC2cMsg, toNotifyEvent, toSessionItem } from './tencent-shapes.ts';
import { profileItems, applyProfileItems } from './profile.ts';

/** Who is asking: the identity of a logged-in client session. */
export interface ClientContext {
  readonly app: AppRecord;
  readonly account: AccountRecord;
  readonly instId: string;
  readonly platform: number | undefined;
}

/** Who is asking through the REST admin API: the app's back end, which may act as any user. */
export interface AdminContext {
  readonly admin: true;
  readonly app: AppRecord;
  /** The caller's IP address (for webhooks' ClientIP). */
  readonly clientIp: string | undefined;
}

/** The context of a command both doors serve: a client session, or the app's back end. */
export type CommandContext = ClientContext | AdminContext;

export function isAdminContext(ctx: CommandContext): ctx is AdminContext {
  return (ctx as AdminContext).admin === true;
}

export type Body = Record<string, unknown>;
export type CommandHandler = (core: Core, ctx: ClientContext, body: Body) => Promise<Body>;
/** A handler the REST admin API reaches too, with the same body shapes. */
export type SharedCommandHandler = (core: Core, ctx: CommandContext, body: Body) => Promise<Body>;

const uint = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

/** Refuse a body field naming another user as the actor. */
function checkSelf(ctx: ClientContext, field: string, v: unknown): void {
  if (v !== undefined && v !== '' && v !== ctx.account.userId) {
    throw new ImError('REQ_INVALID_PARAM', `${field} must be the logged-in user`);
  }
}

function stringList(v: unknown, field: string, max: number): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ImError('REQ_INVALID_PARAM', `${field} must be an array of strings`);
  if (v.length > max) throw new ImError('REQ_INVALID_PARAM', `${field} has more than ${max} entries`);
  return v as string[];
}

/**
 * openim.sendmsg through either door. A client sends as itself; the app's back end sends as
 * From_Account or, without it, as the app admin, with the REST-only controls (send-controls.ts),
 * and gets Tencent's REST dedupe: a repeat of the same MsgSeq, MsgRandom and content within
 * 120 s answers with the first message.
 */
export const sendmsg: SharedCommandHandler = async (core, ctx, body) => {
  const admin = isAdminContext(ctx);
  if (!admin) checkSelf(ctx, 'From_Account', body.From_Account);
  // A session's account is read at login; the nick the message carries must be the current one.
  const sender = admin
    ? await restSender(core, ctx.app, body.From_Account)
    : (core.store.peekAccount?.(ctx.app.sdkAppId, ctx.account.userId) ??
      (await core.store.getAccount(ctx.app.sdkAppId, ctx.account.userId)) ??
      ctx.account);
  const clientSeq = uint(body.MsgSeq);
  const explicit = body.ClientMsgID;
  if (explicit !== undefined && (typeof explicit !== 'string' || explicit.length === 0 || explicit.length > 64)) {
    throw new ImError('REQ_INVALID_PARAM', 'ClientMsgID must be a string of 1-64 characters');
  }
  // Idempotency key: Parley's ClientMsgID, else the client's own (MsgSeq, MsgRandom) pair, which
  // Tencent's SDKs keep when they resend a message. REST keys also name the recipient, and
  // Messaging adds the content and the 120 s window.
  const clientMsgId =
    (explicit as string | undefined) ??
    (admin
      ? `r${String(body.To_Account)}_${clientSeq ?? '-'}_${String(body.MsgRandom)}`
      : clientSeq !== undefined && uint(body.MsgRandom) !== undefined
        ? `t${clientSeq}_${body.MsgRandom as number}`
        : `n${crypto.randomUUID()}`);
  // Tencent draws a random MsgSeq for REST sends that give none.
  const seq = clientSeq !== undefined && clientSeq <= 0xffffffff ? clientSeq : admin ? Math.floor(Math.random() * 0xffffffff) : undefined;
  const r = await core.messaging.send(
    ctx.app,
    sender.userId,
    {
      to: body.To_Account,
      random: body.MsgRandom,
      clientMsgId,
      clientSeq: seq,
      clientTime: uint(body.MsgClientTime) ?? uint(body.MsgTimeStamp),
      body: body.MsgBody,
      cloudCustomData: body.CloudCustomData === '' ? undefined : body.CloudCustomData,
      fromNick: sender.nick,
      ...(admin ? restSendInput(body) : {}),
    },
    admin ? restSendOptions(body, ctx.clientIp) : { originInstId: ctx.instId, rateLimit: true, platform: platformName(ctx.platform) },
  );
  const m = r.message;
  // MsgSeq answers with the sender's own sequence (Tencent semantics); ConvSeq is Parley's.
  const out: Body = { MsgTime: m.time, MsgSeq: m.clientSeq, MsgKey: msgKeyOf(m), ConvSeq: m.seq, MsgId: m.id, ClientMsgID: m.clientMsgId };
  if (r.senderCursor !== undefined) out.NoticeSeq = r.senderCursor;
  return out;
};

/**
 * One page of the user's stream. During the login sync (the unread backlog, Cookie '' onwards)
 * `C2CPairUnreadCount` gives, for every peer whose messages are on the page, the server's
 * unread count of that conversation: Tencent's SDKs set the conversation's unreadCount from it
 * (chat 3.x counts nothing itself during the login sync; tim-js-sdk 2.x only counts messages
 * not older than the conversation's last message). Later syncs (reconnect, Flag 1) leave it
 * out: the SDKs count those messages themselves, and a count taken here could overwrite a
 * push that arrived meanwhile.
 */
const getmsg: CommandHandler = async (core, ctx, body) => {
  const me = ctx.account.userId;
  const loginSync = decodeSyncCookie(body.Cookie).mode !== 'stream';
  const page = await core.messaging.sync(ctx.app, me, body.Cookie);
  const msgList = [];
  const eventArray = [];
  const senders = new Set<string>();
  for (const e of page.events) {
    if (e.kind === 'msg') {
      msgList.push(toC2cMsg(e.message, e.cursor));
      if (loginSync && e.message.from !== me) senders.add(e.message.from);
    }
    // Tencent's SDK reads recalls during sync only as "signalling" entries inside MsgList.
    else if (e.kind === 'recall') msgList.push({ NoticeSeq: e.cursor, EventArray: [toNotifyEvent(me, e)] });
    else eventArray.push(toNotifyEvent(me, e));
  }
  const pairUnread = [];
  for (const peer of senders) {
    const c = await core.messaging.conversation(ctx.app, me, peer);
    pairUnread.push({ From_Account: peer, UnreadCount: c?.unread ?? 0 });
  }
  const out: Body = { Cookie: page.cookie, SyncFlag: page.complete ? 2 : 1, MsgList: msgList, EventArray: eventArray };
  if (loginSync) out.C2CPairUnreadCount = pairUnread;
  return out;
};

/**
 * History, newest page first, each page oldest → newest. The reply's top-level MsgKey and
 * LastMsgTime (the oldest message returned) come back verbatim as the next page's cursor;
 * Parley's own clients may send the conversation seq as LastMsgSeq instead.
 */
const getroammsg: CommandHandler = async (core, ctx, body) => {
  const peer = body.Peer_Account;
  if (typeof peer !== 'string') throw new ImError('REQ_INVALID_PARAM', 'Peer_Account must be a string');
  if (body.GetDirection === 1) return getroammsgForward(core, ctx, peer, body);
  let before = uint(body.LastMsgSeq) || undefined;
  if (before === undefined && body.MsgKey !== undefined && body.MsgKey !== '') {
    const key = parseMsgKey(body.MsgKey);
    if (!key) throw new ImError('MSG_BAD_MSGKEY');
    const anchor = await core.messaging.findByClientSeq(ctx.app, ctx.account.userId, peer, key.seq, key.random);
    if (!anchor) throw new ImError('MSG_BAD_MSGKEY', 'MsgKey names no message of this conversation');
    before = anchor.seq;
  }
  const max = uint(body.MaxCnt) ?? 15;
  const { messages, complete } = await core.messaging.history(ctx.app, ctx.account.userId, peer, before, max);
  const oldest = messages[0];
  return {
    Complete: complete ? 1 : 0,
    MaxCnt: messages.length,
    MsgCnt: messages.length,
    LastMsgTime: oldest?.time ?? 0,
    MsgKey: oldest ? msgKeyOf(oldest) : '',
    LastMsgSeq: oldest?.seq ?? 0,
    MsgList: messages.map((m) => toC2cMsg(m)),
  };
};

/**
 * getroammsg with GetDirection 1: the messages after a point, oldest first. Tencent's SDKs use
 * it after a reconnect to fetch what arrived while they were away (LastMsgTime = their newest
 * message's time, then the newest time of each page until Complete) and emit those messages
 * as new, so the page must start right after that point, not at the newest message.
 * The point is MsgKey's message when given, else the first message at or after LastMsgTime
 * (found by bisecting the gap-free conversation sequence; times follow it to the second).
 */
async function getroammsgForward(core: Core, ctx: ClientContext, peer: string, body: Body): Promise<Body> {
  const me = ctx.account.userId;
  const max = Math.min(100, uint(body.MaxCnt) || 15);
  const lastSeq = (await core.messaging.conversation(ctx.app, me, peer))?.lastSeq ?? 0;
  const timeAt = async (seq: number) => (await core.store.getMessage(ctx.app.sdkAppId, me, peer, seq))?.time ?? 0;
  /** The first seq whose message is later than `t` (or, with `orAt`, at `t`); lastSeq + 1 when none. */
  const firstAfter = async (t: number, orAt: boolean) => {
    let lo = 1;
    let hi = lastSeq + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const time = await timeAt(mid);
      if (time > t || (orAt && time === t)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  let start: number;
  if (typeof body.MsgKey === 'string' && body.MsgKey !== '') {
    const key = parseMsgKey(body.MsgKey);
    if (!key) throw new ImError('MSG_BAD_MSGKEY');
    const anchor = await core.messaging.findByClientSeq(ctx.app, me, peer, key.seq, key.random);
    if (!anchor) throw new ImError('MSG_BAD_MSGKEY', 'MsgKey names no message of this conversation');
    start = anchor.seq + 1;
  } else {
    const t = uint(body.LastMsgTime) ?? 0;
    start = await firstAfter(t, true);
    // A full page all stamped `t` would bring the caller back to `t` forever: move past it
    // (the rest of that second still reaches the client through getmsg).
    if (start + max - 1 < lastSeq && (await timeAt(start + max - 1)) <= t) start = await firstAfter(t, false);
  }
  const end = Math.min(lastSeq, start + max - 1);
  const messages = end >= start ? (await core.messaging.history(ctx.app, me, peer, end + 1, end - start + 1)).messages : [];
  const newest = messages.at(-1);
  return {
    Complete: end >= lastSeq ? 1 : 0,
    MaxCnt: messages.length,
    MsgCnt: messages.length,
    LastMsgTime: newest?.time ?? uint(body.LastMsgTime) ?? 0,
    MsgKey: newest ? msgKeyOf(newest) : '',
    LastMsgSeq: newest?.seq ?? 0,
    MsgList: messages.map((m) => toC2cMsg(m)),
  };
}

/**
 * Acting on the user's own stream (read, recall, delete) adds an event this instance is not
 * pushed; like sendmsg, the reply names its cursor as `NoticeSeq` (Parley) so the client does
 * not take the next push for a gap. Tencent's SDKs ignore the field.
 */
function withNoticeSeq(out: Body, cursor: number | undefined): Body {
  if (cursor !== undefined) out.NoticeSeq = cursor;
  return out;
}

const msgreaded: CommandHandler = async (core, ctx, body) => {
  const wrapper = (body.C2CMsgReaded ?? body) as Body;
  const items = wrapper.C2CMsgReadedItem;
  if (!Array.isArray(items)) throw new ImError('REQ_INVALID_PARAM', 'C2CMsgReaded.C2CMsgReadedItem must be an array');
  let cursor: number | undefined;
  for (const item of items as Body[]) {
    const peer = item.To_Account ?? item.Peer_Account;
    const r = await core.messaging.markRead(ctx.app, ctx.account.userId, peer, uint(item.LastedMsgSeq) || undefined, ctx.instId);
    cursor = r.actorCursor ?? cursor;
  }
  return withNoticeSeq({}, cursor);
};

const getPeerReadTime: CommandHandler = async (core, ctx, body) => {
  const peers = stringList(body.To_Account ?? body.Peer_Account ?? [], 'To_Account', 100);
  const times: number[] = [];
  const seqs: number[] = [];
  for (const peer of peers) {
    const c = await core.messaging.conversation(ctx.app, ctx.account.userId, peer);
    times.push(c?.peerReadTime ?? 0);
    seqs.push(c?.peerReadSeq ?? 0);
  }
  // Tencent's shape: ReadTime parallel to To_Account. PeerReadSeq is Parley's exact position.
  return { ReadTime: times, PeerReadSeq: seqs };
};

/** Recall. Tencent's SDKs send MsgInfo with the sender's MsgSeq + MsgRandom; Parley's may send ConvSeq. */
const msgwithdraw: CommandHandler = async (core, ctx, body) => {
  const info = (typeof body.MsgInfo === 'object' && body.MsgInfo !== null ? body.MsgInfo : body) as Body;
  checkSelf(ctx, 'From_Account', info.From_Account);
  const peer = info.To_Account ?? info.Peer_Account;
  const key = info.MsgKey === undefined ? undefined : parseMsgKey(info.MsgKey);
  if (info.MsgKey !== undefined && !key) throw new ImError('MSG_BAD_MSGKEY');
  const convSeq = uint(info.ConvSeq);
  const clientSeq = uint(info.MsgSeq) ?? key?.seq;
  const random = uint(info.MsgRandom) ?? key?.random;
  if (convSeq === undefined && (clientSeq === undefined || random === undefined)) {
    throw new ImError('MSG_BAD_MSGKEY', 'MsgSeq and MsgRandom (or MsgKey) are required');
  }
  const target = convSeq !== undefined ? { seq: convSeq, random } : { clientSeq, random };
  const r = await core.messaging.recall(ctx.app, ctx.account.userId, peer, target, { originInstId: ctx.instId });
  return withNoticeSeq({}, r.actorCursor);
};

const pageGet: CommandHandler = async (core, ctx, body) => {
  const start = uint(body.StartIndex) ?? 0;
  const count = Math.min(uint(body.Count) ?? 100, 100) || 100;
  const { conversations, complete } = await core.messaging.conversations(ctx.app, ctx.account.userId, start, count);
  return {
    CompleteFlag: complete ? 1 : 0,
    TimeStamp: Math.floor(Date.now() / 1000),
    StartIndex: start + conversations.length,
    TopTimeStamp: 0,
    TopStartIndex: 0,
    SessionItem: await Promise.all(
      conversations.map(async (c) => {
        const peer = await core.store.getAccount(ctx.app.sdkAppId, c.peer);
        return toSessionItem(c, peer?.nick, peer?.faceUrl);
      }),
    ),
  };
};

/** tim-js-sdk 2.10's deleteConversation: one peer. */
const recentContactDelete: CommandHandler = async (core, ctx, body) => {
  checkSelf(ctx, 'From_Account', body.From_Account);
  const r = await core.messaging.deleteConversation(ctx.app, ctx.account.userId, body.To_Account ?? body.Peer_Account, ctx.instId);
  return withNoticeSeq({}, r.actorCursor);
};

/** tim-js-sdk 2.27 / chat 3.x deleteConversation: a list, answered per item. */
const recentContactBatchDelete: CommandHandler = async (core, ctx, body) => {
  checkSelf(ctx, 'From_Account', body.From_Account);
  if (!Array.isArray(body.ContactItem) || body.ContactItem.length > 100) throw new ImError('REQ_INVALID_PARAM', 'ContactItem must be an array of at most 100 items');
  const results = [];
  let cursor: number | undefined;
  for (const item of body.ContactItem as Body[]) {
    const peer = item?.To_Account;
    if (item?.Type !== undefined && item.Type !== 1) {
      results.push({ ResultCode: 70402, ResultInfo: 'only C2C conversations (Type 1) exist', Type: item.Type, To_Account: peer });
      continue;
    }
    try {
      const r = await core.messaging.deleteConversation(ctx.app, ctx.account.userId, peer, ctx.instId);
      cursor = r.actorCursor ?? cursor;
      results.push({ ResultCode: 0, ResultInfo: '', Type: 1, To_Account: peer });
    } catch (err) {
      if (!(err instanceof ImError)) throw err;
      results.push({ ResultCode: err.tim, ResultInfo: err.message, Type: 1, To_Account: peer });
    }
  }
  return withNoticeSeq({ ResultItem: results }, cursor);
};

/** profile.portrait_get through either door; TagList, when given, picks the tags returned. */
export const portraitGet: SharedCommandHandler = async (core, ctx, body) => {
  const wanted =
    body.UserItem !== undefined
      ? (body.UserItem as Body[]).map((u) => u?.To_Account)
      : body.To_Account !== undefined || isAdminContext(ctx)
        ? body.To_Account
        : [ctx.account.userId];
  const ids = stringList(wanted, 'To_Account', 100);
  const tags = Array.isArray(body.TagList) && body.TagList.length > 0 ? new Set(body.TagList) : undefined;
  const items = [];
  const fail: string[] = [];
  for (const id of ids) {
    const acc = await core.store.getAccount(ctx.app.sdkAppId, id);
    if (!acc) {
      fail.push(id);
      continue;
    }
    const profile = profileItems(acc).filter((p) => !tags || tags.has(p.Tag));
    items.push({ To_Account: id, ProfileItem: profile, ResultCode: 0, ResultInfo: '', StandardSequence: 0, CustomSequence: 0 });
  }
  return { UserProfileItem: items, Fail_Account: fail, Invalid_Account: [], ErrorDisplay: '' };
};

/** profile.portrait_set through either door: a client sets its own profile, the back end anyone's (From_Account). */
export const portraitSet: SharedCommandHandler = async (core, ctx, body) => {
  let userId: string;
  if (isAdminContext(ctx)) {
    checkUserId(body.From_Account);
    userId = body.From_Account;
  } else {
    checkSelf(ctx, 'From_Account', body.From_Account);
    userId = ctx.account.userId;
  }
  const acc = await core.store.getAccount(ctx.app.sdkAppId, userId);
  if (!acc) throw new ImError('PROFILE_ACCOUNT_NOT_FOUND', `account "${userId}" does not exist`);
  await core.store.updateAccount(applyProfileItems(acc, body.ProfileItem));
  return {};
};

const typing: CommandHandler = async (core, ctx, body) => {
  await core.messaging.typing(ctx.app, ctx.account.userId, body.To_Account);
  return {};
};

/** The push acknowledgement Tencent's SDK sends for NeedAck pushes; delivery state lives in the stream. */
const pushAck: CommandHandler = async () => ({});

/**
 * Commands Tencent's SDKs send while logging in that cover features Parley does not have
 * (groups, friends, paid-feature bits, telemetry). Each answer is an empty, well-formed
 * result; docs/protocol.md lists them as "answered empty".
 */
export const ANSWERED_EMPTY: Record<string, Body> = {
  'sns.black_list_get': { BlackListItem: [], StartIndex: 0, CurruentSequence: 0 },
  'sns.friend_get_all': { UserDataItem: [], FriendNum: 0, StartIndex: 0, CompleteFlag: 1, CurrentStandardSequence: 0, CurrentCustomSequence: 0 },
  'sns.friend_get': { UserDataItem: [], FriendNum: 0, StartIndex: 0, CompleteFlag: 1 },
  'sns.group_get': { ResultItem: [], CurrentSequence: 0 },
  'sns.pendency_get': { PendencyItem: [], StartTime: 0, TimeStamp: 0, UnreadPendencyCount: 0, CompleteFlag: 1 },
  'openim.authkey': { AuthKey: '', ExpireTime: 0, IpList: [] },
  'im_sdk_config_mgr.fetch_config': {},
  'im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2': {},
  'recentcontact.get_contact_group': {},
  'openim.get_c2c_peer_mute_notifications': { UserIdList: [] },
  'group_open_http_svc.get_joined_group_list': { GroupIdList: [], TotalCount: 0 },
  'million_group_open_http_svc.get_joined_group_list': { GroupIdList: [], TotalCount: 0 },
  'group_open_http_svc.get_pendency': { PendencyList: [], NextStartTime: 0, UnReadCount: 0, TotalNum: 0 },
  'imopenstat.tim_web_report_v2': {},
  'imopenstat.tim_web_report': {},
  'imopenstat.web_report': {},
};

/** Every command a logged-in client may send, by Tencent's `<service>.<command>` name. */
export const CLIENT_COMMANDS: Record<string, CommandHandler> = {
  'openim.sendmsg': sendmsg,
  'openim.getmsg': getmsg,
  'openim.getroammsg': getroammsg,
  'openim.msgreaded': msgreaded,
  'openim.get_peer_read_time': getPeerReadTime,
  'openim.msgwithdraw': msgwithdraw,
  'openim.ws_msg_push_ack': pushAck,
  'openim.typing': typing,
  'recentcontact.page_get': pageGet,
  'recentcontact.delete': recentContactDelete,
  'recentcontact.batch_delete': recentContactBatchDelete,
  'profile.portrait_get_all': portraitGet,
  'profile.portrait_get': portraitGet,
  'profile.portrait_set': portraitSet,
};

/** Find the handler for a command name; undefined when unknown. */
export function findCommand(servcmd: string): CommandHandler | undefined {
  const h = CLIENT_COMMANDS[servcmd];
  if (h) return h;
  const empty = ANSWERED_EMPTY[servcmd];
  if (empty) return async () => ({ ...empty });
  return undefined;
}

export { eventsToPushBody };
