// Table tests of the engagement parsers: what is accepted, and the exact code for what is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCbor, encodeCbor, EmbeddedCbor } from '../../core/cbor/index.ts';
import {
  buildBleOob,
  buildDeviceEngagement,
  buildHandoverRequest,
  buildNdefMessage,
  EngagementError,
  fromHex,
  hex,
  ndefRecord,
  parseBleOob,
  parseDeviceEngagement,
  parseHandoverRequest,
  parseHandoverSelect,
  parseNdefMessage,
  parseQrEngagement,
  qrEngagementText,
  TNF,
  uuidToBytes,
  bleModesFromLeRole,
  parseServiceParameter,
  buildServiceParameter,
} from '../../core/mdoc/engagement/index.ts';
import { annexD as annexDFile } from '../support/reference-files.ts';

const annexD = annexDFile().values;
const code = (c: string) => (e: unknown) => e instanceof EngagementError && e.code === c;

test('QR from a keyboard-wedge scanner: trailing CR / LF / CRLF accepted, DE bytes kept exactly', () => {
  const de = fromHex(annexD.device_engagement);
  const text = qrEngagementText(de);
  for (const suffix of ['', '\r', '\n', '\r\n']) {
    const r = parseQrEngagement(text + suffix);
    assert.equal(hex(r.deviceEngagement.bytes), annexD.device_engagement);
    assert.deepEqual(r.handover, { kind: 'qr' });
  }
  assert.equal(parseQrEngagement('MDOC:' + text.slice(5)).deviceEngagement.version, '1.0');
});

test('QR: anything else is qr_malformed before CBOR is touched', () => {
  const text = qrEngagementText(fromHex(annexD.device_engagement));
  const bad = [
    '',
    'mdoc:',
    'https://example.com',
    ' ' + text,
    text + ' ',
    text + '\n\n',
    text + '=',
    text.slice(0, 10) + '+' + text.slice(11),
    text.slice(0, 10) + '/' + text.slice(11),
    text.slice(0, -1) + '\t',
    'mdoc:A',
    'mdoc:' + 'A'.repeat(10_000),
    'mdoc:ほげ',
  ];
  for (const b of bad) assert.throws(() => parseQrEngagement(b), code('qr_malformed'), JSON.stringify(b.slice(0, 30)));
  // Valid base64url of something that is not a DE: the DE parser's code.
  assert.throws(
    () => parseQrEngagement('mdoc:oQBj'),
    (e: unknown) => e instanceof EngagementError && e.code.startsWith('device_engagement'),
  );
});

test('DeviceEngagement: versions, cipher suite, BLE and NFC options, unknown keys kept', () => {
  const key = decodeCbor(fromHex(annexD.e_device_key_bytes)) as EmbeddedCbor;
  const de = buildDeviceEngagement({
    version: '1.1',
    eDeviceKeyBytes: key,
    retrievalMethods: [
      {
        type: 'ble',
        version: 1,
        peripheralServerMode: true,
        centralClientMode: true,
        peripheralServerUuid: '00000000-1111-2222-3333-444444444444',
        centralClientUuid: '55555555-6666-7777-8888-999999999999',
        address: fromHex('a1a2a3a4a5a6'),
      },
      { type: 'nfc', version: 1, maxCommandDataLength: 255, maxResponseDataLength: 256 },
    ],
    otherKeys: new Map<any, any>([
      [5, []],
      [99, 'x'],
    ]),
  });
  const p = parseDeviceEngagement(de);
  assert.equal(p.bytes, de);
  assert.equal(p.retrievalMethods.length, 2);
  assert.deepEqual(p.retrievalMethods[1], {
    type: 'nfc',
    version: 1,
    maxCommandDataLength: 255,
    maxResponseDataLength: 256,
  });
  assert.deepEqual([...p.otherKeys.keys()], [5, 99]);
  const m = (entries: [any, any][]) => encodeCbor(new Map(entries));
  assert.throws(
    () =>
      parseDeviceEngagement(
        m([
          [0, '2.0'],
          [1, [1, key]],
        ]),
      ),
    code('device_engagement_version_unsupported'),
  );
  assert.throws(
    () =>
      parseDeviceEngagement(
        m([
          [0, '1.0'],
          [1, [2, key]],
        ]),
      ),
    code('cipher_suite_unsupported'),
  );
  assert.throws(
    () =>
      parseDeviceEngagement(
        m([
          [0, '1.0'],
          [1, [1, fromHex('00')]],
        ]),
      ),
    code('device_engagement_malformed'),
  );
  assert.throws(() => parseDeviceEngagement(m([[0, '1.0']])), code('device_engagement_malformed'));
  assert.throws(
    () =>
      parseDeviceEngagement(
        m([
          [0, '1.0'],
          [1, [1, key]],
          [2, [[2, 1, new Map([[10, new Uint8Array(15)]])]]],
        ]),
      ),
    code('device_engagement_malformed'),
  );
  assert.throws(
    () =>
      parseDeviceEngagement(
        m([
          [0, '1.0'],
          [1, [1, key]],
          [2, [[2, 1, new Map([[0, 1]])]]],
        ]),
      ),
    code('device_engagement_malformed'),
  );
  assert.throws(() => parseDeviceEngagement(fromHex('a2')), code('device_engagement_malformed'));
  assert.throws(() => parseDeviceEngagement(new Uint8Array(5000)), code('device_engagement_malformed'));
  // Non-canonical but valid CBOR is not re-encoded: bytes kept as given (the decoder is strict
  // about what it must be, the DE's own bytes are never rebuilt).
  assert.equal(hex(parseDeviceEngagement(fromHex(annexD.device_engagement)).bytes), annexD.device_engagement);
  assert.ok(EmbeddedCbor);
});

test('NDEF: flags, lengths, TNF rules', () => {
  const ok = buildNdefMessage([
    ndefRecord(TNF.WELL_KNOWN, 'T', new Uint8Array(300), 'id'),
    ndefRecord(TNF.EMPTY, new Uint8Array(0), new Uint8Array(0)),
  ]);
  const recs = parseNdefMessage(ok);
  assert.equal(recs.length, 2);
  assert.equal(recs[0]!.payload.length, 300); // long (non-SR) record
  assert.throws(() => parseNdefMessage(new Uint8Array(0)), code('ndef_malformed'));
  assert.throws(() => parseNdefMessage(fromHex('d1010154')), code('ndef_malformed')); // payload byte missing
  assert.equal(parseNdefMessage(fromHex('d1010054'))[0]!.payload.length, 0); // empty Text record is fine
  assert.throws(() => parseNdefMessage(fromHex('f101015454')), code('ndef_chunked_unsupported')); // CF set
  assert.throws(() => parseNdefMessage(fromHex('510101545400')), code('ndef_malformed')); // no MB
  assert.throws(() => parseNdefMessage(fromHex('910101545411010154540000')), code('ndef_malformed')); // trailing after ME? (second lacks ME and ends)
  assert.throws(() => parseNdefMessage(fromHex('d6010054')), code('ndef_malformed')); // TNF 6
  assert.throws(() => parseNdefMessage(fromHex('d7010054')), code('ndef_malformed')); // TNF 7
  assert.throws(() => parseNdefMessage(fromHex('d0000100')), code('ndef_malformed')); // TNF empty with payload
  assert.throws(() => parseNdefMessage(fromHex('c101ffffffff54')), code('ndef_malformed')); // 4 GiB payload claim
  assert.throws(() => parseNdefMessage(fromHex('d101005400')), code('ndef_malformed')); // bytes after ME
  assert.throws(() => parseNdefMessage(new Uint8Array(0x8000)), code('ndef_too_large'));
});

test('BLE OOB: LE role meaning depends on the sender; bad AD structures are handover_malformed', () => {
  assert.deepEqual(bleModesFromLeRole(0x01, 'mdoc'), { peripheralServerMode: false, centralClientMode: true });
  assert.deepEqual(bleModesFromLeRole(0x00, 'mdoc'), { peripheralServerMode: true, centralClientMode: false });
  assert.deepEqual(bleModesFromLeRole(0x00, 'reader'), { peripheralServerMode: false, centralClientMode: true });
  assert.deepEqual(bleModesFromLeRole(0x01, 'reader'), { peripheralServerMode: true, centralClientMode: false });
  assert.deepEqual(bleModesFromLeRole(0x03, 'reader'), { peripheralServerMode: true, centralClientMode: true });
  const uuid = '0e5c4d52-1d30-4b4e-9a57-3f1e2d3c4b5a';
  const oob = parseBleOob(buildBleOob({ leRole: 1, uuid }));
  assert.deepEqual(oob.uuids, [uuid]);
  // little-endian on the wire
  assert.equal(hex(buildBleOob({ leRole: 1, uuid }).subarray(5)), hex(uuidToBytes(uuid).reverse()));
  for (const b of ['021c', '021c04', '031c0101', '021c01021c01', '0507aabbccdd', '081b0102'])
    assert.throws(() => parseBleOob(fromHex(b)), code('handover_malformed'), b);
});

test('Handover Select / Request structure errors have their own codes', () => {
  // Not an Hs first
  assert.throws(
    () => parseHandoverSelect(buildNdefMessage([ndefRecord(TNF.WELL_KNOWN, 'Hr', fromHex('15'))])),
    code('handover_malformed'),
  );
  // Version 2.x
  assert.throws(
    () => parseHandoverSelect(buildNdefMessage([ndefRecord(TNF.WELL_KNOWN, 'Hs', fromHex('20'))])),
    code('handover_version_unsupported'),
  );
  // No DE record
  assert.throws(
    () => parseHandoverSelect(buildNdefMessage([ndefRecord(TNF.WELL_KNOWN, 'Hs', fromHex('15'))])),
    code('handover_no_device_engagement'),
  );
  // ac pointing at a missing record
  const ac = buildNdefMessage([ndefRecord(TNF.WELL_KNOWN, 'ac', fromHex('010130' + '00'))]);
  const hsPayload = new Uint8Array([0x15, ...ac]);
  assert.throws(
    () => parseHandoverSelect(buildNdefMessage([ndefRecord(TNF.WELL_KNOWN, 'Hs', hsPayload)])),
    code('handover_malformed'),
  );
  // Hr without cr
  const acOnly = buildNdefMessage([ndefRecord(TNF.WELL_KNOWN, 'ac', fromHex('01013000'))]);
  assert.throws(
    () =>
      parseHandoverRequest(
        buildNdefMessage([
          ndefRecord(TNF.WELL_KNOWN, 'Hr', new Uint8Array([0x15, ...acOnly])),
          ndefRecord(TNF.MEDIA, 'application/vnd.bluetooth.le.oob', fromHex('021c00'), '0'),
        ]),
      ),
    code('handover_malformed'),
  );
  // Our Hr proposal round-trips: kiosk as peripheral only (central client mode) -> LE role 0x00
  const hr = parseHandoverRequest(
    buildHandoverRequest(
      { ble: { centralClientMode: true, peripheralServerMode: false, uuid: '0e5c4d52-1d30-4b4e-9a57-3f1e2d3c4b5a' } },
      0xbeef,
    ),
  );
  assert.equal(hr.collisionResolution, 0xbeef);
  const b = hr.carriers[0]!;
  assert.ok(
    b.kind === 'ble' &&
      b.oob.leRole === 0x00 &&
      b.centralClientMode &&
      !b.peripheralServerMode &&
      b.uuid === '0e5c4d52-1d30-4b4e-9a57-3f1e2d3c4b5a',
  );
});

test('TNEP Service Parameter bounds: WT 6 bits, N_wait 4 bits, exact length', () => {
  const sp = parseServiceParameter(
    buildServiceParameter({ communicationMode: 0, wt: 0x14, nWait: 15, maxNdefSize: 2048 }),
  );
  assert.equal(sp.wt, 0x14);
  const r = buildServiceParameter({ communicationMode: 0, wt: 0x40, nWait: 1, maxNdefSize: 10 });
  assert.throws(() => parseServiceParameter(r), code('tnep_malformed'));
  const r2 = buildServiceParameter({ communicationMode: 0, wt: 1, nWait: 16, maxNdefSize: 10 });
  assert.throws(() => parseServiceParameter(r2), code('tnep_malformed'));
  const short = { ...r, payload: r.payload.subarray(0, r.payload.length - 1) };
  assert.throws(() => parseServiceParameter(short), code('tnep_malformed'));
});
