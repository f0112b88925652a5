/** @parley/usersig: generate and verify Tencent TLSSigAPIv2 UserSig tickets. */
export { genUserSig } from './gen.ts';
export type { GenUserSigOptions } from './gen.ts';
export { verifyUserSig } from './verify.ts';
export type { UserSigInvalid, UserSigValid, VerifyUserSigOptions, VerifyUserSigResult } from './verify.ts';
export { USERSIG_ERROR_CODES } from './errors.ts';
export type { UserSigErrorCode, UserSigErrorReason } from './errors.ts';
