// Child process for test/mdoc/mutation.property.test.ts, run with --max-old-space-size=256 so memory
// growth past 256 MB kills it (the parent sees the crash). It mutates genuine DeviceResponses at random
// (fast-check: byte flips, truncations, insertions, deletions, duplicated slices) and demands of every
// result: a typed verdict (never an exception escaping, never `internal_error`), every error code a
// known one, and — if a mutant still verifies — only elements the original showed, with the same
// values (a mutation can never add to or change what the kiosk shows). Prints one JSON summary line.
import fc from 'fast-check';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { TrustStore } from '../../core/trust/trust-store.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { verifyDeviceResponse, type ResponseResult } from '../../core/mdoc/verify.ts';
import { MDOC_CODES } from '../../core/mdoc/codes.ts';
import { MNC_DOCTYPE, testSession } from '../../sim/mdoc/issuer.ts';
import { encodeCbor } from '../../core/cbor/encode.ts';
import { annexD } from '../support/reference-files.ts';

const runs = Number(process.argv[2] ?? 300);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
// 'node' (default), 'noble', or 'both': verify every mutant on both backends and demand the same outcome.
const mode = process.argv[4] ?? 'node';
const backend = mode === 'noble' ? nobleCrypto : nodeCrypto;
const other = mode === 'both' ? nobleCrypto : null;

const KNOWN = new Set(Object.keys(MDOC_CODES));

const TRUST_DIR = new URL('../../resources/test-trust', import.meta.url).pathname;
const trust = loadTrustDir(TRUST_DIR, { crypto: backend });
const otherTrust = other ? loadTrustDir(TRUST_DIR, { crypto: other }) : null;
const v = annexD().values;
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const annexTrust = new TrustStore({ crypto: backend, now: new Date('2020-10-02T00:00:00Z') });
annexTrust.addRoot(hex(v.iaca_root_cert), 'iaca', 'annex-d');
const otherAnnexTrust = other ? new TrustStore({ crypto: other, now: new Date('2020-10-02T00:00:00Z') }) : null;
otherAnnexTrust?.addRoot(hex(v.iaca_root_cert), 'iaca', 'annex-d');

interface Fixture {
  name: string;
  response: Uint8Array;
  verify(bytes: Uint8Array): ResponseResult;
  verifyOther?(bytes: Uint8Array): ResponseResult;
}
const sig = testSession();
const mac = testSession({ docType: MNC_DOCTYPE, deviceAuth: 'mac' });
const fixtures: Fixture[] = [
  {
    name: 'sim mDL signature',
    response: sig.response,
    ...both(
      (crypto, t) => (b) =>
        verifyDeviceResponse(b, {
          crypto,
          trust: t,
          now: new Date(),
          transcript: sig.transcript,
          readerPrivateKey: sig.reader.privateKey,
        }),
    ),
  },
  {
    name: 'sim jp.mnc mac',
    response: mac.response,
    ...both(
      (crypto, t) => (b) =>
        verifyDeviceResponse(b, {
          crypto,
          trust: t,
          now: new Date(),
          transcript: mac.transcript,
          readerPrivateKey: mac.reader.privateKey,
        }),
    ),
  },
  {
    name: 'Annex D',
    response: hex(v.device_response),
    ...both(
      (crypto, t) => (b) =>
        verifyDeviceResponse(b, {
          crypto,
          trust: t,
          now: new Date('2020-10-02T00:00:00Z'),
          transcript: hex(v.session_transcript_bytes),
          readerPrivateKey: hex(v.ephemeral_reader_key_d),
        }),
      true,
    ),
  },
];

function both(
  make: (crypto: typeof nodeCrypto, t: TrustStore) => (b: Uint8Array) => ResponseResult,
  annex = false,
): Pick<Fixture, 'verify' | 'verifyOther'> {
  const out: Pick<Fixture, 'verify' | 'verifyOther'> = { verify: make(backend, annex ? annexTrust : trust) };
  if (other) out.verifyOther = make(other, (annex ? otherAnnexTrust : otherTrust)!);
  return out;
}
type Shown = Map<string, string>; // "ns/element" -> canonical value
const shown = (r: ResponseResult): Shown => {
  const m: Shown = new Map();
  r.documents.forEach((d, i) => {
    for (const [ns, els] of Object.entries(d.elements)) {
      for (const [name, value] of Object.entries(els))
        m.set(`${i}/${ns}/${name}`, Buffer.from(encodeCbor(value)).toString('hex'));
    }
  });
  return m;
};
const originals = fixtures.map((f) => {
  const r = f.verify(f.response);
  if (r.verdict !== 'valid') throw new Error(`fixture ${f.name} does not verify: ${JSON.stringify(r.errors)}`);
  return shown(r);
});

type Mutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'duplicate'; at: number; n: number }
  | { kind: 'set'; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 9 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
  // Heads are where length bombs live: write the big-length and indefinite markers.
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.constantFrom(0x5b, 0x7b, 0x9b, 0xbb, 0x9f, 0xbf, 0x5f, 0xff, 0xd8, 0x1b, 0x3b),
  }),
);

function apply(b: Uint8Array, ms: Mutation[]): Uint8Array {
  let out = b;
  for (const m of ms) {
    const at = out.length ? m.at % (out.length + 1) : 0;
    switch (m.kind) {
      case 'flip':
        if (!out.length) break;
        out = out.slice();
        out[at % out.length]! ^= m.xor;
        break;
      case 'set':
        if (!out.length) break;
        out = out.slice();
        out[at % out.length] = m.value;
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'insert':
        out = Uint8Array.from([...out.subarray(0, at), ...m.bytes, ...out.subarray(at)]);
        break;
      case 'delete':
        out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + m.n)]);
        break;
      case 'duplicate': {
        const slice = out.subarray(at, at + m.n);
        out = Uint8Array.from([...out.subarray(0, at), ...slice, ...slice, ...out.subarray(at + m.n)]);
        break;
      }
    }
  }
  return out;
}

let stillValid = 0;
let maxMs = 0;
let peakHeap = 0;
const codes = new Map<string, number>();
const started = Date.now();
fc.assert(
  fc.property(
    fc.integer({ min: 0, max: fixtures.length - 1 }),
    fc.array(mutation, { minLength: 1, maxLength: 4 }),
    (fi, ms) => {
      const f = fixtures[fi]!;
      const bytes = apply(f.response, ms);
      const t0 = performance.now();
      let r: ResponseResult;
      try {
        r = f.verify(bytes);
      } catch (e) {
        throw new Error(`exception escaped verifyDeviceResponse: ${(e as Error).stack}`, { cause: e });
      }
      const ms_ = performance.now() - t0;
      maxMs = Math.max(maxMs, ms_);
      if (ms_ > 2000) throw new Error(`one verification took ${ms_.toFixed(0)} ms`);
      if (r.verdict !== 'valid' && r.verdict !== 'invalid') throw new Error(`untyped verdict ${String(r.verdict)}`);
      if (f.verifyOther) {
        const o = f.verifyOther(bytes);
        const sum = (x: ResponseResult) => JSON.stringify([x.verdict, x.errors.map((e) => e.code)]);
        if (sum(o) !== sum(r)) throw new Error(`backends disagree: node ${sum(r)} noble ${sum(o)}`);
      }
      for (const e of r.errors) {
        if (!KNOWN.has(e.code)) throw new Error(`unknown error code ${e.code}`);
        if (e.code === 'internal_error') throw new Error(`internal_error: ${e.detail}`);
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      }
      if (r.verdict === 'valid') {
        stillValid++;
        // A mutant may show less (e.g. a renamed "nameSpaces" key discloses nothing), never more or other.
        for (const [k, val] of shown(r)) {
          if (originals[fi]!.get(k) !== val)
            throw new Error(`a mutant of ${f.name} shows ${k} that the original did not (or with another value)`);
        }
      } else if (r.errors.length === 0) {
        throw new Error('invalid verdict without an error');
      }
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    },
  ),
  { numRuns: runs, seed },
);
process.stdout.write(
  JSON.stringify({
    runs,
    seed,
    backend: mode,
    stillValid,
    maxMs: Math.round(maxMs),
    peakHeapMB: Math.round(peakHeap / 2 ** 20),
    seconds: (Date.now() - started) / 1000,
    codes: Object.fromEntries(codes),
  }) + '\n',
);
