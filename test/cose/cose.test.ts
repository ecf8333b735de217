// COSE_Sign1 / COSE_Mac0 / COSE_Key rules (RFC 9052/9053 with the ISO 18013-5 profile), on both
// crypto backends: alg only from the protected header and bound to the key's curve, detached
// payloads, x5chain shapes, crit, header labels in both buckets, key curve and on-curve checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { encodeCbor } from '../../core/cbor/encode.ts';
import { Tagged, type CborMap, type CborValue } from '../../core/cbor/model.ts';
import {
  buildMac0,
  buildSign1,
  COSE_ALG,
  CoseError,
  ecdsaAlgorithmFor,
  ecPublicCoseKey,
  ed25519PublicCoseKey,
  HEADER,
  parseCoseKey,
  macStructure0,
  parseCoseMac0,
  parseCoseSign1,
  sign1Algorithm,
  sign1X5Chain,
  signSign1Ecdsa,
  sigStructure1,
  verifyMac0,
  verifySign1,
  type VerificationKey,
} from '../../core/cose/index.ts';
import type { Curve } from '../../core/crypto/provider.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const backends = [nobleCrypto, nodeCrypto];

function throwsCode(f: () => unknown, code: string): void {
  assert.throws(f, (e: unknown) => e instanceof CoseError && e.code === code);
}

for (const crypto of backends) {
  test(`ES256/ES384/ES512 sign and verify, embedded and detached (${crypto.name})`, () => {
    for (const curve of ['P-256', 'P-384', 'P-521'] as Curve[]) {
      const kp = crypto.generateEcKey(curve);
      const key: VerificationKey = { kind: 'ec', curve, point: kp.publicKey };
      const alg = ecdsaAlgorithmFor(curve) as ReturnType<typeof ecdsaAlgorithmFor> & { kind: 'ecdsa' };
      const s = parseCoseSign1(signSign1Ecdsa(crypto, alg, kp.privateKey, enc('payload')));
      assert.equal(verifySign1(s, key, crypto), true);
      assert.equal(verifySign1({ ...s, payload: enc('payloaD') }, key, crypto), false);
      const d = parseCoseSign1(signSign1Ecdsa(crypto, alg, kp.privateKey, enc('detached'), { detached: true }));
      assert.equal(d.payload, null);
      assert.equal(verifySign1(d, key, crypto, { detachedPayload: enc('detached') }), true);
      assert.equal(verifySign1(d, key, crypto, { detachedPayload: enc('other') }), false);
      throwsCode(() => verifySign1(d, key, crypto), 'payload_missing');
      throwsCode(() => verifySign1(s, key, crypto, { detachedPayload: enc('payload') }), 'malformed_cose');
    }
  });

  test(`alg must be in the protected header and match the key (${crypto.name})`, () => {
    const kp = crypto.generateEcKey('P-256');
    const key: VerificationKey = { kind: 'ec', curve: 'P-256', point: kp.publicKey };
    const sign = (tbs: Uint8Array) => crypto.ecdsaSign('P-256', 'SHA-256', kp.privateKey, tbs);
    const unprot = parseCoseSign1(
      buildSign1({
        protectedHeaders: new Map(),
        unprotectedHeaders: new Map([[HEADER.alg, -7]]),
        payload: enc('p'),
        sign,
      }),
    );
    throwsCode(() => verifySign1(unprot, key, crypto), 'alg_not_in_protected_header');
    const none = parseCoseSign1(buildSign1({ protectedHeaders: new Map(), payload: enc('p'), sign }));
    throwsCode(() => verifySign1(none, key, crypto), 'alg_not_in_protected_header');
    const es384 = parseCoseSign1(
      buildSign1({ protectedHeaders: new Map([[HEADER.alg, COSE_ALG.ES384]]), payload: enc('p'), sign }),
    );
    throwsCode(() => verifySign1(es384, key, crypto), 'alg_key_mismatch');
    const eddsa = parseCoseSign1(
      buildSign1({ protectedHeaders: new Map([[HEADER.alg, COSE_ALG.EdDSA]]), payload: enc('p'), sign }),
    );
    throwsCode(() => verifySign1(eddsa, key, crypto), 'alg_key_mismatch');
    const rs256 = parseCoseSign1(
      buildSign1({ protectedHeaders: new Map([[HEADER.alg, -257]]), payload: enc('p'), sign }),
    );
    throwsCode(() => sign1Algorithm(rs256), 'alg_unsupported');
    const textAlg = parseCoseSign1(
      buildSign1({ protectedHeaders: new Map<CborValue, CborValue>([[HEADER.alg, 'ES256']]), payload: enc('p'), sign }),
    );
    throwsCode(() => sign1Algorithm(textAlg), 'alg_unsupported');
  });

  test(`EdDSA (Ed25519) verifies (${crypto.name})`, () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
    const arr = buildSign1({
      protectedHeaders: new Map([[HEADER.alg, COSE_ALG.EdDSA]]),
      payload: enc('ed'),
      sign: (tbs) => new Uint8Array(nodeSign(null, tbs, privateKey)),
    });
    const key = parseCoseKey(ed25519PublicCoseKey(raw), crypto);
    assert.equal(verifySign1(parseCoseSign1(arr), key, crypto), true);
    arr[2] = enc('eD');
    assert.equal(verifySign1(parseCoseSign1(arr), key, crypto), false);
  });

  test(`HMAC 256/256 Mac0 with detached payload (${crypto.name})`, () => {
    const k = crypto.randomBytes(32);
    const m = parseCoseMac0(buildMac0(crypto, k, enc('da'), { detached: true }));
    assert.equal(verifyMac0(m, k, crypto, { detachedPayload: enc('da') }), true);
    assert.equal(verifyMac0(m, k, crypto, { detachedPayload: enc('db') }), false);
    assert.equal(verifyMac0(m, crypto.randomBytes(32), crypto, { detachedPayload: enc('da') }), false);
    assert.equal(
      verifyMac0({ ...m, tag: m.tag.subarray(0, 16) }, k, crypto, { detachedPayload: enc('da') }),
      false,
      'truncated tag',
    );
    const unprot = parseCoseMac0(
      buildMac0(crypto, k, enc('da'), { protectedHeaders: new Map(), unprotectedHeaders: new Map([[HEADER.alg, 5]]) }),
    );
    throwsCode(() => verifyMac0(unprot, k, crypto), 'alg_not_in_protected_header');
    const hs384 = parseCoseMac0(buildMac0(crypto, k, enc('da'), { protectedHeaders: new Map([[HEADER.alg, 6]]) }));
    throwsCode(() => verifyMac0(hs384, k, crypto), 'alg_unsupported');
  });

  test(`COSE_Key: curves, lengths, compressed and off-curve points (${crypto.name})`, () => {
    for (const curve of ['P-256', 'P-384', 'P-521'] as Curve[]) {
      const kp = crypto.generateEcKey(curve);
      const k = parseCoseKey(ecPublicCoseKey(curve, kp.publicKey), crypto);
      assert.deepEqual(k, { kind: 'ec', curve, point: kp.publicKey });
      const off = ecPublicCoseKey(curve, kp.publicKey);
      (off.get(-2) as Uint8Array)[3]! ^= 1;
      throwsCode(() => parseCoseKey(off, crypto), 'cose_key_invalid');
    }
    const kp = crypto.generateEcKey('P-256');
    const good = ecPublicCoseKey('P-256', kp.publicKey);
    const variant = (f: (m: CborMap) => void) => {
      const m = new Map(good);
      f(m);
      return m;
    };
    throwsCode(
      () =>
        parseCoseKey(
          variant((m) => m.set(-1, 2)),
          crypto,
        ),
      'cose_key_invalid',
    ); // claims P-384
    throwsCode(
      () =>
        parseCoseKey(
          variant((m) => m.set(-1, 8)),
          crypto,
        ),
      'cose_key_invalid',
    ); // secp256k1
    throwsCode(
      () =>
        parseCoseKey(
          variant((m) => m.set(-3, true)),
          crypto,
        ),
      'cose_key_invalid',
    ); // compressed
    throwsCode(
      () =>
        parseCoseKey(
          variant((m) => m.delete(-3)),
          crypto,
        ),
      'cose_key_invalid',
    );
    throwsCode(
      () =>
        parseCoseKey(
          variant((m) => m.set(-2, new Uint8Array(31))),
          crypto,
        ),
      'cose_key_invalid',
    );
    throwsCode(
      () =>
        parseCoseKey(
          variant((m) => m.set(1, 3)),
          crypto,
        ),
      'cose_key_invalid',
    ); // RSA kty
    throwsCode(() => parseCoseKey([1, 2], crypto), 'cose_key_invalid');
    throwsCode(
      () =>
        parseCoseKey(
          new Map<CborValue, CborValue>([
            [1, 1],
            [-1, 6],
            [-2, new Uint8Array(31)],
          ]),
          crypto,
        ),
      'cose_key_invalid',
    );
  });
}

test('COSE_Sign1 structure: tag 18 accepted, wrong shapes refused, x5chain forms, crit, label in both buckets', () => {
  const kp = nobleCrypto.generateEcKey('P-256');
  const sign = (tbs: Uint8Array) => nobleCrypto.ecdsaSign('P-256', 'SHA-256', kp.privateKey, tbs);
  const arr = buildSign1({
    protectedHeaders: new Map([[HEADER.alg, -7]]),
    unprotectedHeaders: new Map([[HEADER.x5chain, enc('cert')]]),
    payload: enc('p'),
    sign,
  });
  assert.ok(parseCoseSign1(new Tagged(18, arr)));
  throwsCode(() => parseCoseSign1(new Tagged(17, arr)), 'malformed_cose');
  throwsCode(() => parseCoseSign1(arr.slice(0, 3)), 'malformed_cose');
  throwsCode(() => parseCoseSign1([new Map(), new Map(), null, new Uint8Array(64)]), 'malformed_cose'); // protected not bstr
  throwsCode(() => parseCoseSign1([new Uint8Array(0), [], null, new Uint8Array(64)]), 'malformed_cose');
  throwsCode(() => parseCoseSign1([encodeCbor([1]), new Map(), null, new Uint8Array(64)]), 'malformed_cose');
  throwsCode(
    () => parseCoseSign1([new Uint8Array([0xa1, 0x01]), new Map(), null, new Uint8Array(64)]),
    'malformed_cose',
  ); // truncated header
  throwsCode(() => parseCoseSign1([new Uint8Array(0), new Map(), 5, new Uint8Array(64)]), 'malformed_cose');
  assert.deepEqual(sign1X5Chain(parseCoseSign1(arr)), [enc('cert')]);
  const two = parseCoseSign1(
    buildSign1({
      protectedHeaders: new Map([[HEADER.alg, -7]]),
      unprotectedHeaders: new Map<CborValue, CborValue>([[HEADER.x5chain, [enc('a'), enc('b')]]]),
      payload: enc('p'),
      sign,
    }),
  );
  assert.equal(sign1X5Chain(two).length, 2);
  const none = parseCoseSign1(buildSign1({ protectedHeaders: new Map([[HEADER.alg, -7]]), payload: enc('p'), sign }));
  throwsCode(() => sign1X5Chain(none), 'x5chain_missing');
  const bad = parseCoseSign1(
    buildSign1({
      protectedHeaders: new Map([[HEADER.alg, -7]]),
      unprotectedHeaders: new Map<CborValue, CborValue>([[HEADER.x5chain, [enc('a'), 7]]]),
      payload: enc('p'),
      sign,
    }),
  );
  throwsCode(() => sign1X5Chain(bad), 'malformed_cose');
  throwsCode(
    () =>
      parseCoseSign1(
        buildSign1({
          protectedHeaders: new Map([[HEADER.alg, -7]]),
          unprotectedHeaders: new Map([[HEADER.alg, -35]]),
          payload: enc('p'),
          sign,
        }),
      ),
    'malformed_cose',
  );
  throwsCode(
    () =>
      parseCoseSign1(
        buildSign1({
          protectedHeaders: new Map<CborValue, CborValue>([
            [HEADER.alg, -7],
            [HEADER.crit, [99]],
            [99, 1],
          ]),
          payload: enc('p'),
          sign,
        }),
      ),
    'malformed_cose',
  );
  assert.ok(
    parseCoseSign1(
      buildSign1({
        protectedHeaders: new Map<CborValue, CborValue>([
          [HEADER.alg, -7],
          [HEADER.crit, [HEADER.alg]],
        ]),
        payload: enc('p'),
        sign,
      }),
    ),
  );
});

test('Sig_structure and MAC_structure bytes equal the generic CBOR encoding for every length class', () => {
  for (const [pl, pa] of [
    [0, 0],
    [3, 23],
    [3, 24],
    [30, 255],
    [30, 256],
    [100, 65535],
    [5, 65536],
    [5, 200_000],
  ] as const) {
    const p = new Uint8Array(pl).fill(7);
    const q = new Uint8Array(pa).fill(9);
    assert.deepEqual(sigStructure1(p, q), encodeCbor(['Signature1', p, new Uint8Array(0), q]));
    assert.deepEqual(macStructure0(p, q), encodeCbor(['MAC0', p, new Uint8Array(0), q]));
  }
});
