import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkUnknownCriticalExtensions } from '../../../core/x509/rules/unknown-critical-extension.ts';
import { dsExtensions, iacaExtensions } from '../../../sim/pki/profiles.ts';
import { DS_KEY, ds, dsWith, ext, iaca, IACA_KEY, OID } from './fixtures.ts';

// RFC 5280 §4.2 / Annex B: an unrecognised critical extension makes the certificate unusable.
const NULL = new Uint8Array([0x05, 0x00]);
const CASES: Array<[string, ReturnType<typeof ds>, 'DS' | 'IACA', boolean, RegExp?]> = [
  ['Annex B DS', ds(), 'DS', true],
  ['Annex B IACA', iaca(), 'IACA', true],
  [
    'DS + unknown critical private extension',
    ds([...dsExtensions(DS_KEY, IACA_KEY), ext.raw('1.3.6.1.4.1.99999.1', true, NULL)]),
    'DS',
    false,
    /1\.3\.6\.1\.4\.1\.99999\.1/,
  ],
  [
    'DS + same extension non-critical',
    ds([...dsExtensions(DS_KEY, IACA_KEY), ext.raw('1.3.6.1.4.1.99999.1', false, NULL)]),
    'DS',
    true,
  ],
  [
    'DS + critical certificatePolicies (not processed)',
    ds([...dsExtensions(DS_KEY, IACA_KEY), ext.raw(OID.certificatePolicies, true, new Uint8Array([0x30, 0x00]))]),
    'DS',
    false,
    /2\.5\.29\.32/,
  ],
  [
    'DS with critical SubjectAltName (recognised)',
    ds(dsWith(OID.subjectKeyIdentifier, null).concat(ext.raw(OID.subjectAltName, true, new Uint8Array([0x30, 0x00])))),
    'DS',
    true,
  ],
  [
    'IACA + critical nameConstraints (not processed)',
    iaca([...iacaExtensions(IACA_KEY), ext.raw('2.5.29.30', true, new Uint8Array([0x30, 0x00]))]),
    'IACA',
    false,
    /2\.5\.29\.30/,
  ],
];

for (const [name, cert, role, ok, re] of CASES) {
  test(`unknown-critical-extension: ${name} -> ${ok ? 'pass' : 'unknown_critical_extension'}`, () => {
    const checks = checkUnknownCriticalExtensions(cert, role);
    assert.deepEqual(
      checks.map((c) => [c.code, c.ok]),
      [['unknown_critical_extension', ok]],
    );
    if (re) assert.match(checks[0]!.detail!, re);
  });
}
