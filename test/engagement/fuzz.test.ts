// Property tests (fast-check): hostile bytes into every engagement parser give a typed error or a
// value, never anything else (no TypeError, RangeError, hang). Mutations start from the real Apple
// and Annex D messages so the fuzzer reaches deep into valid structure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  EngagementError,
  fromHex,
  parseBleOob,
  parseCapabilityContainer,
  parseDeviceEngagement,
  parseHandoverRequest,
  parseHandoverSelect,
  parseNdefMessage,
  parseNfcCarrier,
  parseQrEngagement,
  findHandoverService,
  staticHandoverFromMessage,
  engageOverNfc,
  base64urlEncode,
} from '../../core/mdoc/engagement/index.ts';
import { decodeDo53, NfcDataRetrieval, NfcRetrievalError } from '../../core/mdoc/transport/nfc/index.ts';
import { decodeCbor, type EmbeddedCbor } from '../../core/cbor/index.ts';
import { annexD as annexDFile, appleHandover } from '../support/reference-files.ts';

const nfc = appleHandover();
const annexD = annexDFile().values;
const st = (decodeCbor(fromHex(annexD.session_transcript_bytes)) as EmbeddedCbor).decode() as unknown[];
const seeds = [
  fromHex(nfc.apple_wallet_handover_select),
  fromHex(nfc.annex_d_handover_select),
  (st[2] as Uint8Array[])[1]!,
  fromHex(nfc.apple_wallet_initial_ndef_with_nlen).subarray(2),
  fromHex(nfc.apple_wallet_tnep_status_after_service_select),
  fromHex(annexD.device_engagement),
];
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

/** Seed bytes with a few point mutations, truncations or splices. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat(), { nil: undefined }),
    fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
  )
  .map(([seed, edits, cut, tail]) => {
    let b = seed.slice();
    for (const [i, v] of edits) if (b.length) b[i % b.length] = v;
    if (cut !== undefined && b.length) b = b.subarray(0, cut % (b.length + 1));
    if (tail) b = Uint8Array.from([...b, ...tail]);
    return b;
  });
const anyBytes = fc.oneof(mutated, fc.uint8Array({ maxLength: 300 }));

function typedOnly(f: () => unknown, ...allowed: (new (...a: any[]) => Error)[]): void {
  try {
    f();
  } catch (e) {
    if (!allowed.some((C) => e instanceof C)) throw e;
    assert.ok(typeof (e as { code?: unknown }).code === 'string');
  }
}

test('NDEF / Hs / Hr / static handover / TNEP parsers: only EngagementError on hostile bytes', () => {
  fc.assert(
    fc.property(anyBytes, (b) => {
      typedOnly(() => parseNdefMessage(b), EngagementError);
      typedOnly(() => parseHandoverSelect(b), EngagementError);
      typedOnly(() => parseHandoverRequest(b), EngagementError);
      typedOnly(() => staticHandoverFromMessage(b), EngagementError);
      typedOnly(() => findHandoverService(parseNdefMessage(b)), EngagementError);
      typedOnly(() => parseBleOob(b), EngagementError);
      typedOnly(() => parseNfcCarrier(b), EngagementError);
      typedOnly(() => parseCapabilityContainer(b), EngagementError);
    }),
    { numRuns: RUNS },
  );
});

test('DeviceEngagement and QR parsers: only EngagementError', () => {
  fc.assert(
    fc.property(anyBytes, fc.string({ maxLength: 60 }), (b, s) => {
      typedOnly(() => parseDeviceEngagement(b), EngagementError);
      typedOnly(() => parseQrEngagement('mdoc:' + base64urlEncode(b)), EngagementError);
      typedOnly(() => parseQrEngagement(s), EngagementError);
      typedOnly(() => parseQrEngagement('mdoc:' + s), EngagementError);
    }),
    { numRuns: RUNS },
  );
});

test("DO'53' decoder: only NfcRetrievalError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (b) => typedOnly(() => decodeDo53(b, 1000), NfcRetrievalError)),
    { numRuns: RUNS },
  );
});

test('engagement and data retrieval state machines against a tag answering random bytes: typed errors, bounded APDUs', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          mutated.map((m) => Uint8Array.from([...m, 0x90, 0x00])),
        ),
        { minLength: 1, maxLength: 30 },
      ),
      async (answers) => {
        let i = 0;
        const ch = { transmit: async () => answers[i++ % answers.length]! };
        try {
          await engageOverNfc(ch, {
            proposal: {
              ble: {
                centralClientMode: true,
                peripheralServerMode: false,
                uuid: '6f1b8d2e-4c3a-4e5f-9a0b-1c2d3e4f5a6b',
              },
            },
            random16: 1,
            sleep: async () => {},
          });
        } catch (e) {
          if (!(e instanceof EngagementError)) throw e;
        }
        assert.ok(i < 200, `${i} APDUs`);
        i = 0;
        const t = new NfcDataRetrieval(ch, { maxMessageBytes: 4096 });
        try {
          await t.select();
          await t.exchange(new Uint8Array(600));
        } catch (e) {
          if (!(e instanceof NfcRetrievalError) && !(e instanceof EngagementError)) throw e;
        }
        assert.ok(i < 200, `${i} APDUs`);
      },
    ),
    { numRuns: Math.ceil(RUNS / 5) },
  );
});

test('round trips: any Hs / Hr / DE the builders make parses back to the same offer, DE bytes unchanged', async () => {
  const { buildHandoverSelect, buildHandoverRequest, buildDeviceEngagement, hex } =
    await import('../../core/mdoc/engagement/index.ts');
  const key = decodeCbor(fromHex(annexD.e_device_key_bytes)) as EmbeddedCbor;
  const uuid = fc
    .uint8Array({ minLength: 16, maxLength: 16 })
    .map((b) => hex(b).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'));
  fc.assert(
    fc.property(
      fc.record({
        ps: fc.boolean(),
        cc: fc.boolean(),
        uuid: fc.option(uuid, { nil: undefined }),
        nfc: fc.boolean(),
        minor: fc.nat({ max: 9 }),
        r: fc.integer({ min: 0, max: 0xffff }),
      }),
      ({ ps, cc, uuid: u, nfc: withNfc, minor, r }) => {
        const de = buildDeviceEngagement({ version: `1.${minor}`, eDeviceKeyBytes: key });
        const carriers: Parameters<typeof buildHandoverSelect>[1][number][] = [];
        if (ps || cc)
          carriers.push({ kind: 'ble', peripheralServerMode: ps, centralClientMode: cc, ...(u ? { uuid: u } : {}) });
        if (withNfc) carriers.push({ kind: 'nfc', maxCommandDataLength: 255, maxResponseDataLength: 256 });
        const hs = parseHandoverSelect(buildHandoverSelect(de, carriers));
        assert.equal(hex(hs.deviceEngagement.bytes), hex(de));
        assert.equal(hs.carriers.length, carriers.length);
        const ble = hs.carriers.find((c) => c.kind === 'ble');
        if (ble && ble.kind === 'ble') {
          assert.equal(ble.peripheralServerMode, ps);
          assert.equal(ble.centralClientMode, cc);
          assert.equal(ble.uuid, u);
        }
        if ((ps || cc) && u) {
          const hr = parseHandoverRequest(
            buildHandoverRequest({ ble: { peripheralServerMode: ps, centralClientMode: cc, uuid: u } }, r),
          );
          assert.equal(hr.collisionResolution, r);
          const b = hr.carriers[0]!;
          assert.ok(b.kind === 'ble' && b.peripheralServerMode === ps && b.centralClientMode === cc && b.uuid === u);
        }
      },
    ),
    { numRuns: 500 },
  );
});
