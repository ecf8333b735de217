// main/trust/load-dir.ts reads the trust DIR layout (docs/trust.md) exactly; every bad file becomes an
// error that names it, never an exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, cpSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { verifyDsChain } from '../../core/x509/chain.ts';
import { derToPem } from '../../core/x509/pem.ts';
import { buildIaca } from '../../sim/pki/profiles.ts';
import { documentSignerFor, testDocumentSigner } from '../../sim/pki/test-pki.ts';
import { buildVical, vicalOnlyIaca, vicalSigner } from '../../sim/pki/vical-builder.ts';
import { PROVIDERS, REAL_DIR, ROOT } from '../x509/support.ts';
import { encodeCbor, type CborValue } from '../../core/cbor/index.ts';
import { keyFromSeed, signRaw } from '../../sim/pki/cert-builder.ts';

const NOW = new Date('2026-11-22T00:00:00Z');
const TEST_TRUST = join(ROOT, 'resources', 'test-trust');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kakunin-trust-'));
}
function put(dir: string, rel: string, data: string | Uint8Array): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, data);
  return p;
}

for (const crypto of PROVIDERS) {
  test(`load-dir (${crypto.name}): resources/test-trust loads with no errors: 3 IACAs + 1 via VICAL`, () => {
    const s = loadTrustDir(TEST_TRUST, { crypto, now: NOW });
    assert.deepEqual(s.errors, []);
    const files = s.iacas.map((r) => r.origin.slice(TEST_TRUST.length + 1));
    for (const f of [
      'iaca/kakunin-test-iaca-p256.pem',
      'iaca/kakunin-test-iaca-p384.pem',
      'iaca/kakunin-test-iaca-p521.pem',
      'vical/kakunin-test-vical.cbor#certificateInfos[0]',
    ])
      assert.ok(files.includes(f), f);
    assert.equal(s.vicals.length, 1);
    assert.equal(s.vicals[0]!.accepted, 1);
    // A DS under the VICAL-only IACA chains through the VICAL.
    const ds = documentSignerFor(vicalOnlyIaca(), 'good', undefined, 'vical');
    const r = verifyDsChain([ds.certificate], s, { at: NOW, crypto });
    assert.ok(
      r.checks.every((c) => c.ok),
      JSON.stringify(r.checks.filter((c) => !c.ok)),
    );
    assert.match(r.iaca!.origin, /#certificateInfos\[0\]$/);
  });
}

const crypto = PROVIDERS[0]!;

test('load-dir: the real roots dir laid out as a trust DIR loads all five, pinned', () => {
  const dir = tempDir();
  cpSync(join(REAL_DIR, 'jlis-mnc-mdoc-iaca.pem'), join(dir, 'iaca', 'jlis.pem'), { recursive: true });
  for (const f of ['jpki-auth-ca-2015.pem', 'jpki-auth-ca-2023.pem', 'jpki-sign-ca-2015.pem', 'jpki-sign-ca-2023.pem'])
    cpSync(join(REAL_DIR, f), join(dir, 'jpki', f));
  const s = loadTrustDir(dir, { crypto, now: NOW });
  assert.deepEqual(s.errors, []);
  assert.equal(s.iacas.length, 1);
  assert.equal(s.jpkiRoots.length, 4);
  assert.ok([...s.iacas, ...s.jpkiRoots].every((r) => r.pinned));
});

test('load-dir: bad files become errors naming the file (no crash)', () => {
  const dir = tempDir();
  const good = readFileSync(join(TEST_TRUST, 'iaca', 'kakunin-test-iaca-p256.pem'), 'utf8');
  const files = {
    garbagePem: put(dir, 'iaca/garbage.pem', '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'),
    notPem: put(dir, 'iaca/text.pem', 'hello'),
    truncated: put(
      dir,
      'iaca/truncated.der',
      Buffer.from(good.split('\n').slice(1, -2).join(''), 'base64').subarray(0, 100),
    ),
    indefinite: put(dir, 'iaca/indefinite.der', new Uint8Array([0x30, 0x80, 0x00, 0x00])),
    badCardName: put(dir, 'card-face/not-hex.pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
    ecCardFace: put(
      dir,
      'card-face/' + '00'.repeat(16) + '.pem',
      derToPem(
        new Uint8Array(
          Buffer.from(
            generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }),
          ),
        ),
        'PUBLIC KEY',
      ),
    ),
    vicalGarbage: put(dir, 'vical/garbage.cbor', new Uint8Array([0x9f, 0x9f, 0x9f])),
  };
  put(dir, 'iaca/readme.txt', 'ignored');
  const s = loadTrustDir(dir, { crypto, now: NOW });
  const byFile = new Map(s.errors.map((e) => [e.file, e.code]));
  assert.equal(byFile.get(files.garbagePem), 'malformed_certificate');
  assert.equal(byFile.get(files.notPem), 'malformed_certificate');
  assert.equal(byFile.get(files.truncated), 'malformed_certificate');
  assert.equal(byFile.get(files.indefinite), 'malformed_certificate');
  assert.equal(byFile.get(files.badCardName), 'invalid_key_id');
  assert.equal(byFile.get(files.ecCardFace), 'malformed_key');
  assert.equal(byFile.get(files.vicalGarbage), 'malformed_vical');
  assert.ok(s.warnings.some((w) => w.code === 'ignored_file' && w.file?.endsWith('readme.txt')));
  assert.equal(s.iacas.length, 0);
});

test('load-dir: card-face/<32 hex>.pem RSA keys load, indexed by lower-case key id', () => {
  const dir = tempDir();
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const id = '0123456789ABCDEF0123456789ABCDEF';
  put(dir, `card-face/${id}.pem`, derToPem(spki, 'PUBLIC KEY'));
  const s = loadTrustDir(dir, { crypto, now: NOW });
  assert.deepEqual(s.errors, []);
  const k = s.cardFaceKeys.get(id.toLowerCase());
  assert.ok(k);
  assert.equal(k.key.n.length, 256);
  assert.deepEqual([...k.key.e], [1, 0, 1]);
});

test('load-dir: VICAL entries are trusted only if the VICAL verifies against a vical signer', () => {
  const iaca = vicalOnlyIaca();
  const signer = vicalSigner();
  const other = vicalSigner('not-trusted');
  const cases: Array<[string, Uint8Array, Uint8Array | null, string | null]> = [
    ['signed by the trusted signer', buildVical([{ certificate: iaca.der }], signer), signer.der, null],
    [
      'signed by the trusted signer, no x5chain',
      buildVical([{ certificate: iaca.der }], signer, { includeX5chain: false }),
      signer.der,
      null,
    ],
    ['signed by another key', buildVical([{ certificate: iaca.der }], other), signer.der, 'vical_signer_untrusted'],
    ['no vical-signers at all', buildVical([{ certificate: iaca.der }], signer), null, 'vical_signer_untrusted'],
    [
      'no vical-signers and no x5chain',
      buildVical([{ certificate: iaca.der }], signer, { includeX5chain: false }),
      null,
      'vical_signer_untrusted',
    ],
  ];
  // A payload changed after signing (one byte of the listed certificate).
  const tampered = buildVical([{ certificate: iaca.der }], signer);
  const at = Buffer.from(tampered).indexOf(Buffer.from('Kakunin Test IACA via VICAL'));
  tampered[at] ^= 0x01;
  cases.push(['payload tampered after signing', tampered, signer.der, 'vical_signature_invalid']);
  for (const [name, vical, signerDer, err] of cases) {
    const dir = tempDir();
    put(dir, 'vical/v.cbor', vical);
    if (signerDer) put(dir, 'vical-signers/s.pem', derToPem(signerDer));
    const s = loadTrustDir(dir, { crypto, now: NOW });
    if (err) {
      assert.equal(s.iacas.length, 0, name);
      assert.deepEqual(
        s.errors.map((e) => e.code),
        [err],
        name,
      );
      assert.ok(s.errors[0]!.file!.endsWith('v.cbor'));
    } else {
      assert.deepEqual(s.errors, [], name);
      assert.equal(s.iacas.length, 1, name);
    }
  }
});

test('load-dir: a VICAL with alg only in the unprotected header, or signed by an expired signer, is refused', () => {
  const iaca = vicalOnlyIaca();
  const signer = vicalSigner();
  // Re-wrap the genuine VICAL with alg moved to the unprotected bucket (signature over an empty protected header).
  const payload = encodeCbor(
    new Map<CborValue, CborValue>([
      ['version', '1.0'],
      ['vicalProvider', 'x'],
      ['certificateInfos', [new Map<CborValue, CborValue>([['certificate', iaca.der]])]],
    ]),
  );
  const sig = signRaw(signer.key, 'SHA-256', encodeCbor(['Signature1', new Uint8Array(0), new Uint8Array(0), payload]));
  const unprotectedAlg = encodeCbor([
    new Uint8Array(0),
    new Map<CborValue, CborValue>([
      [1, -7],
      [33, signer.der],
    ]),
    payload,
    sig,
  ]);
  let dir = tempDir();
  put(dir, 'vical/v.cbor', unprotectedAlg);
  put(dir, 'vical-signers/s.pem', derToPem(signer.der));
  let s = loadTrustDir(dir, { crypto, now: NOW });
  assert.equal(s.iacas.length, 0);
  assert.equal(s.errors[0]?.code, 'malformed_vical');
  assert.match(s.errors[0]!.detail, /unprotected/);
  // The genuine VICAL, read at a time after its signer certificate expired.
  dir = tempDir();
  put(dir, 'vical/v.cbor', buildVical([{ certificate: iaca.der }], signer));
  put(dir, 'vical-signers/s.pem', derToPem(signer.der));
  s = loadTrustDir(dir, { crypto, now: new Date('2041-01-01T00:00:00Z') });
  assert.equal(s.iacas.length, 0);
  assert.equal(s.errors[0]?.code, 'vical_signature_invalid');
});

test('load-dir: expiry warnings (expired, within 90 days) and duplicates are warnings, not errors', () => {
  const dir = tempDir();
  const soon = buildIaca({
    key: keyFromSeed('P-256', 'soon'),
    subject: [
      ['C', 'JP'],
      ['CN', 'Soon'],
    ],
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-15T00:00:00Z'),
  });
  const gone = buildIaca({
    key: keyFromSeed('P-256', 'gone'),
    subject: [
      ['C', 'JP'],
      ['CN', 'Gone'],
    ],
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2026-01-01T00:00:00Z'),
  });
  put(dir, 'iaca/soon.pem', derToPem(soon.der));
  put(dir, 'iaca/soon-again.der', soon.der);
  put(dir, 'iaca/gone.pem', derToPem(gone.der));
  const s = loadTrustDir(dir, { crypto, now: NOW });
  assert.deepEqual(s.errors, []);
  const w = s.warnings.map((x) => [x.code, x.file!.slice(dir.length + 1)]).sort();
  assert.deepEqual(
    w,
    [
      ['duplicate_root', 'iaca/soon.pem'],
      ['root_expired', 'iaca/gone.pem'],
      ['root_expiring', 'iaca/soon-again.der'],
    ].sort(),
  );
  assert.equal(s.iacas.length, 2);
});

test('load-dir: a missing DIR is an error, not a crash', () => {
  const s = loadTrustDir('/nonexistent/kakunin-trust', { crypto, now: NOW });
  assert.equal(s.errors[0]?.code, 'trust_dir_missing');
});

test('load-dir: the test DS of every test IACA chains against resources/test-trust', () => {
  const s = loadTrustDir(TEST_TRUST, { crypto, now: NOW });
  for (const n of ['p256', 'p384', 'p521'] as const) {
    const r = verifyDsChain([testDocumentSigner(n).certificate], s, { at: NOW, crypto });
    assert.ok(
      r.checks.every((c) => c.ok),
      n,
    );
  }
});
