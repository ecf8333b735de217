// Country Signing CA certificates (ICAO Doc 9303-12 §5-7): the trust anchors of passive
// authentication. A CSCA is accepted when it is a CA certificate (basicConstraints cA, keyUsage
// keyCertSign: §7.1.1) that is self-signed, or a link certificate (a new CSCA key certified by the old
// one, §5.1.1) whose issuer is an already accepted CSCA of the same country. Its country is the
// subject's C attribute (two letters, §7.1.1 "countryName ... MUST be present").
import type { CryptoProvider } from '../crypto/provider.ts';
import { bytesEqual, nameAttribute, nameToString, parseCertificate, type Certificate } from '../x509/certificate.ts';
import { DerError } from '../x509/der.ts';
import { toHex } from '../x509/pem.ts';
import { verifyCertificateSignature } from '../x509/signature.ts';
import type { TrustIssueCode } from './codes.ts';
import type { TrustIssue } from './trust-store.ts';

export interface TrustedCsca {
  cert: Certificate;
  /** Lower-case hex SHA-256 of the DER. */
  fingerprint: string;
  /** ISO 3166-1 alpha-2 from the subject's C attribute, upper case. */
  country: string;
  /** A file path, or "<master list file>#<index>". */
  origin: string;
  /** True for a link certificate (issued by another CSCA of the same country). */
  link: boolean;
  subjectText: string;
}

export function cscaCountry(cert: Certificate): string | null {
  const c = nameAttribute(cert.subject, 'C');
  return c && /^[A-Za-z]{2}$/.test(c) ? c.toUpperCase() : null;
}

/**
 * Check one CSCA certificate against the ICAO profile and its signature (self-signed, or by one of
 * `issuers`). Nothing is added here: TrustStore.addCsca does that.
 */
export function checkCsca(
  der: Uint8Array,
  origin: string,
  crypto: CryptoProvider,
  issuers: readonly TrustedCsca[],
): { ok: true; value: TrustedCsca } | { ok: false; error: TrustIssue } {
  const bad = (code: TrustIssueCode, detail: string) => ({ ok: false as const, error: { code, detail, file: origin } });
  let cert: Certificate;
  try {
    cert = parseCertificate(der);
  } catch (e) {
    if (e instanceof DerError) return bad(e.code, e.message);
    throw e;
  }
  const subjectText = nameToString(cert.subject);
  const country = cscaCountry(cert);
  if (!country) return bad('csca_profile_invalid', `${subjectText}: no two-letter country (C) in the subject`);
  if (!cert.basicConstraints?.cA)
    return bad('csca_profile_invalid', `${subjectText}: not a CA certificate (basicConstraints cA)`);
  if (cert.keyUsage && !cert.keyUsage.has('keyCertSign'))
    return bad('csca_profile_invalid', `${subjectText}: keyUsage lacks keyCertSign`);
  const fingerprint = toHex(crypto.digest('SHA-256', cert.der));
  if (bytesEqual(cert.issuer.der, cert.subject.der)) {
    const sig = verifyCertificateSignature(cert, cert.publicKey, crypto, 'icao');
    if (sig.ok) return { ok: true, value: { cert, fingerprint, country, origin, link: false, subjectText } };
    // A self-issued link certificate (new key, same name) is signed by the previous key: try those.
  }
  for (const i of issuers) {
    if (i.country !== country || !bytesEqual(i.cert.subject.der, cert.issuer.der)) continue;
    if (verifyCertificateSignature(cert, i.cert.publicKey, crypto, 'icao').ok)
      return { ok: true, value: { cert, fingerprint, country, origin, link: true, subjectText } };
  }
  return bad('csca_signature_invalid', `${subjectText}: neither self-signed nor signed by a loaded CSCA of ${country}`);
}
