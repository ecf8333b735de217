// The `kakunin read-card` contract: flags, JSON fields, exit codes 0 / 1 / 2, and a clear
// error when pcscd is not reachable. The --simulate runs go through the real pcscd + vpcd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { readCardCli } from '../support/kakunin-cli.ts';
import { CHECK_NUMBER_B, TEST_TRUST_DIR } from './support.ts';
import { loadTestPhoto } from '../../sim/card/card-files.ts';

const PHOTO_BYTES = loadTestPhoto().length;

const skip = pcscdUnavailable();

const cli = readCardCli;

const base = ['--trust', TEST_TRUST_DIR, '--at', '2026-11-22T10:00:00+09:00', '--json'];

test('usage errors exit 2 before touching any card', async () => {
  const cases: string[][] = [
    ['--policy', 'identity', ...base], // no unlock
    ['--pin', '1234', '--check-number', CHECK_NUMBER_B, '--policy', 'identity', ...base], // both
    ['--pin', '12345', '--policy', 'identity', ...base],
    ['--check-number', '55139920352285', '--policy', 'identity', ...base], // month 13
    ['--pin', '1234', '--policy', 'adult', ...base],
    ['--pin', '1234', '--policy', 'identity', '--trust', TEST_TRUST_DIR, '--at', 'yesterday', '--json'],
    ['--pin', '1234', '--policy', 'identity', ...base, '--simulate', 'card:bogus'],
    ['--pin', '1234', '--policy', 'identity', ...base, '--frobnicate'],
  ];
  for (const args of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}\n${r.stderr}`);
    assert.match(r.stderr, /usage: kakunin read-card/);
  }
});

test('no pcscd reachable: a clear error naming pcscd, exit 2 (and JSON says pcsc_unavailable)', async () => {
  const r = await cli(['--pin', '1234', '--policy', 'identity', ...base, '--simulate', 'card'], {
    PCSCLITE_CSOCK_NAME: '/nonexistent/pcscd.comm',
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pcscd is not reachable/);
  assert.match(r.stderr, /pcscd -f/);
  assert.equal(JSON.parse(r.stdout).errors[0].code, 'pcsc_unavailable');
});

test(
  '--simulate card: valid age-over-20 through pcscd, exit 0, exact JSON shape, photo summarised not dumped',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ readerName }) => {
      const r = await cli([
        '--reader',
        readerName,
        '--check-number',
        CHECK_NUMBER_B,
        '--policy',
        'age-over-20',
        ...base,
        '--simulate',
        'card',
      ]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const j = JSON.parse(r.stdout);
      assert.equal(j.verdict, 'valid');
      assert.deepEqual(j.card, { type: 'mynumber-card', generation: 1 });
      assert.deepEqual(Object.keys(j.attributes).sort(), ['age_over_20', 'photo']);
      assert.equal(j.attributes.age_over_20, true);
      assert.deepEqual(j.attributes.photo, {
        format: 'jp2',
        width: 96,
        height: 128,
        components: 1,
        bytes: PHOTO_BYTES,
      });
      assert.ok(Array.isArray(j.checks) && j.checks.length >= 6 && j.checks.every((c: { ok: boolean }) => c.ok));
      assert.deepEqual(j.errors, []);
      assert.ok(j.apdus.count > 0 && j.apdus.bytesSent > 0 && j.apdus.bytesReceived > PHOTO_BYTES);
      assert.equal(typeof j.timings.total_ms, 'number');
      assert.ok(!/1980|birth/.test(JSON.stringify(j.attributes)));
    });
  },
);

test(
  '--simulate card:tampered exits 1; card:one-try-left with --pin exits 1 with pin_one_try_left',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ readerName }) => {
      const t = await cli([
        '--reader',
        readerName,
        '--check-number',
        CHECK_NUMBER_B,
        '--policy',
        'identity',
        ...base,
        '--simulate',
        'card:tampered',
      ]);
      assert.equal(t.code, 1, t.stderr);
      const tj = JSON.parse(t.stdout);
      assert.equal(tj.verdict, 'invalid');
      assert.deepEqual(tj.attributes, {});
      assert.ok(tj.checks.some((c: { code: string; ok: boolean }) => c.code === 'text_ap.attributes_hash' && !c.ok));
      const o = await cli([
        '--reader',
        readerName,
        '--pin',
        '1234',
        '--policy',
        'entrance',
        ...base,
        '--simulate',
        'card:one-try-left',
      ]);
      assert.equal(o.code, 1, o.stderr);
      const oj = JSON.parse(o.stdout);
      assert.equal(oj.errors[0].code, 'pin_one_try_left');
      assert.match(oj.errors[0].messageJa, /市区町村/);
    });
  },
);

test(
  '--simulate card:long on entrance with --photo-pixels: long name valid; pixels only when asked',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ readerName }) => {
      const r = await cli([
        '--reader',
        readerName,
        '--check-number',
        CHECK_NUMBER_B,
        '--policy',
        'entrance',
        ...base,
        '--simulate',
        'card:long',
        '--photo-pixels',
      ]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const j = JSON.parse(r.stdout);
      assert.equal(Buffer.from(j.attributes.photo.pixels, 'base64').length, 96 * 128);
      assert.ok(j.attributes.name.length > 50);
    });
  },
);
