// The マイナ免許証 reader (core/myna-licence) against the virtual My Number Card with the licence AP, in
// memory: every command compared byte for byte with the spec's published APDUs (written out here
// from the spec text, not from our encoder), the PIN rules (WEF01 and the tries left before any
// VERIFY, refusal at one try left, never a retry), the header walk that leaves undecoded objects on
// the card, the expiry rule, and the faults. The same card through pcscd + vpcd: cli.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AT, hexOf, readMyna } from './support.ts';

// The spec's commands (drivers-licence facts, "マイナ免許証 / APDUs"):
const SELECT_AP = '00a4040c10' + 'a0000002310600000000000000000000'; // instance AID, 16 bytes
const READ_WEF01 = '00b09a0003'; // PIN set? (SFI 1A)
const TRIES = '00200086'; // tries left, no data
const verify = (pin: string) => '0020008604' + hexOf(pin); // 4 JIS X 0201 digits
const SELECT_WEF02 = '00a4020c02001b';
const read = (offset: number, le: number) =>
  '00b0' + offset.toString(16).padStart(4, '0') + le.toString(16).padStart(2, '0');

test('identity: the published sequence byte for byte, expiry from C5 only, undecoded objects listed by tag and length, unverified', async () => {
  const { result: r, sent, card, ap } = await readMyna('identity');
  assert.equal(r.verdict, 'unverified', JSON.stringify(r.errors));
  assert.deepEqual(r.card, { type: 'driving-licence', generation: 'mynumber-card' });
  assert.deepEqual(r.staffConfirm, ['myna_licence_unsigned']);
  // C5 on the virtual card is "5110501": era 5 (令和, base 2019) year 11 -> 2029, 05-01.
  assert.deepEqual(r.attributes, { expiry_date: '2029-05-01' });
  assert.deepEqual(
    r.checks.map((c) => [c.code, c.ok]),
    [['licence.expiry', true]],
  );
  assert.deepEqual(r.undecoded, [
    { tag: 'C2', length: 12 },
    { tag: 'C3', length: 4 },
    { tag: 'C6', length: 0 },
    { tag: '5F40', length: 1868 },
  ]);
  assert.deepEqual(r.pins, [{ kind: 'licence_ap_pin', triesBefore: 10 }]);
  // Header walk: C2 at 0, C3 at 14, C5 at 20 (value at 22, 7 bytes), C6 at 29, 5F40 at 31 (2-byte
  // tag: one more byte for the length form 82, then its 2 bytes), then the FF filler at 1904.
  assert.deepEqual(sent, [
    SELECT_AP,
    READ_WEF01,
    TRIES,
    verify('2580'),
    SELECT_WEF02,
    read(0, 2),
    read(14, 2),
    read(20, 2),
    read(22, 7),
    read(29, 2),
    read(31, 2),
    read(33, 1),
    read(34, 2),
    read(1904, 2),
  ]);
  assert.equal(ap.wef02BytesOut, 22, 'only headers and the expiry left the card; the 1868-byte object did not');
  assert.ok(!ap.filesRead.has(0x001c), 'WEF03 (unpublished layout) is never read');
  assert.equal(card.myNumberTouched, false);
  assert.deepEqual(r.requested, ['licenceAp:pin_setting', 'licenceAp:expiry_date']);
});

test('entrance: the same read, nothing to show but the staff confirmation', async () => {
  const { result: r } = await readMyna('entrance');
  assert.equal(r.verdict, 'unverified');
  assert.deepEqual(r.attributes, {});
  assert.equal(r.undecoded?.length, 4);
});

test('age-over-20: refused before any command (the licence AP holds no birth date)', async () => {
  const { result: r, sent, ap } = await readMyna('age-over-20');
  assert.equal(r.verdict, 'invalid');
  assert.equal(r.errors[0]?.code, 'myna_licence_no_birth_date');
  assert.deepEqual(sent, []);
  assert.equal(r.apdus.count, 0);
  assert.equal(ap.tries, 10);
});

test('PIN not set (WEF01 C1 01 00): **** is sent after the tries check, never the typed digits; staff told no PIN binds the holder', async () => {
  const { result: r, sent } = await readMyna('identity', '9999', ['no-pin']);
  assert.equal(r.verdict, 'unverified', JSON.stringify(r.errors));
  assert.deepEqual(r.staffConfirm, ['myna_licence_unsigned', 'myna_licence_no_pin']);
  assert.deepEqual(sent.slice(0, 4), [SELECT_AP, READ_WEF01, TRIES, '0020008604' + '2a2a2a2a']);
  assert.ok(!sent.some((c) => c.endsWith(hexOf('9999'))));
  const none = await readMyna('identity', null, ['no-pin']);
  assert.equal(none.result.verdict, 'unverified', 'no PIN needed when none is set');
});

test('PIN set but none given: stops after WEF01, no VERIFY of any kind', async () => {
  const { result: r, sent } = await readMyna('identity', null);
  assert.equal(r.errors[0]?.code, 'myna_licence_pin_format');
  assert.deepEqual(sent, [SELECT_AP, READ_WEF01]);
  const bad = await readMyna('identity', '12a4');
  assert.equal(bad.result.errors[0]?.code, 'myna_licence_pin_format');
  assert.deepEqual(bad.sent, [], 'a malformed PIN is refused before the card is touched');
});

test('wrong PIN: one VERIFY, the tries the card reports, never retried', async () => {
  const { result: r, sent, ap } = await readMyna('identity', '1111');
  assert.equal(r.verdict, 'invalid');
  assert.equal(r.errors[0]?.code, 'myna_licence_pin_wrong');
  assert.equal(r.errors[0]?.triesLeft, 9);
  assert.equal(sent.filter((c) => c.startsWith('0020008604')).length, 1);
  assert.deepEqual(sent, [SELECT_AP, READ_WEF01, TRIES, verify('1111')]);
  assert.equal(ap.tries, 9);
  assert.deepEqual(r.attributes, {});
});

test('one try left: the PIN is not sent and the counter stays; two left: read goes ahead', async () => {
  const one = await readMyna('identity', '2580', ['one-try-left']);
  assert.equal(one.result.errors[0]?.code, 'myna_licence_pin_one_try_left');
  assert.equal(one.result.errors[0]?.triesLeft, 1);
  assert.deepEqual(one.sent, [SELECT_AP, READ_WEF01, TRIES]);
  assert.equal(one.ap.tries, 1);
  const two = await readMyna('identity', '2580', ['two-tries-left']);
  assert.equal(two.result.verdict, 'unverified', JSON.stringify(two.result.errors));
  assert.deepEqual(two.result.pins, [{ kind: 'licence_ap_pin', triesBefore: 2 }]);
  assert.equal(two.ap.tries, 10, 'a right PIN restores the counter');
});

test('blocked PIN: myna_licence_pin_blocked, nothing but the tries query sent', async () => {
  const { result: r, sent } = await readMyna('identity', '2580', ['blocked']);
  assert.equal(r.errors[0]?.code, 'myna_licence_pin_blocked');
  assert.deepEqual(sent, [SELECT_AP, READ_WEF01, TRIES]);
});

test('WEF01 not C1 01 00|01: stop before any VERIFY; a tries answer other than 63Cx: stop before VERIFY', async () => {
  const w = await readMyna('identity', '2580', ['bad-pin-setting']);
  assert.equal(w.result.errors[0]?.code, 'myna_licence_pin_setting');
  assert.deepEqual(w.sent, [SELECT_AP, READ_WEF01]);
  const c = await readMyna('identity', '2580', ['no-counter']);
  assert.equal(c.result.errors[0]?.code, 'myna_licence_pin_state');
  assert.deepEqual(c.sent, [SELECT_AP, READ_WEF01, TRIES]);
  assert.equal(c.ap.tries, 10);
});

test('expiry: valid through the whole last day in JST; the day after is invalid and shows nothing', async () => {
  const last = await readMyna('identity', '2580', [], new Date('2029-05-01T23:59:59+09:00'));
  assert.equal(last.result.verdict, 'unverified');
  const after = await readMyna('identity', '2580', [], new Date('2029-05-02T00:00:00+09:00'));
  assert.equal(after.result.verdict, 'invalid');
  assert.deepEqual(
    after.result.checks.map((c) => [c.code, c.ok]),
    [['licence.expiry', false]],
  );
  assert.deepEqual(after.result.attributes, {});
  assert.equal(after.result.undecoded, undefined);
  const expired = await readMyna('identity', '2580', ['expired']);
  assert.equal(expired.result.verdict, 'invalid');
  assert.match(expired.result.checks[0]!.detail!, /2025-01-01/);
});

test('a file that ends at its last object (no filler): the walk ends at 6B00', async () => {
  const { result: r, sent } = await readMyna('identity', '2580', ['no-filler']);
  assert.equal(r.verdict, 'unverified', JSON.stringify(r.errors));
  assert.equal(sent.at(-1), read(1904, 2));
  assert.equal(r.undecoded?.length, 4);
});

test('card pulled mid-walk: card_removed, invalid, nothing shown', async () => {
  const { result: r } = await readMyna('identity', '2580', ['pulled']);
  assert.equal(r.verdict, 'invalid');
  assert.equal(r.errors[0]?.code, 'card_removed');
  assert.deepEqual(r.attributes, {});
});

test('the virtual card follows the published facts: AIDs …04… / …05… are absent, the annex VERIFY P2 82 answers 6A82, 63CA fresh', async () => {
  const { card } = await readMyna('entrance');
  card.reset();
  const sw = (h: string) =>
    Buffer.from(card.process(Buffer.from(h, 'hex')))
      .toString('hex')
      .slice(-4);
  assert.equal(sw('00a4040c10a0000002310400000000000000000000'), '6a82');
  assert.equal(sw('00a4040c10a0000002310500000000000000000000'), '6a82');
  assert.equal(sw(SELECT_AP), '9000');
  assert.equal(sw('00200082'), '6a82');
  assert.equal(sw(TRIES), '63ca');
  assert.equal(Buffer.from(card.process(Buffer.from(READ_WEF01, 'hex'))).toString('hex'), 'c101019000');
  assert.equal(sw(SELECT_WEF02), '9000');
  assert.equal(sw(read(0, 2)), '6982', 'licence data needs the PIN');
  void AT;
});
