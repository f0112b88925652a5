// Login is unauthenticated input: anything a client sends as a UserSig must come back as a
// result (never an exception) and cost bounded memory.
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { verifyUserSig, type VerifyUserSigResult } from '../../src/index.ts';
import { hmacBase64, packBytes, packText, signedText, tencentBase64 } from '../support/tencent-ticket.ts';

const SDKAPPID = 1400000000;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const T = 1_700_000_000;
const verify = (userSig: string): VerifyUserSigResult =>
  verifyUserSig({ sdkAppId: SDKAPPID, secretKey: KEY, userId: 'xiaojun', userSig, now: T });
const expectMalformed = (userSig: string, message?: RegExp) => {
  const result = verify(userSig);
  expect(result).toMatchObject({ ok: false, reason: 'malformed', code: 70003 });
  if (message && !result.ok) expect(result.message).toMatch(message);
};

const untencent = (s: string) =>
  Buffer.from(s.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '='), 'base64');

/** Deterministic PRNG (mulberry32) so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const validDoc = {
  'TLS.ver': '2.0',
  'TLS.identifier': 'xiaojun',
  'TLS.sdkappid': SDKAPPID,
  'TLS.time': T,
  'TLS.expire': 3600,
  'TLS.sig': hmacBase64(KEY, signedText({ identifier: 'xiaojun', sdkappid: SDKAPPID, time: T, expire: 3600 })),
};

describe('verifyUserSig on hostile input', () => {
  it('accepts the untampered control ticket', () => {
    expect(verify(packText(JSON.stringify(validDoc))).ok).toBe(true);
  });

  it('refuses input longer than 8 KB before decoding it', () => {
    const valid = packText(JSON.stringify(validDoc));
    expectMalformed(valid + '*'.repeat(8193 - valid.length), /longer than 8192/);
    // At exactly 8192 characters the length check passes and decoding decides.
    expectMalformed('A'.repeat(8192), /zlib/);
  });

  it('stops a deflate bomb at the inflate limit', () => {
    const bomb = packBytes(Buffer.alloc(4 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(8192); // so it is the inflate cap, not the length check, that stops it
    expectMalformed(bomb, /inflates to more than 16384 bytes/);
  });

  it('refuses a ticket padded past the inflate limit with JSON whitespace', () => {
    expectMalformed(packText(JSON.stringify(validDoc) + ' '.repeat(16384)), /inflates/);
  });

  it.each([
    ['bad base64 characters', 'eJyr!!!!'],
    ['base64 with a lone trailing character', 'eJyrV'],
    ['padding in the middle', 'eJ__eJyr'],
    ['valid base64 of random bytes', tencentBase64(Buffer.from('this is not zlib at all'))],
    ['raw deflate without the zlib header', tencentBase64(deflateRawSync(JSON.stringify(validDoc)))],
    ['gzip instead of zlib', tencentBase64(gzipSync(JSON.stringify(validDoc)))],
    ['a truncated zlib stream', tencentBase64(deflateSync(JSON.stringify(validDoc)).subarray(0, 40))],
    ['zlib of non-JSON text', packText('TLS.identifier:xiaojun\n')],
    ['zlib of invalid UTF-8', packBytes(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))],
    ['zlib of a JSON array', packText('[1,2,3]')],
    ['zlib of JSON null', packText('null')],
    ['zlib of a JSON string', packText('"eJ"')],
    ['zlib of nothing', packBytes(Buffer.alloc(0))],
    ['whitespace', '   '],
  ])('returns malformed for %s', (_what, userSig) => {
    expectMalformed(userSig);
  });

  it('detects a damaged Adler-32 checksum', () => {
    const z = deflateSync(JSON.stringify(validDoc));
    z.writeUInt8(z.readUInt8(z.length - 1) ^ 1, z.length - 1);
    expectMalformed(tencentBase64(z), /zlib/);
  });

  it.each([
    ['TLS.ver', undefined],
    ['TLS.ver', 2],
    ['TLS.ver', '2'],
    ['TLS.ver', '1.0'],
    ['TLS.identifier', undefined],
    ['TLS.identifier', 42],
    ['TLS.identifier', null],
    ['TLS.sdkappid', undefined],
    ['TLS.sdkappid', '1400000000'],
    ['TLS.sdkappid', 1400000000.5],
    ['TLS.sdkappid', -1],
    ['TLS.time', String(T)],
    ['TLS.time', 1e21],
    ['TLS.time', undefined],
    ['TLS.expire', '3600'],
    ['TLS.expire', -3600],
    ['TLS.expire', 3600.5],
    ['TLS.expire', [3600]],
    ['TLS.sig', undefined],
    ['TLS.sig', 12345],
    ['TLS.userbuf', 123],
    ['TLS.userbuf', null],
    ['TLS.userbuf', 'not base64!'],
    ['TLS.userbuf', 'AAEC\nAw=='],
    ['TLS.userbuf', 'AAECAw'],
  ])('returns malformed when %s is %j', (field, value) => {
    const doc: Record<string, unknown> = { ...validDoc, [field]: value };
    if (value === undefined) delete doc[field];
    expectMalformed(packText(JSON.stringify(doc)), new RegExp(field.replace('.', '\\.')));
  });

  it('never throws on random strings (seeded)', () => {
    const next = prng(0x5eed);
    const alphabets = [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=',
      '\u0000\n\t "{}[]:,\\测试😀\ud800',
    ];
    for (let i = 0; i < 2000; i++) {
      const alphabet = [...(alphabets[i % alphabets.length] ?? '')];
      const length = Math.floor(next() * 300);
      let s = i % 2 === 0 ? 'eJ' : '';
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(next() * alphabet.length)] ?? '';
      const result = verify(s);
      expect(result.ok, s).toBe(false);
    }
  });

  it('never throws on random bytes behind a valid zlib wrapper (seeded)', () => {
    const next = prng(42);
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
      expectMalformed(packBytes(bytes));
    }
  });

  it('never throws when single characters of a valid ticket are changed (seeded)', () => {
    const valid = packText(JSON.stringify(validDoc));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_';
    const next = prng(7);
    for (let i = 0; i < 500; i++) {
      const at = Math.floor(next() * valid.length);
      const c = alphabet[Math.floor(next() * alphabet.length)] ?? 'A';
      const mutated = valid.slice(0, at) + c + valid.slice(at + 1);
      const result = verify(mutated);
      // Only a change confined to the unused low bits of the last base64 group keeps the bytes
      // (and so the ticket) intact; every other change must be refused.
      if (result.ok) expect(untencent(mutated)).toEqual(untencent(valid));
    }
  });
});
