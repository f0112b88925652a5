export { createWebim } from './webim.ts';
export type { Listeners, LoginInfo, LoginOptions, TransportMode, Webim, WebimConfig, WebimPlatform } from './webim.ts';
export { Msg, Session } from './msg.ts';
export { CONNECTION_STATUS, MSG_ELEMENT_TYPE, SESSION_TYPE } from './constants.ts';
