// `npm run gen:test-trust`: writes the project's TEST PKI into resources/test-trust/ in the trust DIR
// layout (docs/trust.md; main/trust/load-dir.ts): iaca/*.pem, vical/*.cbor + vical-signers/*.pem;
// and the ICAO test PKI for passports: csca/ (the German test CSCA, trusted directly),
// masterlist-signers/ (its master list signer) and masterlist/ (a master list carrying the Japanese
// test CSCA, which is trusted only through it). Test private keys go to sim/fixtures/test-pki/ (TEST ONLY). Deterministic: running it twice writes identical bytes.
// card-face/ and jpki/ are made by the card simulator's own generator and left alone here.

import { createHash, createPrivateKey } from 'node:crypto';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { derToPem } from '../../core/x509/pem.ts';
import type { TestKey } from './cert-builder.ts';
import { TEST_IACA_CURVES, testDocumentSigner, testIaca, testIacaFile, type TestIacaName } from './test-pki.ts';
import { testVical } from './vical-builder.ts';
import { testCsca, testMasterList, testMasterListSigner } from './icao-pki.ts';

const root = resolve(import.meta.dirname, '..', '..');
const trustDir = join(root, 'resources', 'test-trust');
const keyDir = join(root, 'sim', 'fixtures', 'test-pki');

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** PKCS#8 PEM of a test key (so openssl and other tools can use it). */
export function testKeyPem(key: TestKey): string {
  const n = key.privateKey.length;
  const x = key.publicKey.subarray(1, 1 + n);
  const y = key.publicKey.subarray(1 + n);
  const k = createPrivateKey({
    key: { kty: 'EC', crv: key.curve, d: b64u(key.privateKey), x: b64u(x), y: b64u(y) },
    format: 'jwk',
  });
  return k.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function write(path: string, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  if (existsSync(path) && readFileSync(path).equals(buf)) return;
  writeFileSync(path, buf);
  console.log(`wrote ${path.slice(root.length + 1)}`);
}

export function generate(): void {
  for (const d of ['iaca', 'vical', 'vical-signers', 'csca', 'masterlist', 'masterlist-signers'])
    mkdirSync(join(trustDir, d), { recursive: true });
  mkdirSync(keyDir, { recursive: true });
  for (const name of Object.keys(TEST_IACA_CURVES) as TestIacaName[]) {
    const iaca = testIaca(name);
    write(join(trustDir, 'iaca', testIacaFile(name)), derToPem(iaca.der));
    write(join(keyDir, `TEST-ONLY-kakunin-test-iaca-${name}.key.pem`), testKeyPem(iaca.key));
    const ds = testDocumentSigner(name);
    write(join(keyDir, `TEST-ONLY-kakunin-test-ds-${name}.cert.pem`), derToPem(ds.certificate));
    write(join(keyDir, `TEST-ONLY-kakunin-test-ds-${name}.key.pem`), testKeyPem(ds.key));
  }
  // The test IACAs may issue the Japanese My Number record (beside the built-in J-LIS binding), so the
  // simulators' jp.mnc documents verify with this DIR; docs/trust.md "docType binding".
  const fingerprints = (Object.keys(TEST_IACA_CURVES) as TestIacaName[]).map((name) =>
    createHash('sha256').update(testIaca(name).der).digest('hex'),
  );
  write(join(trustDir, 'doctypes.json'), JSON.stringify({ 'org.iso.23220.1.jp.mnc': fingerprints }, null, 2) + '\n');
  const vical = testVical();
  write(join(trustDir, 'vical', 'kakunin-test-vical.cbor'), vical.vical);
  write(join(trustDir, 'vical-signers', 'kakunin-test-vical-signer.pem'), derToPem(vical.signerCertificate));
  write(join(keyDir, 'TEST-ONLY-kakunin-test-vical-signer.key.pem'), testKeyPem(vical.signerKey));
  // ICAO: the EC keys are derived from fixed labels (sim/pki/icao-pki.ts), so no key files are needed.
  write(join(trustDir, 'csca', 'kakunin-test-csca-de.pem'), derToPem(testCsca('DE').der));
  write(join(trustDir, 'masterlist-signers', 'kakunin-test-ml-signer-de.pem'), derToPem(testMasterListSigner().der));
  write(join(trustDir, 'masterlist', 'kakunin-test-de.ml'), testMasterList());
}

if (import.meta.url === `file://${process.argv[1]}`) generate();
