import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decoder as CborX } from 'cbor-x';
import fc from 'fast-check';
import { decodeCbor, encodeCbor, CborError, EmbeddedCbor, Tagged, type CborValue } from '../../core/cbor/index.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function rejects(h: string, code: 'malformed_cbor' | 'cbor_limit_exceeded', limits?: object) {
  assert.throws(
    () => decodeCbor(hex(h), limits),
    (e: unknown) => e instanceof CborError && e.code === code,
    h,
  );
}

test('RFC 8949 Appendix A values decode', () => {
  const cases: [string, CborValue][] = [
    ['00', 0],
    ['17', 23],
    ['1818', 24],
    ['1903e8', 1000],
    ['1a000f4240', 1000000],
    ['1b000000e8d4a51000', 1000000000000],
    ['1bffffffffffffffff', 18446744073709551615n],
    ['20', -1],
    ['3903e7', -1000],
    ['3bffffffffffffffff', -18446744073709551616n],
    ['f90000', 0],
    ['f93c00', 1],
    ['f97bff', 65504],
    ['fa47c35000', 100000],
    ['fb3ff199999999999a', 1.1],
    ['f4', false],
    ['f5', true],
    ['f6', null],
    ['f7', undefined],
    ['60', ''],
    ['6161', 'a'],
    ['62c3bc', '\u00fc'],
    ['63e6b0b4', '\u6c34'],
    ['80', []],
    ['83010203', [1, 2, 3]],
  ];
  for (const [h, v] of cases) assert.deepEqual(decodeCbor(hex(h)), v, h);
  assert.deepEqual(
    decodeCbor(hex('a201020304')),
    new Map([
      [1, 2],
      [3, 4],
    ]),
  );
  assert.deepEqual(decodeCbor(hex('4401020304')), hex('01020304'));
  const t = decodeCbor(hex('c074323031332d30332d32315432303a30343a30305a')) as Tagged;
  assert.equal(t.tag, 0);
  assert.equal(t.value, '2013-03-21T20:04:00Z');
});

test('tag 24 keeps the exact received bytes for hashing', () => {
  const inner = encodeCbor(new Map<CborValue, CborValue>([['a', 1]]));
  const bytes = hex('82' + 'd818' + '4' + inner.length.toString(16) + toHex(inner) + '01');
  const arr = decodeCbor(bytes) as CborValue[];
  const e = arr[0] as EmbeddedCbor;
  assert.ok(e instanceof EmbeddedCbor);
  assert.equal(toHex(e.raw), toHex(bytes.subarray(1, bytes.length - 1)));
  assert.deepEqual(e.decode(), new Map([['a', 1]]));
  assert.equal(toHex(encodeCbor(arr)), toHex(bytes), 're-encoding writes raw unchanged');
  assert.equal(toHex(EmbeddedCbor.wrap(new Map([['a', 1]])).raw), toHex(e.raw));
});

test('indefinite-length items are rejected (incl. the lone 0x9f bomb)', () => {
  for (const h of ['9f', '9f01ff', 'bf6161 01ff', '5f4101ff', '7f6161ff', 'ff']) rejects(h, 'malformed_cbor');
});

test('duplicate map keys are rejected', () => {
  rejects('a2 0101 0102', 'malformed_cbor');
  rejects('a2 6161 01 6161 02', 'malformed_cbor');
});

test('non-minimal heads, reserved additional info and bad simple values are rejected', () => {
  for (const h of ['1817', '190017', '1a0000ffff', '1b00000000ffffffff', '1c', '1d', '1e', '5800', 'f800', 'f0'])
    rejects(h, 'malformed_cbor');
});

test('truncated input and trailing bytes are rejected', () => {
  for (const h of ['', '19', '1a0102', '43 0102', '83 0102', 'a2 01', 'd818']) rejects(h, 'malformed_cbor');
  rejects('0000', 'malformed_cbor');
  rejects('8100 00', 'malformed_cbor');
});

test('huge declared lengths are rejected before allocation', () => {
  rejects('5bffffffffffffffff', 'malformed_cbor'); // 2^64-1 byte string
  rejects('5a7fffffff00', 'malformed_cbor');
  rejects('9b00000001000000000102', 'malformed_cbor'); // 2^32 element array
  rejects('9a7fffffff', 'malformed_cbor');
  rejects('ba7fffffff', 'malformed_cbor');
  // Within the input but over the configured limits:
  rejects('4a' + '00'.repeat(10), 'cbor_limit_exceeded', { maxBytesLength: 8 });
  rejects('00', 'cbor_limit_exceeded', { maxTotalBytes: 0 });
});

test('deep nesting is rejected, not a stack overflow', () => {
  rejects('81'.repeat(100_000) + '00', 'cbor_limit_exceeded');
  rejects('d9d9f7'.repeat(1000) + '00', 'cbor_limit_exceeded');
  assert.doesNotThrow(() => decodeCbor(hex('81'.repeat(31) + '00')));
});

test('invalid UTF-8 and non-scalar map keys are rejected', () => {
  rejects('62c328', 'malformed_cbor');
  rejects('a1 8101 01', 'malformed_cbor');
  rejects('a1 4101 01', 'malformed_cbor');
});

test('tag 24 must wrap a byte string', () => {
  rejects('d818 01', 'malformed_cbor');
});

const cborx = new CborX({ mapsAsObjects: false, useRecords: false, tagUint8Array: false } as never);

// Values our encoder and cbor-x agree on: ints, text, bytes, bools, null, arrays, int/text-keyed maps.
const arbValue: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 5 }),
    fc
      .uniqueArray(fc.tuple(fc.oneof(fc.integer({ min: -100, max: 100 }), fc.string({ maxLength: 6 })), tie('v')), {
        maxLength: 5,
        selector: (e) => e[0],
      })
      .map((es) => new Map<CborValue, CborValue>(es)),
  ),
})).v;

test('property: encode -> strict decode round-trips, and agrees with cbor-x (differential)', () => {
  fc.assert(
    fc.property(arbValue, (v) => {
      const bytes = encodeCbor(v);
      const ours = decodeCbor(bytes);
      assert.deepEqual(ours, v);
      const theirs = cborx.decode(Buffer.from(bytes));
      assert.deepEqual(normalise(ours), normalise(theirs));
    }),
    { numRuns: 500 },
  );
});

test('property: random and mutated bytes give a value or a CborError, nothing else', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        arbValue
          .map((v) => encodeCbor(v))
          .chain((b) =>
            fc.tuple(fc.constant(b), fc.nat(), fc.nat(255)).map(([b, i, x]) => {
              const c = b.slice();
              if (c.length) c[i % c.length] = x;
              return c;
            }),
          ),
      ),
      (b) => {
        try {
          decodeCbor(b);
        } catch (e) {
          assert.ok(e instanceof CborError, String(e));
        }
      },
    ),
    { numRuns: 3000 },
  );
});

function normalise(v: unknown): unknown {
  if (v instanceof Uint8Array) return { hex: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return v.map(normalise);
  if (v instanceof Map) return [...v].map(([k, x]) => [normalise(k), normalise(x)]);
  if (typeof v === 'bigint') return Number(v);
  return v;
}
