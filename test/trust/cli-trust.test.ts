// `npx kakunin trust list|import` as a contract: JSON fields, exit codes, refusal of a wrong J-LIS root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derToPem } from '../../core/x509/pem.ts';
import { REAL_DIR, ROOT, realRootDer } from '../x509/support.ts';

// A private, empty KAKUNIN_HOME for every run: without --trust the CLI reads and writes there.
const HOME = mkdtempSync(join(tmpdir(), 'kakunin-cli-trust-home-'));
function kakunin(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'main', 'cli', 'kakunin.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, KAKUNIN_HOME: HOME },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const tmp = (): string => mkdtempSync(join(tmpdir(), 'kakunin-cli-trust-'));

test('trust list --json on resources/test-trust: roots with subject, fingerprint, validity; exit 0', () => {
  const r = kakunin(
    'trust',
    'list',
    '--trust',
    'resources/test-trust',
    '--no-builtin-trust',
    '--json',
    '--at',
    '2026-11-22T00:00:00Z',
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  // iaca/ holds three, the VICAL one more; jpki/ and card-face/ belong to the card simulator's generator.
  assert.equal(out.roots.filter((x: { kind: string }) => x.kind === 'iaca').length, 4);
  const p256 = out.roots.find((x: { subject: string }) => x.subject.endsWith('Kakunin Test IACA P-256'));
  assert.match(p256.fingerprint, /^[0-9a-f]{64}$/);
  assert.equal(p256.notAfter, '2040-01-01T00:00:00.000Z');
  assert.equal(p256.kind, 'iaca');
  assert.deepEqual(out.errors, []);
  assert.equal(out.vicals.length, 1);
});

test('trust import: real J-LIS and JPKI roots are built in (nothing written), pinned, listed with expiry warnings', () => {
  const dir = tmp();
  const a = kakunin(
    'trust',
    'import',
    '--trust',
    dir,
    '--kind',
    'iaca',
    join(REAL_DIR, 'jlis-mnc-mdoc-iaca.pem'),
    '--json',
  );
  assert.equal(a.status, 0, a.stderr);
  const ja = JSON.parse(a.stdout);
  assert.equal(ja.ok, true);
  assert.equal(ja.builtIn, true);
  assert.equal(ja.fingerprint, '6e8a31086093169 61d142426ce842b7927fd2817553170 56e1574eb9ede80a0e'.replace(/ /g, ''));
  assert.match(ja.pinned, /mncmdocRootCA/);
  assert.ok(!existsSync(join(dir, 'iaca', 'jlis-mnc-mdoc-iaca.pem')), 'a built-in anchor is not copied into the DIR');
  const b = kakunin('trust', 'import', '--trust', dir, '--kind', 'jpki', join(REAL_DIR, 'jpki-auth-ca-2015.pem'));
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /pinned: +JPKI for user authentication \(2015\)/);
  assert.match(b.stdout, /built in \(already trusted, nothing written\)/);
  // The same roots imported into a DIR used without the built-ins are written and listed from there.
  for (const [kind, f] of [
    ['iaca', 'jlis-mnc-mdoc-iaca.pem'],
    ['jpki', 'jpki-auth-ca-2015.pem'],
  ] as const) {
    mkdirSync(join(dir, kind), { recursive: true });
    copyFileSync(join(REAL_DIR, f), join(dir, kind, f));
  }
  const l = kakunin('trust', 'list', '--trust', dir, '--no-builtin-trust', '--json', '--at', '2026-11-22T00:00:00Z');
  assert.equal(l.status, 0, l.stderr);
  const out = JSON.parse(l.stdout);
  assert.equal(out.roots.length, 2);
  const jpki = out.roots.find((x: { kind: string }) => x.kind === 'jpki');
  assert.deepEqual(
    jpki.warnings.map((w: { code: string }) => w.code),
    ['root_expired'],
  );
  const soon = kakunin('trust', 'list', '--trust', dir, '--no-builtin-trust', '--json', '--at', '2030-04-01T00:00:00Z');
  const jlis = JSON.parse(soon.stdout).roots.find((x: { kind: string }) => x.kind === 'iaca');
  assert.deepEqual(
    jlis.warnings.map((w: { code: string }) => w.code),
    ['root_expiring'],
  );
  // Importing the same file again is idempotent.
  assert.equal(
    kakunin('trust', 'import', '--trust', dir, '--kind', 'iaca', join(REAL_DIR, 'jlis-mnc-mdoc-iaca.pem')).status,
    0,
  );
});

test('trust import: a modified J-LIS root is REFUSED with exit 1 and a clear message; nothing is written', () => {
  const dir = tmp();
  const der = realRootDer('jlis-mnc-mdoc-iaca.pem').slice();
  der[der.length - 3] ^= 0x01;
  const f = join(tmp(), 'jlis-mnc-mdoc-iaca.pem');
  writeFileSync(f, derToPem(der));
  const r = kakunin('trust', 'import', '--trust', dir, '--kind', 'iaca', f);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /REFUSED \(pinned_fingerprint_mismatch\).*J-LIS root/);
  assert.equal(existsSync(join(dir, 'iaca')) && readdirSync(join(dir, 'iaca')).length > 0, false);
  const j = kakunin('trust', 'import', '--trust', dir, '--kind', 'iaca', f, '--json');
  assert.equal(j.status, 1);
  assert.equal(JSON.parse(j.stdout).error.code, 'pinned_fingerprint_mismatch');
});

test('trust import: card-face key by --key-id; vical needs a trusted signer; usage errors exit 2', () => {
  const dir = tmp();
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const f = join(tmp(), 'cardface.pem');
  writeFileSync(f, publicKey.export({ type: 'spki', format: 'pem' }));
  const id = 'a1'.repeat(16);
  const r = kakunin('trust', 'import', '--trust', dir, '--kind', 'card-face', '--key-id', id, f);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'card-face', `${id}.pem`)));
  assert.equal(kakunin('trust', 'import', '--trust', dir, '--kind', 'card-face', f).status, 2); // no --key-id
  assert.equal(kakunin('trust', 'import', '--trust', dir, '--kind', 'card-face', '--key-id', 'abc', f).status, 2);
  assert.equal(kakunin('trust', 'import', '--trust', dir, '--kind', 'bogus', f).status, 2);
  // Without --trust: the kiosk's own DIR ($KAKUNIN_HOME/trust). A public key is not a certificate: refused.
  assert.equal(kakunin('trust', 'import', '--kind', 'iaca', f).status, 1);
  assert.equal(kakunin('trust', 'list').status, 0);
  assert.equal(kakunin('trust', 'list', '--trust', join(dir, 'does-not-exist')).status, 2);
  assert.equal(kakunin('trust', 'frobnicate', '--trust', dir).status, 2);

  const vical = join(ROOT, 'resources', 'test-trust', 'vical', 'kakunin-test-vical.cbor');
  const refused = kakunin('trust', 'import', '--trust', dir, '--kind', 'vical', vical, '--json');
  assert.equal(refused.status, 1);
  assert.equal(JSON.parse(refused.stdout).error.code, 'vical_signer_untrusted');
  const s = kakunin(
    'trust',
    'import',
    '--trust',
    dir,
    '--kind',
    'vical-signer',
    join(ROOT, 'resources', 'test-trust', 'vical-signers', 'kakunin-test-vical-signer.pem'),
  );
  assert.equal(s.status, 0, s.stderr);
  const ok = kakunin('trust', 'import', '--trust', dir, '--kind', 'vical', vical);
  assert.equal(ok.status, 0, ok.stderr);
  const l = JSON.parse(kakunin('trust', 'list', '--trust', dir, '--no-builtin-trust', '--json').stdout);
  assert.equal(l.cardFaceKeys[0].keyId, id);
  const iacas = l.roots.filter((x: { kind: string }) => x.kind === 'iaca');
  assert.equal(iacas.length, 1);
  assert.equal(iacas[0].source, 'vical');
  assert.equal(l.roots.filter((x: { kind: string }) => x.kind === 'vical-signer').length, 1);
});

test('trust import: a non-IACA (DS certificate) imported as an IACA is refused', () => {
  const dir = tmp();
  const f = join(ROOT, 'sim', 'fixtures', 'test-pki', 'TEST-ONLY-kakunin-test-ds-p256.cert.pem');
  const r = kakunin('trust', 'import', '--trust', dir, '--kind', 'iaca', f, '--json');
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout).error.code, 'not_self_signed');
  void readFileSync;
});
