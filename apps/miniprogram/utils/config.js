// Where the Parley server is. On a device this must be an https:// address on the app's
// request and socket allow-lists (WeChat refuses ws:// and plain http:// there).
module.exports = {
  serverUrl: 'http://127.0.0.1:8080',
};
