// The real Apple Wallet Handover Select (a capture; test/support/reference-files.ts) goes into the
// SessionTranscript byte for byte, and so does its DeviceEngagement (version "1.1" with keys 5 and
// 6): re-encoding either would change SessionTranscriptBytes and so every session key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCbor, EmbeddedCbor, type CborMap } from '../../core/cbor/index.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { buildSessionTranscript, deriveSessionKeys, ReaderSession } from '../../core/mdoc/session/index.ts';
import { appleHandover } from '../support/reference-files.ts';

const H = appleHandover();
const hs = Uint8Array.from(Buffer.from(H.apple_wallet_handover_select, 'hex'));
const DE_TYPE = Buffer.from('iso.org:18013:deviceengagementmdoc');
const de = hs.slice(Buffer.from(hs).indexOf(DE_TYPE) + DE_TYPE.length);
const hr = Uint8Array.of(0x91, 0x02, 0x01, 0x48, 0x72, 0x15); // any Hr bytes: the point is they are copied
const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;

test('the Apple DE in the Hs is version 1.1 with keys 0, 1, 5, 6 in that order', () => {
  const m = decodeCbor(de) as CborMap;
  assert.equal(m.get(0), '1.1');
  assert.deepEqual([...m.keys()], [0, 1, 5, 6]);
});

test('Hs, Hr and DE bytes appear verbatim inside SessionTranscriptBytes', () => {
  const eReaderKeyBytes = EmbeddedCbor.wrap(new Map<number, unknown>([[1, 2]]) as never);
  const st = buildSessionTranscript(de, eReaderKeyBytes, {
    kind: 'nfc-negotiated',
    handoverSelect: hs,
    handoverRequest: hr,
  });
  assert.ok(contains(st.bytes, hs));
  assert.ok(contains(st.bytes, hr));
  assert.ok(contains(st.bytes, de));
  const [deBytes, , handover] = (decodeCbor(st.bytes) as EmbeddedCbor).decode() as [
    EmbeddedCbor,
    EmbeddedCbor,
    Uint8Array[],
  ];
  assert.deepEqual(deBytes.content, de);
  assert.deepEqual(handover[0], hs);
  assert.deepEqual(handover[1], hr);
});

test('a reader session on the Apple DE derives the same keys the phone derives from the same bytes; one changed Hs byte changes them', () => {
  const m = decodeCbor(de) as CborMap;
  const eDeviceKeyBytes = (m.get(1) as unknown[])[1] as EmbeddedCbor;
  const s = ReaderSession.start(nobleCrypto, {
    deviceEngagement: de,
    eDeviceKeyBytes,
    handover: { kind: 'nfc-negotiated', handoverSelect: hs, handoverRequest: hr },
  });
  // We do not hold Apple's private key, so compare against our own derivation from the reader side
  // twice: the same inputs give the same keys, a one-byte change in Hs gives others.
  const readerKey = { priv: s.readerPrivateKey.slice() };
  const devicePoint = Uint8Array.from([
    4,
    ...((eDeviceKeyBytes.decode() as CborMap).get(-2) as Uint8Array),
    ...((eDeviceKeyBytes.decode() as CborMap).get(-3) as Uint8Array),
  ]);
  const k1 = deriveSessionKeys(nobleCrypto, 'P-256', readerKey.priv, devicePoint, s.transcript.bytes);
  const hs2 = hs.slice();
  hs2[hs2.length - 1]! ^= 1;
  const t2 = buildSessionTranscript(de, s.eReaderKeyBytes, {
    kind: 'nfc-negotiated',
    handoverSelect: hs2,
    handoverRequest: hr,
  });
  const k2 = deriveSessionKeys(nobleCrypto, 'P-256', readerKey.priv, devicePoint, t2.bytes);
  assert.notDeepEqual(k1.skReader, k2.skReader);
  s.close();
});
