/**
 * Wire frames of Tencent IM's JSON protocol, which Parley speaks so that Tencent's official
 * SDKs work unmodified (see docs/protocol.md). A frame is `{ head, body }`; `head.servcmd`
 * names the command as `<service>.<command>`, `head.seq` correlates a reply with its request,
 * and replies echo the request head. Bodies use Tencent's capitalised field names.
 */

/** Request/reply head. Only the fields Parley reads are typed; the rest are echoed untouched. */
export interface FrameHead {
  servcmd: string;
  seq?: number;
  /** Present only on login: the user and its UserSig. */
  identifier?: string;
  usersig?: string;
  /** Present after login: the session credential the server issued. */
  a2?: string;
  tinyid?: string;
  sdkappid?: number | string;
  /** Client platform code (see Platform). */
  platform?: number;
  status_instid?: number | string;
  [key: string]: unknown;
}

export interface Frame<B = Record<string, unknown>> {
  head: FrameHead;
  body: B;
}

/** Envelope fields of every reply body. */
export interface ReplyEnvelope {
  ActionStatus: 'OK' | 'FAIL' | 'SomeError';
  ErrorCode: number;
  ErrorInfo: string;
}

/** Commands a client sends. */
export const Cmd = {
  WsLogin: 'im_open_status.wslogin',
  WsLogout: 'im_open_status.wslogout',
  WsHello: 'im_open_status.wshello',
  Heartbeat: 'heartbeat.alive',
  SendMsg: 'openim.sendmsg',
  GetMsg: 'openim.getmsg',
  GetRoamMsg: 'openim.getroammsg',
  MsgReaded: 'openim.msgreaded',
  GetPeerReadTime: 'openim.get_peer_read_time',
  MsgWithdraw: 'openim.msgwithdraw',
  PushAck: 'openim.ws_msg_push_ack',
  RecentContactPageGet: 'recentcontact.page_get',
  RecentContactDelete: 'recentcontact.delete',
  PortraitGetAll: 'profile.portrait_get_all',
  PortraitGet: 'profile.portrait_get',
  PortraitSet: 'profile.portrait_set',
  /** Parley extension: ephemeral typing notice, never stored. */
  Typing: 'openim.typing',
} as const;

/** Commands the server pushes. */
export const PushCmd = {
  MsgPush: 'im_open_push.msg_push',
  ForceOffline: 'im_open_status.stat_forceoffline',
  /** Parley extension: the peer is typing (`{From_Account, To_Account}`); ephemeral, never stored. */
  Typing: 'im_open_push.typing',
} as const;

/** `Event` values inside a push's EventArray. */
export const EventType = {
  /** C2C notify: "new messages exist, call getmsg" (v1 long-poll). */
  C2cNotify: 1,
  /** C2C messages carried inline. */
  C2cMsg: 9,
  /** C2C events (read receipts, recalls, kicks) in C2cNotifyMsgArray. */
  C2cEvent: 10,
} as const;

/** SubMsgType values inside C2cNotifyMsgArray (webim's C2C_EVENT_SUB_TYPE and TIM v2's). */
export const C2cNotifySubType = {
  Readed: 0x92,
  Kicked: 0x96,
} as const;

/** KickType values of stat_forceoffline; TIM v2 maps them to KICKED_OUT types. */
export const KickType = {
  /** Same account, another instance of the same platform class ("multipleAccount"). */
  MultipleAccount: 1,
  /** Same account on a conflicting device ("multipleDevice"). */
  MultipleDevice: 2,
  /** The app's back end kicked the user through the REST API ("REST_API_Kick"). */
  RestApi: 3,
  /** Parley extension: the logged-in UserSig expired ("userSigExpired"). */
  UserSigExpired: 4,
} as const;

/** WebSocket close codes the server uses (4000–4999 is the application range). */
export const CloseCode = {
  /** Server shutting down; reconnect to another node or later. */
  GoingAway: 1001,
  /** Too many malformed frames. */
  PolicyViolation: 1008,
  /** Silent for two heartbeat intervals. */
  HeartbeatTimeout: 4000,
  /** Another login took this instance's slot, or the admin kicked the user. */
  Kicked: 4001,
  /** The UserSig behind the session expired. */
  SessionExpired: 4002,
} as const;

/**
 * Numeric platform codes in frame heads and connect URLs, as tim-js-sdk numbers them
 * (web 7; WeChat mini program 8; other mini-program hosts 9-12). Parley adds Windows.
 */
export const Platform = {
  Android: 2,
  iOS: 3,
  macOS: 4,
  /** Parley's number; Tencent's web SDK has none for Windows. */
  Windows: 5,
  Web: 7,
  WeChatMiniProgram: 8,
  QQMiniProgram: 9,
  /** Also webim v1's `platform=10` and tim-js-sdk 2.10's HTTP line. */
  WebV1: 10,
  BaiduMiniProgram: 11,
  AlipayMiniProgram: 12,
  iPad: 13,
} as const;

/** One element of a MsgBody. */
export interface MsgElem {
  MsgType: string;
  MsgContent: Record<string, unknown>;
}

/** A C2C message as it appears in pushes, getmsg and history. */
export interface C2cMsg {
  From_Account: string;
  To_Account: string;
  /** The sender's own sequence (Tencent semantics): clients match messages on it. */
  MsgSeq: number;
  MsgRandom: number;
  MsgTimeStamp: number;
  MsgKey: string;
  MsgBody: MsgElem[];
  CloudCustomData?: string;
  From_AccountNick?: string;
  /** 0 normal, 8 recalled (Tencent's MsgFlagBits). */
  MsgFlagBits?: number;
  /** The sender's clock at send; with TinyId and MsgRandom it forms the SDK's message ID. */
  MsgClientTime?: number;
  /** The sender's TinyId. */
  TinyId?: string;
  /** Parley extension: the client's idempotency key. */
  ClientMsgID?: string;
  /** Parley extension: the conversation sequence, +1 per message of the pair, gap-free. */
  ConvSeq?: number;
  /** Parley extension: the sender's per-user event cursor of this message, for sync de-duplication. */
  NoticeSeq?: number;
}

/** Tencent's MsgKey: "<MsgSeq>_<MsgRandom>_<MsgTime>" (MsgSeq being the sender's sequence). */
export function formatMsgKey(seq: number, random: number, time: number): string {
  return `${seq}_${random}_${time}`;
}

/** Parse a MsgKey; returns undefined for anything that is not three unsigned integers. */
export function parseMsgKey(key: unknown): { seq: number; random: number; time: number } | undefined {
  if (typeof key !== 'string' || !/^\d{1,15}_\d{1,15}_\d{1,15}$/.test(key)) return undefined;
  const [seq, random, time] = key.split('_').map(Number) as [number, number, number];
  return { seq, random, time };
}
