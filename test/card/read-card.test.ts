// The card transaction against the virtual card in memory (no PC/SC): every policy, every unlock
// path, every fault. test/card/pcsc-read.test.ts repeats them through real pcscd + vpcd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GEN1_TEXT_AP_AID } from '../../core/card/profile.ts';
import { B, P, failed, readInMemory } from './support.ts';

test('age-over-20 with 照合番号B: verdict and photo, no birth date; reads only the card-face AP', async () => {
  const { card, result } = await readInMemory('age-over-20', B);
  assert.equal(result.verdict, 'valid', JSON.stringify({ e: result.errors, c: failed(result.checks) }));
  assert.deepEqual(Object.keys(result.attributes).sort(), ['age_over_20', 'portrait']);
  assert.equal(result.attributes.age_over_20, true);
  assert.ok(result.attributes.portrait instanceof Uint8Array);
  assert.equal(result.photo?.width, 96);
  const text = JSON.stringify(result, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
  assert.ok(!/1980|550217|19800217/.test(text), 'the birth date appears nowhere in the result');
  assert.ok(!card.log.some((l) => l.command.toUpperCase().includes(GEN1_TEXT_AP_AID)), 'text AP not selected');
  for (const code of [
    'card_face.cvc_signature',
    'card_face.face_signature',
    'card_face.chip_authentication',
    'card_face.expiry',
    'policy.age_over_20',
  ]) {
    assert.ok(
      result.checks.some((c) => c.code === code && c.ok),
      code,
    );
  }
});

test('identity with 照合番号B: name, address, birth date, sex, photo; both APs, cross-AP checks', async () => {
  const { result } = await readInMemory('identity', B);
  assert.equal(result.verdict, 'valid', JSON.stringify(result.errors));
  assert.deepEqual(Object.keys(result.attributes).sort(), ['address', 'birth_date', 'name', 'portrait', 'sex']);
  assert.equal(result.attributes.name, '番号　花子');
  assert.equal(result.attributes.birth_date, '1980-02-17');
  assert.equal(result.attributes.sex, 'female');
  assert.ok(result.checks.some((c) => c.code === 'cross_ap.birth_date_match' && c.ok));
  assert.ok(result.checks.some((c) => c.code === 'text_ap.chip_authentication' && c.ok));
});

test('entrance with 照合番号B: name and photo only', async () => {
  const { result } = await readInMemory('entrance', B);
  assert.equal(result.verdict, 'valid');
  assert.deepEqual(Object.keys(result.attributes).sort(), ['name', 'portrait']);
});

test('PIN path: text AP only, every policy; no photo (the PIN binds the holder)', async () => {
  for (const policy of ['age-over-20', 'identity', 'entrance'] as const) {
    const { card, result } = await readInMemory(policy, P);
    assert.equal(result.verdict, 'valid', `${policy}: ${JSON.stringify(result.errors)} ${failed(result.checks)}`);
    assert.equal(result.attributes.portrait, null);
    assert.ok(result.checks.some((c) => c.code === 'holder.bound' && c.ok && /PIN/.test(c.detail ?? '')));
    assert.ok(!card.log.some((l) => l.ap === 'face'));
  }
  const age = await readInMemory('age-over-20', P);
  assert.deepEqual(Object.keys(age.result.attributes).sort(), ['age_over_20', 'portrait']);
});

test('a holder under 20 is refused for age-over-20, shown only as age_over_20: false', async () => {
  const { result } = await readInMemory(
    'age-over-20',
    { kind: 'check_number_b', digits: '20030120282285' },
    { holder: { birthDate: '2008-03-01', expiry: '2028-03-01' } },
  );
  assert.equal(result.verdict, 'invalid');
  assert.deepEqual(failed(result.checks), ['policy.age_over_20']);
  assert.deepEqual(result.attributes, { age_over_20: false });
});

test('tampered attribute with genuine issuer signature is rejected (text AP hash, card-face DF28)', async () => {
  const id = await readInMemory('identity', B, { faults: ['tampered'] });
  assert.equal(id.result.verdict, 'invalid');
  assert.ok(failed(id.result.checks).includes('text_ap.attributes_hash'));
  assert.ok(failed(id.result.checks).includes('card_face.face_signature'));
  assert.deepEqual(id.result.attributes, {});
  const age = await readInMemory('age-over-20', B, { faults: ['tampered'] });
  assert.equal(age.result.verdict, 'invalid');
  assert.ok(failed(age.result.checks).includes('card_face.face_signature'));
});

test('wrong signature (DF33 / DF28) is rejected', async () => {
  const { result } = await readInMemory('identity', B, { faults: ['wrong-signature'] });
  assert.deepEqual(
    failed(result.checks).sort(),
    ['card_face.chip_authentication', 'card_face.face_signature', 'text_ap.integrity_signature'].sort(),
  );
});

test('wrong CVC signature: nothing below it is trusted', async () => {
  const { result } = await readInMemory('identity', P, { faults: ['wrong-cvc'] });
  assert.equal(result.verdict, 'invalid');
  assert.deepEqual(
    failed(result.checks).sort(),
    [
      'text_ap.chip_authentication',
      'text_ap.chip_key_signature',
      'text_ap.cvc_signature',
      'text_ap.integrity_signature',
    ].sort(),
  );
});

test('unknown signer key id: refused, with the id named', async () => {
  const { result } = await readInMemory('age-over-20', B, { faults: ['unknown-signer'] });
  assert.equal(result.verdict, 'invalid');
  const c = result.checks.find((x) => x.code === 'card_face.cvc_signer_known');
  assert.equal(c?.ok, false);
  assert.match(c?.detail ?? '', /6000033-0805-999/);
});

test('clone (genuine files, wrong chip): internal authentication fails', async () => {
  const { result } = await readInMemory('identity', B, { faults: ['clone'] });
  assert.deepEqual(failed(result.checks).sort(), ['card_face.chip_authentication', 'text_ap.chip_authentication']);
});

test('card pulled mid-read: card_removed error, invalid, no attributes', async () => {
  const { card, result } = await readInMemory('age-over-20', B, { faults: ['pulled'] });
  assert.equal(card.pulled, true);
  assert.equal(result.verdict, 'invalid');
  assert.equal(result.errors[0]?.code, 'card_removed');
  assert.deepEqual(result.attributes, {});
});

test('long name and address (long-form lengths) read and verify', async () => {
  const { result } = await readInMemory('identity', B, {
    holder: { name: 'あ'.repeat(120), address: 'い'.repeat(200) },
  });
  assert.equal(result.verdict, 'valid', JSON.stringify(result.errors));
  assert.equal(result.attributes.address, 'い'.repeat(200));
});

test('optional JPKI path: auth certificate chained to DIR/jpki/ and a signed nonce', async () => {
  const { result } = await readInMemory('entrance', B, {}, { jpkiPin: '5678' });
  assert.equal(result.verdict, 'valid', JSON.stringify({ e: result.errors, f: result.checks.filter((c) => !c.ok) }));
  assert.ok(result.checks.some((c) => c.code === 'jpki.auth_certificate_chain' && c.ok));
  assert.ok(result.checks.some((c) => c.code === 'jpki.auth_signature' && c.ok));
  const wrong = await readInMemory('entrance', B, {}, { jpkiPin: '0000' });
  assert.equal(wrong.result.errors[0]?.code, 'pin_wrong');
  assert.equal(wrong.result.errors[0]?.triesLeft, 2);
});

test('an expired card is invalid (expiry checked at --at)', async () => {
  const { result } = await readInMemory(
    'age-over-20',
    { kind: 'check_number_b', digits: '55021720252285' },
    { holder: { expiry: '2025-02-17' } },
  );
  assert.ok(failed(result.checks).includes('card_face.expiry'));
});
