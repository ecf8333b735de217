// RFC 5280 §4.2: "A certificate-using system MUST reject the certificate if it encounters a critical
// extension it does not recognize". ISO/IEC 18013-5 Annex B repeats it for IACA and DS certificates.
// Recognised = parsed and enforced by our rules, or harmless to ignore whatever it says (alternative
// names, CRL pointers: we verify offline and never dereference them).

import type { X509Check } from '../codes.ts';
import { OID } from '../oids.ts';
import type { Certificate } from '../certificate.ts';
import { fail, pass } from './context.ts';

export const UNKNOWN_CRITICAL_EXTENSION = 'unknown_critical_extension';

export const RECOGNISED_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.keyUsage,
  OID.extendedKeyUsage,
  OID.basicConstraints,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.crlDistributionPoints,
]);

// The passing checks depend on the role only, so one object per role serves every result (results are
// read, never edited).
const PASSED: Record<'DS' | 'IACA', X509Check> = {
  DS: pass(UNKNOWN_CRITICAL_EXTENSION, 'DS: no unrecognised critical extension'),
  IACA: pass(UNKNOWN_CRITICAL_EXTENSION, 'IACA: no unrecognised critical extension'),
};

export function checkUnknownCriticalExtensions(cert: Certificate, role: 'DS' | 'IACA'): X509Check[] {
  let unknown: string[] | undefined;
  const list = cert.extensions;
  for (let i = 0; i < list.length; i++)
    if (list[i]!.critical && !RECOGNISED_EXTENSIONS.has(list[i]!.oid)) (unknown ??= []).push(list[i]!.oid);
  if (unknown)
    return [
      fail(
        UNKNOWN_CRITICAL_EXTENSION,
        `${role} certificate has unrecognised critical extension(s): ${unknown.join(', ')}`,
      ),
    ];
  return [PASSED[role]];
}
