/** The long-poll transport on `wx.request` (WeChat mini programs; the server must be on the request allow-list). */
import { longPollWith } from './long-poll.ts';
import type { HttpPost, LongPollOptions } from './long-poll.ts';
import type { TransportFactory } from './transport.ts';
import type { WxLike } from './wx.ts';

/** An HttpPost on wx.request. */
export function wxRequestPost(wx: WxLike): HttpPost {
  return ({ url, body, timeoutMs }) => {
    let task: { abort(): void } | undefined;
    let aborted = false;
    const promise = new Promise<{ status: number; text: string }>((resolve, reject) => {
      task = wx.request({
        url,
        method: 'POST',
        data: body,
        header: { 'content-type': 'application/json' },
        // Not 'json': the transport parses the text itself.
        dataType: 'text',
        responseType: 'text',
        timeout: timeoutMs,
        success: (res) => resolve({ status: res.statusCode, text: typeof res.data === 'string' ? res.data : JSON.stringify(res.data) }),
        fail: (res) => reject(new Error(aborted ? 'aborted' : (res?.errMsg ?? 'request failed'))),
      });
    });
    return {
      promise,
      abort: () => {
        aborted = true;
        task?.abort();
      },
    };
  };
}

/** Factory for the mini-program long-poll transport. */
export function miniprogramLongPoll(wx: WxLike, opts?: LongPollOptions): TransportFactory {
  return longPollWith(wxRequestPost(wx), opts);
}
