/** `webim_wx.js`: the webim v1 API for WeChat mini programs, as one CommonJS file (`module.exports = webim`). */
import { createMiniprogramWebim } from '../facades/webim/miniprogram.ts';

export default createMiniprogramWebim();
