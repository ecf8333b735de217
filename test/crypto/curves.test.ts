// The curve table (core/crypto/curves.ts) against a peer: OpenSSL's built-in curves through
// node:crypto. For each curve, OpenSSL derives the public key of a private scalar and computes an
// ECDH secret with a key made by our pure arithmetic; both must equal what noble computes from our
// table. A wrong constant anywhere (p, a, b, G, n) makes one of them differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH } from 'node:crypto';
import { ALL_CURVES, CURVE_PARAMS, curveByOid, curveByParams, curvePoint } from '../../core/crypto/curves.ts';
import { CURVE_BYTES } from '../../core/crypto/provider.ts';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('every curve: OpenSSL and our table agree on d·G and on an ECDH secret (P-192 ... brainpoolP512r1)', () => {
  assert.equal(ALL_CURVES.length, 11);
  for (const c of ALL_CURVES) {
    const k = CURVE_PARAMS[c];
    const P = curvePoint(c);
    for (let i = 0; i < 3; i++) {
      const ossl = createECDH(k.openssl);
      ossl.generateKeys();
      const d = BigInt('0x' + ossl.getPrivateKey('hex'));
      // OpenSSL's public key = d·G on its curve; ours from our table:
      assert.equal(toHex(P.BASE.multiply(d).toBytes(false)), ossl.getPublicKey('hex'), `${c}: d·G`);
      // Our key pair, OpenSSL's secret:
      const ours = 1n + ((BigInt('0x' + toHex(ossl.getPrivateKey())) * 7919n) % (k.n - 1n));
      const ourPub = P.BASE.multiply(ours);
      const shared = ossl.computeSecret(Buffer.from(ourPub.toBytes(false)));
      const mine = Buffer.from(P.fromBytes(ossl.getPublicKey()).multiply(ours).toBytes(false)).subarray(
        1,
        1 + CURVE_BYTES[c],
      );
      assert.equal(mine.toString('hex'), shared.toString('hex'), `${c}: ECDH`);
    }
    // Order and cofactor: n·G is the identity (noble refuses to multiply by n, so (n-1)·G = -G).
    assert.ok(P.BASE.multiply(k.n - 1n).equals(P.BASE.negate()), `${c}: order`);
    assert.equal(curveByOid(k.oid), c);
    assert.equal(curveByParams(k), c);
    assert.equal(curveByParams({ ...k, b: k.b ^ 1n }), undefined, `${c}: a changed parameter matches nothing`);
  }
});
