// ISO 18013-5 Annex D session vectors (test/support/reference-files.ts): from the
// vector's reader ephemeral key and DeviceEngagement, derive SKReader / SKDevice, rebuild the
// SessionTranscript byte for byte, decrypt SessionEstablishment to the DeviceRequest and SessionData
// to the DeviceResponse, and reproduce the BLE Ident. Run through both crypto backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { decodeCbor, EmbeddedCbor, type CborMap } from '../../core/cbor/index.ts';
import {
  ReaderSession,
  SessionEncryption,
  SessionError,
  buildSessionTranscript,
  decodeSessionData,
  decodeSessionEstablishment,
  deriveSessionKeys,
  encodeSessionData,
  sessionIv,
} from '../../core/mdoc/session/index.ts';
import { bleIdent } from '../../core/mdoc/transport/ble/ident.ts';
import { annexD, appleHandover } from '../support/reference-files.ts';

const V = annexD();
const H = appleHandover();
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const v = (k: string) => hex(V.values[k]);

// Annex D's transcript is for NFC negotiated handover: its DeviceEngagement is the one carried in the
// Handover Select's `iso.org:18013:deviceengagement` record (not the QR `device_engagement` value),
// and its Handover is [HandoverSelectBytes, HandoverRequestBytes]. The Hs bytes come from
// nfc-handover.json; the DE is the tail of its last record; the Hr (no separate vector) is read
// out of the transcript's third element.
const handoverSelect = hex(H.annex_d_handover_select);
const DE_TYPE = Buffer.from('iso.org:18013:deviceengagementmdoc');
const deStart = Buffer.from(handoverSelect).indexOf(DE_TYPE) + DE_TYPE.length;
const de = handoverSelect.slice(deStart);
const deMap = decodeCbor(de) as CborMap;
const eDeviceKeyBytes = (deMap.get(1) as unknown[])[1] as EmbeddedCbor;
const transcriptValue = (decodeCbor(v('session_transcript_bytes')) as EmbeddedCbor).decode() as unknown[];
const handoverRequest = (transcriptValue[2] as Uint8Array[])[1]!;
const handover = { kind: 'nfc-negotiated' as const, handoverSelect, handoverRequest };
const readerKey = {
  curve: 'P-256' as const,
  privateKey: v('ephemeral_reader_key_d'),
  publicKey: Uint8Array.from([4, ...v('ephemeral_reader_key_x'), ...v('ephemeral_reader_key_y')]),
};

for (const crypto of [nobleCrypto, nodeCrypto]) {
  test(`[${crypto.name}] Annex D: SessionTranscriptBytes rebuilt from the raw DE, EReaderKeyBytes and [Hs, Hr]`, () => {
    const est = decodeSessionEstablishment(v('session_establishment'));
    const st = buildSessionTranscript(de, est.eReaderKeyBytes, handover);
    assert.equal(toHex(st.bytes), V.values.session_transcript_bytes);
  });

  test(`[${crypto.name}] Annex D: SKReader / SKDevice from the reader ephemeral key`, () => {
    const keys = deriveSessionKeys(
      crypto,
      'P-256',
      readerKey.privateKey,
      Uint8Array.from([4, ...v('ephemeral_device_key_x'), ...v('ephemeral_device_key_y')]),
      v('session_transcript_bytes'),
    );
    assert.equal(toHex(keys.skReader), V.derived.sk_reader);
    assert.equal(toHex(keys.skDevice), V.derived.sk_device);
    // The holder side gets the same keys from its own private key and the reader's public key.
    const mdocKeys = deriveSessionKeys(
      crypto,
      'P-256',
      v('ephemeral_device_key_d'),
      readerKey.publicKey,
      v('session_transcript_bytes'),
    );
    assert.equal(toHex(mdocKeys.skReader), V.derived.sk_reader);
  });

  test(`[${crypto.name}] Annex D: ReaderSession decrypts SessionEstablishment to the DeviceRequest and SessionData to the DeviceResponse`, () => {
    const s = ReaderSession.withReaderKeyForTests(
      crypto,
      { deviceEngagement: de, eDeviceKeyBytes, handover: handover },
      { ...readerKey, privateKey: readerKey.privateKey.slice() },
    );
    assert.equal(toHex(s.transcript.bytes), V.values.session_transcript_bytes);
    // The reader's own SessionEstablishment for the vector's DeviceRequest is the vector byte for byte
    // (same key, same counter 1, deterministic GCM).
    assert.equal(toHex(s.establishment(v('device_request'))), V.values.session_establishment);
    const reply = s.openReply(v('session_data'));
    assert.equal(toHex(reply.deviceResponse!), V.values.device_response);
    s.close();
  });

  test(`[${crypto.name}] Annex D: the holder side decrypts the DeviceRequest with SKReader, counter 1`, () => {
    const est = decodeSessionEstablishment(v('session_establishment'));
    const mdoc = new SessionEncryption(crypto, 'mdoc', {
      skReader: hex(V.derived.sk_reader),
      skDevice: hex(V.derived.sk_device),
    });
    assert.equal(toHex(mdoc.decrypt(est.data)), V.values.device_request);
    assert.equal(toHex(encodeSessionData({ data: mdoc.encrypt(v('device_response')) })), V.values.session_data);
  });

  test(`[${crypto.name}] Annex D: BLE Ident from EDeviceKeyBytes as received`, () => {
    assert.equal(toHex(bleIdent(crypto, eDeviceKeyBytes.raw)), V.derived.ble_ident);
    assert.equal(toHex(bleIdent(crypto, v('e_device_key_bytes'))), V.derived.ble_ident);
  });

  test(`[${crypto.name}] Annex D: a replayed or reordered SessionData fails the tag check`, () => {
    const s = ReaderSession.withReaderKeyForTests(
      crypto,
      { deviceEngagement: de, eDeviceKeyBytes, handover: handover },
      { ...readerKey, privateKey: readerKey.privateKey.slice() },
    );
    s.establishment(v('device_request'));
    s.openReply(v('session_data'));
    assert.throws(
      () => s.openReply(v('session_data')),
      (e: unknown) => e instanceof SessionError && e.code === 'session_decrypt_failed',
    );
  });

  test(`[${crypto.name}] Annex D: a flipped ciphertext bit fails with session_decrypt_failed`, () => {
    const s = ReaderSession.withReaderKeyForTests(
      crypto,
      { deviceEngagement: de, eDeviceKeyBytes, handover: handover },
      { ...readerKey, privateKey: readerKey.privateKey.slice() },
    );
    const sd = decodeSessionData(v('session_data'));
    sd.data![100]! ^= 1;
    assert.throws(
      () => s.openReply(encodeSessionData(sd)),
      (e: unknown) => e instanceof SessionError && e.code === 'session_decrypt_failed',
    );
  });

  test(`[${crypto.name}] a DE handover that differs by one byte gives different keys (raw bytes matter)`, () => {
    const other = handoverSelect.slice();
    other[other.length - 1]! ^= 1;
    const s = ReaderSession.withReaderKeyForTests(
      crypto,
      {
        deviceEngagement: de,
        eDeviceKeyBytes,
        handover: { kind: 'nfc-negotiated', handoverSelect: other, handoverRequest },
      },
      { ...readerKey, privateKey: readerKey.privateKey.slice() },
    );
    assert.throws(
      () => s.openReply(v('session_data')),
      (e: unknown) => e instanceof SessionError && e.code === 'session_decrypt_failed',
    );
  });
}

test('Annex D: session termination is SessionData {status: 20}', () => {
  assert.deepEqual(decodeSessionData(v('session_termination')), { status: 20 });
  assert.equal(toHex(encodeSessionData({ status: 20 })), V.values.session_termination);
});

test('session IVs: reader identifier 0, device identifier 1, 4-byte big-endian counter', () => {
  assert.equal(toHex(sessionIv('reader-to-mdoc', 1)), '000000000000000000000001');
  assert.equal(toHex(sessionIv('mdoc-to-reader', 0x01020304)), '000000000000000101020304');
});

test('a status-only SessionData with status 10 or 11 is a session_status_error; 20 alone is session_terminated', () => {
  const s = ReaderSession.withReaderKeyForTests(
    nobleCrypto,
    { deviceEngagement: de, eDeviceKeyBytes, handover: { kind: 'qr' } },
    { ...readerKey, privateKey: readerKey.privateKey.slice() },
  );
  assert.throws(
    () => s.openReply(encodeSessionData({ status: 10 })),
    (e: unknown) => e instanceof SessionError && e.code === 'session_status_error',
  );
  assert.throws(
    () => s.openReply(encodeSessionData({ status: 11 })),
    (e: unknown) => e instanceof SessionError && e.code === 'session_status_error',
  );
  assert.throws(
    () => s.openReply(encodeSessionData({ status: 20 })),
    (e: unknown) => e instanceof SessionError && e.code === 'session_terminated',
  );
  assert.throws(
    () => s.openReply(Uint8Array.of(0xa0)),
    (e: unknown) => e instanceof SessionError && e.code === 'session_message_malformed',
  );
  assert.throws(
    () => s.openReply(Uint8Array.of(0xff)),
    (e: unknown) => e instanceof SessionError && e.code === 'session_message_malformed',
  );
});

test('an off-curve EDeviceKey is session_key_invalid', () => {
  const bad = EmbeddedCbor.wrap(
    new Map<number, unknown>([
      [1, 2],
      [-1, 1],
      [-2, new Uint8Array(32).fill(1)],
      [-3, new Uint8Array(32).fill(2)],
    ]) as never,
  );
  assert.throws(
    () => ReaderSession.start(nobleCrypto, { deviceEngagement: de, eDeviceKeyBytes: bad, handover: { kind: 'qr' } }),
    (e: unknown) => e instanceof SessionError && e.code === 'session_key_invalid',
  );
});

test('fresh ephemeral reader keys each session', () => {
  const a = ReaderSession.start(nobleCrypto, { deviceEngagement: de, eDeviceKeyBytes, handover: { kind: 'qr' } });
  const b = ReaderSession.start(nobleCrypto, { deviceEngagement: de, eDeviceKeyBytes, handover: { kind: 'qr' } });
  assert.notEqual(toHex(a.eReaderKeyBytes.raw), toHex(b.eReaderKeyBytes.raw));
});
