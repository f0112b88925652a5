/**
 * One webhook call as Tencent makes it: POST <url>?SdkAppid=…&CallbackCommand=…&contenttype=json
 * &ClientIP=…&OptPlatform=… with a JSON body. Success means HTTP 200 with a JSON object reply;
 * anything else (status, non-JSON, network error, timeout) is a failure.
 */
import type { CallbackConfig } from '../store/store.ts';
import { SERVER_VERSION } from '../version.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signBody, tencentSign } from './signer.ts';

export interface WebhookCall {
  sdkAppId: number;
  command: string;
  /** OptPlatform, ClientIP and any other query fields. */
  query: Record<string, string>;
  /** The JSON body text, signed as is. */
  body: string;
  secretKey: string;
  config: CallbackConfig;
  /** Outbox id of an after-event, sent as X-Parley-Delivery. */
  deliveryId?: number;
}

export type CallResult = { ok: true; reply: Record<string, unknown> } | { ok: false; error: string };

/** The URL of a call: the configured URL plus Tencent's query parameters. */
export function callbackUrl(call: Pick<WebhookCall, 'sdkAppId' | 'command' | 'query' | 'config'>, nowSeconds: number): string {
  const url = new URL(call.config.url);
  url.searchParams.set('SdkAppid', String(call.sdkAppId));
  url.searchParams.set('CallbackCommand', call.command);
  url.searchParams.set('contenttype', 'json');
  url.searchParams.set('ClientIP', call.query.ClientIP ?? '');
  url.searchParams.set('OptPlatform', call.query.OptPlatform ?? 'Unknown');
  for (const [k, v] of Object.entries(call.query)) if (k !== 'ClientIP' && k !== 'OptPlatform') url.searchParams.set(k, v);
  if (call.config.token) {
    url.searchParams.set('RequestTime', String(nowSeconds));
    url.searchParams.set('Sign', tencentSign(call.config.token, nowSeconds));
  }
  return url.toString();
}

/** Make the call, waiting at most the config's timeout. Never throws. */
export async function callWebhook(call: WebhookCall): Promise<CallResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': `Parley/${SERVER_VERSION}`,
    [SIGNATURE_HEADER]: signBody(call.secretKey, call.body),
  };
  if (call.deliveryId !== undefined) headers[DELIVERY_HEADER] = String(call.deliveryId);
  try {
    const res = await fetch(callbackUrl(call, Math.floor(Date.now() / 1000)), {
      method: 'POST',
      headers,
      body: call.body,
      signal: AbortSignal.timeout(call.config.timeoutMs),
      redirect: 'error',
    });
    const text = await res.text();
    if (res.status !== 200) return { ok: false, error: `HTTP ${res.status}` };
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      return { ok: false, error: 'reply is not JSON' };
    }
    if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) return { ok: false, error: 'reply is not a JSON object' };
    return { ok: true, reply: reply as Record<string, unknown> };
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, error: `timed out after ${call.config.timeoutMs} ms` };
    return { ok: false, error: (e.cause as Error | undefined)?.message ?? e.message };
  }
}
