// Named regression tests for hostile inputs at every outside-world parser. Each test is
// named after the input shape it stops. Shapes found by the fuzzer (test/fuzz/run.ts) are added here
// with the seed that found them; the rest are the classic killers of parsers (lone indefinite
// heads, 4 GiB length claims, deep nesting, unterminated multi-byte tags, endless 61xx chains),
// pinned so they stay typed errors, never crashes, hangs or heap blow-ups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CborError, decodeCbor } from '../../core/cbor/index.ts';
import { CoseError, decodeCoseSign1, parseCoseSign1, sign1Algorithm } from '../../core/cose/index.ts';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import { TrustStore } from '../../core/trust/trust-store.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { EngagementError } from '../../core/mdoc/engagement/codes.ts';
import { parseDeviceEngagement } from '../../core/mdoc/engagement/device-engagement.ts';
import { parseQrEngagement } from '../../core/mdoc/engagement/qr.ts';
import { parseNdefMessage } from '../../core/mdoc/engagement/ndef.ts';
import { parseHandoverSelect } from '../../core/mdoc/engagement/handover-select.ts';
import { decodeDo53 } from '../../core/mdoc/transport/nfc/do53.ts';
import { NfcRetrievalError } from '../../core/mdoc/transport/nfc/codes.ts';
import { MessageAssembler } from '../../core/mdoc/transport/ble/chunking.ts';
import { TransportError } from '../../core/mdoc/transport/message-transport.ts';
import { decodeSessionData, decodeSessionEstablishment, SessionError } from '../../core/mdoc/session/index.ts';
import { CardError } from '../../core/card/codes.ts';
import { parseChildren, parseTlv } from '../../core/card/ber-tlv.ts';
import { CardChannel } from '../../core/card/apdu.ts';
import { DerError } from '../../core/x509/der.ts';
import { certificatesFromFile, parseCertificate } from '../../core/x509/certificate.ts';
import { pemBlocks } from '../../core/x509/pem.ts';
import { verifyVical, VicalError } from '../../core/trust/vical.ts';
import { parseCertificate as parseCert } from '../../core/x509/certificate.ts';
import { testIaca } from '../../sim/pki/test-pki.ts';

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const nested = (open: number, depth: number, leaf = 0x00): Uint8Array => {
  const b = new Uint8Array(depth + 1).fill(open);
  b[depth] = leaf;
  return b;
};

function throwsTyped(f: () => unknown, cls: abstract new (...a: never[]) => Error, what: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(
      e instanceof cls,
      `${what}: expected ${cls.name}, got ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`,
    );
    return true;
  });
}

// ---- CBOR ------------------------------------------------------------------------------------------
test('CBOR: a lone 0x9f (indefinite array, the cbor-x memory bug) is a CborError', () =>
  throwsTyped(() => decodeCbor(h('9f')), CborError, '9f'));
test('CBOR: an array claiming 2^32-1 items in 5 bytes is refused before allocating', () =>
  throwsTyped(() => decodeCbor(h('9a ffffffff')), CborError, 'huge array'));
test('CBOR: a byte string claiming 2^64-1 bytes is refused', () =>
  throwsTyped(() => decodeCbor(h('5b ffffffffffffffff 00')), CborError, 'huge bstr'));
test('CBOR: 100,000 nested arrays hit the depth limit, not the stack', () =>
  throwsTyped(() => decodeCbor(nested(0x81, 100_000)), CborError, 'deep'));
test('CBOR: 100,000 nested #6.24 tags hit the depth limit', () => {
  const b = new Uint8Array(200_001);
  for (let i = 0; i < 200_000; i += 2) b.set([0xd8, 0x18], i);
  throwsTyped(() => decodeCbor(b), CborError, 'deep tags');
});
test('CBOR: duplicate map keys are a CborError', () =>
  throwsTyped(() => decodeCbor(h('a2 6161 01 6161 02')), CborError, 'dup keys'));

// ---- COSE ------------------------------------------------------------------------------------------
test('COSE: a Sign1 whose protected bucket is not CBOR is a CoseError', () =>
  throwsTyped(() => sign1Algorithm(decodeCoseSign1(h('84 43 ffffff a0 f6 40'))), CoseError, 'garbage protected'));
test('COSE: a Sign1 of 3 elements is a CoseError', () =>
  throwsTyped(() => parseCoseSign1(decodeCbor(h('83 40 a0 f6'))), CoseError, 'short'));
test('COSE: alg only in the unprotected header is refused', () =>
  throwsTyped(
    () => sign1Algorithm(parseCoseSign1(decodeCbor(h('84 40 a1 0126 f6 40')))),
    CoseError,
    'unprotected alg',
  ));

// ---- DeviceResponse --------------------------------------------------------------------------------
const trust = new TrustStore({ crypto: nodeCrypto, now: new Date('2026-11-22T00:00:00Z') });
trust.addRoot(testIaca('p256').der, 'iaca', 'test');
const verifyOpts = { crypto: nodeCrypto, trust, now: new Date('2026-11-22T00:00:00Z') };
for (const [name, bytes] of [
  ['empty input', new Uint8Array(0)],
  ['a bare integer', h('00')],
  ['documents as a 2^32-1 element array', h('a2 6776657273696f6e 63312e30 69646f63756d656e7473 9a ffffffff')],
  ['50,000-deep nested maps', nested(0xa1, 50_000)],
  [
    'a document whose issuerAuth is an integer',
    h(
      'a3 6776657273696f6e 63312e30 69646f63756d656e7473 81 a2 67646f6354797065 6161 6c6973737565725369676e6564 a1 6a697373756572417574 68 00 66737461747573 00',
    ),
  ],
] as const) {
  test(`DeviceResponse: ${name} gives an invalid verdict with an error, never a throw`, () => {
    const r = verifyDeviceResponse(bytes, verifyOpts);
    assert.equal(r.verdict, 'invalid');
    assert.ok(r.errors.length > 0);
  });
}

// ---- engagement: DeviceEngagement, QR, NDEF ----------------------------------------------------------
test('DeviceEngagement: 10,000-deep nesting is an EngagementError', () =>
  throwsTyped(() => parseDeviceEngagement(nested(0x81, 10_000)), EngagementError, 'deep DE'));
test('QR: a 1 MB scanner text is refused without decoding it', () =>
  throwsTyped(() => parseQrEngagement('mdoc:' + 'A'.repeat(1 << 20)), EngagementError, 'huge QR'));
test('QR: non-base64url characters are an EngagementError', () =>
  throwsTyped(() => parseQrEngagement('mdoc:owBjMS4w!!'), EngagementError, 'bad b64'));
test('QR: an empty scan and a lone prefix are EngagementErrors', () => {
  throwsTyped(() => parseQrEngagement(''), EngagementError, 'empty');
  throwsTyped(() => parseQrEngagement('mdoc:'), EngagementError, 'prefix only');
});
test('NDEF: a record claiming a 4 GiB payload is refused before slicing', () =>
  throwsTyped(() => parseNdefMessage(h('c1 01 ffffffff 54 00')), EngagementError, '4 GiB NDEF'));
test('NDEF: a chunked record (CF) is refused', () =>
  throwsTyped(() => parseNdefMessage(h('b1 01 01 54 00')), EngagementError, 'CF'));
test('Handover Select: a message without ME is an EngagementError', () =>
  throwsTyped(() => parseHandoverSelect(h('91 02 01 4873 15')), EngagementError, 'no ME'));

// ---- NFC / BLE transport, session messages ----------------------------------------------------------
test("DO'53': a 4-byte length claiming 4 GiB is an NfcRetrievalError", () =>
  throwsTyped(() => decodeDo53(h('53 84 ffffffff 00'), 65536), NfcRetrievalError, 'DO53 huge'));
test('BLE: chunks adding up past the message limit are a TransportError', () => {
  const a = new MessageAssembler(1000);
  throwsTyped(
    () => {
      for (let i = 0; i < 100; i++) a.push(new Uint8Array(100).fill(1));
    },
    TransportError,
    'too large',
  );
});
test('BLE: a chunk with header 0x02 is a TransportError', () =>
  throwsTyped(() => new MessageAssembler(1000).push(h('02 00')), TransportError, 'bad flag'));
test('SessionEstablishment / SessionData that are not maps are SessionErrors', () => {
  throwsTyped(() => decodeSessionEstablishment(h('80')), SessionError, 'SE array');
  throwsTyped(() => decodeSessionData(h('9f')), SessionError, 'SD 9f');
});

// ---- card: BER-TLV and APDU status handling ----------------------------------------------------------
test('BER-TLV: a multi-byte tag that never ends is a CardError', () =>
  throwsTyped(() => parseTlv(h('1f ff ff ff ff 01 00')), CardError, 'endless tag'));
test('BER-TLV: a length of 0x84 ffffffff is a CardError', () =>
  throwsTyped(() => parseTlv(h('5f 84 ffffffff')), CardError, 'huge length'));
test('BER-TLV: children running past their parent are a CardError', () =>
  throwsTyped(() => parseChildren(h('c0 05 01 02')), CardError, 'overrun'));
test('APDU: a card answering 61FF forever to READ BINARY ends in a CardError, not a loop', async () => {
  let n = 0;
  const ch = new CardChannel({ transmit: async () => (n++, h('61ff')) } as never);
  await assert.rejects(ch.readObject('EF'), (e: unknown) => e instanceof CardError);
  assert.ok(n < 10, `sent ${n} APDUs`);
});
test('APDU: a one-byte response is a CardError (malformed_response)', async () => {
  const ch = new CardChannel({ transmit: async () => h('90') } as never);
  await assert.rejects(ch.send(h('00a4040000')), (e: unknown) => e instanceof CardError);
});
test('APDU: an object header claiming 32 KiB answered by an endless run of empty 9000 ends in a CardError', async () => {
  let n = 0;
  const ch = new CardChannel({
    transmit: async () =>
      n++ === 0 ? Uint8Array.of(0x5f, 0x82, 0x7f, 0xff, ...new Uint8Array(252), 0x90, 0x00) : h('9000'),
  } as never);
  await assert.rejects(ch.readObject('EF'), (e: unknown) => e instanceof CardError);
  assert.ok(n < 200, `sent ${n} APDUs`);
});

// ---- trust imports: DER, PEM, VICAL -----------------------------------------------------------------
test('DER: a certificate with length 0x84 ffffffff is a DerError', () =>
  throwsTyped(() => parseCertificate(h('30 84 ffffffff 00')), DerError, 'huge DER'));
test('DER: 10,000 nested SEQUENCEs are a DerError', () => {
  const b = new Uint8Array(20_000);
  for (let i = 0; i < 20_000; i += 2) b.set([0x30, 0x80], i);
  throwsTyped(() => parseCertificate(b), DerError, 'deep DER');
});
test('PEM: BEGIN/END label mismatch and invalid base64 are DerErrors', () => {
  throwsTyped(() => pemBlocks('-----BEGIN CERTIFICATE-----\nAAAA\n-----END PUBLIC KEY-----'), DerError, 'mismatch');
  throwsTyped(() => pemBlocks('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----'), DerError, 'bad b64');
});
test('PEM: a 64 MB text is refused without scanning it', () =>
  throwsTyped(() => certificatesFromFile(new Uint8Array(64 << 20).fill(0x41)), DerError, 'huge PEM'));
test('VICAL: a bare integer, a lone 0x9f and a Sign1 without payload are VicalErrors', () => {
  const signer = parseCert(testIaca('p256').der);
  for (const b of [h('00'), h('9f'), h('84 43 a10126 a0 f6 40')])
    throwsTyped(() => verifyVical(b, [signer], nodeCrypto, new Date()), VicalError, 'vical');
});
