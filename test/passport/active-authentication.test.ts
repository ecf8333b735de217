// Active Authentication (ICAO Doc 9303-11 §6.1, App. F). App. F's key pair is not in the appendix
// text, so its RSA step cannot be replayed; its message recovery can: the recovered representative F
// (step 12), RND.IFD (step 1) and the digest (steps 14-18) are checked byte for byte. The RSA
// operation itself is held to OpenSSL by test/crypto/differential.test.ts (rsaPublicOp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, privateEncrypt, constants, createHash } from 'node:crypto';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { checkIso9796Representative, verifyActiveAuthentication } from '../../core/passport/active-authentication.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const F =
  hex(`6A9D2784A67F8E7C659973EA1AEA25D9 5B6C8F91E5002F369F0FBDCE8A3CEC19 91B543F1696546C5524CF23A5303CD6C 98599F40B79F377B5F3A1406B3B4D8F9
  6784D23AA88DB7E1032A405E69325FA9 1A6E86F5C71AEA978264C4A207446DAD 4E7292E2DCDA3024B47DA8C063AA1E6D 22FBD976AB0FE73D94D2D9C6D88127BC`);
const RND_IFD = hex('F173589974BF40C6');

for (const crypto of [nobleCrypto, nodeCrypto]) {
  test(`App. F steps 13-18 (${crypto.name}): trailer BC = SHA-1, D = D* = C063AA1E...D88127 over M1 || RND.IFD`, () => {
    assert.equal(F.length, 128);
    const m1 = F.subarray(1, 107);
    assert.equal(
      Buffer.from(crypto.digest('SHA-1', new Uint8Array([...m1, ...RND_IFD])))
        .toString('hex')
        .toUpperCase(),
      'C063AA1E6D22FBD976AB0FE73D94D2D9C6D88127',
    );
    assert.deepEqual(checkIso9796Representative(F, RND_IFD, crypto), { ok: true, hash: 'SHA-1' });
    const otherNonce = RND_IFD.slice();
    otherNonce[7]! ^= 1;
    assert.equal(
      checkIso9796Representative(F, otherNonce, crypto).ok,
      false,
      'a replayed signature over another nonce fails',
    );
    const badHeader = F.slice();
    badHeader[0] = 0x6b;
    assert.equal(checkIso9796Representative(badHeader, RND_IFD, crypto).ok, false);
  });
}

test('RSA Active Authentication end to end with an OpenSSL-made signature: F = 6A || M1 || SHA-256(M1 || nonce) || 34CC, and n - s form', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = publicKey.export({ format: 'jwk' });
  const key = {
    kind: 'rsa' as const,
    n: new Uint8Array(Buffer.from(jwk.n!, 'base64url')),
    e: new Uint8Array(Buffer.from(jwk.e!, 'base64url')),
  };
  const nonce = hex('0102030405060708');
  const m1 = new Uint8Array(93).fill(0x5a);
  const f = new Uint8Array([0x6a, ...m1, ...createHash('sha256').update(m1).update(nonce).digest(), 0x34, 0xcc]);
  const s = new Uint8Array(privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, f));
  for (const crypto of [nobleCrypto, nodeCrypto]) {
    assert.deepEqual(verifyActiveAuthentication(key, undefined, nonce, s, crypto), {
      ok: true,
      detail: 'Active Authentication (RSA-1024, ISO/IEC 9796-2, SHA-256) over a fresh nonce',
    });
    // ISO/IEC 9796-2 lets the chip return n - s.
    let n = 0n;
    for (const b of key.n) n = (n << 8n) | BigInt(b);
    let v = 0n;
    for (const b of s) v = (v << 8n) | BigInt(b);
    const alt = new Uint8Array(128);
    let x = n - v;
    for (let i = 127; i >= 0; i--, x >>= 8n) alt[i] = Number(x & 0xffn);
    assert.equal(verifyActiveAuthentication(key, undefined, nonce, alt, crypto).ok, true);
    assert.equal(verifyActiveAuthentication(key, undefined, hex('0102030405060709'), s, crypto).ok, false);
  }
});
