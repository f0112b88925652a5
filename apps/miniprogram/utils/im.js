// The IM session of the demo, written against Tencent's webim_wx.js v1 API. Apart from the
// file it requires and the configure() line, this is the code such mini programs already have.
var config = require('./config.js');
var im = require('./webim_wx.min.js');
im.configure({ serverUrl: config.serverUrl });

var me = { identifier: '', identifierNick: '' };
var connected = false;
var subscribers = [];

// Pages subscribe to what happens: { type: 'msgs', msgs } | { type: 'conn', on } | { type: 'kicked' }.
function subscribe(fn) {
  subscribers.push(fn);
  return function () {
    subscribers = subscribers.filter(function (s) { return s !== fn; });
  };
}
function publish(ev) {
  subscribers.slice().forEach(function (fn) { fn(ev); });
}

function onConnNotify(resp) {
  switch (resp.ErrorCode) {
    case im.CONNECTION_STATUS.ON:
    case im.CONNECTION_STATUS.RECONNECT:
      connected = true;
      publish({ type: 'conn', on: true });
      break;
    case im.CONNECTION_STATUS.OFF:
      connected = false;
      im.Log.warn('连接已断开，无法收到新消息，请检查下您的网络是否正常');
      publish({ type: 'conn', on: false });
      break;
    default:
      im.Log.error('未知连接状态: =' + resp.ErrorCode);
  }
}

function onMsgNotify(newMsgList) {
  publish({ type: 'msgs', msgs: newMsgList });
}

function onKickedEventCall() {
  connected = false;
  publish({ type: 'kicked' });
}

// Ask our back end for a UserSig: Parley's demo endpoint plays that part (`parley serve --demo`).
function fetchUserSig(userID, cb) {
  wx.request({
    url: config.serverUrl + '/demo/usersig',
    method: 'POST',
    data: JSON.stringify({ userID: userID }),
    header: { 'content-type': 'application/json' },
    success: function (res) {
      var body = typeof res.data === 'string' ? JSON.parse(res.data) : res.data;
      if (res.statusCode === 200 && body && body.userSig) cb(null, body);
      else cb(new Error((body && body.message) || 'no UserSig (is the server running with --demo?)'));
    },
    fail: function (err) { cb(new Error(err.errMsg)); },
  });
}

function login(userID, nick, cb) {
  fetchUserSig(userID, function (err, sig) {
    if (err) return cb(err);
    var loginInfo = {
      sdkAppID: sig.sdkAppId,
      appIDAt3rd: sig.sdkAppId,
      accountType: 1,
      identifier: userID,
      identifierNick: nick || userID,
      userSig: sig.userSig,
    };
    if (im.checkLogin()) return cb(null);
    im.login(loginInfo, { onConnNotify: onConnNotify, onMsgNotify: onMsgNotify, onKickedEventCall: onKickedEventCall }, { isAccessFormalEnv: true, isLogOn: false },
      function (resp) {
        me.identifier = userID;
        me.identifierNick = resp.identifierNick || userID;
        cb(null);
      },
      function (e) { cb(new Error(e.ErrorInfo)); });
  });
}

function textOf(msg) {
  return msg.getElems().map(function (e) {
    var c = e.getContent();
    if (e.getType() === im.MSG_ELEMENT_TYPE.TEXT) return im.Tool.formatHtml2Text(c.getText());
    if (e.getType() === im.MSG_ELEMENT_TYPE.FACE) return c.getData();
    return '[' + e.getType().replace(/^TIM|Elem$/g, '') + ']';
  }).join('');
}

function sendText(peer, text, cb) {
  var sess = im.MsgStore.sessByTypeId(im.SESSION_TYPE.C2C, peer) || new im.Session(im.SESSION_TYPE.C2C, peer, peer, '', Math.round(Date.now() / 1000));
  var msg = new im.Msg(sess, true, -1, -1, -1, me.identifier, im.C2C_MSG_SUB_TYPE.COMMON, me.identifierNick);
  msg.addText(new im.Msg.Elem.Text(text));
  im.sendMsg(msg, function () { cb(null, msg); }, function (err) { cb(new Error(err.ErrorInfo)); });
}

module.exports = {
  im: im,
  me: me,
  isConnected: function () { return connected; },
  subscribe: subscribe,
  login: login,
  sendText: sendText,
  textOf: textOf,
};
