var session = require('../../utils/im.js');
var im = session.im;

Component({
  data: { me: '', online: false, peer: '', list: [] },
  methods: {
    onLoad: function () {
      var self = this;
      self.setData({ me: session.me.identifier, online: session.isConnected() });
      self.unsubscribe = session.subscribe(function (ev) {
        if (ev.type === 'msgs') self.refresh();
        if (ev.type === 'conn') self.setData({ online: ev.on });
        if (ev.type === 'kicked') wx.reLaunch({ url: '/pages/login/login' });
      });
    },
    onShow: function () {
      this.refresh();
    },
    onUnload: function () {
      if (this.unsubscribe) this.unsubscribe();
    },
    // The conversation list with unread counts, as webim demos build it.
    refresh: function () {
      var self = this;
      im.getRecentContactList({ Count: 50 }, function (resp) {
        var list = (resp.SessionItem || [])
          .filter(function (s) { return s.To_Account && s.To_Account.indexOf('@TIM#') !== 0; })
          .map(function (s) {
            var sess = im.MsgStore.sessByTypeId(im.SESSION_TYPE.C2C, s.To_Account);
            return {
              peer: s.To_Account,
              initial: s.To_Account.slice(0, 1).toUpperCase(),
              preview: im.Tool.formatHtml2Text(s.MsgShow || ''),
              unread: sess ? sess.unread() : s.UnreadMsgCount,
            };
          });
        self.setData({ list: list });
      }, function (err) {
        im.Log.error(err.ErrorInfo);
      });
    },
    onPeerInput: function (e) {
      this.setData({ peer: e.detail.value.trim() });
    },
    onStart: function () {
      if (this.data.peer) wx.navigateTo({ url: '/pages/chat/chat?peer=' + encodeURIComponent(this.data.peer) });
    },
    onOpen: function (e) {
      wx.navigateTo({ url: '/pages/chat/chat?peer=' + encodeURIComponent(e.currentTarget.dataset.peer) });
    },
  },
});
