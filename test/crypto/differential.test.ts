// The two CryptoProvider backends must give identical answers for identical inputs
// (docs/architecture.md "Clocks and crypto are passed in": every vector and fuzz case runs through both backends).
// Cases: valid, high-S, tampered message, tampered signature, malformed / off-curve key, wrong
// lengths, and the Annex D session-key values as a fixed vector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import fc from 'fast-check';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { CURVE_BYTES, type Curve, type CryptoProvider, type HashAlg } from '../../core/crypto/provider.ts';
import { ALL_CURVES, CURVE_PARAMS } from '../../core/crypto/curves.ts';
import { annexD } from '../support/reference-files.ts';

const backends: CryptoProvider[] = [nobleCrypto, nodeCrypto];
// Every curve both backends support: the COSE/X.509 NIST curves and the ICAO ones (P-192, P-224, Brainpool).
const CURVES: Curve[] = ALL_CURVES;
const HASHES: HashAlg[] = ['SHA-256', 'SHA-384', 'SHA-512'];
// The orders are also checked against OpenSSL's own tables in curves.test.ts.
const ORDER = Object.fromEntries(ALL_CURVES.map((c) => [c, CURVE_PARAMS[c].n])) as Record<Curve, bigint>;
const BYTES = CURVE_BYTES;

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const enc = (s: string) => new TextEncoder().encode(s);

function bigToBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
function bytesToBig(b: Uint8Array): bigint {
  return BigInt('0x' + (toHex(b) || '0'));
}
/** (r, s) -> (r, n - s): the other valid signature; one of the two is high-S. */
function flipS(curve: Curve, sig: Uint8Array): Uint8Array {
  const n = BYTES[curve];
  const s = bytesToBig(sig.subarray(n));
  const out = sig.slice();
  out.set(bigToBytes(ORDER[curve] - s, n), n);
  return out;
}

/** Every backend's answer, asserting they agree; returns the common answer. */
function same<T>(label: string, f: (c: CryptoProvider) => T): T {
  const answers = backends.map((c) => {
    try {
      return { ok: true as const, v: f(c) };
    } catch (e) {
      return { ok: false as const, v: (e as Error).name };
    }
  });
  const norm = answers.map((a) => JSON.stringify(a, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v)));
  assert.equal(norm[1], norm[0], `${label}: noble ${norm[0]} vs node ${norm[1]}`);
  if (!answers[0]!.ok) throw new Error(`${label}: both threw ${answers[0]!.v}`);
  return answers[0]!.v as T;
}

test('ECDSA: valid, high-S, tampered and malformed inputs give identical answers on both backends', () => {
  for (const curve of CURVES) {
    for (const hash of HASHES) {
      for (const signer of backends) {
        const kp = signer.generateEcKey(curve);
        const msg = enc(`message for ${curve} ${hash} by ${signer.name}`);
        const sig = signer.ecdsaSign(curve, hash, kp.privateKey, msg);
        assert.equal(sig.length, 2 * BYTES[curve]);
        const label = `${curve}/${hash}/${signer.name}`;
        assert.equal(
          same(`${label} valid`, (c) => c.ecdsaVerify(curve, hash, kp.publicKey, msg, sig)),
          true,
        );
        // Both the low-S and the high-S form verify (COSE signers do not normalise S).
        assert.equal(
          same(`${label} other S`, (c) => c.ecdsaVerify(curve, hash, kp.publicKey, msg, flipS(curve, sig))),
          true,
        );
        const tm = msg.slice();
        tm[0]! ^= 1;
        assert.equal(
          same(`${label} tampered msg`, (c) => c.ecdsaVerify(curve, hash, kp.publicKey, tm, sig)),
          false,
        );
        const ts = sig.slice();
        ts[5]! ^= 0x40;
        assert.equal(
          same(`${label} tampered sig`, (c) => c.ecdsaVerify(curve, hash, kp.publicKey, msg, ts)),
          false,
        );
        const other: HashAlg = hash === 'SHA-256' ? 'SHA-384' : 'SHA-256';
        assert.equal(
          same(`${label} wrong hash`, (c) => c.ecdsaVerify(curve, other, kp.publicKey, msg, sig)),
          false,
        );
        const offCurve = kp.publicKey.slice();
        offCurve[offCurve.length - 1]! ^= 1;
        assert.equal(
          same(`${label} off-curve key`, (c) => c.ecdsaVerify(curve, hash, offCurve, msg, sig)),
          false,
        );
        assert.equal(
          same(`${label} off-curve isValidPoint`, (c) => c.isValidPoint(curve, offCurve)),
          false,
        );
        assert.equal(
          same(`${label} isValidPoint`, (c) => c.isValidPoint(curve, kp.publicKey)),
          true,
        );
        const compressed = kp.publicKey.slice(0, 1 + BYTES[curve]);
        compressed[0] = 0x02;
        assert.equal(
          same(`${label} compressed key refused`, (c) => c.ecdsaVerify(curve, hash, compressed, msg, sig)),
          false,
        );
        assert.equal(
          same(`${label} short sig`, (c) => c.ecdsaVerify(curve, hash, kp.publicKey, msg, sig.subarray(1))),
          false,
        );
        assert.equal(
          same(`${label} DER sig refused`, (c) => c.ecdsaVerify(curve, hash, kp.publicKey, msg, new Uint8Array(8))),
          false,
        );
        const zero = new Uint8Array(sig.length);
        assert.equal(
          same(`${label} r=s=0`, (c) => c.ecdsaVerify(curve, hash, kp.publicKey, msg, zero)),
          false,
        );
        const big = sig.slice();
        big.set(bigToBytes(ORDER[curve], BYTES[curve]), 0); // r = n
        assert.equal(
          same(`${label} r=n`, (c) => c.ecdsaVerify(curve, hash, kp.publicKey, msg, big)),
          false,
        );
      }
    }
  }
});

test('ECDSA: a key of another curve is refused identically', () => {
  const kp = nobleCrypto.generateEcKey('P-256');
  const sig = nobleCrypto.ecdsaSign('P-256', 'SHA-256', kp.privateKey, enc('x'));
  assert.equal(
    same('P-256 key as P-384', (c) => c.ecdsaVerify('P-384', 'SHA-256', kp.publicKey, enc('x'), sig)),
    false,
  );
});

test('ECDSA: random byte flips in key, message or signature never split the backends (fast-check)', () => {
  const fixtures = CURVES.map((curve) => {
    const kp = nodeCrypto.generateEcKey(curve);
    const msg = enc(`fuzz ${curve}`);
    return { curve, kp, msg, sig: nodeCrypto.ecdsaSign(curve, 'SHA-256', kp.privateKey, msg) };
  });
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: fixtures.length - 1 }),
      fc.integer({ min: 0, max: 2 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (fi, which, pos, x) => {
        const f = fixtures[fi]!;
        const parts = [f.kp.publicKey.slice(), f.msg.slice(), f.sig.slice()];
        const p = parts[which]!;
        p[pos % p.length]! ^= x;
        same(`fuzz ${f.curve}`, (c) => c.ecdsaVerify(f.curve, 'SHA-256', parts[0]!, parts[1]!, parts[2]!));
        if (which === 0) same(`fuzz point ${f.curve}`, (c) => c.isValidPoint(f.curve, parts[0]!));
      },
    ),
    { numRuns: 300 },
  );
});

test('Ed25519: valid, tampered and malformed inputs agree', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  const msg = enc('ed25519 message');
  const sig = new Uint8Array(nodeSign(null, msg, privateKey));
  assert.equal(
    same('valid', (c) => c.ed25519Verify(raw, msg, sig)),
    true,
  );
  const ts = sig.slice();
  ts[10]! ^= 1;
  assert.equal(
    same('tampered sig', (c) => c.ed25519Verify(raw, msg, ts)),
    false,
  );
  assert.equal(
    same('tampered msg', (c) => c.ed25519Verify(raw, enc('other'), sig)),
    false,
  );
  assert.equal(
    same('short key', (c) => c.ed25519Verify(raw.subarray(1), msg, sig)),
    false,
  );
  // S >= L (non-canonical scalar): RFC 8032 §5.1.7 says reject.
  const nonCanon = sig.slice();
  nonCanon[63] = 0xff;
  assert.equal(
    same('S >= L', (c) => c.ed25519Verify(raw, msg, nonCanon)),
    false,
  );
});

test('ECDH, HKDF and HMAC: Annex D session values are reproduced by both backends', () => {
  const v = annexD();
  const d = hex(v.values.ephemeral_reader_key_d);
  const devicePub = hex('04' + v.values.ephemeral_device_key_x + v.values.ephemeral_device_key_y);
  const zab = same('zab', (c) => c.ecdh('P-256', d, devicePub));
  assert.equal(toHex(zab), v.derived.zab);
  const salt = same('salt', (c) => c.digest('SHA-256', hex(v.values.session_transcript_bytes)));
  const sk = same('SKReader', (c) => c.hkdf('SHA-256', zab, salt, enc('SKReader'), 32));
  assert.equal(toHex(sk), v.derived.sk_reader);
  // EMacKey uses the static device key (deviceKeyInfo) with the reader's ephemeral key.
  const staticPub = hex('04' + v.values.static_device_key_x + v.values.static_device_key_y);
  const zabMac = same('zab mac', (c) => c.ecdh('P-256', d, staticPub));
  const emac = same('EMacKey', (c) => c.hkdf('SHA-256', zabMac, salt, enc('EMacKey'), 32));
  assert.equal(toHex(emac), v.derived.emac_key);
  same('hmac', (c) => c.hmac('SHA-256', emac, enc('data')));
  const bad = devicePub.slice();
  bad[40]! ^= 1;
  assert.throws(() => nobleCrypto.ecdh('P-256', d, bad), { name: 'KakuninCryptoError' });
  assert.throws(() => nodeCrypto.ecdh('P-256', d, bad), { name: 'KakuninCryptoError' });
});

test('ECDH: keys generated by one backend agree with the other', () => {
  for (const curve of CURVES) {
    const a = nobleCrypto.generateEcKey(curve);
    const b = nodeCrypto.generateEcKey(curve);
    same(`ecdh ${curve} a`, (c) => c.ecdh(curve, a.privateKey, b.publicKey));
    assert.deepEqual(
      nobleCrypto.ecdh(curve, a.privateKey, b.publicKey),
      nodeCrypto.ecdh(curve, b.privateKey, a.publicKey),
    );
  }
});

test("AES-256-GCM: each backend opens the other's ciphertext; a flipped bit gives null on both", () => {
  const key = nodeCrypto.randomBytes(32);
  const iv = hex('000000000000000000000001');
  const pt = enc('DeviceResponse bytes');
  const ct = same('encrypt', (c) => c.aesGcmEncrypt(key, iv, pt));
  assert.deepEqual(
    same('decrypt', (c) => c.aesGcmDecrypt(key, iv, ct)),
    pt,
  );
  const bad = ct.slice();
  bad[3]! ^= 1;
  assert.equal(
    same('tampered', (c) => c.aesGcmDecrypt(key, iv, bad)),
    null,
  );
  assert.equal(
    same('too short', (c) => c.aesGcmDecrypt(key, iv, ct.subarray(0, 10))),
    null,
  );
  assert.deepEqual(
    same('empty plaintext', (c) => c.aesGcmDecrypt(key, iv, c.aesGcmEncrypt(key, iv, new Uint8Array(0)))),
    new Uint8Array(0),
  );
});

test('RSA PKCS#1 v1.5: valid, tampered, wrong hash, wrong DigestInfo and malformed keys agree', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const key = {
    n: new Uint8Array(Buffer.from(jwk.n!, 'base64url')),
    e: new Uint8Array(Buffer.from(jwk.e!, 'base64url')),
  };
  const msg = enc('card data');
  for (const hash of HASHES) {
    const sig = new Uint8Array(nodeSign(hash.replace('-', '').toLowerCase(), msg, privateKey));
    assert.equal(
      same(`${hash} valid`, (c) => c.rsaPkcs1Verify(hash, key, msg, sig)),
      true,
    );
    const ts = sig.slice();
    ts[100]! ^= 1;
    assert.equal(
      same(`${hash} tampered`, (c) => c.rsaPkcs1Verify(hash, key, msg, ts)),
      false,
    );
    const other: HashAlg = hash === 'SHA-256' ? 'SHA-512' : 'SHA-256';
    assert.equal(
      same(`${hash} wrong hash`, (c) => c.rsaPkcs1Verify(other, key, msg, sig)),
      false,
    );
    assert.equal(
      same(`${hash} short sig`, (c) => c.rsaPkcs1Verify(hash, key, msg, sig.subarray(1))),
      false,
    );
  }
  // A signature whose DigestInfo omits the NULL parameters: not the one DER encoding, so refused.
  const d = new Uint8Array(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'));
  const digest = nodeCrypto.digest('SHA-256', msg);
  const noNull = Buffer.concat([hex('302f300b0609608648016503040201' + '0420'), digest]);
  const em = Buffer.concat([hex('0001'), Buffer.alloc(256 - 3 - noNull.length, 0xff), hex('00'), noNull]);
  const s = bigToBytes(modPow(bytesToBig(em), bytesToBig(d), bytesToBig(key.n)), 256);
  assert.equal(
    same('DigestInfo without NULL', (c) => c.rsaPkcs1Verify('SHA-256', key, msg, s)),
    false,
  );
  // Malformed keys.
  assert.equal(
    same('even modulus', (c) =>
      c.rsaPkcs1Verify('SHA-256', { n: key.n.map((x, i) => (i === 255 ? x & 0xfe : x)), e: key.e }, msg, s),
    ),
    false,
  );
  assert.equal(
    same('tiny modulus', (c) => c.rsaPkcs1Verify('SHA-256', { n: hex('c5'), e: key.e }, msg, s)),
    false,
  );
  assert.equal(
    same('e = 1', (c) => c.rsaPkcs1Verify('SHA-256', { n: key.n, e: hex('01') }, msg, s)),
    false,
  );
});

test('RSA public operation (RSAVP1): same block from both backends; short, long, s >= n and bad keys give null', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const key = {
    n: new Uint8Array(Buffer.from(jwk.n!, 'base64url')),
    e: new Uint8Array(Buffer.from(jwk.e!, 'base64url')),
  };
  const d = new Uint8Array(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'));
  const block = Buffer.concat([hex('0001'), Buffer.alloc(256 - 3 - 115, 0xff), hex('00'), Buffer.alloc(115, 0x5a)]);
  const sig = bigToBytes(modPow(bytesToBig(block), bytesToBig(d), bytesToBig(key.n)), 256);
  assert.deepEqual(
    same('valid', (c) => c.rsaPublicOp(key, sig)),
    new Uint8Array(block),
  );
  // A block with a leading non-zero byte (any integer below n) comes back whole too.
  const any = bigToBytes(bytesToBig(key.n) - 12345n, 256);
  assert.equal(same('below n', (c) => c.rsaPublicOp(key, any))?.length, 256);
  assert.equal(
    same('s = n', (c) => c.rsaPublicOp(key, key.n)),
    null,
  );
  assert.equal(
    same('short', (c) => c.rsaPublicOp(key, sig.subarray(1))),
    null,
  );
  assert.equal(
    same('long', (c) => c.rsaPublicOp(key, Buffer.concat([hex('00'), sig]))),
    null,
  );
  assert.equal(
    same('even modulus', (c) => c.rsaPublicOp({ n: key.n.map((x, i) => (i === 255 ? x & 0xfe : x)), e: key.e }, sig)),
    null,
  );
  assert.equal(
    same('e = 1', (c) => c.rsaPublicOp({ n: key.n, e: hex('01') }, sig)),
    null,
  );
});

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

test('SHA-1 and SHA-224 (ICAO key derivation and LDS hashes): FIPS 180-4 "abc" vectors on both backends', () => {
  assert.equal(toHex(same('sha1', (c) => c.digest('SHA-1', enc('abc')))), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(
    toHex(same('sha224', (c) => c.digest('SHA-224', enc('abc')))),
    '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7',
  );
});

test('RSA-PSS: OpenSSL signatures verify on both backends; wrong salt length, hash or a flipped bit fail on both', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const key = {
    n: new Uint8Array(Buffer.from(jwk.n!, 'base64url')),
    e: new Uint8Array(Buffer.from(jwk.e!, 'base64url')),
  };
  const msg = enc('SOD signed attributes');
  for (const [hash, saltLength] of [
    ['SHA-256', 32],
    ['SHA-256', 0],
    ['SHA-512', 64],
    ['SHA-1', 20],
  ] as Array<[HashAlg, number]>) {
    const sig = new Uint8Array(
      nodeSign(hash.replace('-', '').toLowerCase(), msg, {
        key: privateKey,
        padding: 6 /* RSA_PKCS1_PSS_PADDING */,
        saltLength,
      }),
    );
    assert.equal(
      same(`${hash}/${saltLength} valid`, (c) => c.rsaPssVerify(hash, key, msg, sig, saltLength)),
      true,
    );
    assert.equal(
      same(`${hash}/${saltLength} wrong salt length`, (c) => c.rsaPssVerify(hash, key, msg, sig, saltLength + 1)),
      false,
    );
    const ts = sig.slice();
    ts[17]! ^= 4;
    assert.equal(
      same(`${hash}/${saltLength} tampered`, (c) => c.rsaPssVerify(hash, key, msg, ts, saltLength)),
      false,
    );
    assert.equal(
      same(`${hash}/${saltLength} other message`, (c) => c.rsaPssVerify(hash, key, enc('x'), sig, saltLength)),
      false,
    );
    // A PKCS#1 v1.5 signature is not a PSS one.
    const v15 = new Uint8Array(nodeSign(hash.replace('-', '').toLowerCase(), msg, privateKey));
    assert.equal(
      same(`${hash} v1.5 as PSS`, (c) => c.rsaPssVerify(hash, key, msg, v15, saltLength)),
      false,
    );
  }
});
