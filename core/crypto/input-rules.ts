// Input rules both CryptoProvider backends apply before any crypto, so the pure and the native
// backend can never disagree about the shape of an input (test/crypto/differential.test.ts).
import { CURVE_BYTES, type Curve, type RsaPublicKey } from './provider.ts';

export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Uncompressed point of the exact length for the curve: the only form either backend accepts. */
export function isUncompressedPointShape(curve: Curve, p: Uint8Array): boolean {
  return p instanceof Uint8Array && p.length === 1 + 2 * CURVE_BYTES[curve] && p[0] === 0x04;
}

/** Smallest and largest moduli we verify; smaller keys are weak, larger ones are a CPU-cost attack. */
export const RSA_MIN_BITS = 1024;
export const RSA_MAX_BITS = 8192;

/**
 * Shared RSA key sanity rules (both backends apply them first, so they agree): modulus 1024-8192
 * bits and odd, exponent odd, 3 <= e < n.
 */
export function rsaKeyAcceptable(key: RsaPublicKey): boolean {
  if (!(key?.n instanceof Uint8Array) || !(key.e instanceof Uint8Array)) return false;
  const n = stripLeadingZeros(key.n);
  const e = stripLeadingZeros(key.e);
  const bits = n.length * 8 - Math.clz32(n[0]!) + 24;
  if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) return false;
  if ((n[n.length - 1]! & 1) === 0) return false;
  if (e.length > 8 || (e[e.length - 1]! & 1) === 0) return false;
  const ev = bytesToBigInt(e);
  return ev >= 3n && ev < bytesToBigInt(n);
}
