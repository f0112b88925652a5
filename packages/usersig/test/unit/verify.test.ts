import { describe, expect, it } from 'vitest';
import { genUserSig, verifyUserSig, type VerifyUserSigOptions } from '../../src/index.ts';
import { hmacBase64, packText, signedText } from '../support/tencent-ticket.ts';

const SDKAPPID = 1400000000;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const T = 1_700_000_000;

const sign = (userId: string, extra: { expireSeconds?: number; userBuf?: Uint8Array; secretKey?: string; sdkAppId?: number } = {}) =>
  genUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId, now: T, expireSeconds: 3600, ...extra });
const verify = (userSig: string, opts: Partial<VerifyUserSigOptions> = {}) =>
  verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', userSig, now: T, ...opts });

/** A correctly signed ticket JSON for `fields`, laid out however the test wants. */
function signedDoc(fields: { identifier: string; sdkappid: number; time: number; expire: number; userbuf?: string }) {
  return {
    'TLS.ver': '2.0',
    'TLS.identifier': fields.identifier,
    'TLS.sdkappid': fields.sdkappid,
    'TLS.time': fields.time,
    'TLS.expire': fields.expire,
    ...(fields.userbuf !== undefined && { 'TLS.userbuf': fields.userbuf }),
    'TLS.sig': hmacBase64(KEY, signedText(fields)),
  };
}
const goodFields = { identifier: 'xiaojun', sdkappid: SDKAPPID, time: T, expire: 3600 };

describe('verifyUserSig failure codes', () => {
  it.each([
    ['empty', '', {}, 70002],
    ['malformed', 'not a ticket!', {}, 70003],
    ['sdkappid_mismatch', sign('xiaojun'), { sdkAppId: SDKAPPID + 1 }, 70014],
    ['identifier_mismatch', sign('xiaojun'), { userId: 'Xiaojun' }, 70013],
    ['expired', sign('xiaojun'), { now: T + 3601 }, 70001],
    ['bad_signature', sign('xiaojun', { secretKey: `${KEY}0` }), {}, 70009],
    ['userbuf_mismatch', sign('xiaojun', { userBuf: Buffer.from('a') }), { expectUserBuf: Buffer.from('b') }, 70003],
  ] as const)('reports %s', (reason, userSig, opts, code) => {
    const result = verify(userSig, opts);
    expect(result).toMatchObject({ ok: false, reason, code });
    expect(result.ok || result.message.length > 0).toBe(true);
  });

  it('treats a missing UserSig from an untyped request body as empty', () => {
    for (const missing of [undefined, null]) {
      expect(verify(missing as unknown as string)).toMatchObject({ ok: false, reason: 'empty', code: 70002 });
    }
  });

  it('treats a non-string UserSig as malformed instead of throwing', () => {
    for (const value of [42, {}, ['eJ'], true]) {
      expect(verify(value as unknown as string)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('checks in the order decode, sdkappid, identifier, expiry, userbuf, signature', () => {
    const forged = sign('xiaojun', { secretKey: 'wrong', userBuf: Buffer.from('x') });
    const base = { expectUserBuf: Buffer.from('y') };
    expect(verify(forged, { ...base, sdkAppId: 1, userId: 'other', now: T + 1e6 })).toMatchObject({ reason: 'sdkappid_mismatch' });
    expect(verify(forged, { ...base, userId: 'other', now: T + 1e6 })).toMatchObject({ reason: 'identifier_mismatch' });
    expect(verify(forged, { ...base, now: T + 1e6 })).toMatchObject({ reason: 'expired' });
    expect(verify(forged, base)).toMatchObject({ reason: 'userbuf_mismatch' });
    expect(verify(forged)).toMatchObject({ reason: 'bad_signature' });
  });
});

describe('verifyUserSig expiry', () => {
  it('is valid at exactly time + expire and expired one second later', () => {
    const userSig = sign('xiaojun');
    expect(verify(userSig, { now: T + 3600 })).toEqual({ ok: true, time: T, expire: 3600, expireAt: T + 3600 });
    expect(verify(userSig, { now: T + 3601 })).toMatchObject({ ok: false, reason: 'expired', code: 70001 });
  });

  it('accepts a ticket issued in the future, like Tencent (no not-before check)', () => {
    expect(verify(sign('xiaojun'), { now: T - 86400 }).ok).toBe(true);
  });

  it('accepts expire 0 only at the issue second', () => {
    const userSig = sign('xiaojun', { expireSeconds: 0 });
    expect(verify(userSig).ok).toBe(true);
    expect(verify(userSig, { now: T + 1 })).toMatchObject({ reason: 'expired' });
  });

  it('uses the clock when now is omitted', () => {
    const userSig = genUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', expireSeconds: 60 });
    expect(verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', userSig }).ok).toBe(true);
    const stale = sign('xiaojun', { expireSeconds: 60 }); // issued in 2023
    expect(verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', userSig: stale })).toMatchObject({ reason: 'expired' });
  });
});

describe('verifyUserSig identifiers', () => {
  it('verifies a CJK identifier and refuses its prefix', () => {
    const userSig = sign('测试用户');
    expect(verify(userSig, { userId: '测试用户' }).ok).toBe(true);
    expect(verify(userSig, { userId: '测试' })).toMatchObject({ reason: 'identifier_mismatch' });
  });

  it('compares byte-for-byte, without Unicode normalisation', () => {
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    expect(verify(sign(nfc), { userId: nfd })).toMatchObject({ reason: 'identifier_mismatch' });
  });

  it('refuses a non-string user id from an untyped request without throwing', () => {
    expect(verify(sign('123'), { userId: 123 as unknown as string })).toMatchObject({ reason: 'identifier_mismatch' });
  });
});

describe('verifyUserSig userbuf', () => {
  it('signs over the userbuf: a ticket whose userbuf is removed or changed fails the HMAC', () => {
    const fields = { ...goodFields, userbuf: 'AAECAw==' };
    const doc = signedDoc(fields);
    expect(verify(packText(JSON.stringify(doc)))).toMatchObject({ ok: true, userBuf: new Uint8Array([0, 1, 2, 3]) });
    const { 'TLS.userbuf': _removed, ...withoutUserBuf } = doc;
    expect(verify(packText(JSON.stringify(withoutUserBuf)))).toMatchObject({ reason: 'bad_signature' });
    expect(verify(packText(JSON.stringify({ ...doc, 'TLS.userbuf': 'AAECBA==' })))).toMatchObject({ reason: 'bad_signature' });
  });

  it('does not require a userbuf unless the caller expects one', () => {
    expect(verify(sign('xiaojun', { userBuf: Buffer.from('room') })).ok).toBe(true);
    expect(verify(sign('xiaojun'), { expectUserBuf: Buffer.from('room') })).toMatchObject({ reason: 'userbuf_mismatch' });
  });
});

describe('verifyUserSig accepts every generator layout', () => {
  const fields = { ...goodFields, identifier: 'a/b测试' };
  const doc = signedDoc(fields);

  it('accepts Go-style tickets: expire before time, trailing newline, stored (level 0) zlib blocks', () => {
    const { 'TLS.time': time, 'TLS.expire': expire, ...rest } = doc;
    const go = `${JSON.stringify({ ...rest, 'TLS.expire': expire, 'TLS.time': time })}\n`;
    const userSig = packText(go, { level: 0 });
    expect(userSig.startsWith('eAE')).toBe(true); // header 78 01
    expect(verify(userSig, { userId: fields.identifier }).ok).toBe(true);
  });

  it('accepts PHP/Python-style escapes (\\/ and \\uXXXX) and pretty printing', () => {
    const escaped = JSON.stringify(doc, null, 2)
      .replaceAll('/', '\\/')
      .replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(escaped).toContain('\\u6d4b');
    expect(verify(packText(escaped, { level: 9 }), { userId: fields.identifier }).ok).toBe(true);
  });

  it('accepts tickets with the padding stripped or in the standard base64 alphabet', () => {
    const userSig = sign('xiaojun', { userBuf: Buffer.from('?>?>') });
    expect(userSig).toMatch(/_$/);
    expect(verify(userSig.replace(/_+$/, '')).ok).toBe(true);
    const standard = userSig.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
    expect(verify(standard).ok).toBe(true);
  });
});
