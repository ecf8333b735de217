// Evidence from real and standard messages: Apple Wallet's Handover Select and initial TNEP NDEF
// (a capture) and ISO 18013-5 Annex D, both read by test/support/reference-files.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCbor, EmbeddedCbor, encodeCbor } from '../../core/cbor/index.ts';
import {
  findHandoverService,
  fromHex,
  hex,
  parseCapabilityContainer,
  parseDeviceEngagement,
  parseHandoverRequest,
  parseHandoverSelect,
  parseNdefMessage,
  parseStatus,
  staticHandoverFromMessage,
  tWaitMs,
  negotiatedHandover,
  handoverValue,
  buildHandoverSelect,
  buildDeviceEngagement,
  buildHandoverRequest,
} from '../../core/mdoc/engagement/index.ts';
import { buildSessionTranscript } from '../../core/mdoc/session/session-transcript.ts';
import { annexD as annexDFile, appleHandover } from '../support/reference-files.ts';

const nfc = appleHandover();
const annexD = annexDFile().values;

test('Apple Wallet Handover Select parses: DE 1.1 with keys 5 and 6 kept, BLE central client only, no UUID', () => {
  const bytes = fromHex(nfc.apple_wallet_handover_select);
  const hs = parseHandoverSelect(bytes);
  assert.equal(hs.version, 0x15);
  assert.equal(hs.deviceEngagement.version, '1.1');
  assert.deepEqual([...hs.deviceEngagement.otherKeys.keys()], [5, 6]);
  assert.deepEqual(hs.deviceEngagement.otherKeys.get(5), []);
  assert.deepEqual(
    hs.deviceEngagement.otherKeys.get(6),
    new Map([
      [3, true],
      [4, true],
    ]),
  );
  assert.equal(hs.deviceEngagement.retrievalMethods.length, 0);
  assert.equal(hs.carriers.length, 1);
  const ble = hs.carriers[0]!;
  assert.equal(ble.kind, 'ble');
  if (ble.kind !== 'ble') return;
  assert.equal(ble.oob.leRole, 0x01);
  assert.equal(ble.centralClientMode, true);
  assert.equal(ble.peripheralServerMode, false);
  assert.equal(ble.uuid, undefined);
  assert.deepEqual(ble.ac.auxiliaryDataReferences, ['mdoc']);
  // The DE bytes are the record payload exactly; EDeviceKeyBytes raw is inside them.
  assert.ok(hex(bytes).includes(hex(hs.deviceEngagement.bytes)));
  assert.ok(hex(hs.deviceEngagement.bytes).includes(hex(hs.deviceEngagement.eDeviceKeyBytes.raw)));
  // A re-encoding of the decoded DE would not be the bytes hashed: we never use one.
});

test('Apple Wallet Hs bytes go into the negotiated-handover transcript unchanged', () => {
  const hsBytes = fromHex(nfc.apple_wallet_handover_select);
  const hrBytes = buildHandoverRequest(
    { ble: { centralClientMode: true, peripheralServerMode: false, uuid: '0e5c4d52-1d30-4b4e-9a57-3f1e2d3c4b5a' } },
    0x1234,
  );
  const hs = parseHandoverSelect(hsBytes);
  const h = negotiatedHandover(hs.bytes, hrBytes);
  const eReader = EmbeddedCbor.wrap(new Map([[1, 2]]));
  const st = buildSessionTranscript(hs.deviceEngagement.bytes, eReader, h);
  const arr = (decodeCbor(st.bytes) as EmbeddedCbor).decode() as unknown[];
  assert.equal(hex((arr[0] as EmbeddedCbor).content), hex(hs.deviceEngagement.bytes));
  const hv = arr[2] as Uint8Array[];
  assert.equal(hex(hv[0]!), nfc.apple_wallet_handover_select);
  assert.equal(hex(hv[1]!), hex(hrBytes));
  // handoverValue hands over the very bytes read, not a copy or a re-encoding.
  assert.equal((handoverValue(h) as Uint8Array[])[0], hsBytes);
});

test('Apple Wallet static form: staticHandoverFromMessage gives [Hs, null] and central-client BLE without UUID', () => {
  const r = staticHandoverFromMessage(fromHex(nfc.apple_wallet_handover_select));
  assert.equal(r.kind, 'nfc-static');
  assert.deepEqual(handoverValue(r.handover), [fromHex(nfc.apple_wallet_handover_select), null]);
  assert.equal(r.ble?.centralClientMode, true);
  assert.equal(r.ble?.uuidSource, 'none');
});

test("Apple's initial NDEF is a TNEP Service Parameter for urn:nfc:sn:handover with T_wait 16 ms", () => {
  const withNlen = fromHex(nfc.apple_wallet_initial_ndef_with_nlen);
  const nlen = (withNlen[0]! << 8) | withNlen[1]!;
  assert.equal(nlen, withNlen.length - 2);
  const sp = findHandoverService(parseNdefMessage(withNlen.subarray(2)));
  assert.ok(sp);
  assert.equal(sp.tnepVersion, 0x10);
  assert.equal(sp.serviceNameUri, 'urn:nfc:sn:handover');
  assert.equal(sp.communicationMode, 0);
  assert.equal(sp.wt, 0x14);
  assert.equal(sp.nWait, 15);
  assert.equal(sp.maxNdefSize, 0x0800);
  assert.equal(tWaitMs(sp.wt), 16);
  assert.equal(tWaitMs(0), 0.5);
  assert.equal(tWaitMs(63), Math.pow(2, 63 / 4 - 1));
});

test("Apple's TNEP status after Service Select is success; its CC gives NDEF file E104", () => {
  assert.equal(parseStatus(parseNdefMessage(fromHex(nfc.apple_wallet_tnep_status_after_service_select))), 0x00);
  const cc = parseCapabilityContainer(fromHex(nfc.apple_wallet_cc_file));
  assert.equal(cc.ndefFileId, 0xe104);
  assert.equal(cc.maxNdefSize, 0x0802);
  assert.equal(cc.mle, 0x0400);
  assert.equal(cc.writeAccess, 0);
});

test('Annex D Handover Select parses and its DE is the DeviceEngagementBytes of the Annex D transcript', () => {
  const hs = parseHandoverSelect(fromHex(nfc.annex_d_handover_select));
  const st = (decodeCbor(fromHex(annexD.session_transcript_bytes)) as EmbeddedCbor).decode() as unknown[];
  assert.equal(hex(hs.deviceEngagement.bytes), hex((st[0] as EmbeddedCbor).content));
  assert.equal(hex((st[2] as Uint8Array[])[0]!), nfc.annex_d_handover_select);
  assert.equal(hex(hs.deviceEngagement.eDeviceKeyBytes.raw), annexD.e_device_key_bytes);
  assert.equal(hs.deviceEngagement.version, '1.0');
  const ble = hs.carriers[0]!;
  assert.equal(ble.kind, 'ble');
  if (ble.kind === 'ble') {
    assert.equal(ble.centralClientMode, true);
    assert.equal(hex(ble.oob.address!.bytes), '28128b372828');
  }
  // The standalone Annex D device_engagement is the QR-form DE: same version and key, plus
  // DeviceRetrievalMethods (BLE central client mode with a UUID).
  const qrDe = parseDeviceEngagement(fromHex(annexD.device_engagement));
  assert.equal(hex(qrDe.eDeviceKeyBytes.raw), hex(hs.deviceEngagement.eDeviceKeyBytes.raw));
  assert.deepEqual(qrDe.retrievalMethods, [
    {
      type: 'ble',
      version: 1,
      peripheralServerMode: false,
      centralClientMode: true,
      centralClientUuid: '45efef74-2b2c-4837-a9a3-b0e1d05a6917',
    },
  ]);
});

test('Annex D Handover Request (from the transcript) parses: cr, BLE both roles with UUID, NFC, Wi-Fi Aware', () => {
  const st = (decodeCbor(fromHex(annexD.session_transcript_bytes)) as EmbeddedCbor).decode() as unknown[];
  const hrBytes = (st[2] as Uint8Array[])[1]!;
  const hr = parseHandoverRequest(hrBytes);
  assert.equal(hr.collisionResolution, 0x0102);
  assert.deepEqual(
    hr.carriers.map((c) => c.kind),
    ['ble', 'nfc', 'wifi-aware'],
  );
  const ble = hr.carriers[0]!;
  if (ble.kind === 'ble') {
    assert.equal(ble.oob.leRole, 0x02);
    assert.equal(ble.centralClientMode && ble.peripheralServerMode, true);
    assert.equal(ble.uuid, '3a82d455-d5fc-4db3-bea0-6fd2f6ff32c8');
  }
  assert.equal(hr.bytes, hrBytes);
});

test('a wallet Hs we build round-trips through the parser with DE bytes unchanged', () => {
  const de = buildDeviceEngagement({
    version: '1.1',
    eDeviceKeyBytes: fromHexEmbedded(annexD.e_device_key_bytes),
    otherKeys: new Map<any, any>([
      [5, []],
      [
        6,
        new Map([
          [3, true],
          [4, true],
        ]),
      ],
    ]),
  });
  const hsBytes = buildHandoverSelect(de, [{ kind: 'ble', centralClientMode: true, peripheralServerMode: false }]);
  // Same shape as Apple's: our builder with Apple's DE reproduces Apple's exact message.
  const apple = parseHandoverSelect(fromHex(nfc.apple_wallet_handover_select));
  const again = buildHandoverSelect(apple.deviceEngagement.bytes, [
    { kind: 'ble', centralClientMode: true, peripheralServerMode: false },
  ]);
  assert.equal(hex(again), nfc.apple_wallet_handover_select);
  assert.equal(hex(parseHandoverSelect(hsBytes).deviceEngagement.bytes), hex(de));
  assert.ok(encodeCbor);
});

function fromHexEmbedded(h: string): EmbeddedCbor {
  return decodeCbor(fromHex(h)) as EmbeddedCbor;
}
