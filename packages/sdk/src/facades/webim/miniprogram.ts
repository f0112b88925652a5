/** The webim v1 namespace object on a mini program's `wx` (what webim_wx.js exports). */
import { Platform } from '@parley/protocol';
import { miniprogramTransport, onMiniprogramShow } from '../../transports/auto.miniprogram.ts';
import type { WxLike } from '../../transports/wx.ts';
import { createWebim as createWebimOn } from './webim.ts';
import type { Webim } from './webim.ts';

/** A webim object on `wxApi` (the host's `wx` by default). */
export function createMiniprogramWebim(wxApi?: WxLike): Webim {
  return createWebimOn({
    transport: (mode) => miniprogramTransport(wxApi, mode),
    platform: Platform.WeChatMiniProgram,
    console: typeof console !== 'undefined' ? console : undefined,
    // Back in the foreground: reconnect at once (the socket may have died in the background) and pull what was missed.
    onAppShow: (cb) => onMiniprogramShow(wxApi, cb),
  });
}
