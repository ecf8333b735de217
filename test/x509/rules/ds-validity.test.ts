import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDsValidity } from '../../../core/x509/rules/ds-validity.ts';
import { ds } from './fixtures.ts';

// DS validity 2026-01-01 .. 2027-01-01 must cover the verification time and the MSO signed time.
const cert = ds();
const D = (s: string): Date => new Date(s);
const CASES: Array<[string, Date, Date | undefined, Record<string, boolean>]> = [
  ['inside, no signed time', D('2026-06-01T00:00:00Z'), undefined, { ds_not_yet_valid: true, ds_expired: true }],
  [
    'inside, signed inside',
    D('2026-06-01T00:00:00Z'),
    D('2026-02-01T00:00:00Z'),
    { ds_not_yet_valid: true, ds_expired: true, ds_not_valid_at_signing: true },
  ],
  ['exactly notBefore', D('2026-01-01T00:00:00Z'), undefined, { ds_not_yet_valid: true, ds_expired: true }],
  ['exactly notAfter', D('2027-01-01T00:00:00Z'), undefined, { ds_not_yet_valid: true, ds_expired: true }],
  ['one second before notBefore', D('2025-12-31T23:59:59Z'), undefined, { ds_not_yet_valid: false, ds_expired: true }],
  ['one second after notAfter', D('2027-01-01T00:00:01Z'), undefined, { ds_not_yet_valid: true, ds_expired: false }],
  [
    'valid now, MSO signed before the DS existed',
    D('2026-06-01T00:00:00Z'),
    D('2025-06-01T00:00:00Z'),
    { ds_not_yet_valid: true, ds_expired: true, ds_not_valid_at_signing: false },
  ],
  [
    'valid now, MSO signed after the DS expired (backdated clock)',
    D('2026-06-01T00:00:00Z'),
    D('2028-01-01T00:00:00Z'),
    { ds_not_yet_valid: true, ds_expired: true, ds_not_valid_at_signing: false },
  ],
  ['invalid verification time', new Date(NaN), undefined, { ds_not_yet_valid: false, ds_expired: false }],
  [
    'invalid signed time',
    D('2026-06-01T00:00:00Z'),
    new Date(NaN),
    { ds_not_yet_valid: true, ds_expired: true, ds_not_valid_at_signing: false },
  ],
];

for (const [name, at, signedAt, want] of CASES) {
  test(`ds-validity: ${name}`, () => {
    const checks = checkDsValidity(signedAt ? { ds: cert, at, signedAt } : { ds: cert, at });
    assert.deepEqual(Object.fromEntries(checks.map((c) => [c.code, c.ok])), want);
  });
}
