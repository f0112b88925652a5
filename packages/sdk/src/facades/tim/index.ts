export { EVENT, TYPES } from './constants.ts';
export type { EventName, TypesValue } from './constants.ts';
export { TimClient, defineTIM, webSocketBase } from './tim.ts';
export type { TimCreateOptions, TimStatic } from './tim.ts';
export type * from './types.ts';
