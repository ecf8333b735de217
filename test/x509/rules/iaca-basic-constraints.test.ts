import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIacaBasicConstraints } from '../../../core/x509/rules/iaca-basic-constraints.ts';
import { ext, iaca, iacaWith, OID } from './fixtures.ts';

// Annex B: IACA BasicConstraints critical, cA TRUE, pathLenConstraint 0.
const CASES: Array<[string, ReturnType<typeof iaca>, boolean, RegExp?]> = [
  ['cA, pathLen 0, critical', iaca(), true],
  ['cA, pathLen 1', iaca(iacaWith(OID.basicConstraints, ext.basicConstraints(true, 1))), false, /must be 0, found 1/],
  ['cA, no pathLen', iaca(iacaWith(OID.basicConstraints, ext.basicConstraints(true))), false, /found absent/],
  ['not a CA', iaca(iacaWith(OID.basicConstraints, ext.basicConstraints(false))), false, /cA is not TRUE/],
  [
    'not critical',
    iaca(iacaWith(OID.basicConstraints, ext.basicConstraints(true, 0, false))),
    false,
    /not marked critical/,
  ],
  ['absent', iaca(iacaWith(OID.basicConstraints, null)), false, /no BasicConstraints/],
];

for (const [name, cert, ok, re] of CASES) {
  test(`iaca-basic-constraints: ${name} -> ${ok ? 'pass' : 'iaca_profile_invalid'}`, () => {
    const checks = checkIacaBasicConstraints({ iaca: cert });
    assert.deepEqual(
      checks.map((c) => [c.code, c.ok]),
      [['iaca_profile_invalid', ok]],
    );
    if (re) assert.match(checks[0]!.detail!, re);
  });
}
