// The whole passport read (core/passport/read-passport.ts) against the virtual passport, in memory:
// every access method the issue lists, chip authenticity with and without AA/CA, each fault, the
// `unverified` outcome, and the policies. The same scenarios run over real pcscd + vpcd in
// pcsc-passport.test.ts; here they are fast and cover the matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { PassportChannel } from '../../core/passport/channel.ts';
import { DG1 } from '../../core/passport/lds-files.ts';
import type { PaceSpec } from '../../sim/passport/passport-files.ts';
import { HOLDER_PRESETS } from '../../sim/passport/holder.ts';
import { VirtualPassport } from '../../sim/passport/virtual-passport.ts';
import { readPassport } from '../../core/passport/read-passport.ts';
import { AT, failed, memoryTransport, mrzAccess, readInMemory, testTrust } from './support.ts';

const GM_BP256: PaceSpec = { mapping: 'GM', curve: 'brainpoolP256r1', cipher: 'AES', keyLength: 16 };
const GM_P256: PaceSpec = { mapping: 'GM', curve: 'P-256', cipher: 'AES', keyLength: 16 };

test('BAC-only passport with Active Authentication (RSA, ISO/IEC 9796-2): valid, identity attributes from DG1, face from DG2', async () => {
  const { result } = await readInMemory({});
  assert.equal(result.verdict, 'valid', JSON.stringify(failed(result.checks)));
  assert.deepEqual(
    [result.card.access, result.card.chipAuthenticity, result.card.issuingState],
    ['bac', 'active_authentication', 'JPN'],
  );
  const { portrait, ...shown } = result.attributes;
  assert.deepEqual(shown, {
    name: 'KAKUNIN HANAKO',
    nationality: 'JPN',
    birth_date: '1990-04-01',
    sex: 'female',
    document_number: 'TK1234567',
    expiry_date: '2031-04-01',
  });
  assert.ok(portrait && portrait[0] === 0xff && portrait[1] === 0xd8, 'JPEG face');
  assert.equal(result.photo?.format, 'jpeg');
  for (const code of [
    'passport.access',
    'passport.sod_signature',
    'passport.sod_message_digest',
    'passport.csca_known',
    'passport.ds_chain',
    'passport.ds_validity',
    'passport.csca_validity',
    'passport.country_consistency',
    'passport.dg1_hash',
    'passport.dg2_hash',
    'passport.dg15_hash',
    'passport.chip_authenticity',
    'passport.mrz_check_digits',
    'passport.mrz_matches_entry',
    'passport.expiry',
  ]) {
    assert.ok(
      result.checks.some((c) => c.code === code && c.ok),
      `${code} ran and passed`,
    );
  }
  // The Japanese test CSCA is trusted only through the German test master list (as MOFA publishes none).
  assert.match(result.checks.find((c) => c.code === 'passport.ds_chain')!.detail!, /CSCA Japan/);
  assert.deepEqual(result.requested, ['EF.COM', 'EF.SOD', 'DG15', 'DG1', 'DG2']);
});

for (const [label, pace, chipAuthentication] of [
  ['PACE generic mapping, brainpoolP256r1, AES-128, Chip Authentication', GM_BP256, 'ca'],
  ['PACE generic mapping, P-256, AES-128, Active Authentication (ECDSA)', GM_P256, 'aa-ec'],
  [
    'PACE integrated mapping, brainpoolP256r1, AES-128',
    { mapping: 'IM', curve: 'brainpoolP256r1', cipher: 'AES', keyLength: 16 } as PaceSpec,
    'aa-rsa',
  ],
  [
    'PACE generic mapping, P-256, 3DES, PACE-only chip (no BAC)',
    { mapping: 'GM', curve: 'P-256', cipher: '3DES', keyLength: 16 } as PaceSpec,
    'ca',
  ],
  [
    'PACE integrated mapping, brainpoolP384r1, AES-256',
    { mapping: 'IM', curve: 'brainpoolP384r1', cipher: 'AES', keyLength: 32 } as PaceSpec,
    'none',
  ],
] as const) {
  test(`${label}: valid, opened with PACE`, async () => {
    const { result } = await readInMemory({ pace, chipAuthentication, bac: !label.includes('PACE-only') });
    assert.equal(result.verdict, 'valid', JSON.stringify([failed(result.checks), result.errors]));
    assert.equal(result.card.access, 'pace');
    assert.equal(result.card.pace!.mapping, pace.mapping);
    assert.equal(result.card.pace!.curve, pace.curve);
    assert.equal(
      result.card.chipAuthenticity,
      chipAuthentication === 'ca'
        ? 'chip_authentication'
        : chipAuthentication === 'none'
          ? 'not_supported'
          : 'active_authentication',
    );
  });
}

test('PACE with the CAN (password reference 02); a wrong CAN is access_denied and the chip only counts it', async () => {
  const good = await readInMemory({ pace: GM_BP256, can: '123456' }, { access: { kind: 'can', can: '123456' } });
  assert.equal(good.result.verdict, 'valid');
  assert.ok(!good.result.checks.some((c) => c.code === 'passport.mrz_matches_entry'), 'no MRZ was typed');
  const bad = await readInMemory({ pace: GM_BP256, can: '123456' }, { access: { kind: 'can', can: '654321' } });
  assert.equal(bad.result.verdict, 'invalid');
  assert.equal(bad.result.errors[0]!.code, 'access_denied');
  assert.equal(bad.chip.failedAccess, 1);
  const noPace = await readInMemory({}, { access: { kind: 'can', can: '123456' } });
  assert.equal(noPace.result.errors[0]!.code, 'access_unsupported', 'a CAN cannot open a BAC-only chip');
});

test('without Active or Chip Authentication: valid, but chip authenticity says "not supported" (apart from "failed") with a warning', async () => {
  const { result } = await readInMemory({ chipAuthentication: 'none' });
  assert.equal(result.verdict, 'valid');
  assert.equal(result.card.chipAuthenticity, 'not_supported');
  assert.match(result.checks.find((c) => c.code === 'passport.chip_authenticity')!.detail!, /not supported/);
  assert.deepEqual(
    result.warnings.map((w) => w.code),
    ['chip_authenticity_not_supported'],
  );
});

test('wrong MRZ: the chip answers 63 00, access_denied before any data; attempts are counted, the chip does not lock', async () => {
  const chip = new VirtualPassport({ faults: ['wrong-mrz'] });
  for (let i = 1; i <= 4; i++) {
    const r = await readPassport({
      channel: new PassportChannel(memoryTransport(chip)),
      policy: 'identity',
      access: mrzAccess(),
      trust: testTrust(),
      crypto: nobleCrypto,
      at: AT,
      now: () => 0,
    });
    assert.equal(r.verdict, 'invalid');
    assert.equal(r.errors[0]!.code, 'access_denied');
    assert.deepEqual(r.attributes, {});
    assert.equal(chip.failedAccess, i);
  }
});

for (const [fault, code] of [
  ['tampered-dg1', 'passport.dg1_hash'],
  ['dg2-mismatch', 'passport.dg2_hash'],
  ['foreign-ds', 'passport.ds_chain'],
  ['expired-ds', 'passport.ds_validity'],
  ['country-mismatch', 'passport.country_consistency'],
] as const) {
  test(`${fault}: invalid, exactly ${code} fails, nothing shown`, async () => {
    const { result } = await readInMemory({ faults: [fault] });
    assert.equal(result.verdict, 'invalid');
    assert.deepEqual(failed(result.checks), [code]);
    assert.deepEqual(result.attributes, {});
    assert.equal(result.photo, null);
  });
}

test('cloned chip with Active Authentication: the signature over our nonce does not verify with the DG15 key', async () => {
  const { result } = await readInMemory({ faults: ['clone'] });
  assert.equal(result.verdict, 'invalid');
  assert.deepEqual(failed(result.checks), ['passport.chip_authenticity']);
  assert.match(result.checks.find((c) => c.code === 'passport.chip_authenticity')!.detail!, /copy of the chip/);
});

test('cloned chip with Chip Authentication: it cannot continue secure messaging, so DG1 and DG2 are never delivered', async () => {
  const { result } = await readInMemory({ faults: ['clone'], chipAuthentication: 'ca', pace: GM_BP256 });
  assert.equal(result.verdict, 'invalid');
  assert.ok(failed(result.checks).includes('passport.chip_authenticity'));
  assert.ok(!result.requested.includes('DG1') && !result.requested.includes('DG2'), `read: ${result.requested}`);
  assert.deepEqual(result.attributes, {});
});

test('no CSCA of the issuing state (France): every check that can run passes, the verdict is unverified and the data is shown for staff', async () => {
  const { result } = await readInMemory({ holder: HOLDER_PRESETS.france });
  assert.equal(result.verdict, 'unverified');
  assert.deepEqual(failed(result.checks), []);
  assert.deepEqual(result.staffConfirm, ['csca_not_installed']);
  assert.ok(!result.checks.some((c) => c.code === 'passport.ds_chain'), 'no chain check ran');
  assert.ok(
    result.checks.find((c) => c.code === 'passport.sod_signature')!.ok,
    'the SOD signature itself was checked with the DS key',
  );
  assert.equal(result.attributes.nationality, 'FRA');
});

test('Germany ("D" in the MRZ, DE in certificates): valid through the CSCA in DIR/csca', async () => {
  const { result } = await readInMemory({ holder: HOLDER_PRESETS.germany });
  assert.equal(result.verdict, 'valid', JSON.stringify(failed(result.checks)));
  assert.match(
    result.checks.find((c) => c.code === 'passport.country_consistency')!.detail!,
    /DG1 D \(DE\), DS DE, CSCA DE/,
  );
  assert.equal(result.attributes.nationality, 'D');
});

test('age-over-20 shows only the verdict and the face; a 16-year-old is refused with only "not over 20"', async () => {
  const adult = await readInMemory({}, { policy: 'age-over-20' });
  assert.equal(adult.result.verdict, 'valid');
  assert.deepEqual(Object.keys(adult.result.attributes).sort(), ['age_over_20', 'portrait']);
  assert.equal(adult.result.attributes.age_over_20, true);
  const minor = await readInMemory({ holder: HOLDER_PRESETS.minor }, { policy: 'age-over-20' });
  assert.equal(minor.result.verdict, 'invalid');
  assert.deepEqual(minor.result.attributes, { age_over_20: false });
  const entrance = await readInMemory({}, { policy: 'entrance' });
  assert.deepEqual(Object.keys(entrance.result.attributes).sort(), ['name', 'portrait']);
});

test('an expired passport is invalid (passport.expiry), a JPEG 2000 face is returned as jp2', async () => {
  const expired = await readInMemory({ holder: HOLDER_PRESETS.expired });
  assert.deepEqual(failed(expired.result.checks), ['passport.expiry']);
  const jp2 = await readInMemory({ face: 'jp2' });
  assert.equal(jp2.result.verdict, 'valid');
  assert.equal(jp2.result.photo?.format, 'jp2');
});

test('the pure crypto backend reads the same passport (PACE GM brainpoolP256r1 + CA) to the same verdict', async () => {
  const { result } = await readInMemory({ pace: GM_BP256, chipAuthentication: 'ca' }, { crypto: nobleCrypto });
  assert.equal(result.verdict, 'valid', JSON.stringify([failed(result.checks), result.errors]));
});

test('the passport channel refuses any file outside its list (no DG3 fingerprints, no DG4 iris, nothing else)', async () => {
  const ch = new PassportChannel(memoryTransport(new VirtualPassport()));
  await assert.rejects(
    ch.readFile({ ...DG1, name: 'DG3', fid: 0x0103, sfi: 3, tag: 0x63 }),
    /not a file this kiosk reads/,
  );
  assert.equal(ch.stats.count, 0, 'refused before any APDU');
});
