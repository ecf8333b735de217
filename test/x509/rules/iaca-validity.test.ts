import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIacaValidity } from '../../../core/x509/rules/iaca-validity.ts';
import { iaca } from './fixtures.ts';

const cert = iaca(undefined, {
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2030-01-01T00:00:00Z'),
});
const CASES: Array<[string, Date, Record<string, boolean>]> = [
  ['inside', new Date('2026-01-01T00:00:00Z'), { iaca_not_yet_valid: true, iaca_expired: true }],
  ['before notBefore', new Date('2024-12-31T23:59:59Z'), { iaca_not_yet_valid: false, iaca_expired: true }],
  ['after notAfter', new Date('2030-01-01T00:00:01Z'), { iaca_not_yet_valid: true, iaca_expired: false }],
  ['invalid time', new Date(NaN), { iaca_not_yet_valid: false, iaca_expired: false }],
];

for (const [name, at, want] of CASES) {
  test(`iaca-validity: ${name}`, () => {
    assert.deepEqual(Object.fromEntries(checkIacaValidity({ iaca: cert, at }).map((c) => [c.code, c.ok])), want);
  });
}
