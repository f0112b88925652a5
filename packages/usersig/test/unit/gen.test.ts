import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { genUserSig, verifyUserSig, type GenUserSigOptions } from '../../src/index.ts';
import { inflateUserSig } from '../support/tencent-ticket.ts';

const base = { sdkAppId: 1400000000, secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e', userId: 'xiaojun' };
const fieldsOf = (userSig: string) => JSON.parse(inflateUserSig(userSig)) as Record<string, unknown>;

describe('genUserSig', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('defaults to 180 days of validity and the current whole second', () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_999);
    const fields = fieldsOf(genUserSig(base));
    expect(fields['TLS.expire']).toBe(180 * 86400);
    expect(fields['TLS.expire']).toBe(15_552_000);
    expect(fields['TLS.time']).toBe(1_700_000_000);
  });

  it('writes Tencent Node field order with TLS.ver "2.0" and a zlib header (starts with eJ)', () => {
    const userSig = genUserSig({ ...base, now: 1, expireSeconds: 2 });
    expect(userSig.startsWith('eJ')).toBe(true);
    expect(Object.keys(fieldsOf(userSig))).toEqual(['TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.time', 'TLS.expire', 'TLS.sig']);
    expect(fieldsOf(userSig)['TLS.ver']).toBe('2.0');
  });

  it('keeps a CJK identifier as raw UTF-8 and verifies it', () => {
    const userSig = genUserSig({ ...base, userId: '测试用户', now: 1_700_000_000 });
    expect(inflateUserSig(userSig)).toContain('"TLS.identifier":"测试用户"');
    expect(verifyUserSig({ ...base, userId: '测试用户', userSig, now: 1_700_000_000 }).ok).toBe(true);
  });

  it('encodes only the bytes of a userBuf view, not its whole backing buffer', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const userSig = genUserSig({ ...base, now: 5, userBuf: backing.subarray(2, 5) });
    expect(fieldsOf(userSig)['TLS.userbuf']).toBe('AQID');
    expect(verifyUserSig({ ...base, userSig, now: 5 })).toMatchObject({ ok: true, userBuf: new Uint8Array([1, 2, 3]) });
  });

  it('treats userBuf: null like no userbuf', () => {
    const userSig = genUserSig({ ...base, now: 5, userBuf: null as unknown as undefined });
    expect(fieldsOf(userSig)).not.toHaveProperty('TLS.userbuf');
  });

  it.each<[string, Partial<GenUserSigOptions> | Record<string, unknown>, typeof TypeError | typeof RangeError]>([
    ['a string sdkAppId', { sdkAppId: '1400000000' }, TypeError],
    ['sdkAppId 0', { sdkAppId: 0 }, RangeError],
    ['an empty secretKey', { secretKey: '' }, RangeError],
    ['a missing secretKey', { secretKey: undefined }, TypeError],
    ['an empty userId', { userId: '' }, RangeError],
    ['a numeric userId', { userId: 42 }, TypeError],
    ['a fractional expireSeconds', { expireSeconds: 1.5 }, RangeError],
    ['a negative expireSeconds', { expireSeconds: -1 }, RangeError],
    ['now in milliseconds with a fraction', { now: Date.now() / 1000 }, RangeError],
    ['a string userBuf', { userBuf: 'AQID' }, TypeError],
  ])('throws on %s', (_what, patch, ErrorType) => {
    expect(() => genUserSig({ ...base, ...patch } as GenUserSigOptions)).toThrow(ErrorType);
  });

  it('refuses to issue a ticket the verifier would refuse as oversized', () => {
    // Incompressible: the base64 ticket grows past 8192 characters.
    const noise = createHash('shake256', { outputLength: 7000 }).update('noise').digest();
    expect(() => genUserSig({ ...base, userBuf: noise })).toThrow(RangeError);
    // Compressible: a short ticket whose JSON would inflate past 16 KB.
    expect(() => genUserSig({ ...base, userBuf: new Uint8Array(13000) })).toThrow(RangeError);
    // Comfortably inside both limits.
    const userSig = genUserSig({ ...base, now: 1, userBuf: noise.subarray(0, 4000) });
    expect(verifyUserSig({ ...base, userSig, now: 1 }).ok).toBe(true);
  });
});
