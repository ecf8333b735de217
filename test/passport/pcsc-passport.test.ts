// Passports through the real pcscd + vpcd (the virtual passport is a vpcd card; the kiosk's PC/SC
// session with the passport command guard reads it): each access method and each fault, and the
// `kakunin read-card --document passport` contract (flags, JSON, exit codes 0/1/2/3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { readPassportOverPcsc } from '../../main/passport/read-session.ts';
import {
  createSimulatedPassport,
  parsePassportSimulation,
  type PassportSimulationSpec,
} from '../../sim/passport/simulate.ts';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { readCardCli } from '../support/kakunin-cli.ts';
import { TEST_TRUST_DIR } from '../card/support.ts';
import { AT, failed, mrzAccess, testTrust } from './support.ts';
import { mrzCheckDigit, td3, TEST_HOLDER } from '../../sim/passport/holder.ts';

const skip = pcscdUnavailable();
const MRZ = ['--mrz-document', 'TK1234567', '--mrz-birth', '900401', '--mrz-expiry', '310401'];
const base = ['--trust', TEST_TRUST_DIR, '--at', '2026-11-22T10:00:00+09:00', '--json'];

const cli = readCardCli;

async function overPcsc(
  sim: string,
  access = mrzAccess(),
  policy: 'identity' | 'age-over-20' | 'entrance' = 'identity',
) {
  const spec = parsePassportSimulation(sim) as PassportSimulationSpec;
  return withVirtualReader(async ({ port, readerName }) => {
    const s = createSimulatedPassport(spec, port);
    try {
      const r = await readPassportOverPcsc({
        reader: readerName,
        policy,
        access,
        trust: testTrust(),
        crypto: nodeCrypto,
        at: AT,
        insertCard: () => s.link.insert(),
      });
      return { r, chip: s.chip };
    } finally {
      await s.link.remove();
    }
  });
}

test('usage errors exit 2 before touching any passport: MRZ typos caught by their check digits, mixed keys, bad CAN', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--document', 'passport', '--policy', 'identity', ...base], /exactly one of/],
    [[...MRZ, '--can', '123456', '--policy', 'identity', ...base], /exactly one of/],
    [
      [
        '--mrz-document',
        'TK1234567',
        '--mrz-birth',
        '901301',
        '--mrz-expiry',
        '310401',
        '--policy',
        'identity',
        ...base,
      ],
      /birth date is YYMMDD/,
    ],
    [
      ['--mrz', 'TK12345670JPN9004011F3104012<<<<<<<<<<<<<<04', '--policy', 'identity', ...base],
      /check digit of the document number is 0, but the field computes to/,
    ],
    [['--can', '12345', '--policy', 'identity', ...base], /6 digits/],
    [[...MRZ, '--policy', 'identity', '--pin', '1234', ...base], /not a passport flag/],
    [[...MRZ, '--policy', 'identity', ...base, '--simulate', 'passport:bogus'], /unknown passport variant/],
  ];
  for (const [args, why] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}\n${r.stderr}`);
    assert.match(r.stderr, why);
  }
});

test(
  'CLI: --simulate passport (BAC + AA): valid, exit 0, card.type passport, card.access bac, the contract attributes, photo summarised',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ readerName }) => {
      const r = await cli(['--reader', readerName, ...MRZ, '--policy', 'identity', ...base, '--simulate', 'passport']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const j = JSON.parse(r.stdout);
      assert.equal(j.verdict, 'valid');
      assert.equal(j.card.type, 'passport');
      assert.equal(j.card.access, 'bac');
      assert.deepEqual(Object.keys(j.attributes).sort(), [
        'birth_date',
        'document_number',
        'expiry_date',
        'name',
        'nationality',
        'photo',
        'sex',
      ]);
      assert.deepEqual(
        { ...j.attributes, photo: undefined },
        {
          name: 'KAKUNIN HANAKO',
          birth_date: '1990-04-01',
          sex: 'female',
          nationality: 'JPN',
          document_number: 'TK1234567',
          expiry_date: '2031-04-01',
          photo: undefined,
        },
      );
      assert.deepEqual(Object.keys(j.attributes.photo).sort(), ['bytes', 'format', 'height', 'width']);
      assert.equal(j.attributes.photo.format, 'jpeg');
      assert.equal(j.attributes.photo.width, 480);
      assert.ok(!r.stdout.includes('/9j/'), 'the JPEG is never printed');
      // The simulator's own check-digit code (sim/passport/holder.ts), not the reader's.
      assert.deepEqual(j.mrzCheckDigits, {
        documentNumber: Number(mrzCheckDigit('TK1234567')),
        birthDate: Number(mrzCheckDigit('900401')),
        expiryDate: Number(mrzCheckDigit('310401')),
      });
      assert.ok(j.checks.some((c: { code: string; ok: boolean }) => c.code === 'passport.photo_decodes' && c.ok));
      assert.equal(typeof j.apdus.count, 'number');
    });
  },
);

test(
  'CLI: PACE with --mrz line 2 and with --can; unverified (France) exits 3 with staffConfirm; a fault exits 1',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ readerName }) => {
      const line2 = td3(TEST_HOLDER)[1];
      const pace = await cli([
        '--reader',
        readerName,
        '--mrz',
        line2,
        '--policy',
        'entrance',
        ...base,
        '--simulate',
        'passport:pace,ca',
      ]);
      assert.equal(pace.code, 0, pace.stderr + pace.stdout);
      const jp = JSON.parse(pace.stdout);
      assert.equal(jp.card.access, 'pace');
      assert.deepEqual(Object.keys(jp.attributes).sort(), ['name', 'photo']);
      const can = await cli([
        '--reader',
        readerName,
        '--can',
        '123456',
        '--document',
        'passport',
        '--policy',
        'age-over-20',
        ...base,
        '--simulate',
        'passport:pace-im',
      ]);
      assert.equal(can.code, 0, can.stderr + can.stdout);
      assert.deepEqual(Object.keys(JSON.parse(can.stdout).attributes).sort(), ['age_over_20', 'photo']);
      const fr = await cli([
        '--reader',
        readerName,
        '--mrz-document',
        '22AB12345',
        '--mrz-birth',
        '870723',
        '--mrz-expiry',
        '330301',
        '--policy',
        'identity',
        ...base,
        '--simulate',
        'passport:france',
      ]);
      assert.equal(fr.code, 3, fr.stderr + fr.stdout);
      const jf = JSON.parse(fr.stdout);
      assert.equal(jf.verdict, 'unverified');
      assert.deepEqual(jf.staffConfirm, ['csca_not_installed']);
      const clone = await cli([
        '--reader',
        readerName,
        ...MRZ,
        '--policy',
        'identity',
        ...base,
        '--simulate',
        'passport:clone',
      ]);
      assert.equal(clone.code, 1);
      assert.deepEqual(JSON.parse(clone.stdout).attributes, {});
    });
  },
);

for (const [sim, access, chip] of [
  ['passport:bac,aa', 'bac', 'active_authentication'],
  ['passport:pace,ca', 'pace', 'chip_authentication'],
  ['passport:pace-p256,aa-ec', 'pace', 'active_authentication'],
  ['passport:pace-only,ca', 'pace', 'chip_authentication'],
  ['passport:pace-im,no-chip-auth,jp2', 'pace', 'not_supported'],
] as const) {
  test(
    `pcscd + vpcd, ${sim}: valid, opened with ${access}, chip authenticity ${chip}`,
    { skip: skip ?? false },
    async () => {
      const { r } = await overPcsc(sim);
      assert.equal(r.verdict, 'valid', JSON.stringify([failed(r.checks), r.errors]));
      assert.equal(r.card.access, access);
      assert.equal(r.card.chipAuthenticity, chip);
      assert.ok(r.decodedPhoto && r.decodedPhoto.width > 0, 'face decoded for display');
      assert.ok(r.reader?.startsWith('Virtual PCD'));
    },
  );
}

for (const [fault, want] of [
  ['tampered-dg1', 'passport.dg1_hash'],
  ['dg2-mismatch', 'passport.dg2_hash'],
  ['foreign-ds', 'passport.ds_chain'],
  ['expired-ds', 'passport.ds_validity'],
  ['clone', 'passport.chip_authenticity'],
  ['pace,ca,clone', 'passport.chip_authenticity'],
  ['country-mismatch', 'passport.country_consistency'],
] as const) {
  test(`pcscd + vpcd, fault ${fault}: invalid with ${want}, nothing shown`, { skip: skip ?? false }, async () => {
    const { r } = await overPcsc(`passport:${fault}`);
    assert.equal(r.verdict, 'invalid');
    assert.ok(failed(r.checks).includes(want), JSON.stringify(failed(r.checks)));
    assert.deepEqual(r.attributes, {});
    assert.equal(r.decodedPhoto, null);
  });
}

test(
  'pcscd + vpcd, wrong MRZ: access_denied (63 00), the chip counts the attempt and does not lock: the right MRZ still opens it',
  { skip: skip ?? false },
  async () => {
    const { r, chip } = await overPcsc('passport:wrong-mrz');
    assert.equal(r.verdict, 'invalid');
    assert.equal(r.errors[0]!.code, 'access_denied');
    assert.equal(chip.failedAccess, 1);
    assert.ok(r.apdus.count <= 5, `stopped right after EXTERNAL AUTHENTICATE (${r.apdus.count} APDUs)`);
  },
);

test(
  'pcscd + vpcd, the passport leaves the field mid-read: card_removed, invalid',
  { skip: skip ?? false },
  async () => {
    const { r } = await overPcsc('passport:pulled');
    assert.equal(r.verdict, 'invalid');
    assert.equal(r.errors[0]!.code, 'card_removed');
  },
);
