// The pure CryptoProvider: @noble/curves, @noble/hashes, @noble/ciphers and BigInt RSA. It runs in
// any JS engine (tests, fuzzers, renderer, the CLI when no native crypto is injected). The host
// injects main/crypto/node-crypto.ts where speed matters; test/crypto/differential.test.ts demands
// both give the same answer for the same input.
//
// Input rules shared with the native backend (so the two can never disagree on shape):
// - EC public keys are uncompressed SEC1 points only (0x04 || X || Y, exact curve length);
// - ECDSA signatures are raw r || s of exactly 2 × curve bytes (RFC 9053 §2.1); high S is
//   accepted (COSE signers do not normalise S), r, s must be in [1, n-1];
// - the message is hashed here with the named hash and the digest is truncated to the order's
//   bit length (FIPS 186-4 §6.4), so any curve/hash pair works (X.509 uses e.g. P-256 + SHA-384).
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { desEdeCbc } from './des.ts';
import {
  checkCbcArgs,
  CURVE_BYTES,
  KakuninCryptoError,
  type BlockCipher,
  type Curve,
  type CryptoProvider,
  type EcKeyPair,
  type EcPoint,
  type HashAlg,
  type RsaPublicKey,
} from './provider.ts';
import { bytesToBigInt, isUncompressedPointShape, rsaKeyAcceptable, stripLeadingZeros } from './input-rules.ts';
import { equal, hexBytes } from '../bytes.ts';
import { errorText } from '../errors.ts';

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
const HASHES = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

function curveOf(c: Curve) {
  const impl = CURVES[c];
  if (!impl) throw new KakuninCryptoError(`unsupported curve ${String(c)}`);
  return impl;
}
function hashOf(h: HashAlg) {
  const impl = HASHES[h];
  if (!impl) throw new KakuninCryptoError(`unsupported hash ${String(h)}`);
  return impl;
}

// ---- RSA PKCS#1 v1.5 (RFC 8017 §8.2.2, EMSA-PKCS1-v1_5 §9.2) ----

/** DER DigestInfo prefixes, with the NULL parameters (RFC 8017 §9.2 note 1). */
const DIGEST_INFO_PREFIX: Record<HashAlg, Uint8Array> = {
  'SHA-256': hexBytes('3031300d060960864801650304020105000420'),
  'SHA-384': hexBytes('3041300d060960864801650304020205000430'),
  'SHA-512': hexBytes('3051300d060960864801650304020305000440'),
};



function bigIntToBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) r = (r * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return r;
}



/** RSAVP1 (RFC 8017 §5.2.2) with the §8.2.2 step 1 length rule: exactly k octets in, k out. */
export function rsaPublicOpPure(key: RsaPublicKey, signature: Uint8Array): Uint8Array | null {
  if (!rsaKeyAcceptable(key)) return null;
  const nBytes = stripLeadingZeros(key.n);
  const k = nBytes.length;
  if (!(signature instanceof Uint8Array) || signature.length !== k) return null;
  const n = bytesToBigInt(nBytes);
  const s = bytesToBigInt(signature);
  if (s >= n) return null; // RSAVP1 step 1: s in [0, n-1]
  return bigIntToBytes(modPow(s, bytesToBigInt(stripLeadingZeros(key.e)), n), k);
}

export function rsaPkcs1VerifyPure(h: HashAlg, key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const em = rsaPublicOpPure(key, signature);
  if (!em) return false;
  const k = em.length;
  // §9.2: EM = 0x00 || 0x01 || PS (0xff, at least 8) || 0x00 || DigestInfo. Build the one correct
  // encoding and compare whole: no parsing of the attacker's padding (Bleichenbacher '06).
  const prefix = DIGEST_INFO_PREFIX[h];
  if (!prefix) return false;
  const digest = hashOf(h)(message);
  const tLen = prefix.length + digest.length;
  if (k < tLen + 11) return false;
  const expected = new Uint8Array(k);
  expected[1] = 0x01;
  expected.fill(0xff, 2, k - tLen - 1);
  expected[k - tLen - 1] = 0x00;
  expected.set(prefix, k - tLen);
  expected.set(digest, k - digest.length);
  return equal(em, expected); // constant time: a signature block
}

// ---- the provider ----

export class NobleCrypto implements CryptoProvider {
  readonly name = 'noble';

  digest(alg: HashAlg, data: Uint8Array): Uint8Array {
    return hashOf(alg)(data);
  }

  hmac(alg: HashAlg, key: Uint8Array, data: Uint8Array): Uint8Array {
    return hmac(hashOf(alg), key, data);
  }

  hkdf(alg: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    try {
      return hkdf(hashOf(alg), ikm, salt, info, length);
    } catch (e) {
      throw new KakuninCryptoError(`hkdf: ${errorText(e)}`);
    }
  }

  randomBytes(length: number): Uint8Array {
    return randomBytes(length);
  }

  ecdsaVerify(curve: Curve, hash: HashAlg, publicKey: EcPoint, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      const c = curveOf(curve);
      if (!isUncompressedPointShape(curve, publicKey)) return false;
      if (!(signature instanceof Uint8Array) || signature.length !== 2 * CURVE_BYTES[curve]) return false;
      const digest = hashOf(hash)(message);
      return c.verify(signature, digest, publicKey, { prehash: false, lowS: false, format: 'compact' });
    } catch {
      return false;
    }
  }

  ecdsaSign(curve: Curve, hash: HashAlg, privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    const c = curveOf(curve);
    if (!(privateKey instanceof Uint8Array) || privateKey.length !== CURVE_BYTES[curve]) {
      throw new KakuninCryptoError(`private key must be ${CURVE_BYTES[curve]} bytes for ${curve}`);
    }
    try {
      return c.sign(hashOf(hash)(message), privateKey, { prehash: false, lowS: false, format: 'compact' });
    } catch (e) {
      throw new KakuninCryptoError(`ecdsaSign: ${errorText(e)}`);
    }
  }

  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
      if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
      // zip215: false = RFC 8032 strict decoding, the rules OpenSSL applies (differential test).
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  }

  generateEcKey(curve: Curve): EcKeyPair {
    const c = curveOf(curve);
    const { secretKey, publicKey } = c.keygen();
    return { curve, privateKey: secretKey, publicKey: c.Point.fromBytes(publicKey).toBytes(false) };
  }

  ecdh(curve: Curve, privateKey: Uint8Array, publicKey: EcPoint): Uint8Array {
    const c = curveOf(curve);
    if (!isUncompressedPointShape(curve, publicKey)) throw new KakuninCryptoError(`ECDH: not an uncompressed ${curve} point`);
    if (!(privateKey instanceof Uint8Array) || privateKey.length !== CURVE_BYTES[curve]) {
      throw new KakuninCryptoError(`ECDH: private key must be ${CURVE_BYTES[curve]} bytes`);
    }
    try {
      // getSharedSecret validates the point; its output is a compressed point: drop the prefix byte.
      return c.getSharedSecret(privateKey, publicKey, true).subarray(1);
    } catch (e) {
      throw new KakuninCryptoError(`ECDH: ${errorText(e)}`);
    }
  }

  isValidPoint(curve: Curve, publicKey: EcPoint): boolean {
    try {
      if (!isUncompressedPointShape(curve, publicKey)) return false;
      curveOf(curve).Point.fromBytes(publicKey).assertValidity();
      return true;
    } catch {
      return false;
    }
  }

  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
    checkGcmArgs(key, iv);
    return gcm(key, iv).encrypt(plaintext);
  }

  aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null {
    checkGcmArgs(key, iv);
    if (!(ciphertextAndTag instanceof Uint8Array) || ciphertextAndTag.length < 16) return null;
    try {
      return gcm(key, iv).decrypt(ciphertextAndTag);
    } catch {
      return null;
    }
  }

  rsaPkcs1Verify(hash: HashAlg, key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      return rsaPkcs1VerifyPure(hash, key, message, signature);
    } catch {
      return false;
    }
  }

  rsaPublicOp(key: RsaPublicKey, signature: Uint8Array): Uint8Array | null {
    try {
      return rsaPublicOpPure(key, signature);
    } catch {
      return null;
    }
  }

  sha1(data: Uint8Array): Uint8Array {
    return sha1(data);
  }

  cbc(cipher: BlockCipher, direction: 'encrypt' | 'decrypt', key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    checkCbcArgs(cipher, key, iv, data);
    if (cipher === 'DES-EDE') return desEdeCbc(direction, key, iv, data);
    const c = cbc(key, iv, { disablePadding: true });
    return direction === 'encrypt' ? c.encrypt(data) : c.decrypt(data);
  }
}

function checkGcmArgs(key: Uint8Array, iv: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new KakuninCryptoError('AES-256-GCM key must be 32 bytes');
  if (!(iv instanceof Uint8Array) || iv.length !== 12) throw new KakuninCryptoError('AES-GCM IV must be 12 bytes');
}

/** One shared instance: the provider is stateless. */
export const nobleCrypto: CryptoProvider = new NobleCrypto();
