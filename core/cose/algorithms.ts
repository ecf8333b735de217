// COSE algorithm identifiers used by ISO 18013-5 (RFC 9053 §2.1 ECDSA, §2.2 EdDSA, §3.1 HMAC).
// ISO 18013-5 §9.1.3.5 allows ES256/ES384/ES512 (and EdDSA) for issuerAuth and deviceSignature,
// and HMAC 256/256 for deviceMac. Each ECDSA alg is bound to ONE curve here so that a P-384 key
// cannot be used under "ES256" (alg_key_mismatch), which RFC 9053 §2.1 recommends.
import type { Curve, HashAlg } from '../crypto/provider.ts';

export const COSE_ALG = {
  ES256: -7,
  ES384: -35,
  ES512: -36,
  EdDSA: -8,
  HMAC_256_256: 5,
} as const;

export type SignatureAlgorithm =
  | { id: number; name: 'ES256' | 'ES384' | 'ES512'; kind: 'ecdsa'; curve: Curve; hash: HashAlg }
  | { id: number; name: 'EdDSA'; kind: 'eddsa' };

export type MacAlgorithm = { id: number; name: 'HMAC 256/256'; hash: HashAlg; tagLength: number };

const SIGNATURE_ALGS = new Map<number, SignatureAlgorithm>([
  [COSE_ALG.ES256, { id: COSE_ALG.ES256, name: 'ES256', kind: 'ecdsa', curve: 'P-256', hash: 'SHA-256' }],
  [COSE_ALG.ES384, { id: COSE_ALG.ES384, name: 'ES384', kind: 'ecdsa', curve: 'P-384', hash: 'SHA-384' }],
  [COSE_ALG.ES512, { id: COSE_ALG.ES512, name: 'ES512', kind: 'ecdsa', curve: 'P-521', hash: 'SHA-512' }],
  [COSE_ALG.EdDSA, { id: COSE_ALG.EdDSA, name: 'EdDSA', kind: 'eddsa' }],
]);

const MAC_ALGS = new Map<number, MacAlgorithm>([
  [COSE_ALG.HMAC_256_256, { id: 5, name: 'HMAC 256/256', hash: 'SHA-256', tagLength: 32 }],
]);

export function signatureAlgorithm(id: number): SignatureAlgorithm | undefined {
  return SIGNATURE_ALGS.get(id);
}
export function macAlgorithm(id: number): MacAlgorithm | undefined {
  return MAC_ALGS.get(id);
}

/** The ECDSA alg for a curve (used by signers: the test issuer and the virtual wallet). */
export function ecdsaAlgorithmFor(curve: Curve): SignatureAlgorithm {
  const id = curve === 'P-256' ? COSE_ALG.ES256 : curve === 'P-384' ? COSE_ALG.ES384 : COSE_ALG.ES512;
  return SIGNATURE_ALGS.get(id)!;
}

/** COSE header labels (RFC 9052 §3.1, RFC 9360 §2). */
export const HEADER = { alg: 1, crit: 2, contentType: 3, kid: 4, x5chain: 33 } as const;
