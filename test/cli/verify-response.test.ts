// The `kakunin verify-response` contract, exercised as a separate process exactly as an
// outside checker runs it: one JSON object on stdout, exit 0 valid / 1 invalid / 2 usage, never a
// crash or hang on hostile input (each run is bounded at 10 s and 1 GiB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { derToPem } from '../../core/x509/pem.ts';
import { testSession, MNC_DOCTYPE } from '../../sim/mdoc/issuer.ts';
import { annexD as annexDFile } from '../support/reference-files.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'main/cli/kakunin.mjs');
const v = annexDFile().values;
const hex = (s: string) => Buffer.from(s, 'hex');

const dir = mkdtempSync(join(tmpdir(), 'kakunin-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string, data: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const RESPONSE = f('annex-d-response.cbor', hex(v.device_response));
const TRANSCRIPT = f('annex-d-transcript.cbor', hex(v.session_transcript_bytes));
const TRUST_DER = join(dir, 'trust-der');
mkdirSync(join(TRUST_DER, 'iaca'), { recursive: true });
writeFileSync(join(TRUST_DER, 'iaca', 'annex-d-iaca.der'), hex(v.iaca_root_cert));
const TRUST_PEM = join(dir, 'trust-pem');
mkdirSync(join(TRUST_PEM, 'iaca'), { recursive: true });
writeFileSync(
  join(TRUST_PEM, 'iaca', 'annex-d-iaca.pem'),
  derToPem(new Uint8Array(hex(v.iaca_root_cert)), 'CERTIFICATE'),
);
const READER_KEY = v.ephemeral_reader_key_d as string;

// Without --trust the CLI reads $KAKUNIN_HOME/trust: a private, empty home for these runs.
const HOME = mkdtempSync(join(tmpdir(), 'kakunin-cli-home-'));
function kakunin(args: string[], viaNpx = false) {
  const r = viaNpx
    ? spawnSync('npx', ['kakunin', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, KAKUNIN_HOME: HOME },
      })
    : spawnSync(process.execPath, ['--max-old-space-size=1024', BIN, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 10_000,
        env: { ...process.env, KAKUNIN_HOME: HOME },
      });
  assert.equal(r.signal, null, `killed by ${r.signal} (hang?) stderr=${r.stderr}`);
  let json: any;
  if (args.includes('--json')) {
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, `exactly one JSON line expected, got: ${r.stdout.slice(0, 300)}`);
    json = JSON.parse(lines[0]!);
  }
  return { code: r.status, json, stdout: r.stdout, stderr: r.stderr };
}

const annexD = (at: string, trust = TRUST_DER, extra: string[] = []) => [
  'verify-response',
  '--response',
  RESPONSE,
  '--transcript',
  TRANSCRIPT,
  '--trust',
  trust,
  '--at',
  at,
  '--reader-key',
  READER_KEY,
  '--json',
  ...extra,
];

test('Annex D via `npx kakunin verify-response`: valid at 2020-10-02 (exit 0) with elements rendered', () => {
  const r = kakunin(annexD('2020-10-02T00:00:00Z'), true);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.verdict, 'valid');
  assert.deepEqual(r.json.errors, []);
  const d = r.json.documents[0];
  assert.equal(d.docType, 'org.iso.18013.5.1.mDL');
  assert.equal(d.verdict, 'valid');
  const els = d.elements['org.iso.18013.5.1'];
  assert.equal(els.family_name, 'Doe');
  assert.equal(els.issue_date, '2019-10-20', 'full-date as a string');
  assert.deepEqual(els.portrait, { hex: v.device_response_portrait_data });
  assert.ok(d.checks.length > 10 && d.checks.every((c: { ok: boolean }) => c.ok));
  assert.ok(d.checks.some((c: { code: string }) => c.code === 'device_auth_failed'));
});

test('Annex D via the CLI with a PEM trust dir: same verdict', () => {
  const r = kakunin(annexD('2020-10-02T00:00:00Z', TRUST_PEM));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.verdict, 'valid');
});

test('Annex D via the CLI at 2022-01-01: invalid (exit 1) with mso_expired, no elements', () => {
  // Through npx: on a non-zero exit npm must add nothing to stdout (.npmrc), still one JSON line.
  const r = kakunin(annexD('2022-01-01T00:00:00Z'), true);
  assert.equal(r.code, 1);
  assert.equal(r.json.verdict, 'invalid');
  assert.ok(r.json.errors.some((e: { code: string }) => e.code === 'mso_expired'));
  assert.ok(r.json.documents[0].checks.some((c: { code: string; ok: boolean }) => c.code === 'mso_expired' && !c.ok));
  assert.deepEqual(r.json.documents[0].elements, {});
});

test('Annex D via the CLI without --reader-key: invalid, reader_key_required', () => {
  const args = annexD('2020-10-02T00:00:00Z');
  args.splice(args.indexOf('--reader-key'), 2);
  const r = kakunin(args);
  assert.equal(r.code, 1);
  assert.ok(r.json.errors.some((e: { code: string }) => e.code === 'reader_key_required'));
});

test('Annex D against an empty trust dir: invalid, untrusted_chain', () => {
  const empty = join(dir, 'empty-trust');
  mkdirSync(join(empty, 'iaca'), { recursive: true });
  const r = kakunin(annexD('2020-10-02T00:00:00Z', empty));
  assert.equal(r.code, 1);
  assert.ok(r.json.errors.some((e: { code: string }) => e.code === 'untrusted_chain'));
});

test('simulated jp.mnc response (deviceMac) against resources/test-trust: valid', () => {
  const s = testSession({ docType: MNC_DOCTYPE, deviceAuth: 'mac' });
  const resp = f('mnc.cbor', s.response);
  const tr = f('mnc-transcript.cbor', s.transcript.bytes);
  const r = kakunin([
    'verify-response',
    '--json',
    '--response',
    resp,
    '--transcript',
    tr,
    '--trust',
    join(ROOT, 'resources/test-trust'),
    '--reader-key',
    Buffer.from(s.reader.privateKey).toString('hex'),
  ]);
  assert.equal(r.code, 0, JSON.stringify(r.json.errors));
  assert.equal(r.json.documents[0].elements['org.iso.23220.1'].age_over_20, true);
  assert.equal(r.json.documents[0].elements['org.iso.23220.1'].birth_date, '1990-04-01');
});

test("without --trust: the built-in anchors plus $KAKUNIN_HOME/trust (Annex D's IACA is in neither: untrusted, exit 1)", () => {
  const r = kakunin([
    'verify-response',
    '--response',
    RESPONSE,
    '--transcript',
    TRANSCRIPT,
    '--at',
    '2020-10-02T00:00:00Z',
    '--reader-key',
    READER_KEY,
    '--json',
  ]);
  assert.equal(r.code, 1);
  assert.equal(r.json.verdict, 'invalid');
  assert.ok(
    r.json.errors.some((e: { code: string }) => e.code === 'untrusted_chain'),
    JSON.stringify(r.json.errors),
  );
  mkdirSync(join(HOME, 'trust', 'iaca'), { recursive: true });
  copyFileSync(
    join(TRUST_DER, 'iaca', readdirSync(join(TRUST_DER, 'iaca'))[0]!),
    join(HOME, 'trust', 'iaca', 'annex-d-iaca.der'),
  );
  try {
    const home = kakunin([
      'verify-response',
      '--response',
      RESPONSE,
      '--transcript',
      TRANSCRIPT,
      '--at',
      '2020-10-02T00:00:00Z',
      '--reader-key',
      READER_KEY,
      '--json',
    ]);
    assert.equal(home.code, 0, JSON.stringify(home.json.errors));
  } finally {
    rmSync(join(HOME, 'trust'), { recursive: true, force: true });
  }
});

test('usage errors exit 2: missing, unknown and repeated flags, unreadable files, bad time, bad hex', () => {
  const base = ['verify-response', '--response', RESPONSE, '--transcript', TRANSCRIPT, '--trust', TRUST_DER];
  const cases: string[][] = [
    ['verify-response', '--transcript', TRANSCRIPT, '--trust', TRUST_DER, '--json'],
    ['verify-response', '--response', RESPONSE, '--trust', TRUST_DER, '--json'],
    [...base, '--json', '--frobnicate'],
    [...base, '--json', 'stray'],
    [...base, '--json', '--response', RESPONSE],
    [
      'verify-response',
      '--response',
      join(dir, 'nope.cbor'),
      '--transcript',
      TRANSCRIPT,
      '--trust',
      TRUST_DER,
      '--json',
    ],
    ['verify-response', '--response', dir, '--transcript', TRANSCRIPT, '--trust', TRUST_DER, '--json'],
    ['verify-response', '--response', RESPONSE, '--transcript', join(dir, 'nope.cbor'), '--trust', TRUST_DER, '--json'],
    [
      'verify-response',
      '--response',
      RESPONSE,
      '--transcript',
      TRANSCRIPT,
      '--trust',
      join(dir, 'no-such-dir'),
      '--json',
    ],
    [...base, '--json', '--at', 'yesterday'],
    [...base, '--json', '--at', '2020-13-45T00:00:00Z'],
    [...base, '--json', '--at'],
    [...base, '--json', '--reader-key', 'xyz'],
    [...base, '--json', '--reader-key', 'abc'],
  ];
  for (const args of cases) {
    const r = kakunin(args);
    assert.equal(r.code, 2, `${args.slice(1).join(' ')} -> ${r.code}`);
    assert.equal(r.json.verdict, 'invalid');
    assert.equal(r.json.errors[0].code, 'usage_error');
  }
  assert.equal(kakunin(['verify-response', '--help']).code, 0);
});

test('hostile input files give verdict invalid with an error code, exit 1, never a crash or hang', () => {
  const deep = Buffer.alloc(200_000, 0x81);
  const inputs: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    garbage: Buffer.from('this is not cbor at all'),
    truncated: hex(v.device_response).subarray(0, 500),
    trailing: Buffer.concat([hex(v.device_response), Buffer.from([0])]),
    deep,
    bomb: Buffer.alloc(2_000_000, 0x9f),
    hugeLength: Buffer.from('5bffffffffffffffff', 'hex'),
    wrongShape: Buffer.from('83010203', 'hex'),
  };
  for (const [name, bytes] of Object.entries(inputs)) {
    for (const which of ['response', 'transcript'] as const) {
      const p = f(`hostile-${name}.cbor`, bytes);
      const args = annexD('2020-10-02T00:00:00Z');
      args[args.indexOf(which === 'response' ? '--response' : '--transcript') + 1] = p;
      const r = kakunin(args);
      assert.equal(r.code, 1, `${which} ${name}: exit ${r.code} ${r.stderr}`);
      assert.equal(r.json.verdict, 'invalid');
      assert.ok(
        r.json.errors.length > 0 &&
          r.json.errors.every((e: { code: string }) => typeof e.code === 'string' && e.code !== 'internal_error'),
        `${which} ${name}: ${JSON.stringify(r.json.errors).slice(0, 300)}`,
      );
    }
  }
});

test('human output without --json keeps the exit codes', () => {
  const args = annexD('2022-01-01T00:00:00Z').filter((a) => a !== '--json');
  const r = kakunin(args);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /verdict: INVALID/);
  assert.match(r.stdout, /mso_expired/);
});

test('JSON rendering of element values: dates as strings, bytes as {hex}, big integers, maps, tags', async () => {
  const { cborToJson } = await import('../../main/cli/json-output.ts');
  const { Tagged, EmbeddedCbor } = await import('../../core/cbor/model.ts');
  assert.equal(cborToJson(new Tagged(1004, '1990-04-01')), '1990-04-01');
  assert.equal(cborToJson(new Tagged(0, '2020-10-01T13:30:02Z')), '2020-10-01T13:30:02Z');
  assert.equal(cborToJson(new Tagged(100, 0)), '1970-01-01');
  assert.equal(cborToJson(new Tagged(1, 86400)), '1970-01-02T00:00:00.000Z');
  assert.deepEqual(cborToJson(new Uint8Array([0xde, 0xad])), { hex: 'dead' });
  assert.equal(cborToJson(2n ** 70n), '1180591620717411303424');
  assert.equal(cborToJson(-5n), -5);
  assert.equal(cborToJson(undefined), null);
  assert.equal(cborToJson(NaN), 'NaN');
  assert.deepEqual(
    cborToJson(
      new Map<never, never>([
        [1 as never, 'a' as never],
        ['k' as never, [true] as never],
      ]),
    ),
    { 1: 'a', k: [true] },
  );
  assert.deepEqual(cborToJson(new Tagged(99, 'x')), { tag: 99, value: 'x' });
  assert.deepEqual(cborToJson(EmbeddedCbor.fromContent(new Uint8Array([0xf5]))), { tag: 24, hex: 'f5' });
  const deep: unknown[] = [];
  let cur = deep;
  for (let i = 0; i < 100; i++) cur.push((cur = []));
  assert.doesNotThrow(() => JSON.stringify(cborToJson(deep as never)));
});
