// Pages are built with Component() (supported by WeChat since base library 1.6.3), which
// lets miniprogram-simulate run them in tests.
var session = require('../../utils/im.js');

Component({
  data: { userID: '', busy: false, error: '' },
  methods: {
    onInput: function (e) {
      this.setData({ userID: e.detail.value.trim() });
    },
    onLogin: function () {
      var self = this;
      var userID = self.data.userID;
      if (!userID) return self.setData({ error: 'Enter a user ID' });
      self.setData({ busy: true, error: '' });
      session.login(userID, userID, function (err) {
        self.setData({ busy: false });
        if (err) return self.setData({ error: err.message });
        wx.redirectTo({ url: '/pages/conversations/conversations' });
      });
    },
  },
});
