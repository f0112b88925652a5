// Any change to what the package exports, or to its error table, shows up in this diff.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as usersig from '../../src/index.ts';

describe('@parley/usersig public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(usersig).sort()).toEqual(['USERSIG_ERROR_CODES', 'genUserSig', 'verifyUserSig']);
  });

  it('maps every reason to the Tencent code', () => {
    expect(usersig.USERSIG_ERROR_CODES).toEqual({
      expired: 70001,
      empty: 70002,
      malformed: 70003,
      bad_signature: 70009,
      identifier_mismatch: 70013,
      sdkappid_mismatch: 70014,
      userbuf_mismatch: 70003,
    });
  });

  it('documents every reason and code in docs/usersig.md', () => {
    const doc = readFileSync(new URL('../../../../docs/usersig.md', import.meta.url), 'utf8');
    for (const [reason, code] of Object.entries(usersig.USERSIG_ERROR_CODES)) {
      expect(doc).toMatch(new RegExp(`^\\| ${code} \\| \`${reason}\` \\|`, 'm'));
    }
  });
});
