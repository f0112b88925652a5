/**
 * The JSON bodies of the callbacks, with Tencent's field names (docs/rest-api.md shows each).
 * Timestamps are unix seconds except State.StateChange's EventTime, which is milliseconds.
 */
import { formatMsgKey } from '@parley/protocol';
import type { SendDraft } from '../messaging/messaging.ts';
import type { StoredMessage } from '../store/store.ts';
import { platformName } from '../session/platform.ts';

export function beforeSendBody(d: SendDraft): Record<string, unknown> {
  const seq = d.clientSeq ?? 0;
  return {
    CallbackCommand: 'C2C.CallbackBeforeSendMsg',
    From_Account: d.from,
    To_Account: d.to,
    MsgSeq: seq,
    MsgRandom: d.random,
    MsgTime: d.time,
    MsgKey: formatMsgKey(seq, d.random, d.time),
    OnlineOnlyFlag: d.onlineOnly ? 1 : 0,
    MsgBody: d.body,
    CloudCustomData: d.cloudCustomData,
  };
}

export function afterSendBody(m: StoredMessage, onlineOnly: boolean, unreadMsgNum: number): Record<string, unknown> {
  return {
    CallbackCommand: 'C2C.CallbackAfterSendMsg',
    From_Account: m.from,
    To_Account: m.to,
    MsgSeq: m.clientSeq,
    MsgRandom: m.random,
    MsgTime: m.time,
    MsgKey: formatMsgKey(m.clientSeq, m.random, m.time),
    MsgId: m.id,
    OnlineOnlyFlag: onlineOnly ? 1 : 0,
    SendMsgResult: 0,
    ErrorInfo: 'send msg succeed',
    MsgBody: m.body,
    CloudCustomData: m.cloudCustomData,
    UnreadMsgNum: unreadMsgNum,
  };
}

export function withdrawBody(m: StoredMessage, unreadMsgNum: number): Record<string, unknown> {
  return {
    CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
    From_Account: m.from,
    To_Account: m.to,
    MsgKey: formatMsgKey(m.clientSeq, m.random, m.time),
    UnreadMsgNum: unreadMsgNum,
  };
}

export type StateAction = 'Login' | 'Logout' | 'Disconnect';
export type StateReason = 'Register' | 'Unregister' | 'LinkClose' | 'TimeOut';

/** `kickedPlatforms`: the platforms a Login pushed out (KickedDevice); empty for every other change. */
export function stateChangeBody(
  userId: string,
  action: StateAction,
  reason: StateReason,
  eventTimeMs: number,
  kickedPlatforms: readonly (number | undefined)[] = [],
): Record<string, unknown> {
  return {
    CallbackCommand: 'State.StateChange',
    EventTime: eventTimeMs,
    Info: { Action: action, To_Account: userId, Reason: reason },
    KickedDevice: kickedPlatforms.map((p) => ({ Platform: statePlatformName(p) })),
  };
}

/** OptPlatform of State.StateChange: Tencent spells iOS "IOS" in this one callback. */
export function statePlatformName(platform: unknown): string {
  const name = platformName(platform);
  return name === 'iOS' ? 'IOS' : name;
}
