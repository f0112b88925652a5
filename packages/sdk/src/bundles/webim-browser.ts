/** `webim.min.js`: the webim v1 API as the browser global `webim`. */
export { webim as default } from '../webim.ts';
