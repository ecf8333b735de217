// MRZ check digits, layouts and dates (ICAO Doc 9303-3 §4.9, 9303-4/5/6): the examples printed in
// the Doc 9303 parts, typos that a check digit catches, and the two-digit-year rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkDigit,
  isMrzDate,
  mrzKeyFromFields,
  mrzKeyFromInformation,
  mrzKeyFromLine2,
  parseMrz,
  resolveBirthDate,
  resolveExpiryDate,
} from '../../core/passport/mrz.ts';
import {
  checkRow,
  fromScannedLine,
  isYymmdd,
  mrzCheckDigit,
  mrzInformation,
} from '../../renderer/src/screens/mrz-fields.ts';

test('check digits: 9303-3 §4.9 worked values and the appendix fields', () => {
  assert.equal(checkDigit('520727'), 3); // 9303-3's own example: 5*7+2*3+0*1+7*7+2*3+7*1 = 103
  assert.equal(checkDigit('L898902C<'), 3);
  assert.equal(checkDigit('690806'), 1);
  assert.equal(checkDigit('940623'), 6);
  assert.equal(checkDigit('T22000129'), 3); // App. G: T220001293
  assert.equal(checkDigit('640812'), 5);
  assert.equal(checkDigit('101031'), 8);
  assert.equal(checkDigit('a'), null, 'lower case is not an MRZ character');
});

test('typed fields: the check digits are computed and shown; bad dates and characters are refused before any APDU', () => {
  const k = mrzKeyFromFields({ documentNumber: 't2200012 9', birthDate: '640812', expiryDate: '101031' });
  assert.ok(k.ok);
  assert.equal(k.key.information, 'T22000129364081251010318'); // App. G MRZ_information
  assert.deepEqual(k.key.checkDigits, { documentNumber: 3, birthDate: 5, expiryDate: 8 });
  const bad = mrzKeyFromFields({ documentNumber: 'TK-12', birthDate: '901331', expiryDate: '310230' });
  assert.ok(!bad.ok);
  assert.deepEqual(
    bad.problems.map((p) => `${p.field}:${p.code}`),
    ['document_number:mrz_characters', 'birth_date:mrz_date', 'expiry_date:mrz_date'],
  );
});

test('scanned line 2: a single misread character is caught by its check digit (and by the composite)', () => {
  const [l1, l2] = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
  const good = mrzKeyFromLine2(l2);
  assert.ok(good.ok, JSON.stringify(good));
  assert.equal(good.key.documentNumber, 'L898902C3');
  assert.equal(good.nationality, 'UTO');
  const typo = mrzKeyFromLine2(l2.replace('7408122', '7408152'));
  assert.ok(!typo.ok);
  assert.deepEqual(
    typo.problems.map((p) => p.field),
    ['birth_date', 'composite'],
  );
  const parsed = parseMrz(l1 + l2); // the Doc 9303-4 specimen
  assert.deepEqual(
    [
      parsed.format,
      parsed.issuingState,
      parsed.surname,
      parsed.givenNames,
      parsed.documentNumber,
      parsed.birthDate,
      parsed.sex,
      parsed.expiryDate,
    ],
    ['TD3', 'UTO', 'ERIKSSON', 'ANNA MARIA', 'L898902C3', '740812', 'F', '120415'],
  );
  assert.ok(
    parsed.checkDigits.every((c) => c.ok),
    JSON.stringify(parsed.checkDigits),
  );
});

test('TD1 (ID cards, 3 x 30) with a long document number continued in the optional data (9303-5 note j)', () => {
  const td1 = 'I<UTOD23145890<7349<<<<<<<<<<<' + '3407127M9507122UTO<<<<<<<<<<<2' + 'STEVENSON<<PETER<JOHN<<<<<<<<<';
  const m = parseMrz(td1);
  assert.equal(m.format, 'TD1');
  assert.equal(m.documentNumber, 'D23145890734');
  assert.equal(m.surname, 'STEVENSON');
  assert.equal(m.givenNames, 'PETER JOHN');
  assert.deepEqual(
    m.checkDigits.filter((c) => !c.ok).map((c) => c.field),
    [],
  );
});

test('two-digit years: birth dates take the latest century not in the future, expiry dates are 20YY', () => {
  const at = new Date('2026-11-22T10:00:00+09:00');
  assert.equal(resolveBirthDate('640812', at)!.iso, '1964-08-12');
  assert.equal(resolveBirthDate('100501', at)!.iso, '2010-05-01');
  assert.equal(resolveBirthDate('261122', at)!.iso, '2026-11-22', 'born today: this century');
  assert.equal(resolveBirthDate('261123', at)!.iso, '1926-11-23', 'tomorrow would be in the future');
  assert.match(resolveBirthDate('261123', at)!.why, /2026 would be in the future/);
  assert.equal(resolveBirthDate('57<<<<', at)!.iso, '1957', 'unknown month and day stay unknown');
  assert.equal(resolveExpiryDate('310401')!.iso, '2031-04-01');
  assert.equal(isMrzDate('000229'), true);
  assert.equal(isMrzDate('990230'), false);
});

test('MRZ_information from the kiosk entry screen: App. D.2 and G accepted; each wrong digit, date or filler is named', () => {
  const d = mrzKeyFromInformation('L898902C<369080619406236'); // App. D.2 (BAC worked example)
  assert.ok(d.ok, JSON.stringify(d));
  assert.equal(d.key.documentNumber, 'L898902C');
  assert.equal(d.key.information, 'L898902C<369080619406236');
  const g = mrzKeyFromInformation('T22000129364081251010318'); // App. G
  assert.ok(g.ok && g.key.information === 'T22000129364081251010318');
  const fields = (s: string) => {
    const r = mrzKeyFromInformation(s);
    return r.ok ? [] : r.problems.map((p) => `${p.field}:${p.code}`);
  };
  assert.deepEqual(fields('L898902C<469080619406236'), ['document_number:mrz_check_digit']);
  assert.deepEqual(fields('L898902C<369080629406236'), ['birth_date:mrz_check_digit']);
  assert.deepEqual(fields('L898902C<369080619406237'), ['expiry_date:mrz_check_digit']);
  assert.deepEqual(fields('L898902C<369130619406236'), ['birth_date:mrz_date']);
  assert.deepEqual(
    fields('L89<902C<369080619406236'),
    ['document_number:mrz_characters'],
    'a filler inside the number',
  );
  assert.deepEqual(fields('L898902C<36908061940623'), ['document_number:mrz_length']);
  assert.deepEqual(
    fields('l898902c<369080619406236'),
    ['document_number:mrz_length'],
    'lower case is refused, not upper-cased',
  );
});

test("the entry screen's own check-digit copy (renderer/, which may not import core/) agrees with core/passport/mrz.ts", () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let i = 0; i < 2000; i++) {
    const s = Array.from({ length: 1 + rnd(12) }, () => alphabet[rnd(alphabet.length)]).join('');
    assert.equal(mrzCheckDigit(s), checkDigit(s), s);
  }
  for (let i = 0; i < 500; i++) {
    const s = String(rnd(1_000_000)).padStart(6, '0');
    assert.equal(isYymmdd(s), isMrzDate(s), s);
  }
  // What the screen submits is what the host accepts; a scanned line fills the same fields.
  const v = fromScannedLine('L898902C36UTO7408122F1204159ZE184226B<<<<<10')!;
  assert.deepEqual(v, {
    document: 'L898902C3',
    documentCd: '6',
    birth: '740812',
    birthCd: '2',
    expiry: '120415',
    expiryCd: '9',
  });
  assert.deepEqual(
    ['document', 'birth', 'expiry'].map((f) => checkRow(f as 'document', v).state),
    ['ok', 'ok', 'ok'],
  );
  assert.ok(mrzKeyFromInformation(mrzInformation(v)).ok);
  assert.equal(checkRow('expiry', { ...v, expiryCd: '8' }).state, 'mismatch');
  assert.equal(checkRow('birth', { ...v, birth: '741312' }).state, 'bad-date');
  assert.equal(fromScannedLine('L898902C36UTO7408122F1204159ZE184226B<<<<<1'), null, '43 characters');
});
