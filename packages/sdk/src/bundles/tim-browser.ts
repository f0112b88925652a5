/** `tim.min.js`: the TIM v2 API as the browser global `TIM`. */
export { TIM as default } from '../index.ts';
