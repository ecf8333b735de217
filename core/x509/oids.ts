// Object identifiers the certificate parser and the ISO/IEC 18013-5 Annex B profile rules name.
// Sources: RFC 5280 §4.1.1.2 / §4.2, RFC 5758 §3.2 (ecdsa-with-SHA*), RFC 5480 §2.1.1 (curves),
// RFC 8410 §3 (Ed25519), RFC 8017 Appendix C (RSA), ISO/IEC 18013-5 Annex B (mdoc DS EKU).

export const OID = {
  // Signature algorithms
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  // ICAO Doc 9303-12 certificates and CMS signatures also use these (RFC 4055, RFC 5758 §3.2):
  ecdsaWithSHA224: '1.2.840.10045.4.3.1',
  sha224WithRSAEncryption: '1.2.840.113549.1.1.14',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  // Hash algorithms (NIST CSOR; RFC 3279 for SHA-1)
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // Public key algorithms and curves
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  // Name attributes (X.520)
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  // Extensions (RFC 5280 §4.2.1)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  // ISO/IEC 18013-5 Annex B: ExtendedKeyUsage of the mdoc Document Signer certificate.
  mdlDocumentSigner: '1.0.18013.5.1.2',
  // ISO/IEC 18013-5 Annex B: ExtendedKeyUsage of the mdoc reader authentication certificate.
  mdlReaderAuth: '1.0.18013.5.1.6',
} as const;

/** Hash algorithm OIDs and the HashAlg each names. */
export const HASH_OIDS: Record<string, 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512'> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha224]: 'SHA-224',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};

/** Short names of the name attributes we print (RFC 4514 §3). */
export const ATTRIBUTE_NAMES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.surname]: 'SN',
  [OID.serialNumber]: 'serialNumber',
  [OID.countryName]: 'C',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
};
