/** webim 1.7.x constants, with the values Tencent's `webim.js` / `webim_wx.js` use. */

export const CONNECTION_STATUS = { INIT: -1, ON: 0, RECONNECT: 1, OFF: 9999 } as const;
export const SESSION_TYPE = { C2C: 'C2C', GROUP: 'GROUP' } as const;
export const RECENT_CONTACT_TYPE = { C2C: 1, GROUP: 2 } as const;
export const C2C_MSG_SUB_TYPE = { COMMON: 0 } as const;
export const C2C_EVENT_SUB_TYPE = { READED: 92, KICKEDOUT: 96 } as const;
export const GROUP_MSG_SUB_TYPE = { COMMON: 0, LOVEMSG: 1, TIP: 2, REDPACKET: 3 } as const;
export const MSG_ELEMENT_TYPE = {
  TEXT: 'TIMTextElem',
  FACE: 'TIMFaceElem',
  IMAGE: 'TIMImageElem',
  CUSTOM: 'TIMCustomElem',
  SOUND: 'TIMSoundElem',
  FILE: 'TIMFileElem',
  LOCATION: 'TIMLocationElem',
  GROUP_TIP: 'TIMGroupTipElem',
} as const;
/** Message size limits in UTF-8 bytes, checked by apps (webim itself does not). */
export const MSG_MAX_LENGTH = { C2C: 12000, GROUP: 8898 } as const;
export const IMAGE_TYPE = { ORIGIN: 1, LARGE: 2, SMALL: 3 } as const;
export const TLS_ERROR_CODE = { OK: 0, SIGNATURE_EXPIRATION: 11 } as const;
export const UPLOAD_PIC_BUSSINESS_TYPE = { GROUP_MSG: 1, C2C_MSG: 2, USER_HEAD: 3, GROUP_HEAD: 4 } as const;
export const ACTION_STATUS = { OK: 'OK', FAIL: 'FAIL' } as const;
