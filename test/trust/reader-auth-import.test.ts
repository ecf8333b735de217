// `kakunin trust import --kind reader-auth`: the kiosk's reader certificate chain and private key
// (ISO 18013-5 §9.1.4). The key is stored 0600 in a 0700 directory and never printed; a mismatched,
// expired or wrong-profile pair is refused; a key file opened up to others is not used. Then one
// kiosk transaction records in its audit entry that the request was signed, and by which certificate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readerAuthPemFiles, testReaderCertificate } from '../../sim/pki/reader-auth-pki.ts';
import { loadReaderAuth } from '../../main/trust/reader-auth.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { ROOT } from '../x509/support.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { SimulatedPhone } from '../../main/host/readers/simulated-phone.ts';
import { buildAuditEntry } from '../../core/audit/audit-entry.ts';
import { parseAuditEntry } from '../../main/audit/audit-entry-schema.ts';
import { until } from '../kiosk/helpers.ts';

function kakunin(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'main', 'cli', 'kakunin.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const tmp = (): string => mkdtempSync(join(tmpdir(), 'kakunin-reader-auth-'));

function files(
  variant: Parameters<typeof testReaderCertificate>[0] = 'good',
  keyOf?: Parameters<typeof testReaderCertificate>[0],
) {
  const dir = tmp();
  const { chainPem } = readerAuthPemFiles(testReaderCertificate(variant));
  const { keyPem } = readerAuthPemFiles(testReaderCertificate(keyOf ?? variant));
  writeFileSync(join(dir, 'chain.pem'), chainPem);
  writeFileSync(join(dir, 'reader.key'), keyPem);
  return { chain: join(dir, 'chain.pem'), key: join(dir, 'reader.key'), keyPem };
}

test('import: stored with the key 0600 in a 0700 directory; output shows subject + fingerprint, never the key; trust list shows it without the key', () => {
  const trust = tmp();
  const f = files();
  const r = kakunin('trust', 'import', '--trust', trust, '--kind', 'reader-auth', '--key', f.key, f.chain, '--json');
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  assert.match(out.subject, /Kakunin Test Reader good/);
  assert.equal(out.fingerprint, createHash('sha256').update(testReaderCertificate().der).digest('hex'));
  assert.equal(statSync(join(trust, 'reader-auth', 'reader.key')).mode & 0o777, 0o600);
  assert.equal(statSync(join(trust, 'reader-auth')).mode & 0o777, 0o700);
  const keyBody = f.keyPem.split('\n')[1]!;
  for (const text of [r.stdout, r.stderr]) {
    assert.ok(!text.includes('PRIVATE KEY') && !text.includes(keyBody), 'the key is never printed');
  }
  const list = kakunin('trust', 'list', '--trust', trust, '--json');
  const l = JSON.parse(list.stdout);
  assert.equal(l.readerAuth.fingerprint, out.fingerprint);
  assert.ok(!list.stdout.includes('PRIVATE KEY') && !list.stdout.includes(keyBody));
  // Loadable for signing.
  const ra = loadReaderAuth(trust, { crypto: nodeCrypto, now: new Date('2026-11-22T00:00:00Z') });
  assert.equal(ra.state, 'ready');
});

test('import refuses a key of another certificate, an expired certificate, and a certificate without the reader-auth EKU (exit 1, nothing stored)', () => {
  for (const [variant, keyOf, code] of [
    ['good', 'expired', 'reader_auth_key_mismatch'],
    ['expired', undefined, 'reader_auth_expired'],
    ['wrong-eku', undefined, 'reader_auth_profile_invalid'],
  ] as const) {
    const trust = tmp();
    const f = files(variant, keyOf);
    const r = kakunin('trust', 'import', '--trust', trust, '--kind', 'reader-auth', '--key', f.key, f.chain, '--json');
    assert.equal(r.status, 1, `${variant}: ${r.stdout}`);
    assert.equal(JSON.parse(r.stdout).error.code, code);
    assert.equal(loadReaderAuth(trust, { crypto: nodeCrypto, now: new Date() }).state, 'absent');
  }
});

test('a key file opened to others is not used: requests go unauthenticated and the reason is reported', () => {
  const trust = tmp();
  const f = files();
  assert.equal(
    kakunin('trust', 'import', '--trust', trust, '--kind', 'reader-auth', '--key', f.key, f.chain).status,
    0,
  );
  chmodSync(join(trust, 'reader-auth', 'reader.key'), 0o644);
  const ra = loadReaderAuth(trust, { crypto: nodeCrypto, now: new Date() });
  assert.equal(ra.state, 'unusable');
  assert.equal(ra.state === 'unusable' && ra.code, 'reader_auth_key_permissions');
});

test('audit: a kiosk transaction with a reader certificate records readerAuth {signer, fingerprint}; the stored entry passes the schema; old rows without it read as null', async () => {
  const home = tmp();
  const trust = join(home, 'trust');
  cpSync(join(ROOT, 'resources', 'test-trust'), trust, { recursive: true });
  const f = files();
  assert.equal(
    kakunin('trust', 'import', '--trust', trust, '--kind', 'reader-auth', '--key', f.key, f.chain).status,
    0,
  );
  const phone = new SimulatedPhone({ trustDir: trust });
  const settings = new SettingsStore(null);
  settings.update({ mode: 'age-over-20', readers: { card: false, mdoc: true } });
  const audit = new MemoryAuditSink();
  const host = new KioskHost({ readers: [phone.reader], settings, audit });
  host.start();
  try {
    await host.whenIdle();
    await until(() => phone.present('phone-ok'), 5000);
    await until(() => audit.entries.length === 1, 20_000);
    const e = audit.entries[0]!;
    assert.equal(e.outcome, 'valid');
    assert.deepEqual(e.readerAuth, {
      signer: 'C=JP, O=Kakunin Test Store (TEST ONLY), CN=Kakunin Test Reader good',
      fingerprint: createHash('sha256').update(testReaderCertificate().der).digest('hex'),
    });
    const built = buildAuditEntry({
      time: e.time,
      mode: e.mode,
      outcome: e.outcome,
      checks: e.checks,
      credentialType: 'mdoc',
      readerAuth: e.readerAuth ?? null,
    });
    assert.deepEqual(parseAuditEntry(built).readerAuth, e.readerAuth);
    const { readerAuth: _, ...old } = built;
    assert.equal(parseAuditEntry(old).readerAuth, null);
  } finally {
    await host.stop();
    phone.close();
  }
});
