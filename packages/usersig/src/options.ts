/**
 * Checks for the server-side options of genUserSig/verifyUserSig. A bad SDKAppID, key or clock
 * is a deployment bug, so it throws at once (TypeError/RangeError) instead of surfacing later
 * as every user's login failing with a signature error.
 */

/** Throws unless `sdkAppId` is a positive safe integer. */
export function assertSdkAppId(sdkAppId: unknown): asserts sdkAppId is number {
  if (typeof sdkAppId !== 'number') throw new TypeError('sdkAppId must be a number');
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) {
    throw new RangeError('sdkAppId must be a positive integer');
  }
}

/** Throws unless `secretKey` is a non-empty string. */
export function assertSecretKey(secretKey: unknown): asserts secretKey is string {
  if (typeof secretKey !== 'string') throw new TypeError('secretKey must be a string');
  // An empty HMAC key is accepted by node:crypto; signing with it would let anyone mint tickets.
  if (secretKey.length === 0) throw new RangeError('secretKey must not be empty');
}

/** Throws unless `value` is a non-negative safe integer (unix seconds, or a duration). */
export function assertSeconds(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer number of seconds`);
  }
}

/** Throws unless `value` is a Uint8Array (Buffer included). */
export function assertBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array or Buffer`);
}

/** The current unix time in whole seconds, as Tencent's generators compute it. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
