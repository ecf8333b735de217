// TEST ONLY: a reader authentication PKI (ISO/IEC 18013-5 §9.1.4, Annex B): a test reader root CA
// and reader certificates under it, with variants the virtual wallet must refuse. Deterministic keys
// (fixed seed labels), so the same certificate is made every run. Nothing here is ever trusted by a
// real wallet: the subjects say TEST ONLY.
//
//   const ca = testReaderCa();                    // the root the virtual wallet is given
//   const r = testReaderCertificate();            // reader cert + key (P-256), valid 2025-06..2030-06
//   testReaderCertificate('expired' | 'wrong-eku' | 'other-ca')
//   readerAuthPemFiles(r) -> { chainPem, keyPem } for `kakunin trust import --kind reader-auth`
import { createPrivateKey } from 'node:crypto';
import { OID } from '../../core/x509/oids.ts';
import { derToPem } from '../../core/x509/pem.ts';
import { buildCertificate, ext, keyFromSeed, keyIdentifier, type NameSpec, type TestKey } from './cert-builder.ts';
import { buildIaca } from './profiles.ts';

export interface ReaderCa {
  der: Uint8Array;
  key: TestKey;
  subject: NameSpec;
}

export interface ReaderCertificate {
  /** Reader certificate DER (x5chain[0]). */
  der: Uint8Array;
  key: TestKey;
  /** The CA it is issued by. */
  ca: ReaderCa;
}

export type ReaderCertVariant = 'good' | 'expired' | 'wrong-eku' | 'other-ca';

export const TEST_READER_VALIDITY = {
  notBefore: new Date('2025-06-01T00:00:00Z'),
  notAfter: new Date('2030-06-01T00:00:00Z'),
};

const caCache = new Map<string, ReaderCa>();

/** The test reader root CA (`label` 'other' gives a second, unrelated root). */
export function testReaderCa(label: 'main' | 'other' = 'main'): ReaderCa {
  let ca = caCache.get(label);
  if (!ca) {
    const key = keyFromSeed('P-256', `reader-ca-${label}`);
    const subject: NameSpec = [
      ['C', 'JP'],
      ['O', 'Kakunin Test PKI (TEST ONLY)'],
      ['CN', label === 'main' ? 'Kakunin Test Reader CA' : 'Kakunin Other Reader CA'],
    ];
    // A self-signed root with the test PKI's root validity (2025..2040), a CA for reader certificates.
    ca = buildIaca({
      key,
      subject,
      serial: 1,
      extensions: [
        ext.basicConstraints(true, 0),
        ext.keyUsage(['keyCertSign', 'cRLSign']),
        ext.subjectKeyIdentifier(keyIdentifier(key)),
      ],
    });
    caCache.set(label, ca);
  }
  return ca;
}

export function testReaderCertificate(variant: ReaderCertVariant = 'good'): ReaderCertificate {
  const ca = testReaderCa(variant === 'other-ca' ? 'other' : 'main');
  const key = keyFromSeed('P-256', `reader-${variant}`);
  const validity =
    variant === 'expired'
      ? { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') }
      : TEST_READER_VALIDITY;
  const der = buildCertificate({
    serial: 0x2000,
    issuer: ca.subject,
    subject: [
      ['C', 'JP'],
      ['O', 'Kakunin Test Store (TEST ONLY)'],
      ['CN', `Kakunin Test Reader ${variant}`],
    ],
    ...validity,
    subjectKey: key,
    signerKey: ca.key,
    extensions: [
      ext.authorityKeyIdentifier(keyIdentifier(ca.key)),
      ext.subjectKeyIdentifier(keyIdentifier(key)),
      ext.keyUsage(['digitalSignature']),
      ext.extendedKeyUsage([variant === 'wrong-eku' ? '1.3.6.1.5.5.7.3.2' : OID.mdlReaderAuth]),
    ],
  });
  return { der, key, ca };
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** The PEM files an operator would import (chain: the reader certificate only; the root stays out). */
export function readerAuthPemFiles(r: ReaderCertificate): { chainPem: string; keyPem: string } {
  const n = r.key.privateKey.length;
  const k = createPrivateKey({
    key: {
      kty: 'EC',
      crv: r.key.curve,
      d: b64u(r.key.privateKey),
      x: b64u(r.key.publicKey.subarray(1, 1 + n)),
      y: b64u(r.key.publicKey.subarray(1 + n)),
    },
    format: 'jwk',
  });
  return { chainPem: derToPem(r.der), keyPem: k.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
