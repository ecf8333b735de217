import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificate, type Certificate } from '../../../core/x509/certificate.ts';
import { checkIssuerSignature } from '../../../core/x509/rules/issuer-signature.ts';
import { buildCertificate, keyFromSeed } from '../../../sim/pki/cert-builder.ts';
import { dsExtensions } from '../../../sim/pki/profiles.ts';
import { PROVIDERS } from '../support.ts';
import { DS_KEY, IACA_KEY, IACA_NAME, ds, iaca } from './fixtures.ts';
import type { HashAlg } from '../../../core/crypto/provider.ts';

// The DS is signed by the IACA key, with the hash that belongs to the IACA curve, and names the IACA.
function signedBy(signer = IACA_KEY, hash?: HashAlg, issuer = IACA_NAME): Certificate {
  return parseCertificate(
    buildCertificate({
      serial: 9,
      issuer,
      subject: [
        ['C', 'JP'],
        ['CN', 'sig DS'],
      ],
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
      subjectKey: DS_KEY,
      signerKey: signer,
      extensions: dsExtensions(DS_KEY, IACA_KEY),
      ...(hash ? { hash } : {}),
    }),
  );
}

function tamper(c: Certificate): Certificate {
  const der = c.der.slice();
  // Flip one bit inside the subject CN value ("sig DS" -> "sjg DS"): same length, still parses.
  const i = Buffer.from(der).indexOf(Buffer.from('sig DS'));
  der[i + 1] ^= 0x03;
  return parseCertificate(der);
}

const p384 = keyFromSeed('P-384', 'rules-iaca-384');
const iaca384 = parseCertificate(
  buildCertificate({
    serial: 2,
    issuer: IACA_NAME,
    subject: IACA_NAME,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
    subjectKey: p384,
    signerKey: p384,
    extensions: [],
  }),
);
const CASES: Array<[string, Certificate, Certificate, boolean, RegExp?]> = [
  ['signed by the IACA (P-256, SHA-256)', ds(), iaca(), true],
  ['P-384 IACA signing with SHA-384', signedBy(p384), iaca384, true],
  [
    'signed by another key under the same name (rogue IACA)',
    signedBy(keyFromSeed('P-256', 'rogue')),
    iaca(),
    false,
    /does not verify/,
  ],
  ['tampered DS body under a genuine signature', tamper(signedBy()), iaca(), false, /does not verify/],
  [
    'P-256 IACA with a SHA-384 signature (hash/curve mismatch)',
    signedBy(IACA_KEY, 'SHA-384'),
    iaca(),
    false,
    /does not match the issuer's P-256 key/,
  ],
  [
    'issuer name differs from the IACA subject',
    signedBy(IACA_KEY, undefined, [
      ['C', 'JP'],
      ['CN', 'Other IACA'],
    ]),
    iaca(),
    false,
    /issuer name differs/,
  ],
];

for (const crypto of PROVIDERS) {
  for (const [name, d, i, ok, re] of CASES) {
    test(`issuer-signature (${crypto.name}): ${name} -> ${ok ? 'pass' : 'chain_signature_invalid'}`, () => {
      const checks = checkIssuerSignature({ ds: d, iaca: i, crypto });
      assert.deepEqual(
        checks.map((c) => [c.code, c.ok]),
        [['chain_signature_invalid', ok]],
      );
      if (re) assert.match(checks[0]!.detail!, re);
    });
  }
}
