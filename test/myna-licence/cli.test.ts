// `kakunin read-card` with a マイナ免許証 through the real pcscd + vpcd (--simulate myna-licence: the
// virtual My Number Card with the licence AP): the contract of the licence read (card.type
// driving-licence, card.generation "mynumber-card", verdict unverified, exit 3), the choice between
// reading it as a licence and as a My Number Card, and each fault's code and exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { readCardCli, ROOT } from '../support/read-card-cli.ts';

const skip = pcscdUnavailable();
const base = ['--trust', join(ROOT, 'resources', 'test-trust'), '--at', '2026-11-22T10:00:00+09:00', '--json'];
const cli = readCardCli;

test('usage: an unknown myna-licence variant exits 2 before touching a card', async () => {
  const r = await cli(['--pin1', '2580', '--policy', 'identity', ...base, '--simulate', 'myna-licence:bogus']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /unknown myna-licence variant "bogus"/);
});

test(
  'read as a licence (--document driving-licence, or --pin1 alone): unverified, exit 3, generation "mynumber-card", undecoded objects listed',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ readerName }) => {
      for (const doc of [['--document', 'driving-licence'], []]) {
        const r = await cli([
          '--reader',
          readerName,
          ...doc,
          '--pin1',
          '2580',
          '--pin2',
          '5678',
          '--policy',
          'identity',
          ...base,
          '--simulate',
          'myna-licence',
        ]);
        assert.equal(r.code, 3, r.stderr + r.stdout);
        assert.equal(r.json.verdict, 'unverified');
        assert.deepEqual(r.json.card, { type: 'driving-licence', generation: 'mynumber-card' });
        assert.deepEqual(r.json.attributes, { expiry_date: '2029-05-01' });
        assert.deepEqual(r.json.staffConfirm, ['myna_licence_unsigned']);
        assert.deepEqual(r.json.undecoded, [
          { tag: 'C2', length: 12 },
          { tag: 'C3', length: 4 },
          { tag: 'C6', length: 0 },
          { tag: '5F40', length: 1868 },
        ]);
        assert.deepEqual(
          r.json.pins,
          [{ kind: 'licence_ap_pin', triesBefore: 10 }],
          'PIN 2 has no meaning here and is never sent',
        );
        assert.deepEqual(r.json.errors, []);
        assert.equal(r.json.signerKeyIds.length, 0);
        assert.ok(r.json.apdus.count >= 14 && r.json.apdus.bytesReceived < 200, JSON.stringify(r.json.apdus));
      }
    });
  },
);

test(
  'the same card with a My Number secret, or --document mynumber, is read as a My Number Card (signed: valid, exit 0)',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ readerName }) => {
      const r = await cli([
        '--reader',
        readerName,
        '--pin',
        '1234',
        '--policy',
        'identity',
        ...base,
        '--simulate',
        'myna-licence',
      ]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.equal(r.json.card.type, 'mynumber-card');
      assert.equal(r.json.verdict, 'valid');
      const age = await cli([
        '--reader',
        readerName,
        '--document',
        'mynumber',
        '--pin',
        '1234',
        '--policy',
        'age-over-20',
        ...base,
        '--simulate',
        'myna-licence',
      ]);
      assert.equal(age.code, 0, age.stderr + age.stdout);
      assert.equal(age.json.attributes.age_over_20, true);
    });
  },
);

test(
  'faults: age-over-20 named as a licence, wrong PIN, one try left, blocked, expired, no licence AP — each its code, exit 1',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ readerName }) => {
      const run = (policy: string, pin: string, variant: string) =>
        cli([
          '--reader',
          readerName,
          '--document',
          'driving-licence',
          '--pin1',
          pin,
          '--policy',
          policy,
          ...base,
          '--simulate',
          variant,
        ]);
      const cases: [string, string, string, string, number | undefined][] = [
        ['age-over-20', '2580', 'myna-licence', 'myna_licence_no_birth_date', undefined],
        ['identity', '1111', 'myna-licence', 'myna_licence_pin_wrong', 9],
        ['identity', '2580', 'myna-licence:one-try-left', 'myna_licence_pin_one_try_left', 1],
        ['identity', '2580', 'myna-licence:blocked', 'myna_licence_pin_blocked', 0],
        ['entrance', '2580', 'myna-licence:no-ap', 'myna_licence_absent', undefined],
      ];
      for (const [policy, pin, variant, code, tries] of cases) {
        const r = await run(policy, pin, variant);
        assert.equal(r.code, 1, `${variant}: ${r.stderr}${r.stdout}`);
        assert.equal(r.json.verdict, 'invalid');
        assert.equal(r.json.errors[0].code, code, variant);
        assert.equal(r.json.errors[0].triesLeft, tries, variant);
        assert.deepEqual(r.json.attributes, {});
        assert.ok(r.json.errors[0].messageJa.length > 0 && r.json.errors[0].messageEn.length > 0);
      }
      const expired = await run('identity', '2580', 'myna-licence:expired');
      assert.equal(expired.code, 1);
      assert.deepEqual(
        expired.json.checks.map((c: any) => [c.code, c.ok]),
        [['licence.expiry', false]],
      );
      assert.equal(expired.json.undecoded, undefined);
    });
  },
);
