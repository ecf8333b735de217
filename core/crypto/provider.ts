// The crypto a verifier needs, passed in rather than chosen here (docs/architecture.md "Clocks and
// crypto are passed in"). Two implementations exist: core/crypto/noble.ts (pure, runs anywhere)
// and main/crypto/node-crypto.ts (OpenSSL, faster). A differential test demands identical answers.
//
// Everything is synchronous on purpose: both backends are synchronous, and a verification is a
// short burst of CPU work; an async interface would only add scheduling latency.

/**
 * Prime curves: the NIST curves COSE and X.509 use, and the ones ePassports add (ICAO Doc 9303-11
 * §9.5.1 Table 12: P-192, P-224 and the Brainpool r1 curves of RFC 5639). Parameters: curves.ts.
 */
export type Curve =
  | 'P-192'
  | 'P-224'
  | 'P-256'
  | 'P-384'
  | 'P-521'
  | 'brainpoolP192r1'
  | 'brainpoolP224r1'
  | 'brainpoolP256r1'
  | 'brainpoolP320r1'
  | 'brainpoolP384r1'
  | 'brainpoolP512r1';
/** SHA-1 and SHA-224 exist for ICAO Doc 9303 (BAC/PACE key derivation §9.7.1, LDS hashes, AA). */
export type HashAlg = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** An EC public key as an uncompressed SEC1 point (0x04 || X || Y). */
export type EcPoint = Uint8Array;

export interface EcKeyPair {
  curve: Curve;
  /** Big-endian scalar, exactly the curve's byte length. */
  privateKey: Uint8Array;
  /** Uncompressed SEC1 point. */
  publicKey: EcPoint;
}

export interface RsaPublicKey {
  /** Big-endian modulus, no leading zero byte. */
  n: Uint8Array;
  /** Big-endian public exponent. */
  e: Uint8Array;
}

export interface CryptoProvider {
  readonly name: string;
  digest(alg: HashAlg, data: Uint8Array): Uint8Array;
  hmac(alg: HashAlg, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** RFC 5869 HKDF (extract + expand). */
  hkdf(alg: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  randomBytes(length: number): Uint8Array;

  /**
   * ECDSA verification of `message` (hashed here with `hash`). `signature` is the raw r || s form
   * COSE uses (RFC 9053 §2.1). High-S signatures are accepted: COSE/mdoc signers do not normalise S.
   * Returns false (never throws) for a malformed key or signature.
   */
  ecdsaVerify(curve: Curve, hash: HashAlg, publicKey: EcPoint, message: Uint8Array, signature: Uint8Array): boolean;
  /** Raw r || s signature. Used by simulators and tests (issuers, wallets), never by the verifier. */
  ecdsaSign(curve: Curve, hash: HashAlg, privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Ed25519 (COSE EdDSA, alg -8). Returns false for malformed input. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  generateEcKey(curve: Curve): EcKeyPair;
  /** ECDH shared secret: the X coordinate, curve byte length. Throws KakuninCryptoError on a bad point. */
  ecdh(curve: Curve, privateKey: Uint8Array, publicKey: EcPoint): Uint8Array;
  /** Is this a valid point on the curve (not infinity)? */
  isValidPoint(curve: Curve, publicKey: EcPoint): boolean;

  /** AES-256-GCM, 16-byte tag appended to the ciphertext; no AAD (ISO 18013-5 §9.1.1.5). */
  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Returns null when the tag does not verify. */
  aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null;

  /** RSASSA-PKCS1-v1_5 verification (My Number Card signatures, RSA-2048 / SHA-256). */
  rsaPkcs1Verify(hash: HashAlg, key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * RSAVP1 (RFC 8017 §5.2.2): the encoded block s^e mod n as exactly k bytes (k = modulus length).
   * Null (never throws) for an unacceptable key, a signature that is not exactly k bytes, or s >= n.
   * For a signature scheme whose whole block the caller builds and compares itself: the My Number
   * Card's card-face signature (DF28) is a PKCS#1 v1.5 type-1 block over a non-standard DigestInfo,
   * and ICAO Active Authentication recovers an ISO/IEC 9796-2 message (Doc 9303-11 §6.1.2.2).
   */
  rsaPublicOp(key: RsaPublicKey, signature: Uint8Array): Uint8Array | null;

  /**
   * RSASSA-PSS verification (RFC 8017 §8.1.2), MGF1 with the same hash, the given salt length
   * (ePassport Document Signers and CSCAs use PSS, RFC 4055). Returns false for malformed input.
   */
  rsaPssVerify(
    hash: HashAlg,
    key: RsaPublicKey,
    message: Uint8Array,
    signature: Uint8Array,
    saltLength: number,
  ): boolean;

  /**
   * SHA-1 (= digest('SHA-1', data)), only where a card protocol derives keys with it (residence card:
   * Kenc = SHA-1(card number); ICAO BAC/PACE: Doc 9303-11 §9.7.1) or hashes data groups with it;
   * never for signatures.
   */
  sha1(data: Uint8Array): Uint8Array;
  /**
   * CBC without padding (callers pad as their protocol says; ISO/IEC 10116): AES-128/192/256 (16-,
   * 24-, 32-byte key, 16-byte IV), two-key triple DES EDE (16-byte key K1||K2, 8-byte IV) or single
   * DES (8-byte key: the inner blocks of the ISO/IEC 9797-1 retail MAC). Throws KakuninCryptoError
   * when the key, IV or data length is wrong.
   */
  cbc(
    cipher: BlockCipher,
    direction: 'encrypt' | 'decrypt',
    key: Uint8Array,
    iv: Uint8Array,
    data: Uint8Array,
  ): Uint8Array;
}

export type BlockCipher = 'AES-128' | 'AES-192' | 'AES-256' | 'DES-EDE' | 'DES';
export const BLOCK_BYTES: Record<BlockCipher, number> = {
  'AES-128': 16,
  'AES-192': 16,
  'AES-256': 16,
  'DES-EDE': 8,
  DES: 8,
};
const KEY_BYTES: Record<BlockCipher, number> = { 'AES-128': 16, 'AES-192': 24, 'AES-256': 32, 'DES-EDE': 16, DES: 8 };

/** The shape rules both backends apply before a CBC call, so they fail alike. */
export function checkCbcArgs(cipher: BlockCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  const b = BLOCK_BYTES[cipher];
  if (b === undefined) throw new KakuninCryptoError(`unsupported cipher ${String(cipher)}`);
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES[cipher])
    throw new KakuninCryptoError(`${cipher}: key must be ${KEY_BYTES[cipher]} bytes`);
  if (!(iv instanceof Uint8Array) || iv.length !== b) throw new KakuninCryptoError(`${cipher}: IV must be ${b} bytes`);
  if (!(data instanceof Uint8Array) || data.length % b !== 0)
    throw new KakuninCryptoError(`${cipher}: data must be a multiple of ${b} bytes`);
}

/** The shape rules both backends apply before an AES-256-GCM call, so they fail alike. */
export function checkGcmArgs(key: Uint8Array, iv: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32)
    throw new KakuninCryptoError('AES-256-GCM key must be 32 bytes');
  if (!(iv instanceof Uint8Array) || iv.length !== 12) throw new KakuninCryptoError('AES-GCM IV must be 12 bytes');
}

/** Thrown only by crypto misuse that the caller must turn into a typed check failure. */
export class KakuninCryptoError extends Error {
  override readonly name = 'KakuninCryptoError';
}

export const CURVE_BYTES: Record<Curve, number> = {
  'P-192': 24,
  'P-224': 28,
  'P-256': 32,
  'P-384': 48,
  'P-521': 66,
  brainpoolP192r1: 24,
  brainpoolP224r1: 28,
  brainpoolP256r1: 32,
  brainpoolP320r1: 40,
  brainpoolP384r1: 48,
  brainpoolP512r1: 64,
};

export const HASH_BYTES: Record<HashAlg, number> = {
  'SHA-1': 20,
  'SHA-224': 28,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
};
