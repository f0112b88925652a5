/**
 * Why a UserSig was refused, mapped to the numeric code Tencent Cloud IM returns for the same
 * condition, so servers can answer migrated clients with codes they already handle.
 *
 * Tencent documents duplicates (70001/70052 expired, 70003/70005 malformed) without saying which
 * case gets which; we use the first of each pair. Tencent has no code for a userbuf that differs
 * from the one the caller expected: the ticket is authentic but not valid for this use, which is
 * what 70003 ("illegal UserSig, generate a new one") tells a client.
 */
export const USERSIG_ERROR_CODES = {
  expired: 70001,
  empty: 70002,
  malformed: 70003,
  bad_signature: 70009,
  identifier_mismatch: 70013,
  sdkappid_mismatch: 70014,
  userbuf_mismatch: 70003,
} as const satisfies Record<string, number>;

/** Name of one way a UserSig can fail verification (a key of {@link USERSIG_ERROR_CODES}). */
export type UserSigErrorReason = keyof typeof USERSIG_ERROR_CODES;

/** Tencent's numeric code for a {@link UserSigErrorReason}. */
export type UserSigErrorCode = (typeof USERSIG_ERROR_CODES)[UserSigErrorReason];
