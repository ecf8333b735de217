import { test } from 'node:test';
import assert from 'node:assert/strict';
import { birthDateDigits, buildCheckNumberB, parseCheckNumberB, toEraYear } from '../../core/card/check-number-b.ts';
import { isAtLeast, dayAgeReached } from '../../core/card/age.ts';

const d = (s: string) => ({ year: +s.slice(0, 4), month: +s.slice(5, 7), day: +s.slice(8, 10) });

test('worked example from the spec: 1980-02-17 (昭和55), expiry 2035, code 2285 -> 55021720352285', () => {
  assert.equal(buildCheckNumberB(d('1980-02-17'), 2035, '2285', 'era'), '55021720352285');
});

test('era-year conversion at every era boundary', () => {
  const cases: Array<[string, string, number]> = [
    ['1926-12-24', '大正', 15],
    ['1926-12-25', '昭和', 1],
    ['1989-01-07', '昭和', 64],
    ['1989-01-08', '平成', 1],
    ['2019-04-30', '平成', 31],
    ['2019-05-01', '令和', 1],
    ['1912-07-29', '明治', 45],
    ['1912-07-30', '大正', 1],
  ];
  for (const [date, era, year] of cases) {
    const r = toEraYear(d(date));
    assert.equal(r.era.nameJa, era, date);
    assert.equal(r.year, year, date);
  }
  assert.equal(birthDateDigits(d('1989-01-07'), 'era'), '640107');
  assert.equal(birthDateDigits(d('1989-01-08'), 'era'), '010108');
  assert.equal(birthDateDigits(d('2020-06-01'), 'era'), '020601');
});

test('explicit Gregorian fallback uses the two-digit Gregorian year, never chosen automatically', () => {
  assert.equal(buildCheckNumberB(d('1980-02-17'), 2035, '2285', 'gregorian'), '80021720352285');
  assert.notEqual(
    buildCheckNumberB(d('1980-02-17'), 2035, '2285', 'gregorian'),
    buildCheckNumberB(d('1980-02-17'), 2035, '2285', 'era'),
  );
});

test('14 digits are validated before they reach the card (a typo that cannot be right costs no try)', () => {
  assert.deepEqual(parseCheckNumberB('55021720352285'), {
    birthDigits: '550217',
    expiryYear: 2035,
    securityCode: '2285',
  });
  for (const bad of [
    '5502172035228',
    '550217203522850',
    '55131720352285',
    '55023220352285',
    '55021719992285',
    '5502172035228a',
    '55001720352285',
  ]) {
    assert.equal(parseCheckNumberB(bad), null, bad);
  }
});

test('age: 20 on the 20th birthday in Japan time; 29 February holders on 1 March of common years', () => {
  assert.equal(isAtLeast(d('2006-11-22'), 20, new Date('2026-11-22T00:00:00+09:00')), true);
  assert.equal(isAtLeast(d('2006-11-22'), 20, new Date('2026-11-21T23:59:59+09:00')), false);
  // 2026-11-21T15:00Z is already 22 November in Japan.
  assert.equal(isAtLeast(d('2006-11-22'), 20, new Date('2026-11-21T15:00:00Z')), true);
  assert.deepEqual(dayAgeReached(d('2004-02-29'), 20), { year: 2024, month: 2, day: 29 });
  assert.deepEqual(dayAgeReached(d('2005-02-28'), 20), { year: 2025, month: 2, day: 28 });
  assert.deepEqual(dayAgeReached(d('2004-02-29'), 21), { year: 2025, month: 3, day: 1 });
  assert.equal(isAtLeast(d('2004-02-29'), 21, new Date('2025-02-28T12:00:00+09:00')), false);
  assert.equal(isAtLeast(d('2004-02-29'), 21, new Date('2025-03-01T00:00:00+09:00')), true);
});
