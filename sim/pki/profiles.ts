// TEST-ONLY Annex B profiles (ISO/IEC 18013-5 Annex B) for IACA roots and Document Signer
// certificates, with named variants that each break exactly one rule. Tests use these to prove
// every rule rejects what it should; the mdoc issuer simulator and virtual wallet use the good DS.

import type { Curve, HashAlg } from '../../core/crypto/provider.ts';
import { OID } from '../../core/x509/oids.ts';
import {
  buildCertificate,
  ext,
  keyFromSeed,
  keyIdentifier,
  randomKey,
  type ExtSpec,
  type NameSpec,
  type TestKey,
} from './cert-builder.ts';

export interface IacaOptions {
  key: TestKey;
  subject?: NameSpec;
  notBefore?: Date;
  notAfter?: Date;
  serial?: number;
  /** Replace the Annex B extension set entirely (for broken-profile tests). */
  extensions?: ExtSpec[];
}

export interface BuiltIaca {
  der: Uint8Array;
  key: TestKey;
  subject: NameSpec;
}

export const TEST_IACA_VALIDITY = {
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2040-01-01T00:00:00Z'),
};

export function iacaExtensions(key: TestKey): ExtSpec[] {
  return [
    ext.basicConstraints(true, 0),
    ext.keyUsage(['keyCertSign', 'cRLSign']),
    ext.subjectKeyIdentifier(keyIdentifier(key)),
    ext.issuerAltNameUri('https://example.invalid/kakunin-test-iaca'),
    ext.crlDistributionPointUri('https://example.invalid/kakunin-test-iaca.crl'),
  ];
}

export function buildIaca(o: IacaOptions): BuiltIaca {
  const subject = o.subject ?? [
    ['C', 'JP'],
    ['O', 'Kakunin Test PKI (TEST ONLY)'],
    ['CN', `Kakunin Test IACA ${o.key.curve}`],
  ];
  const der = buildCertificate({
    serial: o.serial ?? 1,
    issuer: subject,
    subject,
    notBefore: o.notBefore ?? TEST_IACA_VALIDITY.notBefore,
    notAfter: o.notAfter ?? TEST_IACA_VALIDITY.notAfter,
    subjectKey: o.key,
    signerKey: o.key,
    extensions: o.extensions ?? iacaExtensions(o.key),
  });
  return { der, key: o.key, subject };
}

/** Every DS variant the rule tests need: each breaks exactly one Annex B requirement. */
export type DsVariant =
  | 'good'
  | 'wrong-eku'
  | 'no-eku'
  | 'wrong-key-usage'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-country'
  | 'unknown-critical-extension'
  | 'rogue-iaca';

export interface DsOptions {
  iaca: BuiltIaca;
  /** DS key (default: a fresh random key on `curve`). */
  key?: TestKey;
  curve?: Curve;
  variant?: DsVariant;
  subject?: NameSpec;
  notBefore?: Date;
  notAfter?: Date;
  serial?: number;
  hash?: HashAlg;
  /** Override the extension list entirely. */
  extensions?: ExtSpec[];
}

export interface BuiltDs {
  der: Uint8Array;
  key: TestKey;
}

export const TEST_DS_VALIDITY = {
  notBefore: new Date('2025-06-01T00:00:00Z'),
  notAfter: new Date('2030-06-01T00:00:00Z'),
};

export function dsExtensions(key: TestKey, iacaKey: TestKey): ExtSpec[] {
  return [
    ext.authorityKeyIdentifier(keyIdentifier(iacaKey)),
    ext.subjectKeyIdentifier(keyIdentifier(key)),
    ext.keyUsage(['digitalSignature']),
    ext.extendedKeyUsage([OID.mdlDocumentSigner]),
    ext.issuerAltNameUri('https://example.invalid/kakunin-test-iaca'),
    ext.crlDistributionPointUri('https://example.invalid/kakunin-test-iaca.crl'),
  ];
}

export function buildDs(o: DsOptions): BuiltDs {
  const variant = o.variant ?? 'good';
  const key = o.key ?? randomKey(o.curve ?? o.iaca.key.curve);
  const country = o.iaca.subject.find(([t]) => t === 'C')?.[1] ?? 'JP';
  let subject: NameSpec = o.subject ?? [
    ['C', variant === 'wrong-country' ? (country === 'US' ? 'JP' : 'US') : country],
    ['O', 'Kakunin Test PKI (TEST ONLY)'],
    ['CN', `Kakunin Test DS ${key.curve}`],
  ];
  let notBefore = o.notBefore ?? TEST_DS_VALIDITY.notBefore;
  let notAfter = o.notAfter ?? TEST_DS_VALIDITY.notAfter;
  if (variant === 'expired') {
    notBefore = new Date('2020-01-01T00:00:00Z');
    notAfter = new Date('2021-01-01T00:00:00Z');
  } else if (variant === 'not-yet-valid') {
    notBefore = new Date('2099-01-01T00:00:00Z');
    notAfter = new Date('2100-01-01T00:00:00Z');
  }
  let extensions = o.extensions ?? dsExtensions(key, o.iaca.key);
  if (variant === 'wrong-eku')
    extensions = extensions.map((e) =>
      e.oid === OID.extendedKeyUsage ? ext.extendedKeyUsage(['1.3.6.1.5.5.7.3.2']) : e,
    );
  if (variant === 'no-eku') extensions = extensions.filter((e) => e.oid !== OID.extendedKeyUsage);
  if (variant === 'wrong-key-usage')
    extensions = extensions.map((e) =>
      e.oid === OID.keyUsage ? ext.keyUsage(['digitalSignature', 'keyCertSign']) : e,
    );
  if (variant === 'unknown-critical-extension')
    extensions = [...extensions, ext.raw('1.3.6.1.4.1.99999.1', true, new Uint8Array([0x05, 0x00]))];
  // A rogue IACA: same subject name (so the lookup finds the trusted one) but another key.
  const signer = variant === 'rogue-iaca' ? keyFromSeed(o.iaca.key.curve, 'rogue-iaca') : o.iaca.key;
  if (variant === 'rogue-iaca' && !o.subject) subject = [...subject.slice(0, 2), ['CN', 'Kakunin Rogue DS']];
  const certSpec = {
    serial: o.serial ?? 1000 + Math.floor(Math.random() * 1e6),
    issuer: o.iaca.subject,
    subject,
    notBefore,
    notAfter,
    subjectKey: key,
    signerKey: signer,
    extensions,
    ...(o.hash ? { hash: o.hash } : {}),
  };
  return { der: buildCertificate(certSpec), key };
}
