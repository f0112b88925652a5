// Our tickets checked by a few lines of node:zlib + node:crypto written from the spec, so a
// bug shared by our generator and our verifier cannot hide.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { genUserSig } from '../../src/index.ts';

/** The whole TLSSigAPIv2 check, from the spec, in one function. */
function independentVerify(userSig: string, key: string): Record<string, unknown> | null {
  const zlibBytes = Buffer.from(userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64');
  const doc = JSON.parse(inflateSync(zlibBytes).toString('utf8')) as Record<string, unknown>;
  let text = `TLS.identifier:${doc['TLS.identifier']}\nTLS.sdkappid:${doc['TLS.sdkappid']}\n`;
  text += `TLS.time:${doc['TLS.time']}\nTLS.expire:${doc['TLS.expire']}\n`;
  if ('TLS.userbuf' in doc) text += `TLS.userbuf:${doc['TLS.userbuf']}\n`;
  const want = createHmac('sha256', key).update(text).digest();
  const got = Buffer.from(String(doc['TLS.sig']), 'base64');
  return got.length === want.length && timingSafeEqual(got, want) ? doc : null;
}

const KEY = '7a40389a1844d7514d7b17d333f0423406e6c5a7eee69fb4cdc3bfd57a4de693';

describe('genUserSig checked independently', () => {
  it.each([
    ['an ASCII id', 'user_01', undefined],
    ['a CJK id', '测试用户', undefined],
    ['a userbuf', 'alice', Buffer.from('00ff10807f', 'hex')],
    ['a userbuf with every byte value', 'bob', Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
  ])('produces a valid zlib ticket with %s', (_what, userId, userBuf) => {
    const userSig = genUserSig({
      sdkAppId: 1400123456,
      secretKey: KEY,
      userId,
      expireSeconds: 600,
      now: 1_600_000_000,
      ...(userBuf && { userBuf }),
    });
    expect(userSig).toMatch(/^eJ[A-Za-z0-9*\-_]+$/);
    const doc = independentVerify(userSig, KEY);
    expect(doc).toEqual({
      'TLS.ver': '2.0',
      'TLS.identifier': userId,
      'TLS.sdkappid': 1400123456,
      'TLS.time': 1_600_000_000,
      'TLS.expire': 600,
      ...(userBuf && { 'TLS.userbuf': userBuf.toString('base64') }),
      'TLS.sig': expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
    });
    expect(independentVerify(userSig, KEY.toUpperCase())).toBeNull();
  });

  it('keys the HMAC with the key text, not its hex-decoded bytes', () => {
    const userSig = genUserSig({ sdkAppId: 1400123456, secretKey: KEY, userId: 'u', now: 1_600_000_000 });
    const doc = JSON.parse(
      inflateSync(Buffer.from(userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64')).toString(),
    ) as Record<string, unknown>;
    const text = `TLS.identifier:u\nTLS.sdkappid:1400123456\nTLS.time:1600000000\nTLS.expire:${180 * 86400}\n`;
    expect(doc['TLS.sig']).toBe(createHmac('sha256', Buffer.from(KEY, 'utf8')).update(text).digest('base64'));
    expect(doc['TLS.sig']).not.toBe(createHmac('sha256', Buffer.from(KEY, 'hex')).update(text).digest('base64'));
  });
});
