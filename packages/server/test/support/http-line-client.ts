/**
 * HttpLineClient: Tencent's HTTP long-poll line with plain fetch, for tests that assert
 * exact replies. Logs in with identifier + usersig, then sends a2 + tinyid like the SDKs.
 */
export class HttpLineClient {
  tinyId = '';
  a2 = '';
  longPollingId = '';
  noticeSeq = 0;

  constructor(
    readonly url: string,
    readonly sdkAppId: number,
    readonly userId: string,
  ) {}

  async call(path: string, body: Record<string, unknown> = {}, query: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const q = new URLSearchParams({ sdkappid: String(this.sdkAppId), contentType: 'json', platform: '10', ...query });
    if (this.a2 && !query.usersig) {
      q.set('a2', this.a2);
      q.set('tinyid', this.tinyId);
    }
    const res = await fetch(`${this.url}/${path}?${q}`, {
      method: 'POST',
      // Tencent's web SDKs send JSON as a form content-type (a CORS simple request).
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }

  async login(userSig: string): Promise<Record<string, unknown>> {
    const r = await this.call('v4/openim/login', { State: 'Online' }, { identifier: this.userId, usersig: userSig });
    if (r.ErrorCode === 0) {
      this.tinyId = r.TinyId as string;
      this.a2 = r.A2Key as string;
      const id = await this.call('v4/openim/getlongpollingid', {});
      this.longPollingId = id.LongPollingId as string;
    }
    return r;
  }

  /** One long poll; remembers the highest NoticeSeq received, as the SDKs do. */
  async poll(): Promise<Record<string, unknown>> {
    const r = await this.call('v4/openim/longpolling', { Timeout: 60, Cookie: { NotifySeq: 0, NoticeSeq: this.noticeSeq, LongPollingId: this.longPollingId } });
    for (const e of (r.EventArray as { C2cMsgArray?: { NoticeSeq?: number }[]; C2cNotifyMsgArray?: { NoticeSeq?: number }[] }[] | undefined) ?? []) {
      for (const item of [...(e.C2cMsgArray ?? []), ...(e.C2cNotifyMsgArray ?? [])]) {
        if (typeof item.NoticeSeq === 'number' && item.NoticeSeq > this.noticeSeq) this.noticeSeq = item.NoticeSeq;
      }
    }
    return r;
  }
}
