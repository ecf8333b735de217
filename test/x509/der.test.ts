// The strict DER reader refuses every non-canonical or hostile encoding with a typed DerError
// (never a RangeError, never an allocation sized by the input). Cases after noble-curves' DER tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DerError, DerReader, parseDerElement, MAX_DER_LENGTH } from '../../core/x509/der.ts';
import { parseCertificate } from '../../core/x509/certificate.ts';
import { ANNEX_D_IACA, realRootDer } from './support.ts';

const h = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));

function derError(fn: () => unknown, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DerError, `expected DerError, got ${String(e)}`);
    assert.equal(e.code, 'malformed_certificate');
    if (re) assert.match(e.message, re);
    return true;
  });
}

const MALFORMED: Array<[string, string, RegExp]> = [
  ['empty input', '', /missing element/],
  ['tag only (truncated)', '30', /missing length/],
  ['truncated contents', '30 05 02 01 01', /truncated/],
  ['indefinite length', '30 80 02 01 01 00 00', /indefinite/],
  ['huge length (4 GiB claim)', '30 84 ff ff ff ff 00', /exceeds the limit|truncated/],
  ['length field of 5 octets', '30 85 01 00 00 00 00', /too long/],
  ['non-minimal long form for a short length', '30 81 03 02 01 01', /non-minimal length/],
  ['non-minimal length with leading zero', '30 82 00 03 02 01 01', /non-minimal length/],
  ['trailing bytes after the element', '30 03 02 01 01 00', /trailing/],
  ['high-tag-number form', '1f 81 00 00', /high-tag-number/],
];

for (const [name, hex, re] of MALFORMED) {
  test(`DER: ${name} is refused with a typed error`, () => derError(() => parseDerElement(h(hex)), re));
}

test('DER: a length above MAX_DER_LENGTH is refused before anything is sliced', () => {
  const n = MAX_DER_LENGTH + 1;
  const buf = new Uint8Array([0x04, 0x83, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  derError(() => parseDerElement(buf), /exceeds the limit/);
});

const PRIMITIVES: Array<[string, string, (r: DerReader) => unknown, RegExp]> = [
  ['INTEGER with redundant 0x00', '02 02 00 01', (r) => r.integerBytes('i'), /non-minimal INTEGER/],
  ['INTEGER with redundant 0xFF', '02 02 ff 80', (r) => r.integerBytes('i'), /non-minimal INTEGER/],
  ['empty INTEGER', '02 00', (r) => r.integerBytes('i'), /empty INTEGER/],
  ['BOOLEAN 0x01 (BER, not DER)', '01 01 01', (r) => r.boolean('b'), /0x00 or 0xFF/],
  ['BOOLEAN of two octets', '01 02 ff ff', (r) => r.boolean('b'), /one octet/],
  ['BIT STRING with unused bits > 7', '03 02 08 00', (r) => r.bitString('b'), /> 7/],
  ['BIT STRING with non-zero padding', '03 02 01 01', (r) => r.bitString('b'), /padding/],
  ['OID with non-minimal arc', '06 03 2a 80 01', (r) => r.oid('o'), /non-minimal OBJECT IDENTIFIER/],
  ['truncated OID', '06 02 2a 86', (r) => r.oid('o'), /truncated OBJECT IDENTIFIER/],
  ['NULL with contents', '05 01 00', (r) => r.null('n'), /NULL must be empty/],
  ['wrong tag', '04 00', (r) => r.integerBytes('i'), /expected i/],
];

for (const [name, hex, read, re] of PRIMITIVES) {
  test(`DER: ${name} is refused`, () => derError(() => read(new DerReader(h(hex))), re));
}

test('DER: canonical primitives decode', () => {
  assert.equal(new DerReader(h('06 08 2a 86 48 ce 3d 04 03 02')).oid('o'), '1.2.840.10045.4.3.2');
  assert.equal(new DerReader(h('06 05 28 8f 59 05 01')).oid('o'), '1.0.2009.5.1');
  assert.equal(new DerReader(h('01 01 ff')).boolean('b'), true);
  assert.equal(new DerReader(h('02 02 00 80')).smallUint('n'), 128);
  const n = new DerReader(h('30 81 80' + '00'.repeat(128))).next();
  assert.equal(n.value.length, 128);
});

test('certificate: every truncation of a real certificate is a typed error', () => {
  for (const der of [ANNEX_D_IACA, realRootDer('jlis-mnc-mdoc-iaca.pem')]) {
    for (let i = 0; i < der.length; i++) derError(() => parseCertificate(der.subarray(0, i)));
  }
});

test('certificate: trailing bytes after a certificate are refused', () => {
  const der = new Uint8Array([...ANNEX_D_IACA, 0x00]);
  derError(() => parseCertificate(der), /trailing/);
});

test('certificate: random byte mutations give a certificate or a DerError, never another exception', () => {
  const base = realRootDer('jpki-sign-ca-2023.pem');
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      (edits) => {
        const der = base.slice();
        for (const [i, b] of edits) der[i] = b;
        try {
          parseCertificate(der);
        } catch (e) {
          if (!(e instanceof DerError)) throw e;
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test(
  'PEM: a megabyte of BEGIN lines without END is refused (linear scan; a lazy regex took minutes)',
  { timeout: 20_000 },
  async () => {
    const { pemBlocks } = await import('../../core/x509/pem.ts');
    assert.throws(
      () => pemBlocks('-----BEGIN CERTIFICATE-----\n'.repeat(36_000)),
      (e: unknown) => e instanceof DerError && /no matching END/.test(e.message),
    );
    assert.throws(
      () => pemBlocks('-----BEGIN A-----\nQQ==\n-----BEGIN B-----\nQQ==\n-----END B-----\n-----END A-----'),
      /another BEGIN/,
    );
    assert.throws(() => pemBlocks('x'.repeat((1 << 20) + 1)), /longer than/);
  },
);
