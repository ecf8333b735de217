// TEST-ONLY issuers of the driving licence and the residence card: a test "NPA" signer for the
// licence's EF07 signature and test "ISA" roots with card certificates for the residence card's
// DF3 (1st generation RSA-2048; 2nd generation EC P-384 signing with SHA-256, as the ISA's CA2 does).
// None of these is an NPA or ISA key; their names say Kakunin TEST so the pinned-root rule
// (core/residence-card/trust.ts) lets them into a test trust directory. Keys are deterministic
// (same label, same key) and written by sim/pki/generate-document-trust.ts.
import { ROOT, TEST_TRUST_DIR } from '../../main/project-root.ts';
import { createPrivateKey, createPublicKey, createHash, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificate, deterministicRsaKey } from '../card/generate-test-keys.ts';
import { name } from '../card/der-builder.ts';
import { buildCertificate, ext, keyFromSeed, keyIdentifier, type TestKey } from './cert-builder.ts';

export const DOCUMENT_KEYS = join(ROOT, 'sim', 'fixtures', 'document-pki');
export const TEST_TRUST = TEST_TRUST_DIR;

export const RSA_LABELS = [
  'isa-test-root-gen1',
  'isa-test-card-gen1',
  'isa-rogue-root-gen1',
  'npa-test-signer',
  'npa-unknown-signer',
] as const;
export type RsaLabel = (typeof RSA_LABELS)[number];

const rsaCache = new Map<string, KeyObject>();
/** The RSA test key of `label`: from the fixtures file when present, else generated (slow). */
export function rsaKey(label: RsaLabel): KeyObject {
  let k = rsaCache.get(label);
  if (!k) {
    const f = join(DOCUMENT_KEYS, `${label}.key.pem`);
    k = existsSync(f)
      ? createPrivateKey(readFileSync(f, 'utf8').replace(/^#.*\n/, ''))
      : deterministicRsaKey(`document-pki ${label}`);
    rsaCache.set(label, k);
  }
  return k;
}

const skiOf = (k: KeyObject) =>
  new Uint8Array(
    createHash('sha1')
      .update(createPublicKey(k).export({ type: 'spki', format: 'der' }))
      .digest(),
  );

export const GEN1_ROOT_NAME: Array<[string, string]> = [
  ['C', 'JP'],
  ['O', 'Kakunin TEST ONLY'],
  ['OU', 'Test residence card issuer'],
  ['CN', 'Kakunin TEST Residence Card CA'],
];
const GEN1_CARD_NAME: Array<[string, string]> = [
  ['C', 'JP'],
  ['O', 'Kakunin TEST ONLY'],
  ['CN', 'Kakunin TEST residence card signer 1'],
];
const FROM = new Date('2024-01-01T00:00:00Z');
const TO = new Date('2040-01-01T00:00:00Z');

/** 1st generation: the root (self-signed) and the card certificate; `rogue` signs with another key under the same name. */
export function gen1Pki(rogue = false): { root: Uint8Array; card: Uint8Array; cardKey: KeyObject } {
  const rootKey = rsaKey('isa-test-root-gen1');
  const signer = rogue ? rsaKey('isa-rogue-root-gen1') : rootKey;
  const cardKey = rsaKey('isa-test-card-gen1');
  const rootSki = skiOf(rootKey);
  const rootCert = certificate({
    serial: 1,
    issuer: name(GEN1_ROOT_NAME),
    subject: name(GEN1_ROOT_NAME),
    from: FROM,
    to: TO,
    subjectKey: rootKey,
    issuerKey: rootKey,
    ca: true,
    ski: rootSki,
    aki: rootSki,
  });
  const card = certificate({
    serial: rogue ? 0x66 : 0x10,
    issuer: name(GEN1_ROOT_NAME),
    subject: name(GEN1_CARD_NAME),
    from: FROM,
    to: TO,
    subjectKey: cardKey,
    issuerKey: signer,
    ca: false,
    ski: skiOf(cardKey),
    aki: rootSki,
  });
  return { root: rootCert, card, cardKey };
}

const GEN2_ROOT: Array<[string, string]> = [
  ['C', 'JP'],
  ['O', 'Kakunin TEST ONLY'],
  ['OU', 'Test residence card issuer'],
  ['CN', 'Kakunin TEST Residence Card CA2'],
];
const GEN2_CARD: Array<[string, string]> = [
  ['C', 'JP'],
  ['O', 'Kakunin TEST ONLY'],
  ['CN', 'Kakunin TEST residence card signer 2'],
];

/** 2nd generation: EC P-384 root and card certificate, both signed with ecdsa-with-SHA256. */
export function gen2Pki(rogue = false): { root: Uint8Array; card: Uint8Array; cardKey: TestKey } {
  const rootKey = keyFromSeed('P-384', 'isa-test-root-gen2');
  const signer = rogue ? keyFromSeed('P-384', 'isa-rogue-root-gen2') : rootKey;
  const cardKey = keyFromSeed('P-384', 'isa-test-card-gen2');
  const rootCert = buildCertificate({
    serial: 1,
    issuer: GEN2_ROOT,
    subject: GEN2_ROOT,
    notBefore: FROM,
    notAfter: TO,
    subjectKey: rootKey,
    signerKey: rootKey,
    hash: 'SHA-256',
    extensions: [
      ext.basicConstraints(true, 0),
      ext.keyUsage(['keyCertSign', 'cRLSign']),
      ext.subjectKeyIdentifier(keyIdentifier(rootKey)),
    ],
  });
  const card = buildCertificate({
    serial: rogue ? 0x66 : 0x20,
    issuer: GEN2_ROOT,
    subject: GEN2_CARD,
    notBefore: FROM,
    notAfter: TO,
    subjectKey: cardKey,
    signerKey: signer,
    hash: 'SHA-256',
    extensions: [ext.keyUsage(['digitalSignature']), ext.authorityKeyIdentifier(keyIdentifier(rootKey))],
  });
  return { root: rootCert, card, cardKey };
}

const NPA_NAME: Array<[string, string]> = [
  ['C', 'JP'],
  ['O', 'Kakunin TEST ONLY'],
  ['OU', 'Test driving licence issuer'],
  ['CN', 'Kakunin TEST NPA licence signer'],
];
const NPA_ROGUE: Array<[string, string]> = [
  ['C', 'JP'],
  ['O', 'Kakunin TEST ONLY'],
  ['CN', 'Kakunin TEST unknown licence signer'],
];

/** The licence signer certificate (self-issued; the kiosk pins it by SKI in DIR/driving-licence/). */
export function npaSigner(unknown = false): {
  cert: Uint8Array;
  key: KeyObject;
  ski: Uint8Array;
  issuer: string;
  subject: string;
  serial: number;
} {
  const key = rsaKey(unknown ? 'npa-unknown-signer' : 'npa-test-signer');
  const n = unknown ? NPA_ROGUE : NPA_NAME;
  const ski = skiOf(key);
  const serial = unknown ? 0x99 : 0x31;
  return {
    cert: certificate({
      serial,
      issuer: name(n),
      subject: name(n),
      from: FROM,
      to: TO,
      subjectKey: key,
      issuerKey: key,
      ca: false,
      ski,
      aki: ski,
    }),
    key,
    ski,
    issuer: 'Kakunin TEST NPA',
    subject: n[n.length - 1]![1],
    serial,
  };
}
