// TEST-ONLY X.509 certificate builder. Makes IACA roots and Document Signer certificates with any
// extension set (ISO/IEC 18013-5 Annex B profiles, and every way of breaking them) so the verifier's
// rules can be exercised. Signing is deterministic (RFC 6979 via @noble/curves), and keys can be
// derived from fixed seed labels, so the generated test PKI is byte-identical on every run.
//
// Never used by the verifier: sim/ is for simulators and test fixtures.

import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { CURVE_PARAMS, curveEcdsa } from '../../core/crypto/curves.ts';
import type { Curve, HashAlg } from '../../core/crypto/provider.ts';
import { CURVE_HASH } from '../../core/x509/signature.ts';
import { OID } from '../../core/x509/oids.ts';
import { KEY_USAGE_BITS, type KeyUsageName } from '../../core/x509/certificate.ts';
import {
  bitString,
  bool,
  concat,
  explicit,
  implicitPrim,
  int,
  octets,
  oid,
  printable,
  seq,
  set,
  time,
  uintBytes,
  utf8,
} from './der-encode.ts';

const HASHES = { 'SHA-1': sha1, 'SHA-224': sha224, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;
const SIG_OIDS: Record<HashAlg, string> = {
  'SHA-1': '1.2.840.10045.4.1',
  'SHA-224': '1.2.840.10045.4.3.1',
  'SHA-256': OID.ecdsaWithSHA256,
  'SHA-384': OID.ecdsaWithSHA384,
  'SHA-512': OID.ecdsaWithSHA512,
};
export const DEFAULT_HASH: Record<Curve, HashAlg> = CURVE_HASH;

export interface TestKey {
  curve: Curve;
  /** Big-endian private scalar (curve byte length). TEST ONLY. */
  privateKey: Uint8Array;
  /** Uncompressed SEC1 point. */
  publicKey: Uint8Array;
}

/** A key derived from a fixed label: the same label always gives the same key (TEST ONLY). */
export function keyFromSeed(curve: Curve, label: string): TestKey {
  const enc = new TextEncoder();
  const seed = concat(
    sha512(enc.encode(`kakunin-test-pki:${label}:1`)),
    sha512(enc.encode(`kakunin-test-pki:${label}:2`)),
  );
  const privateKey = curveEcdsa(curve).utils.randomSecretKey(seed.subarray(0, curveEcdsa(curve).lengths.seed));
  return { curve, privateKey, publicKey: curveEcdsa(curve).getPublicKey(privateKey, false) };
}

export function randomKey(curve: Curve): TestKey {
  const privateKey = curveEcdsa(curve).utils.randomSecretKey();
  return { curve, privateKey, publicKey: curveEcdsa(curve).getPublicKey(privateKey, false) };
}

/** ECDSA signature in DER (Ecdsa-Sig-Value), deterministic per RFC 6979. */
export function signDer(key: TestKey, hash: HashAlg, data: Uint8Array): Uint8Array {
  const digest = HASHES[hash](data);
  const raw = curveEcdsa(key.curve).sign(digest, key.privateKey, { prehash: false });
  const n = raw.length / 2;
  return seq(uintBytes(raw.subarray(0, n)), uintBytes(raw.subarray(n)));
}

/** Raw r || s signature (COSE form), deterministic. */
export function signRaw(key: TestKey, hash: HashAlg, data: Uint8Array): Uint8Array {
  return curveEcdsa(key.curve).sign(HASHES[hash](data), key.privateKey, { prehash: false });
}

export function spkiDer(key: Pick<TestKey, 'curve' | 'publicKey'>): Uint8Array {
  return seq(seq(oid(OID.ecPublicKey), oid(CURVE_PARAMS[key.curve].oid)), bitString(key.publicKey));
}

/**
 * SubjectPublicKeyInfo with the curve written out as explicit ECParameters (X9.62 / RFC 3279 §2.3.5),
 * as ICAO documents do (Doc 9303-11 §9.5.2; several states' CSCA and DS certificates).
 */
export function spkiExplicitDer(key: Pick<TestKey, 'curve' | 'publicKey'>): Uint8Array {
  const k = CURVE_PARAMS[key.curve];
  const fe = (v: bigint) => {
    const out = new Uint8Array(k.bytes);
    for (let i = k.bytes - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
    return out;
  };
  const g = concat(Uint8Array.of(4), fe(k.gx), fe(k.gy));
  const params = seq(
    int(1),
    seq(oid('1.2.840.10045.1.1'), uintBytes(fe(k.p))),
    seq(octets(fe(k.a)), octets(fe(k.b))),
    octets(g),
    uintBytes(fe(k.n)),
    int(Number(k.h)),
  );
  return seq(seq(oid(OID.ecPublicKey), params), bitString(key.publicKey));
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits; we use a truncated SHA-256 (any unique id is allowed). */
export function keyIdentifier(key: Pick<TestKey, 'publicKey'>): Uint8Array {
  return sha256(key.publicKey).subarray(0, 20);
}

// ---- names --------------------------------------------------------------------------------------

/** Name as ordered [type, value] pairs, e.g. [['C','JP'],['CN','Kakunin Test IACA']]. */
export type NameSpec = ReadonlyArray<readonly [string, string]>;
const NAME_OIDS: Record<string, string> = {
  CN: OID.commonName,
  C: OID.countryName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
  ST: OID.stateOrProvinceName,
  L: OID.localityName,
};

export function nameDer(name: NameSpec): Uint8Array {
  return seq(
    ...name.map(([type, value]) => {
      const o = NAME_OIDS[type] ?? type;
      // countryName is PrintableString (X.520); everything else UTF8String (RFC 5280 §4.1.2.6).
      return set(seq(oid(o), type === 'C' ? printable(value) : utf8(value)));
    }),
  );
}

// ---- extensions ---------------------------------------------------------------------------------

export interface ExtSpec {
  oid: string;
  critical: boolean;
  /** extnValue contents (DER of the extension's structure). */
  value: Uint8Array;
}

export const ext = {
  keyUsage(usages: readonly KeyUsageName[], critical = true): ExtSpec {
    let bits = 0;
    let highest = -1;
    for (const u of usages) {
      const i = KEY_USAGE_BITS.indexOf(u);
      if (i < 0) throw new Error(`unknown key usage ${u}`);
      bits |= 1 << (15 - i);
      highest = Math.max(highest, i);
    }
    // DER named bit list: trailing zero bits removed (X.690 §11.2.2).
    const nBytes = highest < 8 ? 1 : 2;
    const bytes = nBytes === 1 ? new Uint8Array([bits >> 8]) : new Uint8Array([bits >> 8, bits & 0xff]);
    const unused = highest < 0 ? 0 : nBytes * 8 - 1 - highest;
    return { oid: OID.keyUsage, critical, value: bitString(highest < 0 ? new Uint8Array(0) : bytes, unused) };
  },
  extendedKeyUsage(oids: string[], critical = true): ExtSpec {
    return { oid: OID.extendedKeyUsage, critical, value: seq(...oids.map(oid)) };
  },
  basicConstraints(cA: boolean, pathLen?: number, critical = true): ExtSpec {
    const parts: Uint8Array[] = [];
    if (cA) parts.push(bool(true));
    if (pathLen !== undefined) parts.push(int(pathLen));
    return { oid: OID.basicConstraints, critical, value: seq(...parts) };
  },
  subjectKeyIdentifier(id: Uint8Array): ExtSpec {
    return { oid: OID.subjectKeyIdentifier, critical: false, value: octets(id) };
  },
  authorityKeyIdentifier(id: Uint8Array): ExtSpec {
    return { oid: OID.authorityKeyIdentifier, critical: false, value: seq(implicitPrim(0, id)) };
  },
  issuerAltNameUri(uri: string): ExtSpec {
    return { oid: OID.issuerAltName, critical: false, value: seq(implicitPrim(6, new TextEncoder().encode(uri))) };
  },
  crlDistributionPointUri(uri: string): ExtSpec {
    // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames { uniformResourceIdentifier [6] } } }
    return {
      oid: OID.crlDistributionPoints,
      critical: false,
      value: seq(seq(explicit(0, explicit(0, implicitPrim(6, new TextEncoder().encode(uri)))))),
    };
  },
  raw(oidText: string, critical: boolean, value: Uint8Array): ExtSpec {
    return { oid: oidText, critical, value };
  },
};

// ---- the certificate ----------------------------------------------------------------------------

export interface CertSpec {
  serial: Uint8Array | number;
  issuer: NameSpec;
  subject: NameSpec;
  notBefore: Date;
  notAfter: Date;
  /** The certified key (public part is enough). */
  subjectKey: Pick<TestKey, 'curve' | 'publicKey'>;
  /** The key that signs (the issuer's; the subject key itself for a root). */
  signerKey: TestKey;
  /** Signature hash (default: the signer curve's own, ES256/384/512 style). */
  hash?: HashAlg;
  extensions: ExtSpec[];
  /** A ready SubjectPublicKeyInfo (explicit EC parameters, an RSA key) instead of spkiDer(subjectKey). */
  spki?: Uint8Array;
}

export function buildCertificate(spec: CertSpec): Uint8Array {
  const hash = spec.hash ?? DEFAULT_HASH[spec.signerKey.curve];
  const sigAlg = seq(oid(SIG_OIDS[hash]));
  const serial = typeof spec.serial === 'number' ? int(spec.serial) : uintBytes(spec.serial);
  const tbsParts = [
    explicit(0, int(2)), // v3
    serial,
    sigAlg,
    nameDer(spec.issuer),
    seq(time(spec.notBefore), time(spec.notAfter)),
    nameDer(spec.subject),
    spec.spki ?? spkiDer(spec.subjectKey),
  ];
  if (spec.extensions.length) {
    tbsParts.push(
      explicit(
        3,
        seq(...spec.extensions.map((e) => seq(oid(e.oid), ...(e.critical ? [bool(true)] : []), octets(e.value)))),
      ),
    );
  }
  const tbs = seq(...tbsParts);
  return seq(tbs, sigAlg, bitString(signDer(spec.signerKey, hash, tbs)));
}
