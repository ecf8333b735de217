import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeTlv, parseChildren, parseFile, parseTlv, peekTlvSize } from '../../core/card/ber-tlv.ts';
import { CardError } from '../../core/card/codes.ts';
import { parseBasicAttributes } from '../../core/card/text-ap-basic-attributes.ts';
import { buildCardImage } from '../../sim/card/card-files.ts';
import { DEFAULT_HOLDER, HOLDER_PRESETS } from '../../sim/card/holder.ts';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof CardError ? e.code : `other:${(e as Error).message}`;
  }
  return 'no error';
};

test('multi-byte tags and long-form lengths (81, 82) parse; filler after the outer object is ignored', () => {
  const big = new Uint8Array(300).fill(0x41);
  const file = Uint8Array.from([
    ...encodeTlv(0xff20, Uint8Array.from([...encodeTlv(0xdf22, big), ...encodeTlv(0xdf23, new Uint8Array(200))])),
    0xff,
    0xff,
    0x00,
  ]);
  assert.deepEqual([...file.subarray(0, 4)], [0xff, 0x20, 0x82, 0x01]);
  const { outer, children } = parseFile(file, 0xff20, 't');
  assert.equal(outer.end, file.length - 3);
  assert.deepEqual(
    children.map((c) => c.tag),
    [0xdf22, 0xdf23],
  );
  assert.equal(children[0]!.value.length, 300);
  assert.equal(children[1]!.tlv[2], 0x81);
  assert.deepEqual(peekTlvSize(file), { headerLength: 5, totalLength: file.length - 3 });
});

test('hostile lengths and shapes are refused with malformed_tlv, never a crash', () => {
  assert.equal(
    code(() => parseTlv(Uint8Array.of(0xdf, 0x22, 0x80, 0, 0))),
    'malformed_tlv',
  ); // indefinite
  assert.equal(
    code(() => parseTlv(Uint8Array.of(0xdf, 0x22, 0x84, 0, 0, 0, 1, 0))),
    'malformed_tlv',
  ); // 4 length octets
  assert.equal(
    code(() => parseTlv(Uint8Array.of(0xdf, 0x22, 0x82, 0xff, 0xff))),
    'malformed_tlv',
  ); // over the cap / truncated
  assert.equal(
    code(() => parseTlv(Uint8Array.of(0xdf, 0x22, 0x05, 1, 2))),
    'malformed_tlv',
  ); // truncated value
  assert.equal(
    code(() => parseTlv(Uint8Array.of(0xdf))),
    'malformed_tlv',
  ); // truncated tag
  assert.equal(
    code(() => parseTlv(Uint8Array.of(0xff, 0xff, 0xff, 0xff))),
    'malformed_tlv',
  ); // FF filler is not a tag
  assert.equal(
    code(() => parseTlv(Uint8Array.of(0x00, 0x00))),
    'malformed_tlv',
  ); // 00 filler
  assert.equal(
    code(() => parseFile(encodeTlv(0xff30, new Uint8Array(0)), 0xff20, 't')),
    'malformed_tlv',
  ); // wrong outer tag
  // Duplicate children are an error, never first-wins.
  const dup = encodeTlv(
    0xff20,
    Uint8Array.from([
      ...encodeTlv(0xdf21, new Uint8Array(8)),
      ...encodeTlv(0xdf22, Uint8Array.of(1)),
      ...encodeTlv(0xdf22, Uint8Array.of(2)),
      ...encodeTlv(0xdf24, new Uint8Array(8)),
      ...encodeTlv(0xdf25, Uint8Array.of(0x31)),
    ]),
  );
  assert.equal(
    code(() => parseBasicAttributes(dup)),
    'malformed_tlv',
  );
});

test('property: any byte string gives a parse or malformed_tlv, nothing else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      const c = code(() => parseChildren(b));
      assert.ok(c === 'no error' || c === 'malformed_tlv', c);
      const d = code(() => parseBasicAttributes(b));
      assert.ok(d === 'malformed_tlv' || d === 'no error', d);
    }),
    { numRuns: 2000 },
  );
});

test('a long name and address need long-form lengths and still parse with a consistent DF21 offset table', () => {
  const img = buildCardImage({ ...DEFAULT_HOLDER, ...HOLDER_PRESETS.long }, new Set());
  const file = img.textAp.files.get(0x0002)!;
  assert.equal(file[2], 0x82, 'outer FF20 length is long form 82');
  const a = parseBasicAttributes(file);
  assert.equal(a.name, HOLDER_PRESETS.long!.name);
  assert.equal(a.address, HOLDER_PRESETS.long!.address);
  assert.ok(new TextEncoder().encode(a.address).length > 255);
  // A wrong offset table is refused (two readers must never see two layouts of one signed file).
  const bad = file.slice();
  bad[6] ^= 0x01; // first DF21 offset
  assert.equal(
    code(() => parseBasicAttributes(bad)),
    'malformed_tlv',
  );
});
