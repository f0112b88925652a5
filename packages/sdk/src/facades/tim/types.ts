/** Public object shapes of the TIM v2 facade (field names as in Tencent's tim-js-sdk). */
import type { EVENT, TYPES } from './constants.ts';

export interface TextPayload {
  text: string;
}
export interface CustomPayload {
  data: string;
  description: string;
  extension: string;
}
export interface FacePayload {
  index: number;
  data: string;
}
export interface LocationPayload {
  description: string;
  longitude: number;
  latitude: number;
}
/** Payload of element types this SDK does not create (image, audio, file, video): content fields camel-cased. */
export type OtherPayload = Record<string, unknown>;
export type MessagePayload = TextPayload | CustomPayload | FacePayload | LocationPayload | OtherPayload;

export type MessageFlow = 'in' | 'out';
export type MessageStatus = 'unSend' | 'success' | 'fail';

/** A message as TIM v2 exposes it. The SDK updates the same object as its state changes. */
export interface Message {
  ID: string;
  type: string;
  payload: MessagePayload;
  conversationID: string;
  conversationType: typeof TYPES.CONV_C2C;
  to: string;
  from: string;
  flow: MessageFlow;
  /** Server time, unix seconds. */
  time: number;
  clientTime: number;
  status: MessageStatus;
  isRevoked: boolean;
  isRead: boolean;
  isPeerRead: boolean;
  isResend: boolean;
  isDeleted: boolean;
  isModified: boolean;
  isSystemMessage: boolean;
  isBroadcastMessage: boolean;
  priority: string;
  nick: string;
  avatar: string;
  nameCard: string;
  atUserList: string[];
  cloudCustomData: string;
  needReadReceipt: boolean;
  readReceiptInfo: Record<string, unknown>;
  /** The conversation's server sequence (0 until sent). */
  sequence: number;
  clientSequence: number;
  random: number;
  protocol: 'JSON';
  /** Parley extension: the idempotency key sent as ClientMsgID. */
  clientMsgID: string;
  /** Parley extension: Tencent's "<seq>_<random>_<time>" MsgKey ('' until sent). */
  messageKey: string;
}

export interface ConversationLastMessage {
  lastTime: number;
  lastSequence: number;
  fromAccount: string;
  messageForShow: string;
  type: string;
  payload: MessagePayload;
  isRevoked: boolean;
  isPeerRead: boolean;
  cloudCustomData: string;
  nick: string;
  nameCard: string;
  onlineOnlyFlag: boolean;
}

export interface Profile {
  userID: string;
  nick: string;
  gender: string;
  birthday: number;
  location: string;
  selfSignature: string;
  allowType: string;
  language: number;
  avatar: string;
  messageSettings: number;
  adminForbidType: string;
  level: number;
  role: number;
  lastUpdatedNumber: number;
  profileCustomField: { key: string; value: string | number }[];
}

export interface Conversation {
  conversationID: string;
  type: typeof TYPES.CONV_C2C;
  /** 'C2C' has no subType; present for shape compatibility. */
  subType: string;
  unreadCount: number;
  lastMessage: ConversationLastMessage;
  /** Unix seconds up to which the peer has read this user's messages. */
  peerReadTime: number;
  userProfile: Pick<Profile, 'userID' | 'nick' | 'avatar'>;
  groupProfile: null;
  groupAtInfoList: unknown[];
  remark: string;
  isPinned: boolean;
  messageRemindType: string;
  markList: number[];
  customData: string;
  conversationGroupList: string[];
}

/** What every API promise resolves with. */
export interface TimResponse<T> {
  code: 0;
  data: T;
}

/** What API promises reject with. */
export interface TimError extends Error {
  code: number;
  message: string;
  data?: unknown;
}

export interface CreateMessageBase {
  to: string;
  conversationType: string;
  priority?: string;
  cloudCustomData?: string;
  needReadReceipt?: boolean;
}
export interface CreateTextMessageOptions extends CreateMessageBase {
  payload: { text: string };
}
export interface CreateCustomMessageOptions extends CreateMessageBase {
  payload: { data?: string; description?: string; extension?: string };
}
export interface CreateFaceMessageOptions extends CreateMessageBase {
  payload: { index: number; data?: string };
}
export interface CreateLocationMessageOptions extends CreateMessageBase {
  payload: { description?: string; longitude: number; latitude: number };
}

export interface GetMessageListOptions {
  conversationID: string;
  nextReqMessageID?: string;
  /** Default and maximum 15, as in TIM v2. */
  count?: number;
}

export interface MessageListResult {
  messageList: Message[];
  nextReqMessageID: string;
  isCompleted: boolean;
}

export interface UpdateMyProfileOptions {
  nick?: string;
  avatar?: string;
  gender?: string;
  selfSignature?: string;
  allowType?: string;
  birthday?: number;
  location?: string;
  language?: number;
  messageSettings?: number;
  adminForbidType?: string;
  level?: number;
  role?: number;
  profileCustomField?: { key: string; value: string | number }[];
}

export type NetStateValue = typeof TYPES.NET_STATE_CONNECTED | typeof TYPES.NET_STATE_CONNECTING | typeof TYPES.NET_STATE_DISCONNECTED;
export type KickedOutType =
  | typeof TYPES.KICKED_OUT_MULT_ACCOUNT
  | typeof TYPES.KICKED_OUT_MULT_DEVICE
  | typeof TYPES.KICKED_OUT_USERSIG_EXPIRED
  | typeof TYPES.KICKED_OUT_REST_API;

/** Payload of each event, keyed by event name. */
export interface TimEventData {
  [EVENT.SDK_READY]: undefined;
  [EVENT.SDK_NOT_READY]: undefined;
  [EVENT.MESSAGE_RECEIVED]: Message[];
  [EVENT.MESSAGE_MODIFIED]: Message[];
  [EVENT.MESSAGE_REVOKED]: Message[];
  [EVENT.MESSAGE_READ_BY_PEER]: Message[];
  [EVENT.CONVERSATION_LIST_UPDATED]: Conversation[];
  [EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED]: number;
  [EVENT.PROFILE_UPDATED]: Profile[];
  [EVENT.KICKED_OUT]: { type: KickedOutType };
  [EVENT.ERROR]: TimError;
  [EVENT.NET_STATE_CHANGE]: { state: NetStateValue };
  [EVENT.USER_SIG_EXPIRED]: { userID: string };
  [EVENT.TYPING]: { conversationID: string; userID: string };
}

/** What a handler receives: `{ name, data }`. */
export interface TimEvent<K extends keyof TimEventData = keyof TimEventData> {
  name: K;
  data: TimEventData[K];
}
