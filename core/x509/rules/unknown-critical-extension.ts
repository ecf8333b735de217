// RFC 5280 §4.2: "A certificate-using system MUST reject the certificate if it encounters a critical
// extension it does not recognize". ISO/IEC 18013-5 Annex B repeats it for IACA and DS certificates.
// Recognised = parsed and enforced by our rules, or harmless to ignore whatever it says (alternative
// names, CRL pointers: we verify offline and never dereference them).

import type { Check } from '../../check.ts';
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

export function checkUnknownCriticalExtensions(cert: Certificate, role: 'DS' | 'IACA'): Check[] {
  const unknown = cert.extensions.filter((e) => e.critical && !RECOGNISED_EXTENSIONS.has(e.oid)).map((e) => e.oid);
  if (unknown.length) return [fail(UNKNOWN_CRITICAL_EXTENSION, `${role} certificate has unrecognised critical extension(s): ${unknown.join(', ')}`)];
  return [pass(UNKNOWN_CRITICAL_EXTENSION, `${role}: no unrecognised critical extension`)];
}
