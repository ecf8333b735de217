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
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { hmac } from '@noble/hashes/hmac.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { curveEcdsa } from './curves.ts';
import { desCbc } from './des.ts';
import {
  checkCbcArgs,
  checkGcmArgs,
  CURVE_BYTES,
  KakuninCryptoError,
  HASH_BYTES,
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

const HASHES = { 'SHA-1': sha1, 'SHA-224': sha224, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

function curveOf(c: Curve) {
  try {
    return curveEcdsa(c);
  } catch {
    throw new KakuninCryptoError(`unsupported curve ${String(c)}`);
  }
}
function hashOf(h: HashAlg) {
  const impl = HASHES[h];
  if (!impl) throw new KakuninCryptoError(`unsupported hash ${String(h)}`);
  return impl;
}

// ---- RSA PKCS#1 v1.5 (RFC 8017 §8.2.2, EMSA-PKCS1-v1_5 §9.2) ----

/** DER DigestInfo prefixes, with the NULL parameters (RFC 8017 §9.2 note 1). */
const DIGEST_INFO_PREFIX: Record<HashAlg, Uint8Array> = {
  'SHA-1': hexBytes('3021300906052b0e03021a05000414'),
  'SHA-224': hexBytes('302d300d06096086480165030402040500041c'),
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

/** MGF1 (RFC 8017 §B.2.1). */
function mgf1(h: HashAlg, seed: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const hash = hashOf(h);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  for (let c = 0, o = 0; o < len; c++) {
    input[seed.length] = c >>> 24;
    input[seed.length + 1] = (c >>> 16) & 0xff;
    input[seed.length + 2] = (c >>> 8) & 0xff;
    input[seed.length + 3] = c & 0xff;
    const t = hash(input);
    out.set(t.subarray(0, Math.min(t.length, len - o)), o);
    o += t.length;
  }
  return out;
}

/** RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) with EMSA-PSS-VERIFY (§9.1.2), MGF1 with the same hash. */
export function rsaPssVerifyPure(
  h: HashAlg,
  key: RsaPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
  sLen: number,
): boolean {
  const em0 = rsaPublicOpPure(key, signature);
  if (!em0 || !Number.isInteger(sLen) || sLen < 0) return false;
  const nBytes = stripLeadingZeros(key.n);
  const modBits = nBytes.length * 8 - Math.clz32(nBytes[0]!) + 24;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // When modBits - 1 is a multiple of 8 the encoded message is one octet shorter than k (§8.1.2 step 2c).
  if (em0.length > emLen && em0[0] !== 0) return false;
  const em = em0.subarray(em0.length - emLen);
  const hLen = HASH_BYTES[h];
  const mHash = hashOf(h)(message);
  if (emLen < hLen + sLen + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const hh = em.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 8 * emLen - emBits;
  if (topBits > 0 && maskedDb[0]! >> (8 - topBits) !== 0) return false;
  const db = mgf1(h, hh, maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] ^= maskedDb[i]!;
  if (topBits > 0) db[0]! &= 0xff >> topBits;
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen);
  const mPrime = new Uint8Array(8 + hLen + sLen);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + hLen);
  return equal(hashOf(h)(mPrime), hh);
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
    if (!isUncompressedPointShape(curve, publicKey))
      throw new KakuninCryptoError(`ECDH: not an uncompressed ${curve} point`);
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

  rsaPssVerify(
    hash: HashAlg,
    key: RsaPublicKey,
    message: Uint8Array,
    signature: Uint8Array,
    saltLength: number,
  ): boolean {
    try {
      return rsaPssVerifyPure(hash, key, message, signature, saltLength);
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

  cbc(
    cipher: BlockCipher,
    direction: 'encrypt' | 'decrypt',
    key: Uint8Array,
    iv: Uint8Array,
    data: Uint8Array,
  ): Uint8Array {
    checkCbcArgs(cipher, key, iv, data);
    if (data.length === 0) return new Uint8Array(0);
    if (cipher === 'DES-EDE' || cipher === 'DES') return desCbc(key, iv, data, direction === 'decrypt');
    // Copies: @noble/ciphers keeps references, and a Buffer argument may be a view into a pool.
    const c = cbc(Uint8Array.from(key), Uint8Array.from(iv), { disablePadding: true });
    return direction === 'encrypt' ? c.encrypt(data) : c.decrypt(data);
  }
}

/** One shared instance: the provider is stateless. */
export const nobleCrypto: CryptoProvider = new NobleCrypto();
