// CMS SignedData (RFC 5652 §5) as ICAO uses it: the Document Security Object EF.SOD (Doc 9303-10
// §4.6.2, eContentType 2.23.136.1.1.1) and CSCA master lists (Doc 9303-12 App. C, 2.23.136.1.1.2).
// Strict DER through core/x509/der.ts: the signature covers the DER of the signed attributes, so a
// second reading of the same bytes must not exist.
import type { HashAlg } from '../crypto/provider.ts';
import { DerError, DerReader, TAG, ctx, ctxCons } from './der.ts';
import { readTime, signatureAlgorithmFrom, type SignatureAlgorithm } from './certificate.ts';
import { HASH_OIDS } from './oids.ts';

export const CMS_OID = {
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ldsSecurityObject: '2.23.136.1.1.1',
  cscaMasterList: '2.23.136.1.1.2',
} as const;

export type SignerIdentifier =
  { kind: 'issuerAndSerial'; issuer: Uint8Array; serial: Uint8Array } | { kind: 'ski'; ski: Uint8Array };

export interface SignerInfo {
  sid: SignerIdentifier;
  digestAlgorithm: HashAlg;
  /** The signed attributes re-tagged as SET OF (0x31): the bytes the signature covers (RFC 5652 §5.4). */
  signedAttrsForSignature: Uint8Array;
  contentType?: string;
  messageDigest?: Uint8Array;
  signingTime?: Date;
  signatureAlgorithm: SignatureAlgorithm;
  signature: Uint8Array;
}

export interface SignedData {
  eContentType: string;
  eContent: Uint8Array;
  /** Certificates carried in SignedData.certificates (DER, as stored). */
  certificates: Uint8Array[];
  signerInfos: SignerInfo[];
}

/** Parse a DER ContentInfo holding SignedData. Throws DerError('malformed_certificate' | 'unsupported_certificate'). */
export function parseSignedData(der: Uint8Array, what: string): SignedData {
  const top = new DerReader(der, 'malformed_certificate', what);
  const ci = top.sequence('ContentInfo');
  top.end();
  if (ci.oid('contentType') !== CMS_OID.signedData) ci.fail('contentType is not signedData');
  const wrap = ci.child(ci.expect(ctxCons(0), '[0] content'), 'content');
  ci.end();
  const sd = wrap.sequence('SignedData');
  wrap.end();
  sd.smallUint('version', 5);
  const algs = sd.child(sd.expect(TAG.SET, 'digestAlgorithms'), 'digestAlgorithms');
  while (!algs.atEnd()) algs.next();
  const eci = sd.sequence('encapContentInfo');
  const eContentType = eci.oid('eContentType');
  const ec = eci.child(eci.expect(ctxCons(0), '[0] eContent'), 'eContent');
  const eContent = ec.octetString('eContent');
  ec.end();
  eci.end();
  const certificates: Uint8Array[] = [];
  const certsNode = sd.optional(ctxCons(0));
  if (certsNode) {
    const cr = sd.child(certsNode, 'certificates');
    while (!cr.atEnd()) {
      const c = cr.next();
      if (c.tag === TAG.SEQUENCE) certificates.push(c.tlv); // other CertificateChoices are ignored
      if (certificates.length > 64) cr.fail('more than 64 certificates');
    }
  }
  sd.optional(ctxCons(1)); // crls: not used (the kiosk is offline; revocation is by trust-list refresh)
  const sis = sd.child(sd.expect(TAG.SET, 'signerInfos'), 'signerInfos');
  sd.end();
  const signerInfos: SignerInfo[] = [];
  while (!sis.atEnd()) {
    if (signerInfos.length >= 8) sis.fail('more than 8 signerInfos');
    signerInfos.push(parseSignerInfo(sis.sequence('SignerInfo')));
  }
  if (signerInfos.length === 0) throw new DerError('malformed_certificate', `${what}: no SignerInfo`);
  return { eContentType, eContent, certificates, signerInfos };
}

function hashAlgorithm(r: DerReader, what: string): HashAlg {
  const a = r.sequence(what);
  const oid = a.oid('algorithm');
  if (!a.atEnd()) a.null('parameters');
  a.end();
  const h = HASH_OIDS[oid];
  if (!h) throw new DerError('unsupported_certificate', `${what} ${oid} is not a SHA-1/SHA-2 hash`);
  return h;
}

function parseSignerInfo(si: DerReader): SignerInfo {
  si.smallUint('version', 5); // 1 with IssuerAndSerialNumber, 3 with SubjectKeyIdentifier (§5.3)
  let sid: SignerIdentifier;
  if (si.peekTag() === TAG.SEQUENCE) {
    const ias = si.sequence('IssuerAndSerialNumber');
    const issuer = ias.expect(TAG.SEQUENCE, 'issuer').tlv;
    const serial = ias.integerBytes('serialNumber');
    ias.end();
    sid = { kind: 'issuerAndSerial', issuer, serial };
  } else {
    sid = { kind: 'ski', ski: si.expect(ctx(0), '[0] subjectKeyIdentifier').value };
  }
  const digestAlgorithm = hashAlgorithm(si, 'digestAlgorithm');
  const attrsNode = si.optional(ctxCons(0));
  const info: Omit<SignerInfo, 'signatureAlgorithm' | 'signature'> = {
    sid,
    digestAlgorithm,
    signedAttrsForSignature: new Uint8Array(0),
  };
  if (attrsNode) {
    const forSig = attrsNode.tlv.slice();
    forSig[0] = TAG.SET;
    info.signedAttrsForSignature = forSig;
    const attrs = si.child(attrsNode, 'signedAttrs');
    const seen = new Set<string>();
    while (!attrs.atEnd()) {
      const a = attrs.sequence('Attribute');
      const type = a.oid('attrType');
      // RFC 5652 §5.3: each of these attributes appears once, with one value.
      if (seen.has(type)) a.fail(`attribute ${type} appears twice`);
      seen.add(type);
      const values = a.child(a.expect(TAG.SET, 'attrValues'), 'attrValues');
      a.end();
      if (type === CMS_OID.contentType) info.contentType = values.oid('contentType');
      else if (type === CMS_OID.messageDigest) info.messageDigest = values.octetString('messageDigest');
      else if (type === CMS_OID.signingTime) info.signingTime = readTime(values, 'signingTime');
      else continue;
      values.end();
    }
  }
  const signatureAlgorithm = signatureAlgorithmOrRsaEncryption(si.sequence('signatureAlgorithm'), digestAlgorithm);
  const signature = si.octetString('signature');
  si.optional(ctxCons(1)); // unsignedAttrs
  si.end();
  return { ...info, signatureAlgorithm, signature };
}

/** rsaEncryption as a SignerInfo signature algorithm means PKCS#1 v1.5 with the digestAlgorithm (RFC 3370 §3.2). */
function signatureAlgorithmOrRsaEncryption(r: DerReader, digest: HashAlg): SignatureAlgorithm {
  // Look at the OID without consuming it: rsaEncryption is not a certificate signature algorithm.
  const copy = r.clone();
  if (copy.oid('algorithm') === CMS_OID.rsaEncryption) {
    r.oid('algorithm');
    if (!r.atEnd()) r.null('parameters');
    r.end();
    return { kind: 'rsa-pkcs1', hash: digest, oid: CMS_OID.rsaEncryption, name: `rsaEncryption with ${digest}` };
  }
  return signatureAlgorithmFrom(r);
}
