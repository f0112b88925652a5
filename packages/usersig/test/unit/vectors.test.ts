// The shared vectors (docs/usersig.md, "Test vectors") were made with Tencent's own Node
// generator and cross-checked by two independent verifiers; matching them is what "compatible"
// means for this package.
import { describe, expect, it } from 'vitest';
import { genUserSig, verifyUserSig } from '../../src/index.ts';
import { buildHmacContent } from '../../src/hmac.ts';
import { hmacBase64, inflateUserSig, loadVectors } from '../support/tencent-ticket.ts';

const vectors = loadVectors();
// Deflate output depends on the zlib build, so whole-ticket equality only holds on the build
// that produced the vectors; everything else is compared after inflating.
const sameZlib = vectors.meta.generatedWith.includes(`zlib ${process.versions.zlib}`);

/** Vector reason names → ours. */
const REASON: Readonly<Record<string, string>> = { sig_mismatch: 'bad_signature' };

describe('UserSig vectors from tls-sig-api-v2', () => {
  it('has the 9 positive and 10 negative cases the spec lists', () => {
    expect(vectors.positive).toHaveLength(9);
    expect(vectors.negative).toHaveLength(10);
  });

  describe.each(vectors.positive.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const userBuf = v.userbufHex === undefined ? undefined : Buffer.from(v.userbufHex, 'hex');
    const generated = () =>
      genUserSig({
        sdkAppId: v.sdkappid,
        secretKey: v.key,
        userId: v.identifier,
        expireSeconds: v.expire,
        now: v.time,
        ...(userBuf && { userBuf }),
      });

    it('is internally consistent: sigField is the HMAC of hmacContent with the key as text', () => {
      expect(hmacBase64(v.key, v.hmacContent)).toBe(v.sigField);
      expect(inflateUserSig(v.userSig)).toBe(v.json);
      expect(JSON.parse(v.json)['TLS.sig']).toBe(v.sigField);
    });

    it('builds the same HMAC text', () => {
      const content = buildHmacContent({
        identifier: v.identifier,
        sdkAppId: v.sdkappid,
        time: v.time,
        expire: v.expire,
        userBufBase64: v.userbufBase64,
      });
      expect(content).toBe(v.hmacContent);
    });

    it('generates a ticket that inflates to exactly the vector JSON (so the same sigField)', () => {
      const json = inflateUserSig(generated());
      expect(json).toBe(v.json);
      expect(JSON.parse(json)['TLS.sig']).toBe(v.sigField);
    });

    it.runIf(sameZlib)('generates the identical UserSig string on the same zlib build', () => {
      expect(generated()).toBe(v.userSig);
    });

    it('verifies the vector UserSig at its issue time', () => {
      const result = verifyUserSig({
        sdkAppId: v.sdkappid,
        secretKey: v.key,
        userId: v.identifier,
        userSig: v.userSig,
        now: v.time,
      });
      expect(result).toEqual({
        ok: true,
        time: v.time,
        expire: v.expire,
        expireAt: v.time + v.expire,
        ...(userBuf && { userBuf: new Uint8Array(userBuf) }),
      });
    });

    it('checks expectUserBuf against the userbuf the ticket carries', () => {
      const verifyExpecting = (expectUserBuf: Uint8Array) =>
        verifyUserSig({
          sdkAppId: v.sdkappid,
          secretKey: v.key,
          userId: v.identifier,
          userSig: v.userSig,
          now: v.time,
          expectUserBuf,
        });
      if (userBuf === undefined) {
        // A ticket without TLS.userbuf never satisfies an expected userbuf, even an empty one.
        expect(verifyExpecting(new Uint8Array(0))).toMatchObject({ ok: false, reason: 'userbuf_mismatch' });
      } else {
        expect(verifyExpecting(userBuf).ok).toBe(true);
        expect(verifyExpecting(Buffer.concat([userBuf, Buffer.from([0])]))).toMatchObject({
          ok: false,
          code: 70003,
          reason: 'userbuf_mismatch',
        });
      }
    });
  });

  describe.each(vectors.negative.map((v) => [v.id, v.desc, v] as const))('%s: %s', (_id, _desc, v) => {
    it(`is ${v.expect}${v.expectReason ? ` (${v.expectReason})` : ''}`, () => {
      const result = verifyUserSig({
        sdkAppId: v.sdkappid,
        secretKey: v.key,
        userId: v.identifier,
        userSig: v.usersig,
        now: v.now,
      });
      expect(result.ok).toBe(v.expect === 'valid');
      if (v.expectReason !== null && !result.ok) {
        expect(result.reason).toBe(REASON[v.expectReason] ?? v.expectReason);
      }
    });
  });
});
