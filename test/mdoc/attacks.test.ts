// One regression test named after each attack the verifier stops.
// Each hostile response is built the way a forger would (sim/mdoc/issuer.ts knobs), verified on BOTH
// crypto backends (identical outcome demanded), and must be rejected with its specific code, showing
// no element at all. A genuine control response is verified in the same way first, so each test can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { verifyDeviceResponse, type ResponseResult } from '../../core/mdoc/verify.ts';
import { encodeCbor } from '../../core/cbor/encode.ts';
import { EmbeddedCbor, type CborMap, type CborValue } from '../../core/cbor/model.ts';
import { ecPublicCoseKey } from '../../core/cose/key.ts';
import { testDocumentSigner } from '../../sim/pki/test-pki.ts';
import {
  deviceResponseBytes,
  MDL_DOCTYPE,
  MDL_NAMESPACE,
  MNC_DOCTYPE,
  MNC_NAMESPACE,
  testSession,
  testSessionTranscript,
} from '../../sim/mdoc/issuer.ts';

const TRUST_DIR = new URL('../../resources/test-trust', import.meta.url).pathname;
const trusts = {
  node: loadTrustDir(TRUST_DIR, { crypto: nodeCrypto }),
  noble: loadTrustDir(TRUST_DIR, { crypto: nobleCrypto }),
};
const NOW = new Date();

type Session = ReturnType<typeof testSession>;

function verifyBoth(response: Uint8Array, s: Pick<Session, 'transcript' | 'reader'>, now = NOW): ResponseResult {
  const run = (crypto: typeof nodeCrypto, trust: (typeof trusts)['node']) =>
    verifyDeviceResponse(response, {
      crypto,
      trust,
      now,
      transcript: s.transcript,
      readerPrivateKey: s.reader.privateKey,
    });
  const a = run(nodeCrypto, trusts.node);
  const b = run(nobleCrypto, trusts.noble);
  const summary = (r: ResponseResult) => JSON.stringify({ v: r.verdict, e: r.errors.map((e) => [e.code, e.document]) });
  assert.equal(summary(b), summary(a), 'node and noble backends disagree');
  return a;
}

function assertRejected(r: ResponseResult, code: string): void {
  assert.equal(r.verdict, 'invalid');
  const codes = r.errors.map((e) => e.code);
  assert.ok(codes.includes(code), `expected ${code} among ${codes.join(', ')}`);
  for (const d of r.documents) assert.deepEqual(d.elements, {}, 'a rejected document must show no element');
}

test('control: a genuine response verifies (signature and MAC, mDL and jp.mnc)', () => {
  for (const deviceAuth of ['signature', 'mac'] as const) {
    for (const docType of [MDL_DOCTYPE, MNC_DOCTYPE]) {
      const s = testSession({ deviceAuth, docType });
      const r = verifyBoth(s.response, s);
      assert.deepEqual(r.errors, [], `${deviceAuth} ${docType}`);
      assert.equal(r.verdict, 'valid');
    }
  }
});

test('control: P-384 and P-521 issuers, P-384 / P-521 device keys, SHA-384 / SHA-512 digests verify', () => {
  for (const [iaca, deviceCurve, digestAlgorithm] of [
    ['p384', 'P-384', 'SHA-384'],
    ['p521', 'P-521', 'SHA-512'],
    ['p256', 'P-384', 'SHA-512'],
  ] as const) {
    for (const deviceAuth of ['signature', 'mac'] as const) {
      const s = testSession({ deviceAuth, issue: { signer: testDocumentSigner(iaca), deviceCurve, digestAlgorithm } });
      const r = verifyBoth(s.response, s);
      assert.deepEqual(r.errors, [], `${iaca} ${deviceCurve} ${digestAlgorithm} ${deviceAuth}`);
    }
  }
});

test('unsupported MSO digest algorithm is rejected', () => {
  const s = testSession({ issue: { knobs: { digestAlgorithmLabel: 'MD5' } } });
  assertRejected(verifyBoth(s.response, s), 'unsupported_digest_algorithm');
});

test('tampered element under a genuine signature is rejected (age_over_20 false -> true)', () => {
  const s = testSession({
    docType: MNC_DOCTYPE,
    elements: { [MNC_NAMESPACE]: { age_over_20: false, age_in_years: 19 } },
    present: { tamper: { ns: MNC_NAMESPACE, element: 'age_over_20', value: true } },
  });
  assertRejected(verifyBoth(s.response, s), 'digest_mismatch');
});

test('swapped digestID is rejected', () => {
  const s = testSession({ present: { swapDigestIds: { ns: MDL_NAMESPACE, a: 'family_name', b: 'given_name' } } });
  assertRejected(verifyBoth(s.response, s), 'digest_mismatch');
});

test('element with a digestID absent from the MSO is rejected', () => {
  const s = testSession({
    present: { unknownDigestId: { ns: MDL_NAMESPACE, element: 'family_name', digestID: 9999 } },
  });
  assertRejected(verifyBoth(s.response, s), 'digest_id_unknown');
});

test('element moved into a namespace the MSO does not cover is rejected', () => {
  const s = testSession({
    present: { foreignNamespace: { ns: MDL_NAMESPACE, element: 'family_name', to: 'org.example.unsigned' } },
  });
  assertRejected(verifyBoth(s.response, s), 'namespace_unknown');
});

test('rogue DS (same issuer name, signed by another key) is rejected', () => {
  const s = testSession({ issue: { signer: testDocumentSigner('p256', 'rogue-iaca') } });
  const r = verifyBoth(s.response, s);
  assertRejected(r, 'untrusted_chain');
  assertRejected(r, 'chain_signature_invalid');
});

test('DS with wrong EKU is rejected', () => {
  const s = testSession({ issue: { signer: testDocumentSigner('p256', 'wrong-eku') } });
  assertRejected(verifyBoth(s.response, s), 'ds_eku_invalid');
});

test('DS with wrong key usage is rejected', () => {
  const s = testSession({ issue: { signer: testDocumentSigner('p256', 'wrong-key-usage') } });
  assertRejected(verifyBoth(s.response, s), 'ds_key_usage_invalid');
});

test('expired DS is rejected', () => {
  const s = testSession({ issue: { signer: testDocumentSigner('p256', 'expired') } });
  assertRejected(verifyBoth(s.response, s), 'ds_expired');
});

test('MSO not yet valid is rejected', () => {
  const from = new Date(NOW.getTime() + 3 * 86_400_000);
  const s = testSession({ issue: { validFrom: from, validUntil: new Date(from.getTime() + 86_400_000) } });
  assertRejected(verifyBoth(s.response, s), 'mso_not_yet_valid');
});

test('MSO expired is rejected', () => {
  const signed = new Date(NOW.getTime() - 10 * 86_400_000);
  const s = testSession({ issue: { signed, validUntil: new Date(NOW.getTime() - 86_400_000) } });
  assertRejected(verifyBoth(s.response, s), 'mso_expired');
});

test('MSO validity is judged with the clock-skew allowance (4 min late passes, 6 min late fails)', () => {
  const until = new Date(NOW.getTime() - 4 * 60_000);
  const s = testSession({ issue: { signed: new Date(NOW.getTime() - 86_400_000), validUntil: until } });
  assert.equal(verifyBoth(s.response, s).verdict, 'valid');
  assertRejected(verifyBoth(s.response, s, new Date(NOW.getTime() + 2 * 60_000)), 'mso_expired');
});

test('docType substitution is rejected (mDL credential presented as jp.mnc)', () => {
  const s = testSession({ present: { documentDocType: MNC_DOCTYPE } });
  assertRejected(verifyBoth(s.response, s), 'doc_type_mismatch');
});

test('device signature over another transcript is rejected (replay)', () => {
  const s = testSession({
    present: { deviceAuthTranscript: testSessionTranscript(nobleCrypto.generateEcKey('P-256').publicKey) },
  });
  assertRejected(verifyBoth(s.response, s), 'device_auth_failed');
});

test('device signature by another key is rejected (cloned credential)', () => {
  const s = testSession({ present: { deviceAuthKey: nobleCrypto.generateEcKey('P-256') } });
  assertRejected(verifyBoth(s.response, s), 'device_auth_failed');
});

test('device MAC over another transcript or by another key is rejected', () => {
  const a = testSession({
    deviceAuth: 'mac',
    present: { deviceAuthTranscript: testSessionTranscript(nobleCrypto.generateEcKey('P-256').publicKey) },
  });
  assertRejected(verifyBoth(a.response, a), 'device_auth_failed');
  const b = testSession({ deviceAuth: 'mac', present: { deviceAuthKey: nobleCrypto.generateEcKey('P-256') } });
  assertRejected(verifyBoth(b.response, b), 'device_auth_failed');
});

test('device signature for another docType is rejected', () => {
  const s = testSession({ present: { deviceAuthDocType: MNC_DOCTYPE } });
  assertRejected(verifyBoth(s.response, s), 'device_auth_failed');
});

test('alg only in the unprotected header is rejected', () => {
  const s = testSession({ issue: { knobs: { algOnlyInUnprotectedHeader: true } } });
  assertRejected(verifyBoth(s.response, s), 'alg_not_in_protected_header');
});

test('alg that does not match the DS key curve is rejected (ES384 with a P-256 key)', () => {
  const s = testSession({ issue: { knobs: { algId: -35 } } });
  assertRejected(verifyBoth(s.response, s), 'alg_key_mismatch');
});

test('missing x5chain is rejected', () => {
  const s = testSession({ issue: { knobs: { omitX5chain: true } } });
  assertRejected(verifyBoth(s.response, s), 'x5chain_missing');
});

test('off-curve device key in the MSO is rejected', () => {
  const bad = ecPublicCoseKey('P-256', nobleCrypto.generateEcKey('P-256').publicKey);
  (bad.get(-3) as Uint8Array)[31]! ^= 1;
  const s = testSession({ issue: { knobs: { msoDeviceKey: bad } } });
  assertRejected(verifyBoth(s.response, s), 'device_key_invalid');
});

test('DeviceResponse with an error status and no documents is rejected', () => {
  const s = testSession();
  const r = verifyBoth(deviceResponseBytes([], 10), s);
  assertRejected(r, 'response_status');
  assertRejected(r, 'no_documents');
});

// ---- hostile CBOR (spec item 1)

const session = testSession();

function withTrailing(b: Uint8Array, extra: number[]): Uint8Array {
  const o = new Uint8Array(b.length + extra.length);
  o.set(b);
  o.set(extra, b.length);
  return o;
}

test('truncated CBOR is rejected', () => {
  for (const cut of [1, 10, Math.floor(session.response.length / 2), session.response.length - 1]) {
    assertRejected(verifyBoth(session.response.subarray(0, cut), session), 'malformed_cbor');
  }
});

test('trailing bytes after the DeviceResponse are rejected', () => {
  assertRejected(verifyBoth(withTrailing(session.response, [0x00]), session), 'malformed_cbor');
});

test('duplicate map key is rejected (top level and inside a signed item)', () => {
  // {"version": "1.0", "version": "1.0", ...}: hand-built, since no encoder writes duplicates.
  const dup = new Uint8Array([
    0xa3,
    0x67,
    ...Buffer.from('version'),
    0x63,
    ...Buffer.from('1.0'),
    0x67,
    ...Buffer.from('version'),
    0x63,
    ...Buffer.from('1.0'),
    0x66,
    ...Buffer.from('status'),
    0x00,
  ]);
  assertRejected(verifyBoth(dup, session), 'malformed_cbor');
  // An IssuerSignedItem whose map repeats elementValue: the item is refused, not half-read.
  const doc = session.credential.items[0]!.bytes.decode() as CborMap;
  const content = encodeCbor(doc);
  const evKey = encodeCbor('elementValue');
  const dupItem = new Uint8Array([0xa5, ...content.subarray(1), ...evKey, 0xf5]);
  const item = EmbeddedCbor.fromContent(dupItem);
  const d = presentWithItem(item);
  assertRejected(verifyBoth(d, session), 'malformed_cbor');
});

function presentWithItem(item: EmbeddedCbor): Uint8Array {
  const issuerSigned = new Map<CborValue, CborValue>([
    ['nameSpaces', new Map<CborValue, CborValue>([[MDL_NAMESPACE, [item]]])],
    ['issuerAuth', session.credential.issuerAuth],
  ]);
  const doc = new Map<CborValue, CborValue>([
    ['docType', MDL_DOCTYPE],
    ['issuerSigned', issuerSigned],
    [
      'deviceSigned',
      new Map<CborValue, CborValue>([
        ['nameSpaces', EmbeddedCbor.wrap(new Map())],
        ['deviceAuth', new Map([['deviceSignature', [new Uint8Array(0), new Map(), null, new Uint8Array(64)]]])],
      ]),
    ],
  ]);
  return deviceResponseBytes([doc]);
}

test('deeply nested CBOR is rejected', () => {
  const depth = 100_000;
  const b = new Uint8Array(depth + 1).fill(0x81);
  b[depth] = 0x00;
  assertRejected(verifyBoth(b, session), 'cbor_limit_exceeded');
  // Nesting inside a #6.24 item (decoded later, with its own limits) is refused as well.
  const inner = new Uint8Array(200).fill(0x81);
  inner[199] = 0x00;
  assertRejected(verifyBoth(presentWithItem(EmbeddedCbor.fromContent(inner)), session), 'cbor_limit_exceeded');
});

test('huge declared length is rejected before any allocation', () => {
  for (const b of [
    [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // bstr of 2^64-1 bytes
    [0x9b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00], // array of 2^32 items
    [0xbb, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff], // map of 2^32-1 pairs
    [0xa1, 0x67, ...Buffer.from('version'), 0x7a, 0x7f, 0xff, 0xff, 0xff], // tstr of 2 GiB
  ]) {
    const r = verifyBoth(new Uint8Array(b), session);
    assert.equal(r.verdict, 'invalid');
    assert.ok(
      r.errors.some((e) => e.code === 'malformed_cbor' || e.code === 'cbor_limit_exceeded'),
      JSON.stringify(r.errors),
    );
  }
});

test('indefinite-length bomb is rejected', () => {
  assertRejected(verifyBoth(new Uint8Array(1_000_000).fill(0x9f), session), 'malformed_cbor');
  assertRejected(verifyBoth(new Uint8Array([0x9f]), session), 'malformed_cbor');
  assertRejected(verifyBoth(new Uint8Array([0xbf, 0x5f, 0xff, 0xff]), session), 'malformed_cbor');
});
