// X.509 v3 certificate (RFC 5280 §4.1), parsed ONCE into a struct that keeps views of the bytes
// that matter (tbs for signature checks, names for chain matching, SPKI for key ids), so nothing is
// ever re-encoded. Only the algorithms ISO/IEC 18013-5 (ECDSA P-256/384/521, Ed25519) and JPKI
// (RSA PKCS#1 v1.5 with SHA-256) need are accepted; anything else is 'unsupported_certificate'.

import { CURVE_BYTES, type Curve, type CryptoProvider, type HashAlg } from '../crypto/provider.ts';
import { DerError, DerReader, TAG, ctx, ctxCons, decodeBitString, type DerNode } from './der.ts';
import { ATTRIBUTE_NAMES, HASH_OIDS, OID } from './oids.ts';
import { curveFromParameters } from './ec-parameters.ts';
import { pemBlocks, toHex } from './pem.ts';
import { equal as bytesEqual, latin1 } from '../bytes.ts';

export type SignatureAlgorithm =
  | { kind: 'ecdsa'; hash: HashAlg; oid: string; name: string }
  | { kind: 'ed25519'; oid: string; name: string }
  | { kind: 'rsa-pkcs1'; hash: HashAlg; oid: string; name: string }
  /** RSASSA-PSS (RFC 4055 §3.1) with MGF1 over the same hash: ICAO Document Signers and CSCAs use it. */
  | { kind: 'rsa-pss'; hash: HashAlg; saltLength: number; oid: string; name: string };

export type PublicKeyInfo =
  | { kind: 'ec'; curve: Curve; point: Uint8Array }
  | { kind: 'ed25519'; key: Uint8Array }
  | { kind: 'rsa'; n: Uint8Array; e: Uint8Array };

export interface NameAttribute {
  oid: string;
  /** Short name (CN, C, O, OU, ...) or the dotted OID when unknown. */
  type: string;
  value: string;
}

export interface Name {
  /** The Name's DER exactly as in the certificate: chain matching compares these bytes (RFC 5280 §7.1 binary comparison). */
  der: Uint8Array;
  attributes: NameAttribute[];
}

export interface Extension {
  oid: string;
  critical: boolean;
  /** Contents of extnValue (the DER of the extension's own structure). */
  value: Uint8Array;
}

/** RFC 5280 §4.2.1.3 bit order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

export interface BasicConstraints {
  cA: boolean;
  pathLen?: number;
}

export interface Certificate {
  der: Uint8Array;
  /** TBSCertificate DER: the bytes the issuer signed. */
  tbs: Uint8Array;
  version: number; // 3 for v3
  /** Serial number INTEGER contents (two's complement, as encoded). */
  serial: Uint8Array;
  signatureAlgorithm: SignatureAlgorithm;
  /** signatureValue BIT STRING contents: DER Ecdsa-Sig-Value for ECDSA, raw for Ed25519 / RSA. */
  signature: Uint8Array;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  publicKey: PublicKeyInfo;
  extensions: Extension[];
  keyUsage?: Set<KeyUsageName>;
  extendedKeyUsage?: string[];
  basicConstraints?: BasicConstraints;
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: Uint8Array;
}

const SIG_ALGS: Record<string, SignatureAlgorithm> = {
  [OID.ecdsaWithSHA256]: { kind: 'ecdsa', hash: 'SHA-256', oid: OID.ecdsaWithSHA256, name: 'ecdsa-with-SHA256' },
  [OID.ecdsaWithSHA384]: { kind: 'ecdsa', hash: 'SHA-384', oid: OID.ecdsaWithSHA384, name: 'ecdsa-with-SHA384' },
  [OID.ecdsaWithSHA512]: { kind: 'ecdsa', hash: 'SHA-512', oid: OID.ecdsaWithSHA512, name: 'ecdsa-with-SHA512' },
  [OID.ed25519]: { kind: 'ed25519', oid: OID.ed25519, name: 'Ed25519' },
  [OID.sha256WithRSAEncryption]: {
    kind: 'rsa-pkcs1',
    hash: 'SHA-256',
    oid: OID.sha256WithRSAEncryption,
    name: 'sha256WithRSAEncryption',
  },
  [OID.sha384WithRSAEncryption]: {
    kind: 'rsa-pkcs1',
    hash: 'SHA-384',
    oid: OID.sha384WithRSAEncryption,
    name: 'sha384WithRSAEncryption',
  },
  [OID.sha512WithRSAEncryption]: {
    kind: 'rsa-pkcs1',
    hash: 'SHA-512',
    oid: OID.sha512WithRSAEncryption,
    name: 'sha512WithRSAEncryption',
  },
  [OID.ecdsaWithSHA224]: { kind: 'ecdsa', hash: 'SHA-224', oid: OID.ecdsaWithSHA224, name: 'ecdsa-with-SHA224' },
  [OID.sha224WithRSAEncryption]: {
    kind: 'rsa-pkcs1',
    hash: 'SHA-224',
    oid: OID.sha224WithRSAEncryption,
    name: 'sha224WithRSAEncryption',
  },
};

/** Uncompressed SEC1 point length per curve. */
export const curvePointBytes = (c: Curve): number => 1 + 2 * CURVE_BYTES[c];

/** Largest certificate we accept: IACA / DS / JPKI certificates are 0.5-2 KiB. */
export const MAX_CERTIFICATE_BYTES = 16 * 1024;

function unsupported(message: string): never {
  throw new DerError('unsupported_certificate', message);
}

/** Parse a DER certificate. Throws DerError ('malformed_certificate' | 'unsupported_certificate'). */
export function parseCertificate(der: Uint8Array): Certificate {
  if (der.length > MAX_CERTIFICATE_BYTES)
    throw new DerError('malformed_certificate', `certificate of ${der.length} bytes exceeds ${MAX_CERTIFICATE_BYTES}`);
  const top = new DerReader(der, 'malformed_certificate', 'Certificate');
  const certNode = top.expect(TAG.SEQUENCE, 'Certificate');
  top.end();
  const cert = top.child(certNode, '');
  const tbsNode = cert.expect(TAG.SEQUENCE, 'tbsCertificate');
  const outerAlg = cert.expect(TAG.SEQUENCE, 'signatureAlgorithm');
  const signature = cert.octetAlignedBitString('signatureValue');
  cert.end();

  const tbs = cert.child(tbsNode, 'tbsCertificate');
  // version [0] EXPLICIT Version DEFAULT v1. Annex B profiles are v3 and carry extensions, so only v3 is accepted.
  const versionNode = tbs.optional(ctxCons(0));
  if (!versionNode) unsupported('only X.509 v3 certificates are supported (version field absent: v1)');
  const vr = tbs.child(versionNode, 'version');
  const version = vr.smallUint('version', 2) + 1;
  vr.end();
  if (version !== 3) unsupported(`only X.509 v3 certificates are supported (found v${version})`);

  const serial = tbs.integerBytes('serialNumber');
  // RFC 5280 §4.1.2.2: CAs MUST NOT use more than 20 octets, but users "SHOULD gracefully handle"
  // longer ones (a 20-octet positive serial often arrives as 21 with its sign octet). Bounded anyway.
  if (serial.length > 32) throw new DerError('malformed_certificate', 'serialNumber longer than 32 octets');
  const innerAlg = tbs.expect(TAG.SEQUENCE, 'signature');
  // RFC 5280 §4.1.1.2: the two AlgorithmIdentifiers MUST be identical; compare the bytes.
  if (!bytesEqual(innerAlg.tlv, outerAlg.tlv))
    throw new DerError('malformed_certificate', 'tbsCertificate.signature differs from signatureAlgorithm');
  const signatureAlgorithm = parseSignatureAlgorithm(tbs, outerAlg);

  const issuer = parseName(tbs, 'issuer');
  const validity = tbs.sequence('validity');
  const notBefore = readTime(validity, 'notBefore');
  const notAfter = readTime(validity, 'notAfter');
  validity.end();
  const subject = parseName(tbs, 'subject');
  const spkiNode = tbs.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const publicKey = parseSpkiNode(spkiNode, 'malformed_certificate');

  tbs.optional(ctx(1)); // issuerUniqueID (RFC 5280: SHOULD NOT be present; ignored)
  tbs.optional(ctx(2)); // subjectUniqueID
  const extNode = tbs.optional(ctxCons(3));
  tbs.end();

  const result: Certificate = {
    der,
    tbs: tbsNode.tlv,
    version,
    serial,
    signatureAlgorithm,
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: spkiNode.tlv,
    publicKey,
    extensions: [],
  };
  if (extNode) parseExtensions(tbs.child(extNode, 'extensions'), result);
  return result;
}

function parseSignatureAlgorithm(parent: DerReader, node: DerNode): SignatureAlgorithm {
  return signatureAlgorithmFrom(parent.child(node, 'signatureAlgorithm'));
}

/** A signature AlgorithmIdentifier's contents (certificates and CMS SignerInfo use the same). */
export function signatureAlgorithmFrom(r: DerReader): SignatureAlgorithm {
  const oid = r.oid('algorithm');
  if (oid === OID.rsassaPss) {
    const pss = parsePssParams(r);
    r.end();
    return pss;
  }
  const alg = SIG_ALGS[oid];
  if (!alg) unsupported(`unsupported signature algorithm ${oid}`);
  if (alg.kind === 'rsa-pkcs1') {
    // RFC 4055 §5: parameters NULL (some encoders omit them; both are seen in the wild).
    if (!r.atEnd()) r.null('parameters');
  }
  // RFC 5758 §3.2 / RFC 8410 §3: ECDSA and Ed25519 parameters MUST be absent.
  r.end();
  return alg;
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1). The defaults (SHA-1) are refused like every SHA-1 signature;
 * MGF1 must use the message hash (what both crypto backends implement) and the trailer must be 1.
 */
function parsePssParams(r: DerReader): SignatureAlgorithm {
  const p = r.sequence('RSASSA-PSS-params');
  const hashNode = p.optional(ctxCons(0));
  const mgfNode = p.optional(ctxCons(1));
  const saltNode = p.optional(ctxCons(2));
  const trailerNode = p.optional(ctxCons(3));
  p.end();
  const hashOf = (node: DerNode | undefined, what: string): HashAlg => {
    if (!node) unsupported(`RSASSA-PSS ${what} defaults to SHA-1, which is not accepted`);
    const outer = p.child(node, what);
    const alg = outer.sequence('AlgorithmIdentifier');
    outer.end();
    const h = HASH_OIDS[alg.oid('hash')];
    if (!alg.atEnd()) alg.null('parameters');
    alg.end();
    if (!h || h === 'SHA-1') unsupported(`RSASSA-PSS ${what} is not SHA-224/256/384/512`);
    return h;
  };
  const hash = hashOf(hashNode, 'hashAlgorithm');
  if (!mgfNode) unsupported('RSASSA-PSS maskGenAlgorithm defaults to MGF1 with SHA-1, which is not accepted');
  const mgfOuter = p.child(mgfNode, 'maskGenAlgorithm');
  const mgf = mgfOuter.sequence('MaskGenAlgorithm');
  mgfOuter.end();
  if (mgf.oid('mgf') !== OID.mgf1) unsupported('RSASSA-PSS mask generation other than MGF1');
  const mgfHash = mgf.sequence('MGF1 hash');
  const h2 = HASH_OIDS[mgfHash.oid('hash')];
  if (!mgfHash.atEnd()) mgfHash.null('parameters');
  mgfHash.end();
  mgf.end();
  if (h2 !== hash) unsupported('RSASSA-PSS with an MGF1 hash different from the message hash');
  let saltLength = 20;
  if (saltNode) {
    const sr = p.child(saltNode, 'saltLength');
    saltLength = sr.smallUint('saltLength', 1024);
    sr.end();
  }
  if (trailerNode) {
    const tr = p.child(trailerNode, 'trailerField');
    if (tr.smallUint('trailerField', 255) !== 1) unsupported('RSASSA-PSS trailerField other than 1');
    tr.end();
  }
  return { kind: 'rsa-pss', hash, saltLength, oid: OID.rsassaPss, name: `RSASSA-PSS(${hash}, salt ${saltLength})` };
}

// ---- names ------------------------------------------------------------------------------------

function parseName(parent: DerReader, what: string): Name {
  const node = parent.expect(TAG.SEQUENCE, what);
  const rdns = parent.child(node, what);
  const attributes: NameAttribute[] = [];
  while (!rdns.atEnd()) {
    const set = rdns.child(rdns.expect(TAG.SET, 'RelativeDistinguishedName'), 'RDN');
    if (set.atEnd()) set.fail('empty RelativeDistinguishedName');
    while (!set.atEnd()) {
      const atv = set.sequence('AttributeTypeAndValue');
      const oid = atv.oid('type');
      const v = atv.next();
      atv.end();
      attributes.push({ oid, type: ATTRIBUTE_NAMES[oid] ?? oid, value: decodeDirectoryString(v, (m) => set.fail(m)) });
    }
  }
  return { der: node.tlv, attributes };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// X.680 §41.4 PrintableString characters: A-Z a-z 0-9 space ' ( ) + , - . / : = ?
const PRINTABLE = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?")
  PRINTABLE[c.charCodeAt(0)] = 1;

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! > 0x7f) return false;
  return true;
}

function decodeDirectoryString(v: DerNode, fail: (m: string) => never): string {
  const b = v.value;
  switch (v.tag) {
    case TAG.UTF8_STRING:
      // ASCII is valid UTF-8 and decodes to the same characters; most names are ASCII, and a
      // TextDecoder call costs more than the string. Anything else goes through the strict decoder.
      if (isAscii(b)) return latin1(b);
      try {
        return utf8.decode(b);
      } catch {
        return fail('invalid UTF-8 in UTF8String');
      }
    case TAG.PRINTABLE_STRING:
      for (let i = 0; i < b.length; i++)
        if (b[i]! > 127 || !PRINTABLE[b[i]!]) fail('invalid character in PrintableString');
      return latin1(b);
    case TAG.IA5_STRING:
      for (let i = 0; i < b.length; i++) if (b[i]! > 0x7f) fail('invalid character in IA5String');
      return latin1(b);
    case TAG.TELETEX_STRING:
      return latin1(b); // treated as Latin-1, as most implementations do
    case TAG.BMP_STRING: {
      if (b.length % 2) fail('odd-length BMPString');
      let s = '';
      for (let i = 0; i < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (b.length % 4) fail('UniversalString length not a multiple of 4');
      let s = '';
      for (let i = 0; i < b.length; i += 4) {
        const cp = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
        if (cp > 0x10ffff) fail('invalid code point in UniversalString');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      // Unknown value types are shown as hex rather than refused: names are matched by bytes.
      return '#' + toHex(v.tlv);
  }
}

/** RFC 4514-style text, most significant RDN first as printed by openssl: "CN=..., O=..., C=JP". */
export function nameToString(name: Name): string {
  const a = name.attributes;
  let s = '';
  for (let i = 0; i < a.length; i++) s += (i ? ', ' : '') + a[i]!.type + '=' + a[i]!.value;
  return s;
}

/** The extension with this OID (at most one: parseCertificate refuses duplicates), or undefined. */
export function findExtension(cert: Certificate, oid: string): Extension | undefined {
  const list = cert.extensions;
  for (let i = 0; i < list.length; i++) if (list[i]!.oid === oid) return list[i];
  return undefined;
}

/** First value of an attribute (e.g. 'C', 'CN'), or undefined. */
export function nameAttribute(name: Name, type: string): string | undefined {
  const a = name.attributes;
  for (let i = 0; i < a.length; i++) if (a[i]!.type === type) return a[i]!.value;
  return undefined;
}

// ---- time (RFC 5280 §4.1.2.5) --------------------------------------------------------------------

function digits(v: Uint8Array, at: number, n: number): number {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const d = v[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

/** The time's characters, for error messages (module-level: no closure per parse). */
function timeText(v: Uint8Array): string {
  return String.fromCharCode(...v);
}

export function readTime(r: DerReader, what: string): Date {
  const node = r.next();
  const v = node.value;
  let year: number;
  let o: number;
  if (node.tag === TAG.UTC_TIME) {
    // YYMMDDHHMMSSZ exactly (RFC 5280 §4.1.2.5.1: seconds present, Zulu).
    if (v.length !== 13 || v[12] !== 0x5a) r.fail(`${what}: UTCTime must be YYMMDDHHMMSSZ`);
    const yy = digits(v, 0, 2);
    if (yy < 0) r.fail(`${what}: UTCTime must be YYMMDDHHMMSSZ`);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    o = 2;
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    // YYYYMMDDHHMMSSZ exactly, no fractions (RFC 5280 §4.1.2.5.2). Dates through 2049 MUST be UTCTime,
    // but that rule is about issuers; refusing it would only lock out otherwise valid roots.
    if (v.length !== 15 || v[14] !== 0x5a) r.fail(`${what}: GeneralizedTime must be YYYYMMDDHHMMSSZ`);
    year = digits(v, 0, 4);
    if (year < 0) r.fail(`${what}: GeneralizedTime must be YYYYMMDDHHMMSSZ`);
    o = 4;
  } else {
    return r.fail(`${what}: expected UTCTime or GeneralizedTime`);
  }
  const mo = digits(v, o, 2);
  const d = digits(v, o + 2, 2);
  const h = digits(v, o + 4, 2);
  const mi = digits(v, o + 6, 2);
  const se = digits(v, o + 8, 2);
  if (mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0) r.fail(`${what}: time must be all digits and Z (${timeText(v)})`);
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  // Reject out-of-range fields (Date.UTC would silently roll 31 Feb into March).
  if (
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    h > 23 ||
    mi > 59 ||
    se > 59 ||
    date.getUTCDate() !== d ||
    date.getUTCMonth() !== mo - 1
  ) {
    r.fail(`${what}: invalid date/time ${timeText(v)}`);
  }
  // Date.UTC maps years 0..99 to 1900+; GeneralizedTime years before 1950 are refused anyway.
  if (year < 1950) r.fail(`${what}: year ${year} out of range`);
  return date;
}

// ---- SubjectPublicKeyInfo (RFC 5480, RFC 8410, RFC 8017) ----------------------------------------

/** Parse a SubjectPublicKeyInfo DER (e.g. a card-face "PUBLIC KEY" PEM). Throws DerError with `code`. */
export function parseSubjectPublicKeyInfo(
  der: Uint8Array,
  code: 'malformed_certificate' | 'malformed_key' = 'malformed_key',
  opts: { rsaMinBytes?: number } = {},
): PublicKeyInfo {
  const r = new DerReader(der, code, 'SubjectPublicKeyInfo');
  const node = r.expect(TAG.SEQUENCE, 'SubjectPublicKeyInfo');
  r.end();
  return parseSpkiNode(node, code, opts.rsaMinBytes);
}

function parseSpkiNode(
  node: DerNode,
  code: 'malformed_certificate' | 'malformed_key',
  rsaMinBytes = 256,
): PublicKeyInfo {
  const r = new DerReader(node.value, code, 'SubjectPublicKeyInfo');
  const alg = r.sequence('algorithm');
  const algOid = alg.oid('algorithm');
  const keyBits = r.octetAlignedBitString('subjectPublicKey');
  r.end();
  if (algOid === OID.ecPublicKey) {
    // RFC 5480 §2.1.1: a namedCurve OID; explicit ECParameters only when they equal a known curve
    // (ICAO CSCA/DS certificates carry them: ec-parameters.ts). implicitCurve is refused.
    const curve = curveFromParameters(alg);
    alg.end();
    if (keyBits.length !== curvePointBytes(curve) || keyBits[0] !== 0x04) {
      throw new DerError(code, `${curve} public key must be an uncompressed point of ${curvePointBytes(curve)} bytes`);
    }
    return { kind: 'ec', curve, point: keyBits };
  }
  if (algOid === OID.ed25519) {
    alg.end();
    if (keyBits.length !== 32) throw new DerError(code, 'Ed25519 public key must be 32 bytes');
    return { kind: 'ed25519', key: keyBits };
  }
  if (algOid === OID.rsaEncryption) {
    alg.null('parameters'); // RFC 8017 Appendix C: parameters NULL
    alg.end();
    const kr = new DerReader(keyBits, code, 'RSAPublicKey');
    const seq = kr.sequence('RSAPublicKey');
    kr.end();
    let n = seq.integerBytes('modulus');
    const e = seq.integerBytes('publicExponent');
    seq.end();
    if (n[0]! & 0x80 || e[0]! & 0x80) throw new DerError(code, 'negative RSA modulus or exponent');
    if (n[0] === 0) n = n.subarray(1);
    if (n.length < rsaMinBytes || n.length > 512)
      unsupported(`RSA modulus of ${n.length * 8} bits is not supported (${rsaMinBytes * 8}-4096)`);
    return { kind: 'rsa', n, e };
  }
  return unsupported(`unsupported public key algorithm ${algOid}`);
}

// ---- extensions (RFC 5280 §4.2) -----------------------------------------------------------------

function parseExtensions(outer: DerReader, cert: Certificate): void {
  const list = outer.sequence('Extensions');
  outer.end();
  if (list.atEnd()) list.fail('empty Extensions (RFC 5280: SIZE (1..MAX))');
  const seen = new Set<string>();
  while (!list.atEnd()) {
    const ext = list.sequence('Extension');
    const oid = ext.oid('extnID');
    // critical BOOLEAN DEFAULT FALSE. DER says a FALSE default is omitted; some CAs encode it anyway
    // and it changes nothing, so it is accepted (the bytes are still what the issuer signed).
    const critical = ext.peekTag() === TAG.BOOLEAN ? ext.boolean('critical') : false;
    const value = ext.octetString('extnValue');
    ext.end();
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (seen.has(oid)) list.fail(`duplicate extension ${oid}`);
    seen.add(oid);
    cert.extensions.push({ oid, critical, value });
    const r = new DerReader(value, 'malformed_certificate', `extension ${oid}`);
    switch (oid) {
      case OID.keyUsage: {
        const bs = decodeBitString(r.expect(TAG.BIT_STRING, 'KeyUsage').value, (m) => r.fail(m));
        const set = new Set<KeyUsageName>();
        const totalBits = bs.bytes.length * 8 - bs.unusedBits;
        for (let i = 0; i < totalBits; i++) {
          if (bs.bytes[i >> 3]! & (0x80 >> (i & 7))) {
            const name = KEY_USAGE_BITS[i];
            if (!name) r.fail(`unknown KeyUsage bit ${i}`);
            set.add(name);
          }
        }
        cert.keyUsage = set;
        break;
      }
      case OID.extendedKeyUsage: {
        const seq = r.sequence('ExtKeyUsageSyntax');
        const oids: string[] = [];
        while (!seq.atEnd()) oids.push(seq.oid('KeyPurposeId'));
        if (oids.length === 0) r.fail('empty ExtendedKeyUsage');
        cert.extendedKeyUsage = oids;
        break;
      }
      case OID.basicConstraints: {
        const seq = r.sequence('BasicConstraints');
        const cA = seq.peekTag() === TAG.BOOLEAN ? seq.boolean('cA') : false;
        const bc: BasicConstraints = { cA };
        if (!seq.atEnd()) bc.pathLen = seq.smallUint('pathLenConstraint', 255);
        seq.end();
        cert.basicConstraints = bc;
        break;
      }
      case OID.subjectKeyIdentifier:
        cert.subjectKeyIdentifier = r.octetString('SubjectKeyIdentifier');
        break;
      case OID.authorityKeyIdentifier: {
        const seq = r.sequence('AuthorityKeyIdentifier');
        const kid = seq.optional(ctx(0));
        seq.optional(ctxCons(1)); // authorityCertIssuer
        seq.optional(ctx(2)); // authorityCertSerialNumber
        seq.end();
        if (kid) cert.authorityKeyIdentifier = kid.value;
        break;
      }
      default:
        // Not interpreted here; unknown-critical-extension.ts decides whether that is acceptable.
        continue;
    }
    r.end();
  }
}

// ---- helpers ------------------------------------------------------------------------------------

/** Re-exported for the callers that compare names and ids with it (core/bytes.ts has the one copy). */
export { bytesEqual };

/** All certificates in a PEM text, or the single DER certificate when `bytes` is not PEM. */
export function certificatesFromFile(bytes: Uint8Array): Uint8Array[] {
  // PEM begins with "-----BEGIN" (possibly after text); DER begins with 0x30.
  if (bytes[0] === 0x30) return [bytes];
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new DerError('malformed_certificate', 'neither DER (0x30) nor UTF-8 PEM text');
  }
  const blocks = pemBlocks(text).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new DerError('malformed_certificate', 'no CERTIFICATE PEM block found');
  return blocks.map((b) => b.der);
}

/** SHA-256 over the certificate DER: the fingerprint openssl and the J-LIS pages print. */
export function certificateFingerprint(
  cert: Certificate | Uint8Array,
  crypto: Pick<CryptoProvider, 'digest'>,
): Uint8Array {
  return crypto.digest('SHA-256', cert instanceof Uint8Array ? cert : cert.der);
}

/** Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 §2.2 / RFC 3279) -> raw r || s. */
export function ecdsaDerToRaw(sig: Uint8Array, curve: Curve): Uint8Array {
  const size = CURVE_BYTES[curve];
  const top = new DerReader(sig, 'malformed_certificate', 'Ecdsa-Sig-Value');
  const seq = top.sequence('Ecdsa-Sig-Value');
  top.end();
  const r = seq.integerBytes('r');
  const s = seq.integerBytes('s');
  seq.end();
  const out = new Uint8Array(2 * size);
  putSigInteger(seq, r, out, 0, size, curve);
  putSigInteger(seq, s, out, size, size, curve);
  return out;
}

/** r or s, right-aligned in its `size`-byte half of the raw signature (checked non-negative and not too long). */
function putSigInteger(seq: DerReader, v: Uint8Array, out: Uint8Array, at: number, size: number, curve: Curve): void {
  if (v[0]! & 0x80) seq.fail('negative r or s');
  const stripped = v[0] === 0 ? v.subarray(1) : v;
  if (stripped.length > size) seq.fail(`r or s longer than ${size} bytes for ${curve}`);
  out.set(stripped, at + (size - stripped.length));
}
