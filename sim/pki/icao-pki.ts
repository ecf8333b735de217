// The project's TEST ICAO PKI (TEST ONLY, never trusted in production): Country Signing CAs for
// three test states, a rogue CSCA with Japan's name but another key, a master list signer under the
// German test CSCA, the master list carrying the Japanese test CSCA (as real states' lists carry
// Japan's, which MOFA does not publish), and Document Signers built on demand for the passport
// simulator. EC keys from fixed seed labels: everything here is byte-identical run to run.
import type { Curve, HashAlg } from '../../core/crypto/provider.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import {
  buildCertificate,
  ext,
  keyFromSeed,
  keyIdentifier,
  spkiExplicitDer,
  type ExtSpec,
  type NameSpec,
  type TestKey,
} from './cert-builder.ts';
import { buildSignedData } from './cms-builder.ts';
import { seq, set, int } from './der-encode.ts';
import { CMS_OID } from '../../core/x509/cms-signed-data.ts';

export type TestState = 'JP' | 'DE' | 'FR';

export interface BuiltCa {
  der: Uint8Array;
  key: TestKey;
  subject: NameSpec;
  hash: HashAlg;
}

export const CSCA_VALIDITY = {
  notBefore: new Date('2020-01-01T00:00:00Z'),
  notAfter: new Date('2045-01-01T00:00:00Z'),
};
/** Document Signer certificates: key usage period (3 months in practice; wider here) plus document validity. */
export const DS_VALIDITY = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2036-04-01T00:00:00Z') };
export const DS_KEY_USAGE_PERIOD = {
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
};

const STATES: Record<TestState, { curve: Curve; hash: HashAlg; name: string; explicit: boolean }> = {
  // Japan's test CSCA writes its brainpool curve out as explicit parameters (as German CSCAs do).
  JP: { curve: 'brainpoolP256r1', hash: 'SHA-256', name: 'Japan', explicit: true },
  DE: { curve: 'brainpoolP384r1', hash: 'SHA-384', name: 'Germany', explicit: false },
  // Never in resources/test-trust: a passport of this state reads as `unverified`.
  FR: { curve: 'P-256', hash: 'SHA-256', name: 'France (not trusted)', explicit: false },
};

/** Every certificate of the test PKI: its country, the test organisation, and what it is. */
const testName = (country: string, cn: string): NameSpec => [
  ['C', country],
  ['O', 'Kakunin Test PKI (TEST ONLY)'],
  ['CN', cn],
];

const cscaName = (c: TestState): NameSpec => testName(c, `Kakunin TEST CSCA ${STATES[c].name}`);

function cscaExtensions(key: TestKey): ExtSpec[] {
  return [
    ext.basicConstraints(true, 0),
    ext.keyUsage(['keyCertSign', 'cRLSign']),
    ext.subjectKeyIdentifier(keyIdentifier(key)),
  ];
}

const cache = new Map<string, BuiltCa>();

/** A test CSCA (self-signed). `rogue`: Japan's subject name with another key (a forger's CSCA). */
export function testCsca(state: TestState, rogue = false): BuiltCa {
  const id = `${state}${rogue ? '-rogue' : ''}`;
  let b = cache.get(id);
  if (!b) {
    const s = STATES[state];
    const key = keyFromSeed(s.curve, `icao-csca-${id}`);
    const subject = cscaName(state);
    const der = buildCertificate({
      serial: rogue ? 66 : 1,
      issuer: subject,
      subject,
      notBefore: CSCA_VALIDITY.notBefore,
      notAfter: CSCA_VALIDITY.notAfter,
      subjectKey: key,
      signerKey: key,
      hash: s.hash,
      extensions: cscaExtensions(key),
      ...(s.explicit ? { spki: spkiExplicitDer(key) } : {}),
    });
    b = { der, key, subject, hash: s.hash };
    cache.set(id, b);
  }
  return b;
}

/** id-icao-mrtd-security-cscaMasterListSigningKey (Doc 9303-12 §7.1.1, master list signer EKU). */
const ML_SIGNING_EKU = '2.23.136.1.1.3';

/** The master list signer: issued by the German test CSCA, as Germany's signer is by its CSCA. */
export function testMasterListSigner(): BuiltCa {
  let b = cache.get('ml-signer');
  if (!b) {
    const de = testCsca('DE');
    const key = keyFromSeed('brainpoolP256r1', 'icao-ml-signer-DE');
    const subject = testName('DE', 'Kakunin TEST Master List Signer Germany');
    const der = buildCertificate({
      serial: 7,
      issuer: de.subject,
      subject,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2040-01-01T00:00:00Z'),
      subjectKey: key,
      signerKey: de.key,
      hash: de.hash,
      extensions: [
        ext.authorityKeyIdentifier(keyIdentifier(de.key)),
        ext.subjectKeyIdentifier(keyIdentifier(key)),
        ext.keyUsage(['digitalSignature']),
        ext.extendedKeyUsage([ML_SIGNING_EKU], false),
      ],
    });
    b = { der, key, subject, hash: 'SHA-256' };
    cache.set('ml-signer', b);
  }
  return b;
}

/** A signer nobody trusts (for the "untrusted signer" import test): self-issued, same subject style. */
export function untrustedMasterListSigner(): BuiltCa {
  const key = keyFromSeed('P-256', 'icao-ml-signer-untrusted');
  const subject = testName('DE', 'Kakunin TEST Master List Signer (untrusted)');
  const der = buildCertificate({
    serial: 9,
    issuer: subject,
    subject,
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2034-01-01T00:00:00Z'),
    subjectKey: key,
    signerKey: key,
    extensions: [ext.keyUsage(['digitalSignature'])],
  });
  return { der, key, subject, hash: 'SHA-256' };
}

/** CscaMasterList { version 0, certList SET OF Certificate } signed as CMS (Doc 9303-12 App. C). */
export function testMasterList(opts: { signer?: BuiltCa; certificates?: Uint8Array[] } = {}): Uint8Array {
  const signer = opts.signer ?? testMasterListSigner();
  const certs = opts.certificates ?? [testCsca('JP').der, testCsca('DE').der];
  const content = seq(int(0), set(...certs));
  return buildSignedData(
    {
      eContentType: CMS_OID.cscaMasterList,
      eContent: content,
      certificates: [signer.der],
      signerCertificate: signer.der,
      signerKey: { kind: 'ec', key: signer.key },
      hash: 'SHA-256',
      signingTime: new Date('2026-01-08T12:00:00Z'),
    },
    (h, d) => nobleCrypto.digest(h, d),
  );
}

export type DsVariant = 'good' | 'foreign' | 'expired-at-signing' | 'other-country';

export interface BuiltIcaoDs {
  der: Uint8Array;
  key: TestKey;
  csca: BuiltCa;
}

/**
 * A Document Signer under a state's test CSCA. 'foreign': issued by the rogue CSCA with Japan's name
 * (the DS does not chain to the real CSCA); 'expired-at-signing': its private key usage period ends
 * before the SOD's signing time; 'other-country': a German DS (for a Japanese passport).
 */
export function testDocumentSigner(state: TestState, variant: DsVariant = 'good', curve: Curve = 'P-256'): BuiltIcaoDs {
  const issuerState: TestState = variant === 'other-country' ? 'DE' : state;
  const csca = testCsca(issuerState, variant === 'foreign');
  const key = keyFromSeed(curve, `icao-ds-${issuerState}-${variant}-${curve}`);
  const pkup =
    variant === 'expired-at-signing'
      ? { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2025-04-01T00:00:00Z') }
      : DS_KEY_USAGE_PERIOD;
  const gt = (d: Date) => new TextEncoder().encode(d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z');
  const pkupValue = seq(
    new Uint8Array([0x80, 15, ...gt(pkup.notBefore)]),
    new Uint8Array([0x81, 15, ...gt(pkup.notAfter)]),
  );
  const der = buildCertificate({
    serial: 0x2000 + ['good', 'foreign', 'expired-at-signing', 'other-country'].indexOf(variant),
    issuer: csca.subject,
    subject: testName(issuerState, `Kakunin TEST Document Signer ${issuerState} ${curve}`),
    notBefore: DS_VALIDITY.notBefore,
    notAfter: DS_VALIDITY.notAfter,
    subjectKey: key,
    signerKey: csca.key,
    hash: csca.hash,
    extensions: [
      ext.authorityKeyIdentifier(keyIdentifier(csca.key)),
      ext.subjectKeyIdentifier(keyIdentifier(key)),
      ext.keyUsage(['digitalSignature']),
      ext.raw('2.5.29.16', false, pkupValue),
    ],
  });
  return { der, key, csca };
}
