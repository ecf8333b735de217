// Certificates for the rule tables: one Annex B-conformant IACA and DS, and a way to rebuild either
// with one thing changed.
import { parseCertificate, type Certificate } from '../../../core/x509/certificate.ts';
import { OID } from '../../../core/x509/oids.ts';
import { buildCertificate, ext, keyFromSeed, type ExtSpec, type NameSpec } from '../../../sim/pki/cert-builder.ts';
import { buildIaca, dsExtensions, iacaExtensions } from '../../../sim/pki/profiles.ts';

export const IACA_KEY = keyFromSeed('P-256', 'rules-iaca');
export const DS_KEY = keyFromSeed('P-256', 'rules-ds');
export const IACA_NAME: NameSpec = [
  ['C', 'JP'],
  ['CN', 'Rules IACA'],
];
export const AT = new Date('2026-06-01T00:00:00Z');

export function iaca(
  extensions: ExtSpec[] = iacaExtensions(IACA_KEY),
  over: { subject?: NameSpec; notBefore?: Date; notAfter?: Date } = {},
): Certificate {
  return parseCertificate(
    buildIaca({
      key: IACA_KEY,
      subject: over.subject ?? IACA_NAME,
      extensions,
      ...(over.notBefore ? { notBefore: over.notBefore } : {}),
      ...(over.notAfter ? { notAfter: over.notAfter } : {}),
    }).der,
  );
}

export function ds(
  extensions: ExtSpec[] = dsExtensions(DS_KEY, IACA_KEY),
  over: { subject?: NameSpec; notBefore?: Date; notAfter?: Date } = {},
): Certificate {
  return parseCertificate(
    buildCertificate({
      serial: 77,
      issuer: IACA_NAME,
      subject: over.subject ?? [
        ['C', 'JP'],
        ['CN', 'Rules DS'],
      ],
      notBefore: over.notBefore ?? new Date('2026-01-01T00:00:00Z'),
      notAfter: over.notAfter ?? new Date('2027-01-01T00:00:00Z'),
      subjectKey: DS_KEY,
      signerKey: IACA_KEY,
      extensions,
    }),
  );
}

/** The DS extension list with `oid` replaced (or removed when `replacement` is null). */
export function dsWith(oid: string, replacement: ExtSpec | null): ExtSpec[] {
  return dsExtensions(DS_KEY, IACA_KEY).flatMap((e) => (e.oid === oid ? (replacement ? [replacement] : []) : [e]));
}
export function iacaWith(oid: string, replacement: ExtSpec | null): ExtSpec[] {
  return iacaExtensions(IACA_KEY).flatMap((e) => (e.oid === oid ? (replacement ? [replacement] : []) : [e]));
}

export { ext, OID };
