// The fastest, most private age check: the card-face AP's birth-date record (EF 0001), opened by the
// 6-digit birth date in the card's era form. In memory for every fault, then through the real pcscd +
// vpcd and the `read-card --birth-date` CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eraDigitsFromIso, parseBirthDateKey } from '../../core/card/check-number-b.ts';
import { GEN1, GEN1_TEXT_AP_AID } from '../../core/card/profile.ts';
import type { Unlock } from '../../core/card/read-card.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { readCardOverPcsc } from '../../main/pcsc/read-session.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { VpcdCard } from '../../sim/card/vpcd-link.ts';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { AT, B, ROOT, TEST_TRUST_DIR, failed, readInMemory, testTrust } from './support.ts';

const BD: Unlock = { kind: 'birth_date', digits: '550217' }; // 1980-02-17 is Showa 55
const skip = pcscdUnavailable();

test('birth-date key digits: era form from a Gregorian date, impossible dates refused before any APDU', () => {
  assert.equal(eraDigitsFromIso('1980-02-17'), '550217');
  assert.equal(eraDigitsFromIso('1989-01-07'), '640107'); // last day of Showa
  assert.equal(eraDigitsFromIso('1989-01-08'), '010108'); // Heisei 1
  assert.equal(eraDigitsFromIso('2019-05-01'), '010501'); // Reiwa 1
  assert.equal(eraDigitsFromIso('1980-02-30'), null);
  assert.equal(eraDigitsFromIso('1800-01-01'), null);
  assert.equal(parseBirthDateKey('551317'), null);
  assert.equal(parseBirthDateKey('55021'), null);
  assert.deepEqual(parseBirthDateKey('550217'), { yy: 55, month: 2, day: 17 });
});

test('age-over-20 by birth date: valid, only EF 0001 + EF 0004 read, no photo, name or address; ~300 bytes of record', async () => {
  const { card, result } = await readInMemory('age-over-20', BD);
  assert.equal(result.verdict, 'valid', JSON.stringify({ e: result.errors, f: failed(result.checks) }));
  assert.deepEqual(result.attributes, { age_over_20: true });
  assert.equal(result.photo, null);
  assert.deepEqual(result.requested, ['card_face/EF0001', 'card_face/EF0004']);
  for (const code of [
    'card_face.cvc_signer_known',
    'card_face.cvc_signature',
    'card_face.birth_date_signature',
    'card_face.chip_authentication',
    'card_face.birth_date_match',
    'holder.bound',
    'policy.age_over_20',
  ]) {
    assert.ok(
      result.checks.some((c) => c.code === code && c.ok),
      code,
    );
  }
  assert.ok(!card.log.some((l) => l.command.toUpperCase().includes(GEN1_TEXT_AP_AID)), 'text AP not selected');
  assert.ok(
    !card.log.some((l) => l.ap === 'face' && /^00a4020c020002$/.test(l.command)),
    'card-face EF 0002 (photo) never selected',
  );
  assert.equal(card.myNumberTouched, false);
  // The PIN-safety order: tries-left query (no data) before the VERIFY with the digits.
  const verifies = card.log.filter((l) => l.command.startsWith('00200080'));
  assert.equal(verifies[0]!.command, '00200080');
  assert.equal(verifies[1]!.command, '0020008006' + Buffer.from('550217').toString('hex'));
  const text = JSON.stringify(result, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
  assert.ok(!/1980-02-17|19800217/.test(text), 'the birth date itself is not in the result');
});

test('birth date: a minor is "not over 20"; a wrong date is birth_date_wrong with the tries left and no retry', async () => {
  const minor = await readInMemory(
    'age-over-20',
    { kind: 'birth_date', digits: eraDigitsFromIso('2008-03-01')! },
    { holder: { birthDate: '2008-03-01', expiry: '2028-03-01' } },
  );
  assert.equal(minor.result.verdict, 'invalid');
  assert.deepEqual(failed(minor.result.checks), ['policy.age_over_20']);
  assert.deepEqual(minor.result.attributes, { age_over_20: false });

  const wrong = await readInMemory('age-over-20', { kind: 'birth_date', digits: '550218' });
  assert.equal(wrong.result.verdict, 'invalid');
  assert.equal(wrong.result.errors[0]!.code, 'birth_date_wrong');
  assert.equal(wrong.result.errors[0]!.triesLeft, GEN1.tries.birthDateKeyTries - 1);
  assert.equal(wrong.card.triesLeft('face', GEN1.cardFaceAp.ef.birthDateKey), GEN1.tries.birthDateKeyTries - 1);
  assert.equal(
    wrong.card.log.filter((l) => l.command.length > 8 && l.command.startsWith('00200080')).length,
    1,
    'one VERIFY with data, never retried',
  );
  // The Gregorian two-digit form is not what this (era-form) card's key holds.
  const greg = await readInMemory('age-over-20', { kind: 'birth_date', digits: '800217' });
  assert.equal(greg.result.errors[0]!.code, 'birth_date_wrong');
});

test('birth date: one try left -> the digits are not sent; blocked -> pin_blocked; bad format -> no APDU at all', async () => {
  const one = await readInMemory('age-over-20', BD, { faults: ['one-try-left'] });
  assert.equal(one.result.errors[0]!.code, 'pin_one_try_left');
  assert.ok(!one.card.log.some((l) => l.command.startsWith('0020008006')), 'no VERIFY with data');
  assert.equal(one.card.triesLeft('face', GEN1.cardFaceAp.ef.birthDateKey), 1);
  const blocked = await readInMemory('age-over-20', BD, { faults: ['blocked-pin'] });
  assert.equal(blocked.result.errors[0]!.code, 'pin_blocked');
  for (const digits of ['5502', '551317', 'abcdef']) {
    const r = await readInMemory('age-over-20', { kind: 'birth_date', digits });
    assert.equal(r.result.errors[0]!.code, 'birth_date_format', digits);
    assert.equal(r.card.log.length, 0, 'no APDU for digits that cannot be a date');
  }
});

test('birth date answers age-over-20 only: identity and entrance refuse it before any APDU', async () => {
  for (const policy of ['identity', 'entrance'] as const) {
    const r = await readInMemory(policy, BD);
    assert.equal(r.result.verdict, 'invalid');
    assert.equal(r.result.errors[0]!.code, 'unlock_not_for_policy');
    assert.equal(r.card.log.length, 0);
  }
});

test('birth date: altered record, wrong CVC, unknown signer, cloned chip are each rejected with their check', async () => {
  const cases = [
    ['wrong-signature', 'card_face.birth_date_signature'],
    ['wrong-cvc', 'card_face.cvc_signature'],
    ['unknown-signer', 'card_face.cvc_signer_known'],
    ['clone', 'card_face.chip_authentication'],
  ] as const;
  for (const [fault, code] of cases) {
    const { result } = await readInMemory('age-over-20', BD, { faults: [fault] });
    assert.equal(result.verdict, 'invalid', fault);
    assert.ok(failed(result.checks).includes(code), `${fault}: ${failed(result.checks)}`);
    assert.deepEqual(result.attributes, {}, `${fault}: nothing shown`);
  }
  const { result } = await readInMemory('age-over-20', BD, { faults: ['tampered'] });
  assert.equal(result.verdict, 'invalid');
  assert.ok(failed(result.checks).includes('card_face.birth_date_signature'), `tampered: ${failed(result.checks)}`);
});

test(
  'through pcscd: birth-date age check valid in fewer APDUs and bytes than the 照合番号B path',
  { skip: skip ?? false },
  async () => {
    const trust = testTrust();
    const read = (unlock: Unlock) =>
      withVirtualReader(async ({ port, readerName }) => {
        const link = new VpcdCard(new VirtualMyNumberCard(), port);
        try {
          return await readCardOverPcsc({
            reader: readerName,
            policy: 'age-over-20',
            unlock,
            trust,
            crypto: nodeCrypto,
            at: AT,
            insertCard: () => link.insert(),
          });
        } finally {
          await link.remove();
        }
      });
    const bd = await read(BD);
    assert.equal(bd.verdict, 'valid', JSON.stringify({ e: bd.errors, f: failed(bd.checks) }));
    assert.deepEqual(bd.attributes, { age_over_20: true });
    const b = await read(B);
    assert.equal(b.verdict, 'valid');
    assert.ok(bd.apdus.count < b.apdus.count, `${bd.apdus.count} vs ${b.apdus.count} APDUs`);
    // The virtual card's photo is a small test image; a real card's is several kilobytes more.
    assert.ok(bd.apdus.bytesIn * 3 < b.apdus.bytesIn, `${bd.apdus.bytesIn} vs ${b.apdus.bytesIn} bytes received`);
  },
);

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'main', 'cli', 'kakunin.mjs'), 'read-card', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test('read-card --birth-date: usage rules (age-over-20 only, 6 digits or YYYY-MM-DD, one unlock)', async () => {
  const base = ['--trust', TEST_TRUST_DIR, '--at', '2026-11-22T10:00:00+09:00', '--json'];
  for (const args of [
    ['--birth-date', '550217', '--policy', 'identity', ...base],
    ['--birth-date', '5502', '--policy', 'age-over-20', ...base],
    ['--birth-date', '1980-02-30', '--policy', 'age-over-20', ...base],
    ['--birth-date', '550217', '--pin', '1234', '--policy', 'age-over-20', ...base],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
});

test(
  'read-card --birth-date through pcscd (era digits and a Gregorian date): valid, exit 0, unlock birth_date',
  { skip: skip ?? false },
  async () => {
    // A vpcd slot of its own: other test files use the same pcscd at the same time.
    for (const bd of ['550217', '1980-02-17']) {
      const r = await withVirtualReader(({ readerName }) =>
        cli([
          '--reader',
          readerName,
          '--birth-date',
          bd,
          '--policy',
          'age-over-20',
          '--trust',
          TEST_TRUST_DIR,
          '--at',
          '2026-11-22T10:00:00+09:00',
          '--json',
          '--simulate',
          'card',
        ]),
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.verdict, 'valid');
      assert.equal(j.unlock, 'birth_date');
      assert.deepEqual(j.attributes, { age_over_20: true });
      assert.deepEqual(j.requested, ['card_face/EF0001', 'card_face/EF0004']);
    }
  },
);
