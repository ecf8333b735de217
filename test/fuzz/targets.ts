// Fuzz targets: every parser fed by the outside world. A target says which error classes
// are TYPED for it (the project's errors its callers turn into checks); anything else escaping —
// TypeError, RangeError (stack overflow), a plain Error, a hang, a heap past 256 MB — is a finding.
// Targets whose modules are not there yet report {missing} (the runner prints why) instead of failing.
//
// Seeds are genuine inputs made at start (the bench fixtures' DeviceResponses from @auth0/mdl's
// issuer with the project test PKI, the test trust files, the virtual card's files, built
// engagements), so mutations reach deep into each parser.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesFor, mutated } from './mutate.ts';

export type ErrorClass = abstract new (...args: never[]) => Error;

export interface LoadedTarget {
  arbitrary: fc.Arbitrary<unknown>;
  /** One execution. Throws only what the target allows (typed), or a finding. */
  run(input: unknown): unknown;
  /** Error classes allowed to escape `run`. Empty: nothing may escape. */
  typed: ErrorClass[];
  /** Printable form of an input for reports and regression tests. */
  show(input: unknown): string;
}

export interface FuzzTarget {
  name: string;
  /** Who owns the code under test (the report tells them). */
  owner: string;
  load(): Promise<LoadedTarget | { missing: string }>;
}

const root = join(import.meta.dirname, '..', '..');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const showBytes = (i: unknown): string => hex(i as Uint8Array);

async function tryImport<T>(path: string): Promise<T | { missing: string }> {
  try {
    return (await import(path)) as T;
  } catch (e) {
    return { missing: `${path}: ${(e as Error).message.split('\n')[0]}` };
  }
}
const isMissing = (x: unknown): x is { missing: string } => typeof x === 'object' && x !== null && 'missing' in x;

// ---- seeds ---------------------------------------------------------------------------------------

let scenariosP: Promise<import('../bench/fixtures.ts').Scenario[]> | null = null;
/** Genuine DeviceResponses (small portrait keeps mutation fast). */
function scenarios(): Promise<import('../bench/fixtures.ts').Scenario[]> {
  scenariosP ??= import('../bench/fixtures.ts').then((f) => f.makeScenarios(1500));
  return scenariosP;
}

async function cborSeeds(): Promise<Uint8Array[]> {
  const { decodeCbor, encodeCbor } = await import('../../core/cbor/index.ts');
  const out: Uint8Array[] = [];
  for (const s of await scenarios()) {
    out.push(s.deviceResponse, s.sessionTranscriptBytes);
    const doc = ((decodeCbor(s.deviceResponse) as Map<unknown, unknown>).get('documents') as unknown[])[0] as Map<
      string,
      unknown
    >;
    out.push(encodeCbor((doc.get('issuerSigned') as Map<string, unknown>).get('issuerAuth') as never));
  }
  return out;
}

// ---- targets ---------------------------------------------------------------------------------------

export const TARGETS: FuzzTarget[] = [
  {
    name: 'cbor',
    owner: 'lead (core/cbor)',
    async load() {
      const m = await tryImport<typeof import('../../core/cbor/index.ts')>('../../core/cbor/index.ts');
      if (isMissing(m)) return m;
      return {
        arbitrary: bytesFor(await cborSeeds(), { cbor: true, tree: (b) => m.decodeCbor(b) }),
        run: (i) => m.decodeCbor(i as Uint8Array),
        typed: [m.CborError],
        show: showBytes,
      };
    },
  },
  {
    name: 'cose',
    owner: 'H1b (core/cose)',
    async load() {
      const cose = await tryImport<typeof import('../../core/cose/index.ts')>('../../core/cose/index.ts');
      const cbor = await tryImport<typeof import('../../core/cbor/index.ts')>('../../core/cbor/index.ts');
      const nc = await tryImport<typeof import('../../main/crypto/node-crypto.ts')>('../../main/crypto/node-crypto.ts');
      if (isMissing(cose)) return cose;
      if (isMissing(cbor)) return cbor;
      if (isMissing(nc)) return nc;
      const seeds = await cborSeeds();
      const { decodeCbor, encodeCbor } = cbor;
      // COSE_Key and COSE_Mac0 seeds too.
      const key = new Map<number, unknown>([
        [1, 2],
        [-1, 1],
        [-2, new Uint8Array(32).fill(7)],
        [-3, new Uint8Array(32).fill(9)],
      ]);
      seeds.push(encodeCbor(key as never));
      seeds.push(
        encodeCbor(
          cose.buildMac0(nc.nodeCrypto, new Uint8Array(32).fill(1), new Uint8Array([1, 2, 3]), {
            detached: true,
          }) as never,
        ),
      );
      return {
        arbitrary: bytesFor(seeds, { cbor: true, tree: (b) => decodeCbor(b) }),
        run: (i) => {
          const b = i as Uint8Array;
          let v;
          try {
            v = decodeCbor(b);
          } catch (e) {
            if (e instanceof cbor.CborError) return;
            throw e;
          }
          // Every COSE entry point a hostile phone can reach, on the same value.
          const attempt = (f: () => unknown): void => {
            try {
              f();
            } catch (e) {
              if (!(e instanceof cose.CoseError)) throw e;
            }
          };
          attempt(() => {
            const s = cose.parseCoseSign1(v);
            cose.sign1Algorithm(s);
            cose.sign1X5Chain(s);
            const k = {
              kind: 'ec',
              curve: 'P-256',
              point: new Uint8Array([4, ...new Uint8Array(64).fill(3)]),
            } as never;
            cose.verifySign1(s, k, nc.nodeCrypto, { detachedPayload: new Uint8Array(4) });
          });
          attempt(() => {
            const m = cose.parseCoseMac0(v);
            cose.mac0Algorithm(m);
            cose.verifyMac0(m, new Uint8Array(32), nc.nodeCrypto, { detachedPayload: new Uint8Array(4) });
          });
          attempt(() => cose.parseCoseKey(v, nc.nodeCrypto));
        },
        typed: [cose.CoseError],
        show: showBytes,
      };
    },
  },
  {
    name: 'device-response',
    owner: 'H1b (core/mdoc/verify.ts)',
    async load() {
      const v = await tryImport<typeof import('../../core/mdoc/verify.ts')>('../../core/mdoc/verify.ts');
      const ts = await tryImport<typeof import('../../core/trust/trust-store.ts')>('../../core/trust/trust-store.ts');
      const nc = await tryImport<typeof import('../../main/crypto/node-crypto.ts')>('../../main/crypto/node-crypto.ts');
      if (isMissing(v)) return v;
      if (isMissing(ts)) return ts;
      if (isMissing(nc)) return nc;
      const { encodeCbor } = await import('../../core/cbor/index.ts');
      const ss = await scenarios();
      const trust = new ts.TrustStore({ crypto: nc.nodeCrypto, now: ss[0]!.now });
      for (const s of ss) trust.addRoot(s.iacaDer, 'iaca', s.iacaFile);
      const base = ss[0]!;
      const opts = { crypto: nc.nodeCrypto, trust, now: base.now, transcript: base.sessionTranscriptBytes };
      // What each genuine response discloses: a mutated response may only be valid with these values.
      const genuine = new Map<string, string>();
      for (const s of ss) {
        const r = v.verifyDeviceResponse(s.deviceResponse, { ...opts, transcript: s.sessionTranscriptBytes });
        if (r.verdict !== 'valid')
          throw new Error(`fuzz seed "${s.name}" does not verify: ${JSON.stringify(r.errors)}`);
        for (const d of r.documents)
          for (const [ns, els] of Object.entries(d.elements))
            for (const [k, val] of Object.entries(els)) genuine.set(`${ns}/${k}/${hex(encodeCbor(val))}`, s.name);
      }
      const { decodeCbor } = await import('../../core/cbor/index.ts');
      // Each mutated response is checked with its own transcript (else device auth fails first).
      const perScenario = ss.map((s) => bytesFor([s.deviceResponse], { cbor: true, tree: (b) => decodeCbor(b) }));
      const input = fc
        .nat({ max: ss.length - 1 })
        .chain((w) => perScenario[w]!.map((b) => [b, w] as [Uint8Array, number]));
      return {
        arbitrary: input,
        run: (i) => {
          const [bytes, which] = i as [Uint8Array, number];
          const r = v.verifyDeviceResponse(bytes, { ...opts, transcript: ss[which]!.sessionTranscriptBytes });
          if (r.verdict === 'valid') {
            // Fail closed: a valid verdict on a mutated response may only carry genuine values.
            for (const d of r.documents)
              for (const [ns, els] of Object.entries(d.elements))
                for (const [k, val] of Object.entries(els))
                  if (!genuine.has(`${ns}/${k}/${hex(encodeCbor(val))}`))
                    throw new Error(`accepted a value that was never issued: ${ns}/${k}`);
            if (r.errors.length) throw new Error('valid verdict with errors');
          } else if (r.errors.length === 0) {
            throw new Error('invalid verdict without any error');
          }
        },
        typed: [],
        show: (i) => {
          const [b, w] = i as [Uint8Array, number];
          return `transcript #${w}: ${hex(b)}`;
        },
      };
    },
  },
  {
    name: 'device-engagement+qr',
    owner: 'H3a (core/mdoc/engagement)',
    async load() {
      const e = await tryImport<typeof import('../../core/mdoc/engagement/index.ts')>(
        '../../core/mdoc/engagement/index.ts',
      );
      if (isMissing(e)) return e;
      const codes = await import('../../core/mdoc/engagement/codes.ts');
      const { EmbeddedCbor, decodeCbor } = await import('../../core/cbor/index.ts');
      const { nodeCrypto } = await import('../../main/crypto/node-crypto.ts');
      const k = nodeCrypto.generateEcKey('P-256');
      const eDeviceKeyBytes = EmbeddedCbor.wrap(
        new Map<number, unknown>([
          [1, 2],
          [-1, 1],
          [-2, k.publicKey.subarray(1, 33)],
          [-3, k.publicKey.subarray(33)],
        ]) as never,
      );
      const de = (await import('../../core/mdoc/engagement/device-engagement.ts')).buildDeviceEngagement({
        eDeviceKeyBytes,
        retrievalMethods: [
          {
            type: 'ble',
            peripheralServerMode: false,
            centralClientMode: true,
            centralClientUuid: '45efef74-2b2c-4837-beb7-1ac8a6bc1b02',
          } as never,
        ],
        otherKeys: new Map<never, never>([
          [5 as never, [] as never],
          [
            6 as never,
            new Map([
              [3, true],
              [4, true],
            ]) as never,
          ],
        ]),
      });
      const qrText = fc.oneof(
        mutated([de]).map((b) => 'mdoc:' + Buffer.from(b).toString('base64url')),
        fc.string({ maxLength: 200 }).map((s) => 'mdoc:' + s),
        fc.string({ unit: 'grapheme', maxLength: 100 }),
        fc
          .constant('mdoc:' + Buffer.from(de).toString('base64url'))
          .chain((t) => fc.nat({ max: t.length }).map((n) => t.slice(0, n))),
      );
      return {
        arbitrary: fc.oneof(
          bytesFor([de], { cbor: true, tree: (b) => decodeCbor(b) }).map((b) => ({ de: b })),
          qrText.map((q) => ({ qr: q })),
        ),
        run: (i) => {
          const x = i as { de?: Uint8Array; qr?: string };
          if (x.de) e.parseDeviceEngagement(x.de);
          else e.parseQrEngagement(x.qr!);
        },
        typed: [codes.EngagementError],
        show: (i) => JSON.stringify(i, (_k, v) => (v instanceof Uint8Array ? hex(v) : v)),
      };
    },
  },
  {
    name: 'ndef-handover',
    owner: 'H3a (core/mdoc/engagement)',
    async load() {
      const e = await tryImport<typeof import('../../core/mdoc/engagement/index.ts')>(
        '../../core/mdoc/engagement/index.ts',
      );
      if (isMissing(e)) return e;
      const codes = await import('../../core/mdoc/engagement/codes.ts');
      const hs = await import('../../core/mdoc/engagement/handover-select.ts');
      const hr = await import('../../core/mdoc/engagement/handover-request.ts');
      const sh = await import('../../core/mdoc/engagement/static-handover.ts');
      const ndef = await import('../../core/mdoc/engagement/ndef.ts');
      const t4 = await import('../../core/mdoc/engagement/type4-tag.ts');
      const { EmbeddedCbor } = await import('../../core/cbor/index.ts');
      const { buildDeviceEngagement } = await import('../../core/mdoc/engagement/device-engagement.ts');
      const de = buildDeviceEngagement({
        eDeviceKeyBytes: EmbeddedCbor.wrap(
          new Map<number, unknown>([
            [1, 2],
            [-1, 1],
            [-2, new Uint8Array(32).fill(1)],
            [-3, new Uint8Array(32).fill(2)],
          ]) as never,
        ),
      });
      const seeds = [
        hs.buildHandoverSelect(de, [{ kind: 'ble', peripheralServerMode: false, centralClientMode: true }]),
        hs.buildHandoverSelect(de, [
          {
            kind: 'ble',
            peripheralServerMode: true,
            centralClientMode: true,
            uuid: '45efef74-2b2c-4837-beb7-1ac8a6bc1b02',
            address: { bytes: new Uint8Array(6).fill(0xaa), type: 0 },
          },
          { kind: 'nfc', maxCommandDataLength: 255, maxResponseDataLength: 256 },
        ]),
        Uint8Array.of(0x00, 0x0f, 0x20, 0x00, 0x7f, 0x00, 0xff, 0x04, 0x06, 0xe1, 0x04, 0x7f, 0xfd, 0x00, 0xff),
      ];
      try {
        seeds.push(
          hr.buildHandoverRequest(
            {
              ble: {
                peripheralServerMode: false,
                centralClientMode: true,
                uuid: '45efef74-2b2c-4837-beb7-1ac8a6bc1b02',
              },
            } as never,
            0x1234,
          ),
        );
      } catch {
        /* builder shape differs: the Hs seeds are enough */
      }
      return {
        arbitrary: bytesFor(seeds),
        run: (i) => {
          const b = i as Uint8Array;
          const attempt = (f: () => unknown): void => {
            try {
              f();
            } catch (err) {
              if (!(err instanceof codes.EngagementError)) throw err;
            }
          };
          attempt(() => ndef.parseNdefMessage(b));
          attempt(() => hs.parseHandoverSelect(b));
          attempt(() => hr.parseHandoverRequest(b));
          attempt(() => sh.staticHandoverFromMessage(b));
          attempt(() => t4.parseCapabilityContainer(b));
        },
        typed: [codes.EngagementError],
        show: showBytes,
      };
    },
  },
  {
    name: 'session-messages+transport',
    owner: 'H3b (core/mdoc/session, core/mdoc/transport)',
    async load() {
      const s = await tryImport<typeof import('../../core/mdoc/session/index.ts')>('../../core/mdoc/session/index.ts');
      if (isMissing(s)) return s;
      const do53 = await tryImport<typeof import('../../core/mdoc/transport/nfc/do53.ts')>(
        '../../core/mdoc/transport/nfc/do53.ts',
      );
      const chunking = await tryImport<typeof import('../../core/mdoc/transport/ble/chunking.ts')>(
        '../../core/mdoc/transport/ble/chunking.ts',
      );
      if (isMissing(do53)) return do53;
      if (isMissing(chunking)) return chunking;
      const nfcCodes = await import('../../core/mdoc/transport/nfc/codes.ts');
      const mt = await import('../../core/mdoc/transport/message-transport.ts');
      const { EmbeddedCbor, decodeCbor } = await import('../../core/cbor/index.ts');
      const est = s.encodeSessionEstablishment({
        eReaderKeyBytes: EmbeddedCbor.wrap(new Map<number, unknown>([[1, 2]]) as never),
        data: new Uint8Array(40).fill(5),
      });
      const data = s.encodeSessionData({ data: new Uint8Array(60).fill(6), status: 20 });
      const seeds = [est, data, do53.encodeDo53(est), do53.encodeDo53(new Uint8Array(300).fill(1))];
      return {
        arbitrary: fc.tuple(
          bytesFor(seeds.slice(0, 2), { cbor: true, tree: (b) => decodeCbor(b) }),
          fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
        ),
        run: (i) => {
          const [b, chunks] = i as [Uint8Array, Uint8Array[]];
          const attempt = (f: () => unknown, ok: ErrorClass[]): void => {
            try {
              f();
            } catch (err) {
              if (!ok.some((c) => err instanceof c)) throw err;
            }
          };
          attempt(() => s.decodeSessionEstablishment(b), [s.SessionError]);
          attempt(() => s.decodeSessionData(b), [s.SessionError]);
          attempt(() => do53.decodeDo53(b, 65536), [nfcCodes.NfcRetrievalError]);
          attempt(() => {
            const a = new chunking.MessageAssembler(4096);
            for (const c of [...chunks, b.subarray(0, 100)]) a.push(c);
          }, [mt.TransportError]);
        },
        typed: [s.SessionError, nfcCodes.NfcRetrievalError, mt.TransportError],
        show: (i) => JSON.stringify(i, (_k, v) => (v instanceof Uint8Array ? hex(v) : v)),
      };
    },
  },
  {
    name: 'card-files',
    owner: 'H4 (core/card)',
    async load() {
      const codes = await tryImport<typeof import('../../core/card/codes.ts')>('../../core/card/codes.ts');
      if (isMissing(codes)) return codes;
      const img = await tryImport<typeof import('../../sim/card/card-files.ts')>('../../sim/card/card-files.ts');
      const holder = await tryImport<typeof import('../../sim/card/holder.ts')>('../../sim/card/holder.ts');
      if (isMissing(img)) return img;
      if (isMissing(holder)) return holder;
      const tlv = await import('../../core/card/ber-tlv.ts');
      const basic = await import('../../core/card/text-ap-basic-attributes.ts');
      const face = await import('../../core/card/card-face-ap-face.ts');
      const cvc = await import('../../core/card/cvc.ts');
      const jp2 = await import('../../core/card/jp2.ts');
      const rsa = await import('../../core/card/rsa-public-key.ts');
      const integ = await import('../../core/card/text-ap-integrity.ts');
      const chip = await import('../../core/card/text-ap-chip-key.ts');
      const image = img.buildCardImage(holder.DEFAULT_HOLDER, new Set());
      const files: Uint8Array[] = [];
      for (const ap of [image.textAp, image.cardFaceAp, image.jpkiAp]) {
        for (const f of ap.files.values()) {
          // The reader parses the outer TLV object only (CardChannel.readObject), not the filler.
          const size = tlv.peekTlvSize(f);
          const obj = size && size.totalLength <= f.length ? f.subarray(0, size.totalLength) : f;
          if (obj.length < 40_000) files.push(obj);
        }
      }
      files.push(image.photo.subarray(0, Math.min(image.photo.length, 4000)));
      if (files.length === 0) return { missing: 'sim/card buildCardImage gave no files to seed from' };
      const parsers: [string, (b: Uint8Array) => unknown][] = [
        ['parseTlv', (b) => tlv.parseTlv(b)],
        ['parseChildren', (b) => tlv.parseChildren(b)],
        ['peekTlvSize', (b) => tlv.peekTlvSize(b)],
        ['parseBasicAttributes', (b) => basic.parseBasicAttributes(b)],
        ['parseCardFace', (b) => face.parseCardFace(b)],
        ['parseCvc', (b) => cvc.parseCvc(b, 'fuzz')],
        ['parseJp2', (b) => jp2.parseJp2(b)],
        ['parseRsaKeyObjects', (b) => rsa.parseRsaKeyObjects(b, 'fuzz')],
        ['parseIntegrityRecord', (b) => integ.parseIntegrityRecord(b)],
        ['parseChipKeyRecord', (b) => chip.parseChipKeyRecord(b)],
      ];
      return {
        arbitrary: bytesFor(files),
        run: (i) => {
          for (const [, p] of parsers) {
            try {
              p(i as Uint8Array);
            } catch (err) {
              if (!(err instanceof codes.CardError)) throw err;
            }
          }
        },
        typed: [codes.CardError],
        show: showBytes,
      };
    },
  },
  {
    name: 'card-session',
    owner: 'H4 (core/card/read-card.ts, APDU status handling)',
    async load() {
      const rc = await tryImport<typeof import('../../core/card/read-card.ts')>('../../core/card/read-card.ts');
      const vc = await tryImport<typeof import('../../sim/card/virtual-card.ts')>('../../sim/card/virtual-card.ts');
      if (isMissing(rc)) return rc;
      if (isMissing(vc)) return vc;
      const { CardChannel } = await import('../../core/card/apdu.ts');
      const { checkNumberBOf, DEFAULT_HOLDER } = await import('../../sim/card/holder.ts');
      const { nodeCrypto } = await import('../../main/crypto/node-crypto.ts');
      const { loadTrustDir } = await import('../../main/trust/load-dir.ts');
      const at = new Date('2026-11-22T03:00:00Z');
      const trust = loadTrustDir(join(root, 'resources', 'test-trust'), { crypto: nodeCrypto, now: at });
      const policies = ['age-over-20', 'identity', 'entrance'] as const;
      const read = async (policy: (typeof policies)[number], tamper?: (n: number, r: Uint8Array) => Uint8Array) => {
        const card = new vc.VirtualMyNumberCard();
        let n = 0;
        const transport = {
          transmit: async (cmd: Uint8Array): Promise<Uint8Array> => {
            const r = card.process(cmd);
            return tamper ? tamper(n++, r) : r;
          },
        };
        return rc.readMyNumberCard({
          channel: new CardChannel(transport as never),
          policy,
          unlock: { kind: 'check_number_b', digits: checkNumberBOf(DEFAULT_HOLDER) },
          trust: trust as never,
          crypto: nodeCrypto,
          at,
          now: () => 0,
        });
      };
      const genuine = new Map<string, string>();
      for (const p of policies) {
        const r = await read(p);
        if (r.verdict !== 'valid')
          return {
            missing: `the virtual card does not read as valid under policy ${p} (${JSON.stringify(r.errors).slice(0, 200)}): cannot seed`,
          };
        genuine.set(
          p,
          JSON.stringify(r.attributes, (_k, v) => (v instanceof Uint8Array ? hex(v) : v)),
        );
      }
      // A hostile card: on chosen APDUs, replace the status word, truncate, or mutate the data.
      const fault = fc.record({
        apdu: fc.integer({ min: 0, max: 40 }),
        kind: fc.constantFrom('sw', 'truncate', 'flip', 'empty', 'extend'),
        sw: fc.oneof(
          fc.constantFrom(
            0x6282,
            0x6a82,
            0x6982,
            0x6983,
            0x63c0,
            0x63c1,
            0x6700,
            0x6b00,
            0x6cff,
            0x6100,
            0x61ff,
            0x6400,
            0x9000,
            0x0000,
          ),
          fc.integer({ min: 0, max: 0xffff }),
        ),
        at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        bit: fc.integer({ min: 0, max: 7 }),
      });
      return {
        arbitrary: fc.tuple(fc.constantFrom(...policies), fc.array(fault, { minLength: 1, maxLength: 4 })),
        run: async (i) => {
          const [policy, faults] = i as [
            (typeof policies)[number],
            { apdu: number; kind: string; sw: number; at: number; bit: number }[],
          ];
          const r = await read(policy, (n, resp) => {
            let out = resp;
            for (const f of faults) {
              if (f.apdu !== n) continue;
              const pos = Math.floor(f.at * out.length);
              if (f.kind === 'sw') out = Uint8Array.of(...out.subarray(0, out.length - 2), f.sw >> 8, f.sw & 0xff);
              else if (f.kind === 'truncate') out = out.slice(0, pos);
              else if (f.kind === 'empty') out = new Uint8Array(0);
              else if (f.kind === 'extend')
                out = Uint8Array.of(...out.subarray(0, out.length - 2), ...new Uint8Array(300).fill(0x5a), 0x90, 0x00);
              else if (out.length > 2) {
                out = out.slice();
                out[Math.min(pos, out.length - 3)] ^= 1 << f.bit;
              }
            }
            return out;
          });
          if (r.verdict === 'valid') {
            const got = JSON.stringify(r.attributes, (_k, v) => (v instanceof Uint8Array ? hex(v) : v));
            if (got !== genuine.get(policy))
              throw new Error(
                `hostile card answers were accepted as valid with different attributes: ${got.slice(0, 200)}`,
              );
          } else if (r.errors.length === 0 && r.checks.every((c) => c.ok)) {
            throw new Error('invalid verdict with no error and no failed check');
          }
        },
        typed: [],
        show: (i) => JSON.stringify(i),
      };
    },
  },
  {
    name: 'trust-import',
    owner: 'H1a (core/x509, core/trust)',
    async load() {
      const cert = await tryImport<typeof import('../../core/x509/certificate.ts')>('../../core/x509/certificate.ts');
      const vical = await tryImport<typeof import('../../core/trust/vical.ts')>('../../core/trust/vical.ts');
      const ts = await tryImport<typeof import('../../core/trust/trust-store.ts')>('../../core/trust/trust-store.ts');
      if (isMissing(cert)) return cert;
      if (isMissing(vical)) return vical;
      if (isMissing(ts)) return ts;
      const der = await import('../../core/x509/der.ts');
      const pem = await import('../../core/x509/pem.ts');
      const { decodeCbor } = await import('../../core/cbor/index.ts');
      const { nodeCrypto } = await import('../../main/crypto/node-crypto.ts');
      const { testDocumentSigner, testIaca } = await import('../../sim/pki/test-pki.ts');
      const tt = join(root, 'resources', 'test-trust');
      const vicalBytes = new Uint8Array(readFileSync(join(tt, 'vical', 'kakunin-test-vical.cbor')));
      const signerPem = readFileSync(join(tt, 'vical-signers', 'kakunin-test-vical-signer.pem'), 'utf8');
      const signer = cert.parseCertificate(pem.pemToDer(signerPem));
      const ders = [
        testIaca('p256').der,
        testIaca('p384').der,
        testDocumentSigner('p256').certificate,
        pem.pemToDer(signerPem),
      ];
      const now = new Date('2026-11-22T00:00:00Z');
      const input = fc.oneof(
        { weight: 6, arbitrary: bytesFor(ders).map((b) => ({ der: b })) },
        {
          weight: 3,
          arbitrary: bytesFor([vicalBytes], { cbor: true, tree: (b) => decodeCbor(b, { maxTotalBytes: 4 << 20 }) }).map(
            (b) => ({ vical: b }),
          ),
        },
        {
          weight: 2,
          arbitrary: mutated(ders.map((d) => new TextEncoder().encode(pem.derToPem(d)))).map((b) => ({
            pem: new TextDecoder().decode(b),
          })),
        },
      );
      return {
        arbitrary: input,
        run: (i) => {
          const x = i as { der?: Uint8Array; vical?: Uint8Array; pem?: string };
          const attempt = (f: () => unknown, ok: ErrorClass[]): void => {
            try {
              f();
            } catch (err) {
              if (!ok.some((c) => err instanceof c)) throw err;
            }
          };
          if (x.der) {
            attempt(() => cert.parseCertificate(x.der!), [der.DerError]);
            attempt(() => cert.certificatesFromFile(x.der!), [der.DerError]);
            attempt(() => cert.parseSubjectPublicKeyInfo(x.der!), [der.DerError]);
            // The trust store records problems; it must never throw.
            new ts.TrustStore({ crypto: nodeCrypto, now }).addRoot(x.der, 'iaca', 'fuzz');
          } else if (x.vical) {
            attempt(() => vical.verifyVical(x.vical!, [signer], nodeCrypto, now), [vical.VicalError]);
          } else {
            attempt(() => pem.pemBlocks(x.pem!), [der.DerError]);
            attempt(() => cert.certificatesFromFile(new TextEncoder().encode(x.pem!)), [der.DerError]);
          }
        },
        typed: [der.DerError, vical.VicalError],
        show: (i) => JSON.stringify(i, (_k, v) => (v instanceof Uint8Array ? hex(v) : v)),
      };
    },
  },
  {
    name: 'passport-files',
    owner: 'H16 (core/passport LDS, EF.SOD, SecurityInfos; core/trust/master-list.ts)',
    async load() {
      const codes = await tryImport<typeof import('../../core/passport/codes.ts')>('../../core/passport/codes.ts');
      if (isMissing(codes)) return codes;
      const { CardError } = await import('../../core/card/codes.ts');
      const { DerError } = await import('../../core/x509/der.ts');
      const sod = await import('../../core/passport/sod.ts');
      const dg1 = await import('../../core/passport/dg1.ts');
      const dg2 = await import('../../core/passport/dg2.ts');
      const com = await import('../../core/passport/ef-com.ts');
      const si = await import('../../core/passport/security-infos.ts');
      const aa = await import('../../core/passport/active-authentication.ts');
      const ml = await import('../../core/trust/master-list.ts');
      const { nodeCrypto } = await import('../../main/crypto/node-crypto.ts');
      const { VirtualPassport } = await import('../../sim/passport/virtual-passport.ts');
      const { testMasterList, testCsca } = await import('../../sim/pki/icao-pki.ts');
      const { parseCertificate } = await import('../../core/x509/certificate.ts');
      const chip = new VirtualPassport({
        pace: { mapping: 'GM', curve: 'brainpoolP256r1', cipher: 'AES', keyLength: 16 },
        chipAuthentication: 'ca',
        face: 'jp2',
      });
      const aaChip = new VirtualPassport({ chipAuthentication: 'aa-ec' });
      const seeds = [...chip.files.values(), chip.cardAccess!, aaChip.files.get(0x010f)!, testMasterList()];
      const de = parseCertificate(testCsca('DE').der);
      const now = new Date('2026-11-22T00:00:00Z');
      const parsers: Array<(b: Uint8Array) => unknown> = [
        (b) => sod.parseSod(b),
        (b) => dg1.parseDg1(b),
        (b) => dg2.parseDg2(b),
        (b) => com.parseEfCom(b),
        (b) => si.parseSecurityInfos(b, 'fuzz'),
        (b) => si.parseSecurityInfos(b.subarray(Math.min(b.length, 2)), 'fuzz DG14 value'),
        (b) => aa.parseDg15(b),
        (b) => ml.verifyMasterList(b, { signers: [de], cscas: [] }, nodeCrypto, now),
      ];
      return {
        arbitrary: bytesFor(seeds),
        run: (i) => {
          for (const p of parsers) {
            try {
              p(i as Uint8Array);
            } catch (err) {
              if (!(
                err instanceof codes.PassportError ||
                err instanceof CardError ||
                err instanceof DerError ||
                err instanceof ml.MasterListError
              ))
                throw err;
            }
          }
        },
        typed: [codes.PassportError, CardError, DerError, ml.MasterListError],
        show: showBytes,
      };
    },
  },
  {
    name: 'passport-session',
    owner: 'H16 (core/passport/read-passport.ts: hostile chip answers)',
    async load() {
      const rp = await tryImport<typeof import('../../core/passport/read-passport.ts')>(
        '../../core/passport/read-passport.ts',
      );
      if (isMissing(rp)) return rp;
      const { PassportChannel } = await import('../../core/passport/channel.ts');
      const { mrzKeyFromFields } = await import('../../core/passport/mrz.ts');
      const { nodeCrypto } = await import('../../main/crypto/node-crypto.ts');
      const { loadTrustDir } = await import('../../main/trust/load-dir.ts');
      const { VirtualPassport } = await import('../../sim/passport/virtual-passport.ts');
      const trust = loadTrustDir(join(root, 'resources', 'test-trust'), {
        crypto: nodeCrypto,
        now: new Date('2026-11-22T00:00:00Z'),
      });
      const k = mrzKeyFromFields({ documentNumber: 'TK1234567', birthDate: '900401', expiryDate: '310401' });
      if (!k.ok) return { missing: 'test MRZ' };
      const access = { kind: 'mrz' as const, key: k.key };
      // Built once (key generation and SOD signing are the simulator's cost, not the reader's); reset per run.
      const chips = [
        new VirtualPassport({}),
        new VirtualPassport({
          pace: { mapping: 'GM', curve: 'brainpoolP256r1', cipher: 'AES', keyLength: 16 },
          chipAuthentication: 'ca',
        }),
      ];
      // One answer of the chip (the n-th) is damaged: a byte changed, the answer cut, or replaced.
      const input = fc.record({
        config: fc.integer({ min: 0, max: 1 }),
        n: fc.integer({ min: 0, max: 40 }),
        at: fc.nat(),
        how: fc.integer({ min: 0, max: 2 }),
        v: fc.integer({ min: 0, max: 255 }),
        extra: fc.uint8Array({ maxLength: 12 }),
      });
      return {
        arbitrary: input,
        run: async (i) => {
          const x = i as { config: number; n: number; at: number; how: number; v: number; extra: Uint8Array };
          const chip = chips[x.config]!;
          chip.reset();
          let count = 0;
          const channel = new PassportChannel({
            async transmit(c) {
              let r = chip.process(c);
              if (count++ === x.n) {
                r = r.slice();
                if (x.how === 0 && r.length) r[x.at % r.length] = x.v;
                else if (x.how === 1) r = r.subarray(0, x.at % (r.length + 1));
                else r = x.extra;
              }
              return r;
            },
          });
          // readPassport reports every failure in its result: nothing may escape.
          await rp.readPassport({
            channel,
            policy: 'identity',
            access,
            trust,
            crypto: nodeCrypto,
            at: new Date('2026-11-22T10:00:00+09:00'),
            now: () => 0,
          });
        },
        typed: [],
        show: (i) => JSON.stringify(i, (_k, v) => (v instanceof Uint8Array ? hex(v) : v)),
      };
    },
  },
];

export const TARGET_NAMES = TARGETS.map((t) => t.name);
