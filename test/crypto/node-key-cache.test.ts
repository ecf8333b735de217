// main/crypto/node-crypto.ts remembers imported public keys by an id built from the key bytes. These
// tests hold the cache to "never answer for a different key": keys that differ in any byte (or in how
// an RSA key's bytes split into n and e) get their own entries, and a key that failed to import keeps
// failing without hiding a good key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { NodeCrypto } from '../../main/crypto/node-crypto.ts';

const msg = new TextEncoder().encode('key cache');

test('node key cache: two P-256 keys, checked alternately, each verifies only its own signatures', () => {
  const c = new NodeCrypto();
  const a = c.generateEcKey('P-256');
  const b = c.generateEcKey('P-256');
  const sa = c.ecdsaSign('P-256', 'SHA-256', a.privateKey, msg);
  const sb = c.ecdsaSign('P-256', 'SHA-256', b.privateKey, msg);
  for (let i = 0; i < 3; i++) {
    assert.equal(c.ecdsaVerify('P-256', 'SHA-256', a.publicKey, msg, sa), true);
    assert.equal(c.ecdsaVerify('P-256', 'SHA-256', b.publicKey, msg, sa), false);
    assert.equal(c.ecdsaVerify('P-256', 'SHA-256', b.publicKey, msg, sb), true);
    assert.equal(c.ecdsaVerify('P-256', 'SHA-256', a.publicKey, msg, sb), false);
  }
});

test('node key cache: a point differing in its last byte is a different key (off-curve: refused, also when asked again)', () => {
  const c = new NodeCrypto();
  const a = c.generateEcKey('P-256');
  const sa = c.ecdsaSign('P-256', 'SHA-256', a.privateKey, msg);
  const bad = a.publicKey.slice();
  bad[bad.length - 1]! ^= 1;
  assert.equal(c.isValidPoint('P-256', a.publicKey), true);
  for (let i = 0; i < 2; i++) {
    assert.equal(c.isValidPoint('P-256', bad), false);
    assert.equal(c.ecdsaVerify('P-256', 'SHA-256', bad, msg, sa), false);
    assert.equal(c.ecdsaVerify('P-256', 'SHA-256', a.publicKey, msg, sa), true);
  }
});

test('node key cache: the same bytes on another curve are not the cached key', () => {
  const c = new NodeCrypto();
  const k384 = c.generateEcKey('P-384');
  const s = c.ecdsaSign('P-384', 'SHA-384', k384.privateKey, msg);
  assert.equal(c.ecdsaVerify('P-384', 'SHA-384', k384.publicKey, msg, s), true);
  // A P-521-shaped point is longer, so the same prefix bytes can never be mistaken for it; a P-256
  // point of the first 65 bytes is a different id as well and is refused (not on P-256).
  assert.equal(c.isValidPoint('P-256', k384.publicKey.subarray(0, 65)), false);
});

test('node key cache: RSA keys that differ only in e (same n) or in the n/e split are different keys', () => {
  const c = new NodeCrypto();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const jwk = publicKey.export({ format: 'jwk' });
  const n = new Uint8Array(Buffer.from(jwk.n!, 'base64url'));
  const e = new Uint8Array(Buffer.from(jwk.e!, 'base64url'));
  const sig = new Uint8Array(nodeSign('sha256', msg, privateKey));
  assert.equal(c.rsaPkcs1Verify('SHA-256', { n, e }, msg, sig), true);
  assert.equal(c.rsaPkcs1Verify('SHA-256', { n, e: new Uint8Array([3]) }, msg, sig), false);
  // n || e as one byte run, split one byte later: the bytes are the same, the key is not.
  const joined = new Uint8Array([...n, ...e]);
  assert.equal(
    c.rsaPkcs1Verify('SHA-256', { n: joined.subarray(0, n.length - 1), e: joined.subarray(n.length - 1) }, msg, sig),
    false,
  );
  assert.equal(c.rsaPkcs1Verify('SHA-256', { n, e }, msg, sig), true);
});
