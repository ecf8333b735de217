import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDsCountryMatchesIaca } from '../../../core/x509/rules/ds-country-matches-iaca.ts';
import { ds, iaca } from './fixtures.ts';

// Annex B: DS countryName equals the IACA countryName.
const CASES: Array<[string, ReturnType<typeof ds>, ReturnType<typeof iaca>, boolean, RegExp?]> = [
  ['JP / JP', ds(), iaca(), true],
  [
    'US DS under a JP IACA',
    ds(undefined, {
      subject: [
        ['C', 'US'],
        ['CN', 'DS'],
      ],
    }),
    iaca(),
    false,
    /DS country US differs from IACA country JP/,
  ],
  [
    'lower-case jp is not JP',
    ds(undefined, {
      subject: [
        ['C', 'jp'],
        ['CN', 'DS'],
      ],
    }),
    iaca(),
    false,
    /differs/,
  ],
  [
    'DS without countryName',
    ds(undefined, { subject: [['CN', 'DS']] }),
    iaca(),
    false,
    /DS subject has no countryName/,
  ],
  [
    'IACA without countryName',
    ds(),
    iaca(undefined, { subject: [['CN', 'Rules IACA']] }),
    false,
    /IACA subject has no countryName/,
  ],
];

for (const [name, d, i, ok, re] of CASES) {
  test(`ds-country-matches-iaca: ${name} -> ${ok ? 'pass' : 'country_mismatch'}`, () => {
    const checks = checkDsCountryMatchesIaca({ ds: d, iaca: i });
    assert.deepEqual(
      checks.map((c) => [c.code, c.ok]),
      [['country_mismatch', ok]],
    );
    if (re) assert.match(checks[0]!.detail!, re);
  });
}
