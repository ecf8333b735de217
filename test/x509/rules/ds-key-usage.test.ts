import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDsKeyUsage } from '../../../core/x509/rules/ds-key-usage.ts';
import { ds, dsWith, ext, OID } from './fixtures.ts';

// ISO/IEC 18013-5 Annex B: DS KeyUsage critical, digitalSignature only.
const CASES: Array<[string, ReturnType<typeof ds>, boolean, RegExp?]> = [
  ['digitalSignature only, critical', ds(), true],
  [
    'digitalSignature + keyCertSign',
    ds(dsWith(OID.keyUsage, ext.keyUsage(['digitalSignature', 'keyCertSign']))),
    false,
    /digitalSignature only/,
  ],
  [
    'digitalSignature + nonRepudiation',
    ds(dsWith(OID.keyUsage, ext.keyUsage(['digitalSignature', 'nonRepudiation']))),
    false,
    /digitalSignature only/,
  ],
  ['keyAgreement only', ds(dsWith(OID.keyUsage, ext.keyUsage(['keyAgreement']))), false, /digitalSignature only/],
  ['no bits set', ds(dsWith(OID.keyUsage, ext.keyUsage([]))), false, /\(none\)/],
  ['not critical', ds(dsWith(OID.keyUsage, ext.keyUsage(['digitalSignature'], false))), false, /not marked critical/],
  ['extension absent', ds(dsWith(OID.keyUsage, null)), false, /no KeyUsage/],
];

for (const [name, cert, ok, re] of CASES) {
  test(`ds-key-usage: ${name} -> ${ok ? 'pass' : 'ds_key_usage_invalid'}`, () => {
    const checks = checkDsKeyUsage({ ds: cert });
    assert.equal(checks.length, 1);
    assert.equal(checks[0]!.code, 'ds_key_usage_invalid');
    assert.equal(checks[0]!.ok, ok);
    if (re) assert.match(checks[0]!.detail!, re);
  });
}
