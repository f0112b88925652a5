export { ErrorCodes, ImError, errorCodeFor, isImError, CALLBACK_CODE_MIN, CALLBACK_CODE_MAX } from './errors.ts';
export type { ErrorCode, ErrorSpec, RetryPolicy, WireError } from './errors.ts';
export { CloseCode, Cmd, PushCmd, EventType, C2cNotifySubType, KickType, Platform, formatMsgKey, parseMsgKey } from './frames.ts';
export type { Frame, FrameHead, ReplyEnvelope, MsgElem, C2cMsg } from './frames.ts';
export { PROTOCOL_VERSION } from './version.ts';
