// Block ciphers for card secure messaging: both backends against each other and against published
// bytes. DES: the FIPS 81 (Appendix B, ECB) example "Now is the time for all " under 0123456789ABCDEF;
// 3DES with K1 = K2 is single DES, which is how the retail MAC's single-DES steps run. AES-128-CBC:
// NIST SP 800-38A F.2.1. Everything else: noble (pure) against OpenSSL on random inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { KakuninCryptoError } from '../../core/crypto/provider.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('DES: FIPS 81 example (K1 = K2 makes EDE single DES), both backends, each block alone', () => {
  const k = hex('0123456789abcdef');
  const plain = new TextEncoder().encode('Now is the time for all ');
  const want = ['3fa40e8a984d4815', '6a271787ab8883f9', '893d51ec4b563b53'];
  for (const c of [nobleCrypto, nodeCrypto]) {
    for (let i = 0; i < 3; i++) {
      const got = c.cbc(
        'DES-EDE',
        'encrypt',
        hex('0123456789abcdef0123456789abcdef'),
        new Uint8Array(8),
        plain.subarray(i * 8, i * 8 + 8),
      );
      assert.equal(toHex(got), want[i], `${c.name} block ${i}`);
    }
    void k;
  }
});

test('AES-128-CBC: SP 800-38A F.2.1, both backends, both directions', () => {
  const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
  const iv = hex('000102030405060708090a0b0c0d0e0f');
  const p = hex('6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51');
  const c = '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2';
  for (const b of [nobleCrypto, nodeCrypto]) {
    assert.equal(toHex(b.cbc('AES-128', 'encrypt', key, iv, p)), c, b.name);
    assert.equal(toHex(b.cbc('AES-128', 'decrypt', key, iv, hex(c))), toHex(p), b.name);
  }
});

test('3DES-CBC and AES-CBC: noble equals OpenSSL on random keys and data; decrypt inverts encrypt', () => {
  for (let i = 0; i < 40; i++) {
    for (const [cipher, bs] of [
      ['DES-EDE', 8],
      ['AES-128', 16],
    ] as const) {
      const key = new Uint8Array(randomBytes(16));
      const iv = new Uint8Array(randomBytes(bs));
      const data = new Uint8Array(randomBytes(bs * (1 + (i % 5))));
      const a = nobleCrypto.cbc(cipher, 'encrypt', key, iv, data);
      const b = nodeCrypto.cbc(cipher, 'encrypt', key, iv, data);
      assert.equal(toHex(a), toHex(b), `${cipher} #${i}`);
      assert.equal(toHex(nobleCrypto.cbc(cipher, 'decrypt', key, iv, a)), toHex(data));
      assert.equal(toHex(nodeCrypto.cbc(cipher, 'decrypt', key, iv, b)), toHex(data));
    }
  }
});

test('CBC shape errors are the same typed error in both backends', () => {
  for (const b of [nobleCrypto, nodeCrypto]) {
    assert.throws(
      () => b.cbc('AES-128', 'encrypt', new Uint8Array(16), new Uint8Array(16), new Uint8Array(15)),
      KakuninCryptoError,
    );
    assert.throws(
      () => b.cbc('DES-EDE', 'encrypt', new Uint8Array(24), new Uint8Array(8), new Uint8Array(8)),
      KakuninCryptoError,
    );
    assert.throws(
      () => b.cbc('DES-EDE', 'decrypt', new Uint8Array(16), new Uint8Array(16), new Uint8Array(8)),
      KakuninCryptoError,
    );
  }
});

test('SHA-1: FIPS 180 "abc" in both backends', () => {
  for (const b of [nobleCrypto, nodeCrypto])
    assert.equal(toHex(b.sha1(new TextEncoder().encode('abc'))), 'a9993e364706816aba3e25717850c26c9cd0d89d');
});

test('single DES, AES-192 and AES-256 (ICAO secure messaging): published blocks, noble equals OpenSSL, shape errors alike', () => {
  // FIPS 46 worked example (key 133457799BBCDFF1); FIPS 197 Appendix C.2 and C.3 (one block, so CBC
  // with a zero IV is ECB).
  const vectors: Array<[Parameters<typeof nodeCrypto.cbc>[0], string, string, string]> = [
    ['DES', '133457799bbcdff1', '0123456789abcdef', '85e813540f0ab405'],
    [
      'AES-192',
      '000102030405060708090a0b0c0d0e0f1011121314151617',
      '00112233445566778899aabbccddeeff',
      'dda97ca4864cdfe06eaf70a0ec0d7191',
    ],
    [
      'AES-256',
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      '00112233445566778899aabbccddeeff',
      '8ea2b7ca516745bfeafc49904b496089',
    ],
  ];
  for (const [cipher, key, plain, want] of vectors) {
    for (const b of [nobleCrypto, nodeCrypto]) {
      const iv = new Uint8Array(cipher === 'DES' ? 8 : 16);
      assert.equal(toHex(b.cbc(cipher, 'encrypt', hex(key), iv, hex(plain))), want, `${b.name} ${cipher}`);
      assert.equal(toHex(b.cbc(cipher, 'decrypt', hex(key), iv, hex(want))), plain, `${b.name} ${cipher} decrypt`);
    }
  }
  for (const [cipher, keyLen, bs] of [
    ['DES', 8, 8],
    ['AES-192', 24, 16],
    ['AES-256', 32, 16],
  ] as const) {
    for (const blocks of [1, 2, 7, 64]) {
      const key = new Uint8Array(randomBytes(keyLen));
      const iv = new Uint8Array(randomBytes(bs));
      const data = new Uint8Array(randomBytes(bs * blocks));
      const a = nobleCrypto.cbc(cipher, 'encrypt', key, iv, data);
      assert.equal(toHex(a), toHex(nodeCrypto.cbc(cipher, 'encrypt', key, iv, data)), `${cipher} ${blocks} blocks`);
      assert.equal(toHex(nodeCrypto.cbc(cipher, 'decrypt', key, iv, a)), toHex(data));
      assert.equal(toHex(nobleCrypto.cbc(cipher, 'decrypt', key, iv, a)), toHex(data));
    }
    for (const b of [nobleCrypto, nodeCrypto]) {
      const key = new Uint8Array(keyLen);
      assert.throws(
        () => b.cbc(cipher, 'encrypt', key, new Uint8Array(bs), new Uint8Array(bs + 1)),
        KakuninCryptoError,
        `${b.name} ${cipher} partial block`,
      );
      assert.throws(
        () => b.cbc(cipher, 'encrypt', key.subarray(1), new Uint8Array(bs), new Uint8Array(bs)),
        KakuninCryptoError,
        `${b.name} ${cipher} short key`,
      );
      assert.throws(
        () => b.cbc(cipher, 'decrypt', key, new Uint8Array(bs - 1), new Uint8Array(bs)),
        KakuninCryptoError,
        `${b.name} ${cipher} short IV`,
      );
    }
  }
});
