/** The long-poll transport on WHATWG fetch (browsers, Node ≥ 18). */
import { longPollWith } from './long-poll.ts';
import type { HttpPost, LongPollOptions } from './long-poll.ts';
import type { TransportFactory } from './transport.ts';

type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

/** An HttpPost on a fetch function (the global one by default). */
export function fetchPost(fetchFn?: FetchLike): HttpPost {
  return ({ url, body, timeoutMs }) => {
    const f = fetchFn ?? (globalThis as { fetch?: FetchLike }).fetch;
    const ctrl = typeof AbortController === 'function' ? new AbortController() : undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const promise = (async () => {
      if (!f) throw new TypeError('no fetch: pass one to fetchLongPoll()');
      timer = setTimeout(() => ctrl?.abort(), timeoutMs);
      try {
        // A form content-type keeps this a CORS "simple request" (no preflight), as
        // Tencent's web SDKs send it; the server parses the body as JSON regardless.
        const init: Parameters<FetchLike>[1] = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body };
        if (ctrl) init.signal = ctrl.signal;
        const res = await f(url, init);
        return { status: res.status, text: await res.text() };
      } finally {
        clearTimeout(timer);
      }
    })();
    return { promise, abort: () => ctrl?.abort() };
  };
}

/** Factory for the long-poll transport on fetch. */
export function fetchLongPoll(fetchFn?: FetchLike, opts?: LongPollOptions): TransportFactory {
  return longPollWith(fetchPost(fetchFn), opts);
}
