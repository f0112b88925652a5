var session = require('../../utils/im.js');
var im = session.im;

function view(msg) {
  return { key: msg.getSeq() + '_' + msg.getRandom() + '_' + (msg.getIsSend() ? 1 : 0), mine: msg.getIsSend(), text: session.textOf(msg), time: msg.getTime() };
}

Component({
  data: { peer: '', messages: [], draft: '', complete: true },
  methods: {
    onLoad: function (query) {
      var self = this;
      var peer = decodeURIComponent(query.peer || '');
      self.peer = peer;
      self.cursor = { LastMsgTime: 0, MsgKey: '' };
      self.setData({ peer: peer });
      wx.setNavigationBarTitle({ title: peer });
      // Reading this conversation: unread goes to 0, and new messages count as read.
      var sess = im.MsgStore.sessByTypeId(im.SESSION_TYPE.C2C, peer) || new im.Session(im.SESSION_TYPE.C2C, peer, peer, '', 0);
      im.setAutoRead(sess, true, true);
      self.unsubscribe = session.subscribe(function (ev) {
        if (ev.type !== 'msgs') return;
        var mine = ev.msgs.filter(function (m) { return m.getSession().id() === peer; });
        if (mine.length) self.setData({ messages: self.data.messages.concat(mine.map(view)) });
      });
      self.loadHistory();
    },
    onUnload: function () {
      if (this.unsubscribe) this.unsubscribe();
      im.setAutoRead(null, false, true);
    },
    loadHistory: function () {
      var self = this;
      im.getC2CHistoryMsgs({ Peer_Account: self.peer, MaxCnt: 15, LastMsgTime: self.cursor.LastMsgTime, MsgKey: self.cursor.MsgKey }, function (resp) {
        self.cursor = { LastMsgTime: resp.LastMsgTime, MsgKey: resp.MsgKey };
        self.setData({ messages: resp.MsgList.map(view).concat(self.data.messages), complete: resp.Complete === 1 });
      }, function (err) {
        im.Log.error(err.ErrorInfo);
      });
    },
    onMore: function () {
      this.loadHistory();
    },
    onDraft: function (e) {
      this.setData({ draft: e.detail.value });
    },
    onSend: function () {
      var self = this;
      var text = self.data.draft;
      if (!text || !text.trim()) return;
      self.setData({ draft: '' });
      session.sendText(self.peer, text, function (err, msg) {
        if (err) return wx.showToast({ title: 'Not sent', icon: 'none' });
        self.setData({ messages: self.data.messages.concat([view(msg)]) });
      });
    },
  },
});
