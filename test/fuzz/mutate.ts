// Input generators for the fuzz targets (fast-check). Three sources, mixed:
// - mutations of genuine inputs (seeds): bit flips, byte sets to "interesting" values (CBOR/DER/TLV
//   heads and length markers), insertions, deletions, truncations, duplicated slices, splices of two
//   seeds; the fast way to get deep into a parser past its first checks;
// - random bytes (short and long);
// - for CBOR-fed parsers, random well-formed CBOR trees, so the semantic layers (COSE, mdoc) see
//   structurally valid but meaningless values.
import fc from 'fast-check';
import { encodeCbor, EmbeddedCbor, Tagged, type CborValue } from '../../core/cbor/index.ts';

/** Bytes a parser treats specially: CBOR heads (0x18-0x1b arguments, 0x1f indefinite, 0x5f/0x7f/0x9f/0xbf
 * indefinite strings/arrays/maps, 0xff break, 0xd8 0x18 tag 24), DER long lengths (0x81-0x84), BER tags. */
const INTERESTING = [0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x3f, 0x40, 0x5f, 0x60, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x9f, 0xa0, 0xbf, 0xc0, 0xd8, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb, 0xff];

type Op =
  | { k: 'flip'; at: number; bit: number }
  | { k: 'set'; at: number; v: number }
  | { k: 'insert'; at: number; bytes: Uint8Array }
  | { k: 'delete'; at: number; n: number }
  | { k: 'truncate'; at: number }
  | { k: 'dup'; at: number; n: number; to: number }
  | { k: 'big-length'; at: number };

const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('flip' as const), at: frac, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('set' as const), at: frac, v: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('insert' as const), at: frac, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), at: frac, n: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('truncate' as const), at: frac }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('dup' as const), at: frac, n: fc.integer({ min: 1, max: 64 }), to: frac }) },
  // Replace 4 bytes with a huge 32-bit length / argument (0x1a/0x5a/0x84 ... ff ff ff ff style).
  { weight: 1, arbitrary: fc.record({ k: fc.constant('big-length' as const), at: frac }) },
);

export function applyOps(seed: Uint8Array, ops: readonly Op[]): Uint8Array {
  let b = seed.slice();
  for (const o of ops) {
    const at = Math.floor(o.at * Math.max(1, b.length));
    switch (o.k) {
      case 'flip':
        if (b.length) b[at] ^= 1 << o.bit;
        break;
      case 'set':
        if (b.length) b[at] = o.v;
        break;
      case 'insert': {
        const n = new Uint8Array(b.length + o.bytes.length);
        n.set(b.subarray(0, at));
        n.set(o.bytes, at);
        n.set(b.subarray(at), at + o.bytes.length);
        b = n;
        break;
      }
      case 'delete': {
        const n = new Uint8Array(Math.max(0, b.length - Math.min(o.n, b.length - at)));
        n.set(b.subarray(0, at));
        n.set(b.subarray(at + o.n), at);
        b = n;
        break;
      }
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'dup': {
        const slice = b.slice(at, at + o.n);
        const to = Math.floor(o.to * b.length);
        const n = new Uint8Array(b.length + slice.length);
        n.set(b.subarray(0, to));
        n.set(slice, to);
        n.set(b.subarray(to), to + slice.length);
        b = n;
        break;
      }
      case 'big-length':
        for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = 0xff;
        break;
    }
  }
  return b;
}

/** Mutations of the seeds (1-6 operations), sometimes spliced with another seed. */
export function mutated(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new Error('mutated(): no seeds');
  const one = fc.tuple(fc.constantFrom(...seeds), fc.array(op, { minLength: 1, maxLength: 6 })).map(([s, ops]) => applyOps(s, ops));
  const splice = fc.tuple(fc.constantFrom(...seeds), fc.constantFrom(...seeds), frac, frac).map(([a, b, x, y]) => {
    const i = Math.floor(x * a.length);
    const j = Math.floor(y * b.length);
    const n = new Uint8Array(i + b.length - j);
    n.set(a.subarray(0, i));
    n.set(b.subarray(j), i);
    return n;
  });
  return fc.oneof({ weight: 8, arbitrary: one }, { weight: 1, arbitrary: splice });
}

/** Random CBOR data items (encoded), trees up to a modest depth. */
export function randomCbor(): fc.Arbitrary<Uint8Array> {
  const { tree } = fc.letrec<{ tree: CborValue; leaf: CborValue }>((tie) => ({
    leaf: fc.oneof(
      fc.integer(),
      fc.integer({ min: -100, max: 100 }),
      fc.bigInt({ min: -(1n << 64n), max: (1n << 64n) - 1n }),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('docType', 'issuerSigned', 'deviceSigned', 'nameSpaces', 'issuerAuth', 'version', 'documents', 'status', 'digestID', 'elementIdentifier', 'elementValue', 'random', 'valueDigests', 'deviceKeyInfo', 'validityInfo', 'org.iso.18013.5.1.mDL', 'org.iso.18013.5.1', 'age_over_20', 'eReaderKey', 'data', '1.0'),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.uint8Array({ maxLength: 24 }),
      fc.double(),
    ),
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc.array(tie('tree'), { maxLength: 5 }),
      fc.array(fc.tuple(fc.oneof(fc.integer({ min: -40, max: 40 }), fc.string({ maxLength: 10 })), tie('tree')), { maxLength: 5 }).map((kv) => new Map(kv) as CborValue),
      tie('tree').map((v) => EmbeddedCbor.wrap(v) as CborValue),
      fc.tuple(fc.constantFrom(0, 1, 17, 18, 1004, 0xffff), tie('tree')).map(([t, v]) => new Tagged(t, v) as CborValue),
    ),
  }));
  return tree.map((v) => {
    try {
      return encodeCbor(v);
    } catch {
      return Uint8Array.of(0xf6);
    }
  });
}

/** The usual mix: mostly mutated seeds, some random bytes, optionally random CBOR. */
export function bytesFor(seeds: readonly Uint8Array[], opts: { cbor?: boolean } = {}): fc.Arbitrary<Uint8Array> {
  const arbs: { weight: number; arbitrary: fc.Arbitrary<Uint8Array> }[] = [
    { weight: 10, arbitrary: mutated(seeds) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 64, maxLength: 4096 }) },
  ];
  if (opts.cbor) arbs.push({ weight: 3, arbitrary: randomCbor() });
  return fc.oneof(...arbs);
}
