import { isPeerRead } from '../../core/apply.ts';
import type { ConversationRecord } from '../../core/model.ts';
import { TYPES } from './constants.ts';
import { messageForShow, payloadOf } from './message.ts';
import type { Conversation, Profile } from './types.ts';

/** A fresh TIM v2 Conversation snapshot of a record; `peer`: the peer's nick and avatar when known. */
export function toConversation(c: ConversationRecord, self: string, peer?: Pick<Profile, 'nick' | 'avatar'>): Conversation {
  const m = c.lastMessage;
  const { type, payload } = m ? payloadOf(m.elems) : { type: '', payload: {} };
  const isRevoked = m?.isRevoked ?? false;
  return {
    conversationID: c.id,
    type: TYPES.CONV_C2C,
    subType: '',
    unreadCount: c.unreadCount,
    lastMessage: {
      lastTime: m?.time ?? c.lastTime,
      lastSequence: m?.seq ?? c.lastSeq,
      fromAccount: m?.from ?? '',
      messageForShow: m ? messageForShow(type, payload, isRevoked) : '',
      type,
      payload,
      isRevoked,
      isPeerRead: !!m && m.from === self && (m.isPeerRead || isPeerRead(m, c)),
      cloudCustomData: m?.cloudCustomData ?? '',
      nick: m?.nick ?? '',
      nameCard: '',
      onlineOnlyFlag: false,
    },
    peerReadTime: c.peerReadTime,
    userProfile: { userID: c.peer, nick: peer?.nick ?? '', avatar: peer?.avatar ?? '' },
    groupProfile: null,
    groupAtInfoList: [],
    remark: '',
    isPinned: false,
    messageRemindType: '',
    markList: [],
    customData: '',
    conversationGroupList: [],
  };
}
