// TEST-ONLY CMS SignedData builder (RFC 5652 §5) for the ICAO structures the passport simulator and
// the trust tests need: EF.SOD (eContentType 2.23.136.1.1.1) and CSCA master lists (2.23.136.1.1.2).
// Written from RFC 5652, not from our parser: the signed attributes are encoded as a DER SET OF in
// canonical order, signed over with tag 0x31, and stored under [0] IMPLICIT.
import { sign as nodeSign, type KeyObject } from 'node:crypto';
import type { HashAlg } from '../../core/crypto/provider.ts';
import { parseCertificate } from '../../core/x509/certificate.ts';
import { OID } from '../../core/x509/oids.ts';
import { CMS_OID } from '../../core/x509/cms-signed-data.ts';
import { signDer, type TestKey } from './cert-builder.ts';
import { concat, explicit, int, nullDer, octets, oid, seq, set, time, tlv } from './der-encode.ts';

const HASH_OID: Record<HashAlg, string> = {
  'SHA-1': OID.sha1,
  'SHA-224': OID.sha224,
  'SHA-256': OID.sha256,
  'SHA-384': OID.sha384,
  'SHA-512': OID.sha512,
};
const ECDSA_OID: Record<HashAlg, string> = {
  'SHA-1': '1.2.840.10045.4.1',
  'SHA-224': OID.ecdsaWithSHA224,
  'SHA-256': OID.ecdsaWithSHA256,
  'SHA-384': OID.ecdsaWithSHA384,
  'SHA-512': OID.ecdsaWithSHA512,
};

export type CmsSignerKey =
  | { kind: 'ec'; key: TestKey }
  | { kind: 'rsa-pss'; key: KeyObject; saltLength: number }
  | { kind: 'rsa-pkcs1'; key: KeyObject };

export interface SignedDataSpec {
  eContentType: string;
  eContent: Uint8Array;
  /** Certificates to carry (DER); the signer's must be among them for an SOD. */
  certificates: Uint8Array[];
  signerCertificate: Uint8Array;
  signerKey: CmsSignerKey;
  hash: HashAlg;
  signingTime?: Date;
  /** Identify the signer by SubjectKeyIdentifier (version 3) instead of issuer and serial (version 1). */
  bySki?: boolean;
  /** Replace the messageDigest attribute (to build a broken SOD). */
  messageDigest?: Uint8Array;
}

/** DER SET OF: elements sorted by their encodings (X.690 §11.6). */
function derSet(items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return set(...sorted);
}

/** AlgorithmIdentifier of a digest (RFC 5754 §2: parameters NULL, as ICAO signers write them). */
export const hashAlgId = (h: HashAlg) => seq(oid(HASH_OID[h]), nullDer());

export function buildSignedData(spec: SignedDataSpec, digest: (h: HashAlg, d: Uint8Array) => Uint8Array): Uint8Array {
  const signer = parseCertificate(spec.signerCertificate);
  const attrs = [
    seq(oid(CMS_OID.contentType), set(oid(spec.eContentType))),
    seq(oid(CMS_OID.messageDigest), set(octets(spec.messageDigest ?? digest(spec.hash, spec.eContent)))),
    ...(spec.signingTime ? [seq(oid(CMS_OID.signingTime), set(time(spec.signingTime)))] : []),
  ];
  const signedAttrsSet = derSet(attrs);
  const signedAttrs = concat(Uint8Array.of(0xa0), signedAttrsSet.subarray(1)); // [0] IMPLICIT, same length octets
  let sigAlg: Uint8Array;
  let signature: Uint8Array;
  const hashName = spec.hash.replace('-', '').toLowerCase();
  if (spec.signerKey.kind === 'ec') {
    sigAlg = seq(oid(ECDSA_OID[spec.hash]));
    signature = signDer(spec.signerKey.key, spec.hash, signedAttrsSet);
  } else if (spec.signerKey.kind === 'rsa-pss') {
    // RSASSA-PSS-params with the hash, MGF1 over the same hash, and the salt length (RFC 4055 §3.1).
    sigAlg = seq(
      oid(OID.rsassaPss),
      seq(
        explicit(0, hashAlgId(spec.hash)),
        explicit(1, seq(oid(OID.mgf1), hashAlgId(spec.hash))),
        explicit(2, int(spec.signerKey.saltLength)),
      ),
    );
    signature = new Uint8Array(
      nodeSign(hashName, signedAttrsSet, {
        key: spec.signerKey.key,
        padding: 6,
        saltLength: spec.signerKey.saltLength,
      }),
    );
  } else {
    sigAlg = seq(oid(CMS_OID.rsaEncryption), nullDer());
    signature = new Uint8Array(nodeSign(hashName, signedAttrsSet, spec.signerKey.key));
  }
  const sid = spec.bySki ? tlv(0x80, signer.subjectKeyIdentifier!) : seq(signer.issuer.der, tlv(0x02, signer.serial));
  const signerInfo = seq(int(spec.bySki ? 3 : 1), sid, hashAlgId(spec.hash), signedAttrs, sigAlg, octets(signature));
  const certs = concat(Uint8Array.of(0xa0), set(...spec.certificates).subarray(1));
  const signedData = seq(
    int(3),
    set(hashAlgId(spec.hash)),
    seq(oid(spec.eContentType), explicit(0, octets(spec.eContent))),
    certs,
    set(signerInfo),
  );
  return seq(oid(CMS_OID.signedData), explicit(0, signedData));
}
