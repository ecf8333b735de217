// core/cbor/decode.ts builds short ASCII text strings itself (no TextDecoder call); these pin that
// the result and the strictness are exactly those of the fatal UTF-8 decoder, around the boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCbor } from '../../core/cbor/decode.ts';
import { CborError } from '../../core/cbor/errors.ts';
import { encodeCbor } from '../../core/cbor/encode.ts';

const text = (bytes: number[]): Uint8Array =>
  Uint8Array.of(...(bytes.length < 24 ? [0x60 | bytes.length] : [0x78, bytes.length]), ...bytes);

test('cbor text: ASCII and non-ASCII strings of every length around the fast-path limit decode exactly', () => {
  for (let n = 0; n <= 40; n++) {
    for (const s of [
      'a'.repeat(n),
      'é'.repeat(n),
      'x'.repeat(Math.max(0, n - 1)) + '確',
      '確' + 'y'.repeat(n),
      '\u0000\u007f'.repeat(n),
    ]) {
      assert.equal(decodeCbor(encodeCbor(s)), s);
    }
  }
});

test('cbor text: invalid UTF-8 after an ASCII prefix is still refused, short or long', () => {
  for (const prefix of [0, 1, 5, 31, 32, 40]) {
    for (const bad of [[0xff], [0xc3], [0xe7, 0xa2], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      const bytes = text([...new Array(prefix).fill(0x61), ...bad]);
      assert.throws(
        () => decodeCbor(bytes),
        (e: unknown) => e instanceof CborError && e.code === 'malformed_cbor',
        `prefix ${prefix} + ${bad}`,
      );
    }
  }
});
