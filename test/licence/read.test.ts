// The driving licence reader against the virtual licence (in memory): PIN rules, the 本籍 rule,
// JIS X 0208 with gaiji, era dates, EF04 changes, the two readings of the signed range, the NPA
// signer by SKI, and the unverified outcomes. The same paths run through pcscd + vpcd in cli.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PINS, readLicence } from './support.ts';

const failed = (cs: ReadonlyArray<{ code: string; ok: boolean }>) => cs.filter((c) => !c.ok).map((c) => c.code);

test('identity with PIN 1 + PIN 2: valid, JIS X 0208 text, era birth date, signature by the NPA signer found by SKI', async () => {
  const { result: r, card } = await readLicence('identity');
  assert.equal(r.verdict, 'valid', JSON.stringify({ c: r.checks, e: r.errors }));
  assert.deepEqual(r.card, { type: 'driving-licence', generation: 1 });
  assert.equal(r.attributes.name, '確認　花子');
  assert.equal(r.attributes.birth_date, '1990-04-01');
  assert.equal(r.attributes.address, '東京都千代田区霞が関１丁目２番２号');
  assert.equal(r.attributes.document_number, '123456789012');
  assert.equal(r.attributes.expiry_date, '2029-05-01');
  assert.deepEqual(r.attributes.address_changes, []);
  assert.equal(r.images.photo?.format, 'j2k');
  const sig = r.checks.find((c) => c.code === 'licence.signature');
  assert.ok(sig?.ok);
  assert.match(sig!.detail!, /whole files/);
  assert.equal(r.signerKeyIds.length, 1);
  // 本籍 was read only to be hashed: it is nowhere in the result.
  assert.ok(card.domicileRead);
  assert.ok(!JSON.stringify(r).includes('本籍見本'));
  assert.deepEqual(
    r.pins.map((p) => p.triesBefore),
    [3, 3],
  );
});

test('the other reading of the signed range (TLV objects only) verifies too, and is named', async () => {
  const { result: r } = await readLicence('entrance', PINS, { faults: ['tlv-signature'] });
  assert.equal(r.verdict, 'valid', JSON.stringify(r.checks));
  assert.match(r.checks.find((c) => c.code === 'licence.signature')!.detail!, /TLV objects/);
});

test('age-over-20 with PIN 1 only: only TLV headers up to the birth date are read; unverified (no signature possible)', async () => {
  const { result: r, card } = await readLicence('age-over-20', { pin1: '1234' });
  assert.equal(r.verdict, 'unverified', JSON.stringify(r));
  assert.deepEqual(r.staffConfirm, ['licence_pin1_only']);
  assert.equal(r.attributes.age_over_20, true);
  assert.equal(r.attributes.name, undefined);
  const reads = card.log.filter((l) => l.df === 'DF1' && l.command.startsWith('00b0'));
  // 6 header reads of 2 bytes (tags 11-16) and one 7-byte read of the birth date.
  assert.deepEqual(
    reads.map((l) => l.command.slice(-2)),
    ['02', '02', '02', '02', '02', '02', '07'],
  );
  assert.ok(!card.domicileRead);
  assert.ok(
    !card.log.some((l) => l.command === '0020008200' || l.command.startsWith('00200082')),
    'PIN 2 never touched',
  );
});

test('age-over-20 with PIN 2 as well: signature checked, valid; a minor is invalid with age_over_20=false only', async () => {
  const { result: r } = await readLicence('age-over-20');
  assert.equal(r.verdict, 'valid', JSON.stringify(r.checks));
  assert.deepEqual(Object.keys(r.attributes).sort(), ['age_over_20', 'photo']);
  const { result: m } = await readLicence('age-over-20', PINS, { holder: { birth: '4190401' } });
  assert.equal(m.verdict, 'invalid');
  assert.deepEqual(m.attributes, { age_over_20: false });
});

test('no NPA signer installed: unverified (never valid without a verified signature), 本籍 not read', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'kakunin-empty-trust-'));
  const { result: r, card } = await readLicence('identity', PINS, {}, { trustDir: empty });
  assert.equal(r.verdict, 'unverified');
  assert.deepEqual(r.staffConfirm, ['licence_signer_not_installed']);
  assert.ok(!card.domicileRead, 'without a signer there is nothing to hash 本籍 for');
  const u = await readLicence('identity', PINS, { faults: ['unknown-signer'] });
  assert.equal(u.result.verdict, 'unverified');
});

test('--no-licence-signature: unverified, EF07 and 本籍 never read (the guard refuses EF02)', async () => {
  const { result: r, card } = await readLicence('identity', PINS, {}, { signature: false });
  assert.equal(r.verdict, 'unverified');
  assert.deepEqual(r.staffConfirm, ['licence_signature_off']);
  assert.ok(!card.domicileRead);
  assert.ok(!card.log.some((l) => l.command === '00a4020c020007'));
});

test('tampered photo: the signature fails in both readings, invalid', async () => {
  const { result: r } = await readLicence('entrance', PINS, { faults: ['tampered-photo'] });
  assert.equal(r.verdict, 'invalid');
  assert.deepEqual(failed(r.checks), ['licence.signature']);
  assert.deepEqual(r.images, {});
});

test('PIN not set: **** for both PINs; the typed PINs are never sent', async () => {
  const { result: r, card } = await readLicence('identity', { pin1: '9999', pin2: '9999' }, { faults: ['no-pin'] });
  assert.equal(r.verdict, 'valid', JSON.stringify(r.errors));
  assert.ok(card.log.some((l) => l.command === '002000810' + '42a2a2a2a'));
  assert.ok(!card.log.some((l) => l.command.endsWith('39393939')));
});

test('two tries left: refused before the PIN is sent (a licence unblocks only at a police station)', async () => {
  const { result: r, card } = await readLicence('identity', PINS, { faults: ['two-tries'] });
  assert.equal(r.errors[0]?.code, 'licence_pin_low_tries');
  assert.equal(r.errors[0]?.triesLeft, 2);
  assert.equal(card.tries.pin1, 2, 'counter untouched');
});

test('blocked PIN: licence_pin_blocked; wrong PIN: licence_pin_wrong with tries left, never retried', async () => {
  const b = await readLicence('identity', PINS, { faults: ['blocked'] });
  assert.equal(b.result.errors[0]?.code, 'licence_pin_blocked');
  const w = await readLicence('identity', { pin1: '1111', pin2: '5678' });
  assert.equal(w.result.errors[0]?.code, 'licence_pin_wrong');
  assert.equal(w.result.errors[0]?.triesLeft, 2);
  assert.equal(w.card.log.filter((l) => /^00200081 ?04/.test(l.command.replace(/^(00200081)(04)/, '$1 $2'))).length, 1);
});

test('gaiji in the name: shown as 〓 and flagged, never dropped', async () => {
  const { result: r } = await readLicence('identity', PINS, { faults: ['gaiji'] });
  assert.equal(r.attributes.name, '確認　〓子');
  assert.equal(r.attributes.name_has_gaiji, true);
});

test('address change in EF04: listed as a change with its date, the signed address kept', async () => {
  const { result: r } = await readLicence('identity', PINS, { faults: ['address-change'] });
  assert.equal(r.verdict, 'valid');
  assert.deepEqual(r.attributes.address_changes, [
    { date: '2025-09-15', text: '東京都港区見本３丁目３番３号', gaiji: false },
  ]);
  assert.equal(r.attributes.address, '東京都千代田区霞が関１丁目２番２号');
});

test('expired licence: invalid before any PIN is sent', async () => {
  const { result: r, card } = await readLicence('identity', PINS, { faults: ['expired'] });
  assert.equal(r.verdict, 'invalid');
  assert.deepEqual(failed(r.checks), ['licence.expiry']);
  assert.ok(!card.log.some((l) => l.command.startsWith('0020')));
});

test('identity without PIN 2: licence_pin2_needed before any APDU', async () => {
  const { result: r, card } = await readLicence('identity', { pin1: '1234' });
  assert.equal(r.errors[0]?.code, 'licence_pin2_needed');
  assert.equal(card.log.length, 0);
});
