// The residence card reader against the virtual card (in memory): both generations, both card
// kinds, every policy and fault. The same cases run through pcscd + vpcd in cli.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failed, readRc } from './support.ts';

test('2nd generation identity: valid, signed text entries, images named, card number proven by the chip', async () => {
  const { result: r } = await readRc('identity');
  assert.equal(r.verdict, 'valid', JSON.stringify({ c: r.checks, e: r.errors }));
  assert.deepEqual(r.card, { type: 'residence-card', generation: 2 });
  assert.equal(r.attributes.birth_date, '1990-04-01');
  assert.equal(r.attributes.expiry_date, '2031-05-01');
  assert.equal(r.attributes.nationality, 'PHL');
  assert.equal(r.attributes.status_of_residence, '15');
  assert.deepEqual(r.attributes.period_of_stay, { duration: 'P5Y', until: '2031-05-01' });
  assert.equal(r.attributes.work_restriction, 'status-based');
  assert.equal(r.attributes.document_number, 'AB12345678CD');
  assert.deepEqual(r.attributes.name, { image: 'name_image' });
  assert.deepEqual(r.attributes.address, { image: 'address_image' });
  assert.equal(r.images.name_image?.format, 'tiff-g4');
  assert.ok(r.checks.some((c) => c.code === 'residence_card.signature' && c.ok));
  assert.ok(r.checks.some((c) => c.code === 'residence_card.certificate_chain' && c.ok));
});

test('2nd generation age-over-20: valid with the age; minor: invalid with only age_over_20=false', async () => {
  const a = await readRc('age-over-20');
  assert.equal(a.result.verdict, 'valid');
  assert.deepEqual(Object.keys(a.result.attributes).sort(), ['age_over_20', 'photo']);
  assert.equal(a.result.attributes.age_over_20, true);
  const m = await readRc('age-over-20', { holder: { birthDate: '20100401' } });
  assert.equal(m.result.verdict, 'invalid');
  assert.deepEqual(m.result.attributes, { age_over_20: false });
  assert.deepEqual(m.result.images, {});
});

test('special permanent resident certificate, 2nd generation: its own card type, valid', async () => {
  const { result: r } = await readRc('identity', { specialPermanent: true });
  assert.equal(r.verdict, 'valid', JSON.stringify(r.checks));
  assert.deepEqual(r.card, { type: 'special-permanent-resident-certificate', generation: 2 });
  assert.equal(r.attributes.status_of_residence, undefined);
});

test('1st generation: signature verifies, every policy ends unverified with the front image for staff', async () => {
  for (const policy of ['age-over-20', 'identity', 'entrance'] as const) {
    const { result: r } = await readRc(policy, { generation: 1 });
    assert.equal(r.verdict, 'unverified', `${policy}: ${JSON.stringify({ c: r.checks, e: r.errors })}`);
    assert.deepEqual(r.card, { type: 'residence-card', generation: 1 });
    assert.ok(r.checks.every((c) => c.ok));
    assert.ok(r.staffConfirm.includes('front_image_facts'));
    assert.equal(r.images.front_image?.format, 'tiff-g4');
    assert.equal(r.attributes.age_over_20, undefined, 'no machine age on a 1st-generation card');
  }
  const sp = await readRc('identity', { generation: 1, specialPermanent: true });
  assert.equal(sp.result.card.type, 'special-permanent-resident-certificate');
  assert.equal(sp.result.verdict, 'unverified');
  assert.match(String(sp.result.attributes.address), /東京都/);
});

test('wrong card number: card_number_wrong, nothing read', async () => {
  for (const generation of [1, 2] as const) {
    const { result: r, card } = await readRc('identity', { generation }, 'AB12345678CE');
    assert.equal(r.verdict, 'invalid');
    assert.equal(r.errors[0]?.code, 'card_number_wrong');
    assert.ok(!card.log.some((l) => l.command.startsWith('08b0')), 'no SM read after a wrong number');
  }
});

test('a malformed card number is refused before any APDU', async () => {
  const { result: r, card } = await readRc('identity', {}, 'ab12345678cd');
  assert.equal(r.errors[0]?.code, 'card_number_format');
  assert.equal(card.log.length, 0);
});

test('tampered image (both generations): signature fails, invalid, no attributes or images', async () => {
  for (const generation of [1, 2] as const) {
    const { result: r } = await readRc('identity', { generation, faults: ['tampered'] });
    assert.equal(r.verdict, 'invalid');
    assert.deepEqual(failed(r.checks), ['residence_card.signature']);
    assert.deepEqual(r.attributes, {});
    assert.deepEqual(r.images, {});
  }
});

test('certificate not from the ISA CA (signed by another key under the same name): chain fails', async () => {
  for (const generation of [1, 2] as const) {
    const { result: r } = await readRc('entrance', { generation, faults: ['foreign-cert'] });
    assert.equal(r.verdict, 'invalid');
    assert.ok(failed(r.checks).includes('residence_card.certificate_chain'));
  }
});

test('expired 2nd-generation card: residence_card.expiry fails', async () => {
  const { result: r } = await readRc('age-over-20', { faults: ['expired'] });
  assert.equal(r.verdict, 'invalid');
  assert.deepEqual(failed(r.checks), ['residence_card.expiry']);
});

test('period of stay ended with an application pending: unverified (staff confirm), not invalid', async () => {
  const { result: r } = await readRc('identity', { faults: ['stay-ended'] });
  assert.equal(r.verdict, 'unverified', JSON.stringify(r.checks));
  assert.deepEqual(r.staffConfirm, ['stay_expired_application_pending']);
});

test('My Number-integrated card (type 07): refused with its own code before authentication', async () => {
  const { result: r, card } = await readRc('identity', { faults: ['specified'] });
  assert.equal(r.errors[0]?.code, 'residence_card_specified');
  assert.ok(!card.log.some((l) => l.command.startsWith('0084')), 'no GET CHALLENGE');
});

test('card pulled mid-read: card_removed, invalid', async () => {
  const { result: r } = await readRc('identity', { faults: ['pulled'] });
  assert.equal(r.errors[0]?.code, 'card_removed');
});
