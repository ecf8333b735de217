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
const INTERESTING = [
  0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x3f, 0x40, 0x5f, 0x60, 0x7f, 0x80, 0x81, 0x82, 0x83,
  0x84, 0x9f, 0xa0, 0xbf, 0xc0, 0xd8, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb, 0xff,
];

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
  {
    weight: 5,
    arbitrary: fc.record({ k: fc.constant('flip' as const), at: frac, bit: fc.integer({ min: 0, max: 7 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('set' as const),
      at: frac,
      v: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('insert' as const),
      at: frac,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('delete' as const), at: frac, n: fc.integer({ min: 1, max: 16 }) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('truncate' as const), at: frac }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('dup' as const), at: frac, n: fc.integer({ min: 1, max: 64 }), to: frac }),
  },
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
  const one = fc
    .tuple(fc.constantFrom(...seeds), fc.array(op, { minLength: 1, maxLength: 6 }))
    .map(([s, ops]) => applyOps(s, ops));
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
      fc.constantFrom(
        'docType',
        'issuerSigned',
        'deviceSigned',
        'nameSpaces',
        'issuerAuth',
        'version',
        'documents',
        'status',
        'digestID',
        'elementIdentifier',
        'elementValue',
        'random',
        'valueDigests',
        'deviceKeyInfo',
        'validityInfo',
        'org.iso.18013.5.1.mDL',
        'org.iso.18013.5.1',
        'age_over_20',
        'eReaderKey',
        'data',
        '1.0',
      ),
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
      fc
        .array(fc.tuple(fc.oneof(fc.integer({ min: -40, max: 40 }), fc.string({ maxLength: 10 })), tie('tree')), {
          maxLength: 5,
        })
        .map((kv) => new Map(kv) as CborValue),
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
export function bytesFor(
  seeds: readonly Uint8Array[],
  opts: { cbor?: boolean; tree?: (b: Uint8Array) => CborValue } = {},
): fc.Arbitrary<Uint8Array> {
  const arbs: { weight: number; arbitrary: fc.Arbitrary<Uint8Array> }[] = [
    { weight: 10, arbitrary: mutated(seeds) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 64, maxLength: 4096 }) },
  ];
  if (opts.cbor) arbs.push({ weight: 3, arbitrary: randomCbor() });
  // Structure-aware mutations as often as byte mutations: they get past the framing.
  if (opts.tree) arbs.push({ weight: 12, arbitrary: cborTreeMutated(seeds, opts.tree) });
  return fc.oneof(...arbs);
}

// ---- structure-aware mutation of CBOR (reaches the semantic checks) -------------------------------
// Byte mutations mostly break the CBOR framing, so a strict decoder stops them at the first layer.
// These mutate the decoded TREE instead (descending into #6.24 embedded items), change one node, and
// re-encode only the path to it: every other #6.24 item keeps its bytes as received, so digests and
// signatures over untouched parts still match and the mutation reaches the check that guards it.

type TreeAction = { node: number; kind: 'leaf' | 'flip' | 'drop' | 'dup' | 'swap' | 'empty'; x: number; leaf: number };

const LEAVES: CborValue[] = [
  0,
  1,
  -1,
  24,
  2 ** 32,
  -(2 ** 31),
  2n ** 64n - 1n,
  '',
  'x',
  'org.iso.18013.5.1.mDL',
  'age_over_20',
  true,
  false,
  null,
  undefined,
  new Uint8Array(0),
  new Uint8Array(33).fill(4),
  [],
  new Map(),
  1.5,
  new Tagged(0, '2031-01-01T00:00:00Z'),
  new Tagged(1004, '2000-01-01'),
];

const embeddedChild = new WeakMap<EmbeddedCbor, CborValue | null>();
function childOf(e: EmbeddedCbor): CborValue | null {
  if (!embeddedChild.has(e)) {
    let c: CborValue | null;
    try {
      c = e.decode();
    } catch {
      c = null;
    }
    embeddedChild.set(e, c);
  }
  return embeddedChild.get(e)!;
}

const sizes = new WeakMap<object, number>();
function count(v: CborValue): number {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return 1;
  const hit = sizes.get(v);
  if (hit !== undefined) return hit;
  let n = 1;
  if (Array.isArray(v)) for (const c of v) n += count(c);
  else if (v instanceof Map) for (const c of v.values()) n += count(c);
  else if (v instanceof Tagged) n += count(v.value);
  else if (v instanceof EmbeddedCbor) {
    const c = childOf(v);
    if (c !== null) n += count(c);
  }
  sizes.set(v, n);
  return n;
}

function act(v: CborValue, a: TreeAction): CborValue {
  switch (a.kind) {
    case 'leaf':
      return LEAVES[a.leaf % LEAVES.length]!;
    case 'empty':
      return Array.isArray(v)
        ? []
        : v instanceof Map
          ? new Map()
          : v instanceof Uint8Array
            ? new Uint8Array(0)
            : typeof v === 'string'
              ? ''
              : null;
    case 'flip':
      if (v instanceof Uint8Array && v.length) {
        const b = v.slice();
        b[a.x % b.length] ^= 1 << (a.x % 8);
        return b;
      }
      if (typeof v === 'string')
        return v.length
          ? v.slice(0, a.x % v.length) +
              String.fromCharCode(v.charCodeAt(a.x % v.length) ^ 1 || 65) +
              v.slice((a.x % v.length) + 1)
          : 'a';
      if (typeof v === 'number') return Number.isInteger(v) ? v + 1 : -v;
      if (typeof v === 'boolean') return !v;
      return LEAVES[a.leaf % LEAVES.length]!;
    case 'drop':
      if (Array.isArray(v) && v.length) return v.filter((_, i) => i !== a.x % v.length);
      if (v instanceof Map && v.size) {
        const k = [...v.keys()][a.x % v.size];
        return new Map([...v].filter(([kk]) => kk !== k));
      }
      return null;
    case 'dup':
      if (Array.isArray(v) && v.length) return [...v, v[a.x % v.length]!];
      if (v instanceof Map && v.size) return new Map([...v, ['extra', [...v.values()][a.x % v.size]!]]);
      return [v, v];
    case 'swap':
      if (Array.isArray(v) && v.length > 1) {
        const c = v.slice();
        const i = a.x % c.length;
        const j = (i + 1) % c.length;
        [c[i], c[j]] = [c[j]!, c[i]!];
        return c;
      }
      if (v instanceof Map && v.size > 1) {
        // Same keys, values rotated: e.g. two IssuerSignedItems' values exchanged.
        const ks = [...v.keys()];
        const vs = [...v.values()];
        return new Map(ks.map((k, i) => [k, vs[(i + 1) % vs.length]!]));
      }
      return v;
  }
}

function rebuild(v: CborValue, target: number, a: TreeAction): CborValue {
  if (target === 0) return act(v, a);
  let i = 1;
  if (Array.isArray(v)) {
    return v.map((c) => {
      const n = count(c);
      const hit = target >= i && target < i + n;
      const out = hit ? rebuild(c, target - i, a) : c;
      i += n;
      return out;
    });
  }
  if (v instanceof Map) {
    const m = new Map<CborValue, CborValue>();
    for (const [k, c] of v) {
      const n = count(c);
      m.set(k, target >= i && target < i + n ? rebuild(c, target - i, a) : c);
      i += n;
    }
    return m;
  }
  if (v instanceof Tagged) return new Tagged(v.tag, rebuild(v.value, target - 1, a));
  if (v instanceof EmbeddedCbor) {
    const c = childOf(v);
    return c === null ? v : EmbeddedCbor.wrap(rebuild(c, target - 1, a));
  }
  return v;
}

/** Decoded-tree mutations of CBOR seeds (1-2 node changes), re-encoded. */
export function cborTreeMutated(
  seeds: readonly Uint8Array[],
  decode: (b: Uint8Array) => CborValue,
): fc.Arbitrary<Uint8Array> {
  const trees = seeds.map((s) => decode(s));
  const action = fc.record({
    node: fc.nat(),
    kind: fc.constantFrom('leaf', 'flip', 'flip', 'flip', 'drop', 'dup', 'swap', 'empty') as fc.Arbitrary<
      TreeAction['kind']
    >,
    x: fc.nat(),
    leaf: fc.nat(),
  });
  return fc
    .tuple(fc.nat({ max: trees.length - 1 }), fc.array(action, { minLength: 1, maxLength: 2 }))
    .map(([which, acts]) => {
      let t: CborValue = trees[which]!;
      for (const a of acts) t = rebuild(t, a.node % count(t), a);
      try {
        return encodeCbor(t);
      } catch {
        return seeds[which]!;
      }
    });
}
