// `npx kakunin read-mdoc` contract (README "Reading a phone (mdoc) from the command line"): JSON shape (verify-response's plus transport and
// timings), exit codes 0 valid / 1 invalid / 2 usage, --simulate scenarios with
// --trust resources/test-trust, and no hang without hardware.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../main/cli/kakunin.mjs', import.meta.url));

function kakunin(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, 'read-mdoc', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: r.stdout.trim() ? JSON.parse(r.stdout) : null };
}

test('--simulate wallet:qr --policy age-over-20: exit 0, VALID, only age_over_20 + portrait, transport and timings', () => {
  const r = kakunin([
    '--policy',
    'age-over-20',
    '--trust',
    'resources/test-trust',
    '--json',
    '--simulate',
    'wallet:qr',
  ]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(r.json.verdict, 'valid');
  for (const k of ['documents', 'errors', 'warnings', 'checks', 'transport', 'timings']) assert.ok(k in r.json, k);
  assert.deepEqual(r.json.documents[0].elements['org.iso.23220.1'], { age_over_20: true });
  assert.deepEqual(Object.keys(r.json.documents[0].elements['org.iso.23220.1.jp']), ['portrait']);
  assert.equal(r.json.transport.kind, 'ble-central-client');
  for (const k of ['engagement', 'session', 'transfer', 'verify']) assert.equal(typeof r.json.timings[k], 'number');
});

test('--simulate wallet:tamper: exit 1, INVALID with digest_mismatch, no elements shown', () => {
  const r = kakunin([
    '--policy',
    'age-over-20',
    '--trust',
    'resources/test-trust',
    '--json',
    '--simulate',
    'wallet:tamper',
  ]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.json.verdict, 'invalid');
  assert.ok(r.json.errors.some((e: { code: string }) => e.code === 'digest_mismatch'));
  for (const d of r.json.documents) assert.deepEqual(d.elements, {});
});

test('usage errors exit 2', () => {
  assert.equal(kakunin(['--trust', 'resources/test-trust']).code, 2);
  assert.equal(kakunin(['--policy', 'age-over-21', '--trust', 'resources/test-trust']).code, 2);
  assert.equal(kakunin(['--policy', 'age-over-20', '--trust', '/nonexistent']).code, 2);
  assert.equal(
    kakunin(['--policy', 'age-over-20', '--trust', 'resources/test-trust', '--simulate', 'wallet:unknown']).code,
    2,
  );
  assert.equal(kakunin(['--policy', 'age-over-20', '--trust', 'resources/test-trust', '--bogus']).code, 2);
});

test('without --simulate and without hardware: clear message, exit 2, no hang', () => {
  const t0 = Date.now();
  const r = kakunin(['--policy', 'age-over-20', '--trust', 'resources/test-trust', '--json'], {
    PCSCLITE_CSOCK_NAME: '/nonexistent/pcscd.comm',
  });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.json.errors[0].code, 'no_reader_hardware');
  assert.match(r.stderr, /no phone reader here/);
  assert.ok(Date.now() - t0 < 30_000);
});

test('transport.readerAuth and transport.carriersOffered: false / [] for QR; true / ["ble","nfc"] for an Apple-like negotiated handover with a reader certificate installed', async () => {
  const { cpSync, mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { readerAuthPemFiles, testReaderCertificate } = await import('../../sim/pki/reader-auth-pki.ts');
  const qr = kakunin([
    '--policy',
    'age-over-20',
    '--trust',
    'resources/test-trust',
    '--json',
    '--simulate',
    'wallet:qr',
  ]);
  assert.equal(qr.json.transport.readerAuth, false);
  assert.deepEqual(qr.json.transport.carriersOffered, []);
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-read-mdoc-ra-'));
  cpSync(join(ROOT, 'resources', 'test-trust'), join(dir, 'trust'), { recursive: true });
  const { chainPem, keyPem } = readerAuthPemFiles(testReaderCertificate());
  writeFileSync(join(dir, 'chain.pem'), chainPem + keyPem); // one file with the chain and the key
  const imp = spawnSync(
    process.execPath,
    [CLI, 'trust', 'import', '--trust', join(dir, 'trust'), '--kind', 'reader-auth', join(dir, 'chain.pem')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(imp.status, 0, imp.stderr);
  const apple = kakunin([
    '--policy',
    'age-over-20',
    '--trust',
    join(dir, 'trust'),
    '--json',
    '--simulate',
    'wallet:apple',
  ]);
  assert.equal(apple.code, 0, apple.stderr + apple.stdout);
  assert.equal(apple.json.transport.readerAuth, true);
  assert.deepEqual(apple.json.transport.carriersOffered, ['ble', 'nfc']);
  assert.match(apple.json.transport.readerCertificate, /Kakunin Test Reader good/);
  assert.ok(!apple.stdout.includes('PRIVATE KEY'));
});
