import { ErrorCodes, errorCodeFor } from '@parley/protocol';
import type { ErrorCode, RetryPolicy } from '@parley/protocol';

/**
 * Conditions the SDK detects by itself. They never cross the wire, so they are not in the
 * shared table; their numbers are the ones Tencent's v2 web SDK uses for the same case,
 * so apps that match on numbers keep working.
 */
export const ClientErrors = {
  CLIENT_NETWORK: { tim: 2800, retry: 'backoff', message: 'network error: the connection dropped' },
  CLIENT_TIMEOUT: { tim: 2801, retry: 'backoff', message: 'request timed out' },
  CLIENT_NOT_LOGGED_IN: { tim: 2024, retry: 'never', message: 'not logged in' },
  CLIENT_REPEAT_LOGIN: { tim: 2025, retry: 'never', message: 'already logged in' },
  CLIENT_NOT_READY: { tim: 2999, retry: 'never', message: 'SDK is not ready' },
  CLIENT_INVALID_PARAM: { tim: 2017, retry: 'never', message: 'invalid parameter' },
  CLIENT_NEED_MESSAGE: { tim: 2105, retry: 'never', message: 'a Message created by this instance is required' },
  CLIENT_INVALID_CONVERSATION: { tim: 2503, retry: 'never', message: 'invalid conversation ID' },
  CLIENT_CONVERSATION_NOT_FOUND: { tim: 2500, retry: 'never', message: 'conversation not found' },
  CLIENT_REVOKE_FAILED: { tim: 2110, retry: 'never', message: 'message revoke failed' },
  CLIENT_CLOSED: { tim: 2024, retry: 'never', message: 'logged out' },
} as const satisfies Record<string, { tim: number; retry: RetryPolicy; message: string }>;

export type ClientErrorCode = keyof typeof ClientErrors;

/**
 * The error every SDK promise rejects with: `{ code, message }` as in Tencent's SDKs, where
 * `code` is the numeric wire code, plus the symbolic `name`-style `errorCode` and the retry
 * policy from the shared table.
 */
export class SdkError extends Error {
  /** Numeric code (Tencent's number for the condition). */
  readonly code: number;
  /** Symbolic code: a name from the shared ErrorCodes table or from ClientErrors. */
  readonly errorCode: ErrorCode | ClientErrorCode;
  readonly retry: RetryPolicy;
  readonly retryAfterMs: number | undefined;
  /** Extra payload some APIs attach (e.g. the failed message). */
  data?: unknown;

  constructor(
    errorCode: ErrorCode | ClientErrorCode,
    opts: { code?: number; message?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    const spec = errorCode in ClientErrors ? ClientErrors[errorCode as ClientErrorCode] : ErrorCodes[errorCode as ErrorCode];
    super(opts.message || spec.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SdkError';
    this.errorCode = errorCode;
    this.code = opts.code ?? spec.tim;
    this.retry = spec.retry;
    this.retryAfterMs = opts.retryAfterMs;
  }

  /** Build from a reply body whose ErrorCode is not 0; the wire number is kept as-is. */
  static fromReply(body: Record<string, unknown>): SdkError {
    const num = typeof body['ErrorCode'] === 'number' ? body['ErrorCode'] : Number(body['ErrorCode']);
    const name = typeof body['ErrorName'] === 'string' ? body['ErrorName'] : undefined;
    const code = errorCodeFor(name, Number.isFinite(num) ? num : undefined);
    const info = typeof body['ErrorInfo'] === 'string' ? body['ErrorInfo'] : undefined;
    const after = typeof body['RetryAfterMs'] === 'number' ? body['RetryAfterMs'] : undefined;
    const opts: { code?: number; message?: string; retryAfterMs?: number } = {};
    if (Number.isFinite(num)) opts.code = num;
    if (info) opts.message = info;
    if (after !== undefined) opts.retryAfterMs = after;
    return new SdkError(code, opts);
  }
}

/** Client-side failure with a code from ClientErrors. */
export function clientError(code: ClientErrorCode, message?: string): SdkError {
  return new SdkError(code, message === undefined ? {} : { message });
}

/** True when the failure says nothing about the request itself (the link failed): retry it. */
export function isTransient(e: unknown): boolean {
  return e instanceof SdkError && (e.errorCode === 'CLIENT_NETWORK' || e.errorCode === 'CLIENT_TIMEOUT');
}
