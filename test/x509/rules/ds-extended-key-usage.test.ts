import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDsExtendedKeyUsage } from '../../../core/x509/rules/ds-extended-key-usage.ts';
import { ds, dsWith, ext, OID } from './fixtures.ts';

// ISO/IEC 18013-5 Annex B: DS ExtendedKeyUsage critical, containing 1.0.18013.5.1.2.
const MDL_DS = '1.0.18013.5.1.2';
const CASES: Array<[string, ReturnType<typeof ds>, boolean, RegExp?]> = [
  ['mdoc DS purpose, critical', ds(), true],
  [
    'mdoc DS purpose among others',
    ds(dsWith(OID.extendedKeyUsage, ext.extendedKeyUsage(['1.3.6.1.5.5.7.3.4', MDL_DS]))),
    true,
  ],
  [
    'TLS client auth instead',
    ds(dsWith(OID.extendedKeyUsage, ext.extendedKeyUsage(['1.3.6.1.5.5.7.3.2']))),
    false,
    /lacks 1\.0\.18013\.5\.1\.2/,
  ],
  [
    'mdoc reader auth (1.0.18013.5.1.6) instead',
    ds(dsWith(OID.extendedKeyUsage, ext.extendedKeyUsage(['1.0.18013.5.1.6']))),
    false,
    /lacks/,
  ],
  [
    'near miss 1.0.18013.5.1.20',
    ds(dsWith(OID.extendedKeyUsage, ext.extendedKeyUsage(['1.0.18013.5.1.20']))),
    false,
    /lacks/,
  ],
  [
    'not critical',
    ds(dsWith(OID.extendedKeyUsage, ext.extendedKeyUsage([MDL_DS], false))),
    false,
    /not marked critical/,
  ],
  ['extension absent', ds(dsWith(OID.extendedKeyUsage, null)), false, /no ExtendedKeyUsage/],
];

for (const [name, cert, ok, re] of CASES) {
  test(`ds-extended-key-usage: ${name} -> ${ok ? 'pass' : 'ds_eku_invalid'}`, () => {
    const checks = checkDsExtendedKeyUsage({ ds: cert });
    assert.deepEqual(
      checks.map((c) => [c.code, c.ok]),
      [['ds_eku_invalid', ok]],
    );
    if (re) assert.match(checks[0]!.detail!, re);
  });
}
