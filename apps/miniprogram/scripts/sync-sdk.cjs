// Copies the built webim_wx.min.js (npm run build) into utils/, where the pages require it.
const { copyFileSync } = require('node:fs');
const { join } = require('node:path');
const from = join(__dirname, '..', '..', '..', 'packages', 'sdk', 'dist', 'webim_wx.min.js');
copyFileSync(from, join(__dirname, '..', 'utils', 'webim_wx.min.js'));
console.log('apps/miniprogram/utils/webim_wx.min.js updated');
