// The two PACE nonce mappings an inspection system must support (ICAO Doc 9303-11 §4.4.3.3):
// Generic Mapping Ĝ = s·G + H with H from an anonymous ECDH (§4.4.3.3.1), and Integrated Mapping
// Ĝ = f_G(R_p(s, t)) with the pseudo-random number mapping of §4.4.3.3.2 and the point encoding of
// Appendix B.2. Pure elliptic-curve arithmetic over the curve table (core/crypto/curves.ts): a mapped
// generator is not the curve's G, which no ECDH/ECDSA API takes, so it is computed here.
import { CURVE_PARAMS, curvePoint } from '../crypto/curves.ts';
import type { Curve } from '../crypto/provider.ts';
import { concat } from '../card/ber-tlv.ts';
import { fromHex } from '../x509/pem.ts';
import { encryptZeroIv, type CipherSuite, type SymCrypto } from './cipher-suite.ts';
import { PassportError } from './codes.ts';

export type EcPointObj = ReturnType<ReturnType<typeof curvePoint>['fromBytes']>;

export function toBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** A point from its uncompressed encoding, checked on the curve and not infinity (TR-03111 §3.2.2.1). */
export function decodePoint(curve: Curve, bytes: Uint8Array, what: string): EcPointObj {
  const len = 1 + 2 * CURVE_PARAMS[curve].bytes;
  if (bytes.length !== len || bytes[0] !== 0x04)
    throw new PassportError('secure_messaging', `${what}: not an uncompressed ${curve} point`);
  try {
    const p = curvePoint(curve).fromBytes(bytes);
    p.assertValidity();
    return p;
  } catch {
    throw new PassportError('secure_messaging', `${what}: not a point on ${curve}`);
  }
}

export function encodePoint(p: EcPointObj): Uint8Array {
  return p.toBytes(false);
}

/** A scalar in [1, n-1] from `bytes` random bytes (8 more than the order's length, then reduced: FIPS 186-4 B.4.1). */
export function scalarFromRandom(curve: Curve, random: Uint8Array): bigint {
  const n = CURVE_PARAMS[curve].n;
  return (toBig(random) % (n - 1n)) + 1n;
}

export const scalarRandomBytes = (curve: Curve): number => CURVE_PARAMS[curve].bytes + 8;

/** §4.4.3.3.1: H = SK_map,IFD · PK_map,IC; Ĝ = s·G + H. Refuses H or Ĝ at infinity. */
export function genericMapping(
  curve: Curve,
  s: Uint8Array,
  skMapIfd: bigint,
  pkMapIc: EcPointObj,
): { h: EcPointObj; g: EcPointObj } {
  const P = curvePoint(curve);
  const h = pkMapIc.multiply(skMapIfd);
  const sv = toBig(s) % CURVE_PARAMS[curve].n;
  if (sv === 0n) throw new PassportError('secure_messaging', 'PACE: nonce s is zero modulo the order');
  const g = P.BASE.multiply(sv).add(h);
  if (g.is0()) throw new PassportError('secure_messaging', 'PACE: the mapped generator is the point at infinity');
  return { h, g };
}

// The constants of §4.4.3.3.2 (l = 128 for 3DES and AES-128, l = 256 for AES-192/256).
const C128 = { c0: fromHex('a668892a7c41e3ca739f40b057d85904')!, c1: fromHex('a4e136ac725f738b01c1f60217c188ad')! };
const C256 = {
  c0: fromHex('d463d65234124ef7897054986dca0a174e28df758cbaa03f240616414d5a1676')!,
  c1: fromHex('54bd7255f0aaf831bec3423fcf39d69b6cbf066677d0faae5aadd99df8e53517')!,
};

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/**
 * §4.4.3.3.2 Figure 2, the pseudo-random number mapping R_p(s, t): k_0 = E(t, s); for i = 1..n,
 * x_i = E(k_{i-1}, c1) and k_i = E(k_{i-1}, c0), each key truncated to the cipher's key size; l is
 * the nonce's bit length (128, or 256 for AES-192/256, whose keys an l-bit block must cover); n is
 * the least with n·l >= log2 p + 64; the result is int(x_1 || ... || x_n) mod p. E is CBC with IV 0.
 * Returns the octets x_1..x_n and the reduced value.
 */
export function pseudoRandomMapping(
  crypto: SymCrypto,
  suite: CipherSuite,
  p: bigint,
  s: Uint8Array,
  t: Uint8Array,
): { octets: Uint8Array; value: bigint } {
  const l = s.length * 8;
  if (t.length !== suite.keyLength)
    throw new PassportError('secure_messaging', `PACE-IM: nonce t must be ${suite.keyLength} bytes`);
  const c = l === 128 ? C128 : l === 256 ? C256 : null;
  if (!c) throw new PassportError('secure_messaging', `PACE-IM: nonce s of ${l} bits (expected 128 or 256)`);
  // Each k_i is a block cipher key cut from an l-bit output, so l must cover the key: 256-bit
  // nonces for AES-192 and AES-256 (3DES keys are 128 bits with parity).
  if (l < suite.keyLength * 8)
    throw new PassportError(
      'secure_messaging',
      `PACE-IM: nonce s of ${l} bits is shorter than the ${suite.keyLength * 8}-bit key`,
    );
  const n = Math.ceil((bitLength(p) + 64) / l);
  let k = encryptZeroIv(crypto, suite, t, s);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const key = k.subarray(0, suite.keyLength);
    parts.push(encryptZeroIv(crypto, suite, key, c.c1));
    k = encryptZeroIv(crypto, suite, key, c.c0);
  }
  const octets = concat(...parts);
  return { octets, value: toBig(octets) % p };
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}
function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b = mod(b, m);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
const inv = (a: bigint, p: bigint) => modPow(a, p - 2n, p);

/**
 * Appendix B.2, the point encoding f_G for affine coordinates (Brier et al., CRYPTO 2010). Needs
 * p ≡ 3 (mod 4): P-224 is the one Table 12 curve it cannot serve (§9.5.1 note).
 */
export function pointEncoding(curve: Curve, t: bigint): EcPointObj {
  const { p, a, b, h } = CURVE_PARAMS[curve];
  if (p % 4n !== 3n)
    throw new PassportError(
      'access_unsupported',
      `PACE integrated mapping is not defined on ${curve} (p is not 3 mod 4)`,
    );
  if (t <= 0n || t >= p) throw new PassportError('secure_messaging', 'PACE-IM: mapped value out of range');
  const alpha = mod(-t * t, p); // 1
  const x2 = mod(-b * inv(a, p) * (1n + inv(mod(alpha + alpha * alpha, p), p)), p); // 2
  const x3 = mod(alpha * x2, p); // 3
  const h2 = mod(x2 * x2 * x2 + a * x2 + b, p); // 4
  const u = mod(t * t * t * h2, p); // 6 (h3 of step 5 is only needed to state the algorithm)
  const A = modPow(h2, p - 1n - (p + 1n) / 4n, p); // 7
  const [x, y] = mod(A * A * h2, p) === 1n ? [x2, mod(A * h2, p)] : [x3, mod(A * u, p)]; // 8, 9
  let pt: EcPointObj;
  try {
    pt = curvePoint(curve).fromAffine({ x, y });
    pt.assertValidity();
  } catch {
    throw new PassportError('secure_messaging', 'PACE-IM: point encoding left the curve');
  }
  return h === 1n ? pt : pt.multiply(h); // 10
}

/** §4.4.3.3.2: Ĝ = f_G(R_p(s, t)). */
export function integratedMapping(
  crypto: SymCrypto,
  suite: CipherSuite,
  curve: Curve,
  s: Uint8Array,
  t: Uint8Array,
): { r: { octets: Uint8Array; value: bigint }; g: EcPointObj } {
  const r = pseudoRandomMapping(crypto, suite, CURVE_PARAMS[curve].p, s, t);
  return { r, g: pointEncoding(curve, r.value) };
}
