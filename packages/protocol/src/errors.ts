/**
 * The one error-code table shared by the server, the SDK and the docs.
 *
 * Each entry is keyed by a stable SCREAMING_SNAKE name (searchable in logs) and carries
 * `tim`: the numeric code Tencent's SDKs and REST API use for the same condition, so a
 * migrated app keeps matching on the numbers it already knows. Where Tencent has no code
 * for a condition, Parley uses its own range 100000–100999 (outside every Tencent range).
 * `retry` tells a client what to do, so reconnect logic reads the table instead of
 * comparing numbers. docs/errors.md has a row per entry; a test keeps the two in step.
 */
export type RetryPolicy = 'never' | 'reauth' | 'backoff' | 'now';

export interface ErrorSpec {
  /** Numeric code on the wire (Tencent's where one exists). */
  readonly tim: number;
  /** HTTP status for HTTP doors that do not follow Tencent's always-200 rule. */
  readonly http: number;
  /** What a client should do after this error. */
  readonly retry: RetryPolicy;
  /** Default human-readable message. */
  readonly message: string;
}

export const ErrorCodes = {
  // --- UserSig and login (Tencent 70xxx) ---
  AUTH_USERSIG_EXPIRED: { tim: 70001, http: 401, retry: 'reauth', message: 'UserSig expired' },
  AUTH_USERSIG_EMPTY: { tim: 70002, http: 401, retry: 'never', message: 'UserSig is empty' },
  AUTH_USERSIG_MALFORMED: { tim: 70003, http: 401, retry: 'never', message: 'UserSig is malformed' },
  AUTH_USERSIG_BAD_SIGNATURE: { tim: 70009, http: 401, retry: 'never', message: 'UserSig signature check failed' },
  AUTH_IDENTIFIER_MISMATCH: { tim: 70013, http: 401, retry: 'never', message: 'UserID does not match the UserSig' },
  AUTH_SDKAPPID_MISMATCH: { tim: 70014, http: 401, retry: 'never', message: 'SDKAppID does not match the UserSig' },
  AUTH_APP_NOT_FOUND: { tim: 70020, http: 401, retry: 'never', message: 'SDKAppID not found' },
  AUTH_INVALID_USERID: { tim: 70402, http: 400, retry: 'never', message: 'UserID is invalid' },
  AUTH_SESSION_INVALID: { tim: 20002, http: 401, retry: 'reauth', message: 'session credential (A2) invalid or expired' },
  AUTH_NOT_LOGGED_IN: { tim: 2024, http: 401, retry: 'never', message: 'not logged in' },
  AUTH_KICKED: { tim: 91101, http: 401, retry: 'never', message: 'kicked: the same account logged in elsewhere' },
  AUTH_ADMIN_REQUIRED: { tim: 60010, http: 403, retry: 'never', message: 'app admin required' },
  ACCOUNT_NOT_FOUND: { tim: 70107, http: 404, retry: 'never', message: 'UserID does not exist' },

  // --- Frames and requests (Tencent REST common 60xxx / 9xxxx) ---
  REQ_BAD_JSON: { tim: 90001, http: 400, retry: 'never', message: 'request body is not valid JSON' },
  REQ_UNKNOWN_COMMAND: { tim: 60009, http: 404, retry: 'never', message: 'unknown command' },
  REQ_INVALID_PARAM: { tim: 70402, http: 400, retry: 'never', message: 'invalid parameter' },
  REQ_TOO_LARGE: { tim: 93000, http: 413, retry: 'never', message: 'request packet too large' },
  REQ_RATE_LIMITED: { tim: 2996, http: 429, retry: 'backoff', message: 'too many requests' },
  REQ_ADMIN_RATE_LIMITED: { tim: 60007, http: 429, retry: 'backoff', message: 'REST API request rate exceeded' },

  // --- REST admin API door (Tencent REST common 60xxx) ---
  REST_BAD_URL: { tim: 60002, http: 400, retry: 'never', message: 'HTTP method or URL is invalid' },
  REST_BAD_JSON: { tim: 60003, http: 400, retry: 'never', message: 'request body is not valid JSON' },
  REST_IDENTIFIER_INVALID: { tim: 60004, http: 401, retry: 'never', message: 'identifier is missing or invalid' },
  REST_USERSIG_INVALID: { tim: 60005, http: 401, retry: 'never', message: 'usersig is missing or invalid' },
  REST_SDKAPPID_INVALID: { tim: 60006, http: 401, retry: 'never', message: 'sdkappid is invalid or unknown' },
  REST_SDKAPPID_MISSING: { tim: 60012, http: 400, retry: 'never', message: 'sdkappid is missing' },

  // --- Messages (Tencent 20xxx, 80xxx, 90xxx) ---
  MSG_BAD_REQUEST: { tim: 20001, http: 400, retry: 'never', message: 'message request is invalid' },
  MSG_RANDOM_MISSING: { tim: 90005, http: 400, retry: 'never', message: 'MsgRandom is missing or not an integer' },
  MSG_TOO_MANY_RECIPIENTS: { tim: 90011, http: 400, retry: 'never', message: 'more than 500 recipients in one batch' },
  MSG_TO_ACCOUNT_NOT_REGISTERED: { tim: 90012, http: 404, retry: 'never', message: 'To_Account is not registered' },
  MSG_BAD_LIFETIME: { tim: 90026, http: 400, retry: 'never', message: 'MsgLifeTime must be 0-604800 seconds' },
  MSG_FROM_ACCOUNT_NOT_FOUND: { tim: 90048, http: 404, retry: 'never', message: 'From_Account does not exist' },
  MSG_BAD_BODY: { tim: 90002, http: 400, retry: 'never', message: 'MsgBody is invalid' },
  MSG_BODY_NOT_ARRAY: { tim: 90007, http: 400, retry: 'never', message: 'MsgBody must be an array' },
  MSG_BAD_ELEMENT: { tim: 90010, http: 400, retry: 'never', message: 'message element is invalid' },
  MSG_TO_ACCOUNT_MISSING: { tim: 90003, http: 400, retry: 'never', message: 'To_Account is missing' },
  MSG_RECIPIENT_NOT_FOUND: { tim: 20003, http: 404, retry: 'never', message: 'recipient UserID does not exist' },
  MSG_TOO_LARGE: { tim: 80002, http: 413, retry: 'never', message: 'message content exceeds the size limit' },
  /** Also carries the app's own codes 120001-130000 from its before-send callback (see ImError's `tim` option). */
  MSG_BLOCKED_BY_CALLBACK: { tim: 20006, http: 403, retry: 'never', message: 'blocked by the before-send callback' },
  MSG_NOT_FOUND: { tim: 20022, http: 404, retry: 'never', message: 'message not found' },
  MSG_ALREADY_RECALLED: { tim: 20023, http: 409, retry: 'never', message: 'message already recalled' },
  MSG_RECALL_WINDOW_PASSED: { tim: 20016, http: 409, retry: 'never', message: 'recall window has passed' },
  MSG_NOT_SENDER: { tim: 100001, http: 403, retry: 'never', message: 'only the sender may recall a message' },
  MSG_BAD_MSGKEY: { tim: 90054, http: 400, retry: 'never', message: 'MsgKey is invalid' },

  // --- Profiles (Tencent 40xxx) ---
  PROFILE_BAD_PARAM: { tim: 40001, http: 400, retry: 'never', message: 'profile request is invalid' },
  PROFILE_ACCOUNT_NOT_FOUND: { tim: 40003, http: 404, retry: 'never', message: 'account of the profile does not exist' },
  PROFILE_UNKNOWN_TAG: { tim: 40009, http: 400, retry: 'never', message: 'profile tag is not supported' },
  PROFILE_VALUE_TOO_LONG: { tim: 40601, http: 400, retry: 'never', message: 'profile value exceeds 500 bytes' },

  // --- Server (Tencent 70xxx internal) ---
  INTERNAL: { tim: 70500, http: 500, retry: 'backoff', message: 'internal server error' },
  SERVER_SHUTTING_DOWN: { tim: 100002, http: 503, retry: 'backoff', message: 'server is going away' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ErrorCodes;

/** Wire shape of an error in replies: Tencent's envelope fields. */
export interface WireError {
  ActionStatus: 'FAIL';
  ErrorCode: number;
  ErrorInfo: string;
  /** Parley extension: the symbolic code, so logs and SDKs need no number lookup. */
  ErrorName?: ErrorCode;
  /** Parley extension: milliseconds to wait before retrying (rate limits). */
  RetryAfterMs?: number;
}

/** An error that crosses the wire: a code from the table plus an optional detail message. */
export class ImError extends Error {
  readonly retryAfterMs: number | undefined;
  private readonly timOverride: number | undefined;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    /** `tim`: a wire number other than the table's, for codes an app defines (its callback's 120001-130000). */
    options?: ErrorOptions & { retryAfterMs?: number; tim?: number },
  ) {
    super(message ?? ErrorCodes[code].message, options);
    this.name = 'ImError';
    this.retryAfterMs = options?.retryAfterMs;
    this.timOverride = options?.tim;
  }

  /** The numeric code on the wire. */
  get tim(): number {
    return this.timOverride ?? ErrorCodes[this.code].tim;
  }

  /** Serialise into Tencent's reply envelope. */
  toWire(): WireError {
    const w: WireError = { ActionStatus: 'FAIL', ErrorCode: this.tim, ErrorInfo: this.message, ErrorName: this.code };
    if (this.retryAfterMs !== undefined) w.RetryAfterMs = this.retryAfterMs;
    return w;
  }

  /** Rebuild from a reply envelope; unknown numbers map to INTERNAL but keep their text. */
  static fromWire(body: { ErrorCode?: number; ErrorInfo?: string; ErrorName?: string; RetryAfterMs?: number }): ImError {
    const code = errorCodeFor(body.ErrorName, body.ErrorCode);
    const own = body.ErrorCode !== undefined && body.ErrorCode >= CALLBACK_CODE_MIN && body.ErrorCode <= CALLBACK_CODE_MAX;
    const tim = own ? body.ErrorCode : undefined;
    return new ImError(code, body.ErrorInfo || undefined, { retryAfterMs: body.RetryAfterMs, tim });
  }
}

/** The range of codes an app's before-send callback may return to reject with its own code. */
export const CALLBACK_CODE_MIN = 120001;
export const CALLBACK_CODE_MAX = 130000;

const byNumber = new Map<number, ErrorCode>();
for (const [name, spec] of Object.entries(ErrorCodes) as [ErrorCode, ErrorSpec][]) {
  // Several names may share a Tencent number (e.g. 70402); the first listed wins for reverse lookup.
  if (!byNumber.has(spec.tim)) byNumber.set(spec.tim, name);
}

/** Find the symbolic code for a name or number seen on the wire. */
export function errorCodeFor(name: string | undefined, tim: number | undefined): ErrorCode {
  if (name && name in ErrorCodes) return name as ErrorCode;
  // Tencent reserves 120001-130000 for the app's own before-send callback rejections.
  if (tim !== undefined && tim >= CALLBACK_CODE_MIN && tim <= CALLBACK_CODE_MAX) return 'MSG_BLOCKED_BY_CALLBACK';
  if (tim !== undefined) return byNumber.get(tim) ?? 'INTERNAL';
  return 'INTERNAL';
}

/** True when `e` is an ImError with the given code. */
export function isImError(e: unknown, code?: ErrorCode): e is ImError {
  return e instanceof ImError && (code === undefined || e.code === code);
}
