// Tickets from Tencent's official Node generator (npm tls-sig-api-v2) must verify unchanged:
// that is how apps migrating from Tencent Cloud IM keep their existing signing code.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { genUserSig, verifyUserSig } from '../../src/index.ts';
import { inflateUserSig } from '../support/tencent-ticket.ts';

/** The slice of tls-sig-api-v2's CommonJS API these tests use (it ships no types). */
interface TencentApi {
  genUserSig(userid: string, expire: number): string;
  /** The library's userbuf entry point: there is no genSigWithUserbuf in 1.0.2. */
  genSig(userid: string, expire: number, userBuf?: Buffer | null): string;
  genPrivateMapKey(userid: string, expire: number, roomid: number, privilegeMap: number): string;
  genPrivateMapKeyWithStringRoomID(userid: string, expire: number, roomstr: string, privilegeMap: number): string;
}
const require = createRequire(import.meta.url);
const { Api } = require('tls-sig-api-v2') as { Api: new (sdkappid: number, key: string) => TencentApi };

const SDKAPPID = 1400000000;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const tencent = new Api(SDKAPPID, KEY);
const T = 1_700_000_000;

/** Runs the Tencent generator with its clock (it reads Date.now) pinned to `time`. */
function atTime<R>(time: number, fn: () => R): R {
  const spy = vi.spyOn(Date, 'now').mockReturnValue(time * 1000);
  try {
    return fn();
  } finally {
    spy.mockRestore();
  }
}

describe('interop with tls-sig-api-v2', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('verifies a genUserSig ticket issued now, at the clock', () => {
    const userSig = tencent.genUserSig('xiaojun', 86400 * 180);
    expect(verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', userSig })).toMatchObject({
      ok: true,
      expire: 86400 * 180,
    });
  });

  it.each(['xiaojun', 'user_01', 'administrator', '测试用户', 'émoji-😀'])(
    'verifies a ticket for %s and produces the identical ticket itself',
    (userId) => {
      const theirs = atTime(T, () => tencent.genUserSig(userId, 3600));
      const result = verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId, userSig: theirs, now: T + 3600 });
      expect(result).toEqual({ ok: true, time: T, expire: 3600, expireAt: T + 3600 });
      // Same field order and same zlib in the same process: byte-identical tickets.
      expect(genUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId, expireSeconds: 3600, now: T })).toBe(theirs);
    },
  );

  it('verifies a genSig ticket with a userbuf and returns the bytes', () => {
    const bytes = Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0x7f, 0x80, 0x0a]);
    const theirs = atTime(T, () => tencent.genSig('xiaojun', 300, bytes));
    const result = verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', userSig: theirs, now: T, expectUserBuf: bytes });
    expect(result).toEqual({ ok: true, time: T, expire: 300, expireAt: T + 300, userBuf: new Uint8Array(bytes) });
    expect(genUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', expireSeconds: 300, now: T, userBuf: bytes })).toBe(theirs);
  });

  it('keeps an empty userbuf distinct from none, as the generator does', () => {
    const theirs = atTime(T, () => tencent.genSig('xiaojun', 300, Buffer.alloc(0)));
    expect(JSON.parse(inflateUserSig(theirs))['TLS.userbuf']).toBe('');
    const result = verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', userSig: theirs, now: T });
    expect(result).toEqual({ ok: true, time: T, expire: 300, expireAt: T + 300, userBuf: new Uint8Array(0) });
    expect(
      genUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', expireSeconds: 300, now: T, userBuf: new Uint8Array(0) }),
    ).toBe(theirs);
  });

  it('verifies PrivateMapKey tickets (numeric and string room ids) as opaque userbufs', () => {
    for (const theirs of [
      atTime(T, () => tencent.genPrivateMapKey('xiaojun', 86400, 10000, 255)),
      atTime(T, () => tencent.genPrivateMapKeyWithStringRoomID('xiaojun', 86400, 'room-abc', 42)),
    ]) {
      const result = verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', userSig: theirs, now: T });
      expect(result.ok && result.userBuf?.length).toBeGreaterThan(0);
    }
  });

  it('refuses a Tencent ticket signed with another key', () => {
    const other = new Api(SDKAPPID, KEY.replace('5bd', '6bd'));
    const userSig = atTime(T, () => other.genUserSig('xiaojun', 3600));
    expect(verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', userSig, now: T })).toMatchObject({
      ok: false,
      code: 70009,
      reason: 'bad_signature',
    });
  });
});
