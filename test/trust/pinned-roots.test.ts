// The real J-LIS roots as published (test/support/reference-files.ts) are accepted and pinned;
// any modified copy is refused, whatever byte was changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustStore } from '../../core/trust/trust-store.ts';
import { checkPinnedRoot, claimsToBeJlisRoot, PINNED_ROOTS } from '../../core/trust/pinned-roots.ts';
import { parseCertificate } from '../../core/x509/certificate.ts';
import { buildIaca } from '../../sim/pki/profiles.ts';
import { keyFromSeed } from '../../sim/pki/cert-builder.ts';
import { PROVIDERS, REAL_FILES, realRootDer } from '../x509/support.ts';

const NOW = new Date('2026-11-22T00:00:00Z');

for (const crypto of PROVIDERS) {
  test(`pinned roots (${crypto.name}): every real root loads as its kind and is marked pinned`, () => {
    const s = new TrustStore({ crypto, now: NOW });
    for (const [file, kind] of Object.entries(REAL_FILES)) {
      const root = s.addRoot(realRootDer(file as keyof typeof REAL_FILES), kind, file);
      assert.ok(root, `${file}: ${JSON.stringify(s.errors)}`);
      assert.ok(root.pinned, file);
    }
    assert.deepEqual(s.errors, []);
    assert.equal(s.iacas.length, 1);
    assert.equal(s.jpkiRoots.length, 4);
    // 2015 JPKI roots expired on 2025-10-19: kept apart as warnings, not errors.
    assert.deepEqual(s.warnings.map((w) => [w.code, w.file]).sort(), [
      ['root_expired', 'jpki-auth-ca-2015.pem'],
      ['root_expired', 'jpki-sign-ca-2015.pem'],
    ]);
  });

  test(`pinned roots (${crypto.name}): a copy with one byte flipped in the signature is refused`, () => {
    const der = realRootDer('jlis-mnc-mdoc-iaca.pem').slice();
    der[der.length - 3] ^= 0x01;
    const s = new TrustStore({ crypto, now: NOW });
    assert.equal(s.addRoot(der, 'iaca', 'tampered.pem'), null);
    assert.equal(s.errors[0]?.code, 'pinned_fingerprint_mismatch');
    assert.equal(s.errors[0]?.file, 'tampered.pem');
  });

  test(`pinned roots (${crypto.name}): a copy with a field changed (validity, key, RSA modulus) is refused`, () => {
    for (const [file, kind, notAfter] of [
      ['jlis-mnc-mdoc-iaca.pem', 'iaca', '300528022303Z'],
      ['jpki-auth-ca-2023.pem', 'jpki', '330715145959Z'],
    ] as const) {
      const orig = realRootDer(file);
      const c = parseCertificate(orig);
      // The notAfter decade digit (2030 -> 2040: a root that "lives longer"), and a byte inside the key.
      const yearOffset = Buffer.from(orig).indexOf(Buffer.from(notAfter));
      const spkiOffset = c.spki.byteOffset - orig.byteOffset + c.spki.length - 10;
      assert.ok(yearOffset > 0);
      for (const [i, mask] of [
        [yearOffset, 0x07],
        [spkiOffset, 0x10],
      ] as const) {
        const der = orig.slice();
        der[i] ^= mask;
        const s = new TrustStore({ crypto, now: NOW });
        assert.equal(s.addRoot(der, kind, file), null, `${file} byte ${i}`);
        assert.equal(s.errors[0]?.code, 'pinned_fingerprint_mismatch');
      }
    }
  });
}

test('pinned roots: a self-made root that borrows the J-LIS name is refused; our test roots are not J-LIS', () => {
  const crypto = PROVIDERS[0]!;
  const fake = buildIaca({
    key: keyFromSeed('P-384', 'fake-jlis'),
    subject: [
      ['CN', 'mncmdocRootCA'],
      ['O', 'Japan Agency for Local Authority Information Systems'],
      ['C', 'JP'],
    ],
  });
  const s = new TrustStore({ crypto, now: NOW });
  assert.equal(s.addRoot(fake.der, 'iaca', 'fake.pem'), null);
  assert.equal(s.errors[0]?.code, 'pinned_fingerprint_mismatch');
  const lookalike = parseCertificate(
    buildIaca({
      key: keyFromSeed('P-256', 'lookalike'),
      subject: [
        ['C', 'JP'],
        ['O', 'JPKI'],
        ['CN', 'x'],
      ],
    }).der,
  );
  assert.ok(claimsToBeJlisRoot(lookalike));
  const ours = parseCertificate(buildIaca({ key: keyFromSeed('P-256', 'ours') }).der);
  assert.equal(claimsToBeJlisRoot(ours), false);
  assert.equal(checkPinnedRoot(ours, '00'.repeat(32), 'iaca').status, 'not-jlis');
});

test('pinned roots: a real JPKI root imported as an IACA (wrong kind) is refused', () => {
  const s = new TrustStore({ crypto: PROVIDERS[0]!, now: NOW });
  assert.equal(s.addRoot(realRootDer('jpki-sign-ca-2023.pem'), 'iaca', 'x.pem'), null);
  assert.match(s.errors[0]!.detail, /is a jpki root, not iaca/);
});

test('pinned roots: the table holds exactly the five published fingerprints', () => {
  assert.equal(PINNED_ROOTS.length, 5);
  for (const p of PINNED_ROOTS) assert.match(p.sha256, /^[0-9a-f]{64}$/);
  assert.equal(new Set(PINNED_ROOTS.map((p) => p.sha256)).size, 5);
});
