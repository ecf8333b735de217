import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIacaKeyUsage } from '../../../core/x509/rules/iaca-key-usage.ts';
import { ext, iaca, iacaWith, OID } from './fixtures.ts';

// Annex B: IACA KeyUsage critical, keyCertSign + cRLSign (and nothing else).
const CASES: Array<[string, ReturnType<typeof iaca>, boolean, RegExp?]> = [
  ['keyCertSign + cRLSign, critical', iaca(), true],
  [
    'keyCertSign only',
    iaca(iacaWith(OID.keyUsage, ext.keyUsage(['keyCertSign']))),
    false,
    /must be keyCertSign \+ cRLSign/,
  ],
  ['cRLSign only', iaca(iacaWith(OID.keyUsage, ext.keyUsage(['cRLSign']))), false, /must be/],
  [
    'plus digitalSignature',
    iaca(iacaWith(OID.keyUsage, ext.keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign']))),
    false,
    /must be/,
  ],
  [
    'not critical',
    iaca(iacaWith(OID.keyUsage, ext.keyUsage(['keyCertSign', 'cRLSign'], false))),
    false,
    /not marked critical/,
  ],
  ['absent', iaca(iacaWith(OID.keyUsage, null)), false, /no KeyUsage/],
];

for (const [name, cert, ok, re] of CASES) {
  test(`iaca-key-usage: ${name} -> ${ok ? 'pass' : 'iaca_profile_invalid'}`, () => {
    const checks = checkIacaKeyUsage({ iaca: cert });
    assert.deepEqual(
      checks.map((c) => [c.code, c.ok]),
      [['iaca_profile_invalid', ok]],
    );
    if (re) assert.match(checks[0]!.detail!, re);
  });
}
