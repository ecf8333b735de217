// The native CryptoProvider: Node's node:crypto (OpenSSL). Verification is several times faster
// than pure JS (docs/architecture.md "Clocks and crypto are passed in"), so the host and the CLI inject this one. Input shape rules are the
// same as core/crypto/noble.ts (shared helpers from there), and test/crypto/differential.test.ts
// holds both to identical answers.
//
// Public keys are imported once and cached as KeyObjects (a kiosk sees the same few DS and IACA
// keys over and over); the cache is bounded so hostile input cannot grow it without limit.
import * as nodeCryptoModule from 'node:crypto';
import { constants as cryptoConstants } from 'node:crypto';
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  publicDecrypt,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import {
  isUncompressedPointShape,
  rsaKeyAcceptable,
  stripLeadingZeros as strip,
} from '../../core/crypto/input-rules.ts';
import { CURVE_PARAMS } from '../../core/crypto/curve-params.ts';
import {
  checkCbcArgs,
  checkGcmArgs,
  CURVE_BYTES,
  KakuninCryptoError,
  type BlockCipher,
  type Curve,
  type CryptoProvider,
  type EcKeyPair,
  type EcPoint,
  type HashAlg,
  type RsaPublicKey,
} from '../../core/crypto/provider.ts';
import { errorText } from '../../core/errors.ts';

const NODE_HASH: Record<HashAlg, string> = {
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

// ---- minimal DER for importing keys OpenSSL knows by named curve (RFC 5480, RFC 5915) ----
function derLen(n: number): Buffer {
  return n < 0x80 ? Buffer.of(n) : n < 0x100 ? Buffer.of(0x81, n) : Buffer.of(0x82, n >> 8, n & 0xff);
}
function der(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.of(tag), derLen(body.length), body]);
}
function derOid(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const a of arcs.slice(2)) {
    const b = [a & 0x7f];
    for (let v = Math.floor(a / 128); v > 0; v = Math.floor(v / 128)) b.unshift((v & 0x7f) | 0x80);
    out.push(...b);
  }
  return der(0x06, Buffer.from(out));
}
const ID_EC_PUBLIC_KEY = derOid('1.2.840.10045.2.1');
/** DER SubjectPublicKeyInfo up to the BIT STRING contents (RFC 5480 id-ecPublicKey + named curve), per curve. */
const SPKI_PREFIX = new Map<Curve, Buffer>();
function spkiPrefix(curve: Curve): Buffer {
  let p = SPKI_PREFIX.get(curve);
  if (!p) {
    const alg = der(0x30, ID_EC_PUBLIC_KEY, derOid(CURVE_PARAMS[curve].oid));
    const full = der(0x30, alg, der(0x03, Buffer.alloc(2 + 2 * CURVE_BYTES[curve])));
    p = full.subarray(0, full.length - (1 + 2 * CURVE_BYTES[curve]));
    SPKI_PREFIX.set(curve, p);
  }
  return p;
}

/**
 * crypto.hash (Node >= 20.12): a one-shot digest without a Hash stream object. A verification
 * hashes every disclosed element and the DS certificate; createHash().update().digest() costs
 * several times more per call for inputs this small. Same OpenSSL digest either way.
 */
const oneShotHash = (nodeCryptoModule as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;

function hashName(h: HashAlg): string {
  const n = NODE_HASH[h];
  if (!n) throw new KakuninCryptoError(`unsupported hash ${String(h)}`);
  return n;
}
function curveName(c: Curve): string {
  const n = CURVE_PARAMS[c]?.openssl;
  if (!n) throw new KakuninCryptoError(`unsupported curve ${String(c)}`);
  return n;
}

function b64u(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}
function u8(b: Buffer | ArrayBuffer): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * A small LRU of imported public keys; `null` remembers a key that failed to import. Looked up and
 * filled in two steps (no closure per call: the lookup runs for every signature a verification checks).
 */
class KeyCache {
  private readonly map = new Map<string, KeyObject | null>();
  constructor(private readonly max: number) {}
  /** The cached key (null: known bad), or undefined when the key was never seen. */
  get(id: string): KeyObject | null | undefined {
    const hit = this.map.get(id);
    if (hit !== undefined) {
      this.map.delete(id);
      this.map.set(id, hit);
    }
    return hit;
  }
  /** Imports with `make` (a throw means the key is bad) and remembers the outcome. */
  add(id: string, make: () => KeyObject): KeyObject | null {
    let k: KeyObject | null;
    try {
      k = make();
    } catch {
      k = null;
    }
    this.map.set(id, k);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return k;
  }
}

/**
 * Cache key: a prefix naming the key type, then the key bytes one char a byte (no Buffer, no hex:
 * this is built for every signature checked). The prefix is fixed per key type and the byte parts of
 * one type have fixed lengths (EC points, Ed25519) or a length prefix (RSA), so two keys never share
 * an id.
 */
function bytesId(prefix: string, b: Uint8Array): string {
  return prefix + String.fromCharCode.apply(null, b as unknown as number[]);
}

export class NodeCrypto implements CryptoProvider {
  readonly name = 'node';
  private readonly keys = new KeyCache(512);

  /** The EC public key as a KeyObject, or null when it is not a valid point on `curve`. */
  private ecKey(curve: Curve, point: EcPoint): KeyObject | null {
    if (!isUncompressedPointShape(curve, point)) return null;
    const id = bytesId(curve, point);
    const hit = this.keys.get(id);
    return hit !== undefined ? hit : this.keys.add(id, () => importEcPublicKey(curve, point));
  }

  digest(alg: HashAlg, data: Uint8Array): Uint8Array {
    const name = hashName(alg);
    if (oneShotHash) return u8(oneShotHash(name, data, 'buffer'));
    return u8(createHash(name).update(data).digest());
  }

  hmac(alg: HashAlg, key: Uint8Array, data: Uint8Array): Uint8Array {
    return u8(createHmac(hashName(alg), key).update(data).digest());
  }

  hkdf(alg: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    try {
      return u8(hkdfSync(hashName(alg), ikm, salt, info, length));
    } catch (e) {
      throw new KakuninCryptoError(`hkdf: ${errorText(e)}`);
    }
  }

  randomBytes(length: number): Uint8Array {
    return u8(randomBytes(length));
  }

  ecdsaVerify(curve: Curve, hash: HashAlg, publicKey: EcPoint, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      if (!(signature instanceof Uint8Array) || signature.length !== 2 * CURVE_BYTES[curve]) return false;
      const key = this.ecKey(curve, publicKey);
      if (!key) return false;
      return nodeVerify(hashName(hash), message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false;
    }
  }

  ecdsaSign(curve: Curve, hash: HashAlg, privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    const key = this.ecPrivateKey(curve, privateKey);
    return u8(nodeSign(hashName(hash), message, { key, dsaEncoding: 'ieee-p1363' }));
  }

  private ecPrivateKey(curve: Curve, d: Uint8Array): KeyObject {
    const n = CURVE_BYTES[curve];
    if (!(d instanceof Uint8Array) || d.length !== n)
      throw new KakuninCryptoError(`private key must be ${n} bytes for ${curve}`);
    try {
      const ecdh = createECDH(curveName(curve));
      ecdh.setPrivateKey(d);
      const pub = ecdh.getPublicKey();
      if (curve === 'P-256' || curve === 'P-384' || curve === 'P-521') {
        return createPrivateKey({
          key: { kty: 'EC', crv: curve, d: b64u(d), x: b64u(pub.subarray(1, 1 + n)), y: b64u(pub.subarray(1 + n)) },
          format: 'jwk',
        });
      }
      // JWK has no Brainpool or P-192/P-224 names: SEC 1 ECPrivateKey DER (RFC 5915 §3) instead.
      const sec1 = der(
        0x30,
        der(0x02, Buffer.of(1)),
        der(0x04, d),
        der(0xa0, derOid(CURVE_PARAMS[curve].oid)),
        der(0xa1, der(0x03, Buffer.of(0), pub)),
      );
      return createPrivateKey({ key: sec1, format: 'der', type: 'sec1' });
    } catch (e) {
      throw new KakuninCryptoError(`bad ${curve} private key: ${errorText(e)}`);
    }
  }

  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
      if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
      const id = bytesId('Ed25519', publicKey);
      const hit = this.keys.get(id);
      const key =
        hit !== undefined
          ? hit
          : this.keys.add(id, () =>
              createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(publicKey) }, format: 'jwk' }),
            );
      if (!key) return false;
      return nodeVerify(null, message, key, signature);
    } catch {
      return false;
    }
  }

  generateEcKey(curve: Curve): EcKeyPair {
    // createECDH works for every OpenSSL curve (JWK export does not know the Brainpool names).
    const ecdh = createECDH(curveName(curve));
    ecdh.generateKeys();
    const n = CURVE_BYTES[curve];
    const d = ecdh.getPrivateKey();
    const priv = new Uint8Array(n);
    priv.set(d, n - d.length);
    return { curve, privateKey: priv, publicKey: u8(ecdh.getPublicKey()) };
  }

  ecdh(curve: Curve, privateKey: Uint8Array, publicKey: EcPoint): Uint8Array {
    if (!isUncompressedPointShape(curve, publicKey))
      throw new KakuninCryptoError(`ECDH: not an uncompressed ${curve} point`);
    if (!(privateKey instanceof Uint8Array) || privateKey.length !== CURVE_BYTES[curve]) {
      throw new KakuninCryptoError(`ECDH: private key must be ${CURVE_BYTES[curve]} bytes`);
    }
    try {
      const ecdh = createECDH(curveName(curve));
      ecdh.setPrivateKey(privateKey);
      // computeSecret checks the peer point is on the curve (ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY).
      return u8(ecdh.computeSecret(publicKey));
    } catch (e) {
      throw new KakuninCryptoError(`ECDH: ${errorText(e)}`);
    }
  }

  isValidPoint(curve: Curve, publicKey: EcPoint): boolean {
    try {
      return this.ecKey(curve, publicKey) !== null;
    } catch {
      return false;
    }
  }

  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
    checkGcmArgs(key, iv);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const body = c.update(plaintext);
    const fin = c.final();
    const tag = c.getAuthTag();
    const out = new Uint8Array(body.length + fin.length + tag.length);
    out.set(body, 0);
    out.set(fin, body.length);
    out.set(tag, body.length + fin.length);
    return out;
  }

  aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null {
    checkGcmArgs(key, iv);
    if (!(ciphertextAndTag instanceof Uint8Array) || ciphertextAndTag.length < 16) return null;
    try {
      const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
      d.setAuthTag(ciphertextAndTag.subarray(ciphertextAndTag.length - 16));
      const body = d.update(ciphertextAndTag.subarray(0, ciphertextAndTag.length - 16));
      const fin = d.final();
      return fin.length ? u8(Buffer.concat([body, fin])) : u8(body);
    } catch {
      return null;
    }
  }

  rsaPkcs1Verify(hash: HashAlg, key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      const k = this.rsaKey(key);
      if (!k) return false;
      // RFC 8017 §8.2.2 step 1: exactly k octets (OpenSSL also accepts shorter; the pure backend does not).
      if (!(signature instanceof Uint8Array) || signature.length !== strip(key.n).length) return false;
      return nodeVerify(hashName(hash), message, k, signature);
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
      const k = this.rsaKey(key);
      if (!k || !Number.isInteger(saltLength) || saltLength < 0) return false;
      if (!(signature instanceof Uint8Array) || signature.length !== strip(key.n).length) return false;
      return nodeVerify(
        hashName(hash),
        message,
        { key: k, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength },
        signature,
      );
    } catch {
      return false;
    }
  }

  rsaPublicOp(key: RsaPublicKey, signature: Uint8Array): Uint8Array | null {
    try {
      const k = this.rsaKey(key);
      if (!k || !(signature instanceof Uint8Array) || signature.length !== strip(key.n).length) return null;
      // RSA_NO_PADDING: OpenSSL returns the whole k-byte block and refuses s >= n (RSAVP1 step 1).
      return u8(publicDecrypt({ key: k, padding: cryptoConstants.RSA_NO_PADDING }, signature));
    } catch {
      return null;
    }
  }

  private rsaKey(key: RsaPublicKey): KeyObject | null {
    if (!rsaKeyAcceptable(key)) return null;
    // n's length goes in the id so that n || e cannot be read back as another split of the same bytes.
    const id = bytesId(`RSA${key.n.length}:`, key.n) + bytesId(':', key.e);
    const hit = this.keys.get(id);
    return hit !== undefined
      ? hit
      : this.keys.add(id, () =>
          createPublicKey({ key: { kty: 'RSA', n: b64u(strip(key.n)), e: b64u(strip(key.e)) }, format: 'jwk' }),
        );
  }

  sha1(data: Uint8Array): Uint8Array {
    return u8(createHash('sha1').update(data).digest());
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
    const name = CBC_NAMES[cipher];
    // OpenSSL 3's default provider has no single DES: DES is DES-EDE3 with K || K || K (the same function).
    const k = cipher === 'DES' ? Buffer.concat([key, key, key]) : key;
    const c = direction === 'encrypt' ? createCipheriv(name, k, iv) : createDecipheriv(name, k, iv);
    c.setAutoPadding(false);
    const a = c.update(data);
    const b = c.final();
    return b.length ? u8(Buffer.concat([a, b])) : u8(a);
  }
}

const CBC_NAMES: Record<BlockCipher, string> = {
  'AES-128': 'aes-128-cbc',
  'AES-192': 'aes-192-cbc',
  'AES-256': 'aes-256-cbc',
  'DES-EDE': 'des-ede-cbc',
  DES: 'des-ede3-cbc',
};

/**
 * Imports an uncompressed EC point (shape already checked). Both imports make OpenSSL check that the
 * point is on the curve (test/crypto/differential). Measured on Node 20: JWK is fastest for P-256
 * (~70 µs), SPKI DER for P-384 (~115 vs ~460 µs) and P-521 (~130 vs ~1000 µs), which matters for the
 * first response from a J-LIS (P-384) issuer.
 */
function importEcPublicKey(curve: Curve, point: EcPoint): KeyObject {
  if (curve !== 'P-256')
    return createPublicKey({ key: Buffer.concat([spkiPrefix(curve), point]), format: 'der', type: 'spki' });
  // One Buffer view over the point; the coordinates are encoded straight from it (no copies).
  const b = Buffer.from(point.buffer, point.byteOffset, point.byteLength);
  const n = CURVE_BYTES[curve];
  return createPublicKey({
    key: { kty: 'EC', crv: curve, x: b.toString('base64url', 1, 1 + n), y: b.toString('base64url', 1 + n, 1 + 2 * n) },
    format: 'jwk',
  });
}

/** One shared instance (its key cache is the point of sharing). */
export const nodeCrypto: CryptoProvider = new NodeCrypto();
