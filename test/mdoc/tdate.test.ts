// tdate / RFC 3339 parsing (ISO 18013-5 §9.1.2.4 validityInfo): the fast path for the canonical
// "YYYY-MM-DDThh:mm:ssZ" form and the general path must agree, impossible dates are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRfc3339, tdateToDate, dateToTdate } from '../../core/mdoc/tdate.ts';
import { Tagged } from '../../core/cbor/model.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

test('canonical tdates parse; impossible ones are refused; fast and general paths agree', () => {
  const cases: [string, string | null][] = [
    ['2020-10-01T13:30:02Z', '2020-10-01T13:30:02.000Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
    ['2021-02-29T00:00:00Z', null],
    ['2020-04-31T00:00:00Z', null],
    ['2020-13-01T00:00:00Z', null],
    ['2020-00-10T00:00:00Z', null],
    ['2020-10-01T24:00:00Z', null],
    ['2020-10-01T13:60:02Z', null],
    ['20a0-10-01T13:30:02Z', null],
    ['2020-10-01 13:30:02Z', null],
    ['0000-01-01T00:00:00Z', null],
  ];
  for (const [s, want] of cases) {
    assert.equal(iso(parseRfc3339(s)), want, s);
    assert.equal(iso(parseRfc3339(s.slice(0, 19) + 'z')), want, `${s} (general path)`);
  }
});

test('fractional seconds and offsets are honoured', () => {
  assert.equal(iso(parseRfc3339('2020-10-01T13:30:02.5Z')), '2020-10-01T13:30:02.500Z');
  assert.equal(iso(parseRfc3339('2020-10-01T22:30:02+09:00')), '2020-10-01T13:30:02.000Z');
  assert.equal(iso(parseRfc3339('2020-10-01T13:30:02-01:30')), '2020-10-01T15:00:02.000Z');
  assert.equal(parseRfc3339('2020-10-01T13:30:02+24:00'), null);
  assert.equal(parseRfc3339('2020-10-01T13:30:02'), null, 'a time zone is required');
});

test('tdate must be tag 0 around a string; dateToTdate writes UTC without fractions', () => {
  assert.equal(tdateToDate(new Tagged(1, '2020-10-01T13:30:02Z')), null);
  assert.equal(tdateToDate('2020-10-01T13:30:02Z'), null);
  assert.equal(tdateToDate(new Tagged(0, 5)), null);
  const t = dateToTdate(new Date('2020-10-01T13:30:02.123Z'));
  assert.deepEqual(t, new Tagged(0, '2020-10-01T13:30:02Z'));
  assert.equal(iso(tdateToDate(t)), '2020-10-01T13:30:02.000Z');
});
