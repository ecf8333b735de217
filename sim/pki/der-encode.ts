// A tiny DER encoder for the test certificate builder (sim/ only: tests need certificates with any
// extension set, including broken ones the parser must refuse). Definite, minimal lengths only.
import { encodeOidContent } from '../../core/x509/der.ts';

import { concat } from '../../core/bytes.ts';

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let head: number[];
  if (n < 0x80) head = [tag, n];
  else {
    const lenBytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) lenBytes.unshift(v & 0xff);
    head = [tag, 0x80 | lenBytes.length, ...lenBytes];
  }
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

/** Re-exported for the builders that use it with the encoders here. */
export { concat };

export const seq = (...items: Uint8Array[]): Uint8Array => tlv(0x30, concat(...items));
export const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, concat(...items));
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const nullDer = (): Uint8Array => new Uint8Array([0x05, 0x00]);
export const bool = (v: boolean): Uint8Array => new Uint8Array([0x01, 0x01, v ? 0xff : 0x00]);
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);
export const implicitPrim = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content);
export const utf8 = (s: string): Uint8Array => tlv(0x0c, new TextEncoder().encode(s));
export const printable = (s: string): Uint8Array => tlv(0x13, new TextEncoder().encode(s));

/** Unsigned big-endian magnitude -> minimal DER INTEGER. */
export function uintBytes(mag: Uint8Array): Uint8Array {
  let i = 0;
  while (i < mag.length - 1 && mag[i] === 0) i++;
  let v = mag.subarray(i);
  if (v[0]! & 0x80) v = concat(new Uint8Array([0]), v);
  return tlv(0x02, v);
}

export function int(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return uintBytes(new Uint8Array(bytes.length ? bytes : [0]));
}

export function oid(dotted: string): Uint8Array {
  return tlv(0x06, encodeOidContent(dotted));
}

export function bitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return tlv(0x03, concat(new Uint8Array([unusedBits]), bytes));
}

/** UTCTime for 1950..2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
export function time(d: Date): Uint8Array {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, new TextEncoder().encode(`${p(y % 100)}${rest}`));
  return tlv(0x18, new TextEncoder().encode(`${p(y, 4)}${rest}`));
}
