/** Names every entry point re-exports; the entry points differ only in the default transport. */
export { EVENT, TYPES, TimClient } from './facades/tim/index.ts';
export type {
  Conversation,
  ConversationLastMessage,
  CreateCustomMessageOptions,
  CreateFaceMessageOptions,
  CreateLocationMessageOptions,
  CreateMessageBase,
  CreateTextMessageOptions,
  CustomPayload,
  EventName,
  FacePayload,
  GetMessageListOptions,
  KickedOutType,
  LocationPayload,
  Message,
  MessageFlow,
  MessageListResult,
  MessagePayload,
  MessageStatus,
  NetStateValue,
  OtherPayload,
  Profile,
  TextPayload,
  TimCreateOptions,
  TimError,
  TimEvent,
  TimEventData,
  TimResponse,
  TimStatic,
  TypesValue,
  UpdateMyProfileOptions,
} from './facades/tim/index.ts';
export { SdkError } from './core/errors.ts';
export type { Transport, TransportFactory, TransportHandlers } from './transports/transport.ts';
export { Platform } from '@parley/protocol';
