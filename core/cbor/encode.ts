// Deterministic CBOR encoding (RFC 8949 §4.2.1 preferred serialization of heads; maps keep their
// insertion order, which is what ISO 18013-5 structures are built in). Used to build requests,
// transcripts and test credentials; never to re-create bytes that must be hashed as received.
import { EmbeddedCbor, Tagged, type CborValue } from './model.ts';

const utf8 = new TextEncoder();

class Writer {
  chunks: Uint8Array[] = [];
  size = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  head(major: number, n: number | bigint): void {
    const m = major << 5;
    if (typeof n === 'bigint') {
      if (n < 0x100000000n) return this.head(major, Number(n));
      const b = new Uint8Array(9);
      b[0] = m | 27;
      new DataView(b.buffer).setBigUint64(1, n);
      return this.push(b);
    }
    if (n < 24) this.push(Uint8Array.of(m | n));
    else if (n < 0x100) this.push(Uint8Array.of(m | 24, n));
    else if (n < 0x10000) this.push(Uint8Array.of(m | 25, n >>> 8, n & 0xff));
    else if (n < 0x100000000) this.push(Uint8Array.of(m | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff));
    else this.head(major, BigInt(n));
  }
  value(v: CborValue): void {
    switch (typeof v) {
      case 'number':
        if (Number.isInteger(v)) {
          if (v >= 0) return this.head(0, v);
          return this.head(1, -1 - v);
        }
        return this.float(v);
      case 'bigint':
        if (v >= 0n) {
          if (v >= 1n << 64n) throw new RangeError('integer too large for CBOR major type 0');
          return this.head(0, v);
        }
        if (-1n - v >= 1n << 64n) throw new RangeError('integer too small for CBOR major type 1');
        return this.head(1, -1n - v);
      case 'string': {
        const b = utf8.encode(v);
        this.head(3, b.length);
        return this.push(b);
      }
      case 'boolean':
        return this.push(Uint8Array.of(v ? 0xf5 : 0xf4));
      case 'undefined':
        return this.push(Uint8Array.of(0xf7));
    }
    if (v === null) return this.push(Uint8Array.of(0xf6));
    if (v instanceof Uint8Array) {
      this.head(2, v.length);
      return this.push(v);
    }
    if (v instanceof EmbeddedCbor) return this.push(v.raw);
    if (v instanceof Tagged) {
      this.head(6, v.tag);
      return this.value(v.value);
    }
    if (Array.isArray(v)) {
      this.head(4, v.length);
      for (const x of v) this.value(x);
      return;
    }
    if (v instanceof Map) {
      this.head(5, v.size);
      for (const [k, x] of v) {
        this.value(k);
        this.value(x);
      }
      return;
    }
    throw new TypeError(`cannot encode ${Object.prototype.toString.call(v)} as CBOR`);
  }
  float(v: number): void {
    // Shortest exact form among float32 / float64 (half floats are not needed by mdoc).
    const f32 = Math.fround(v);
    if (f32 === v || Number.isNaN(v)) {
      const b = new Uint8Array(5);
      b[0] = 0xfa;
      new DataView(b.buffer).setFloat32(1, v);
      return this.push(b);
    }
    const b = new Uint8Array(9);
    b[0] = 0xfb;
    new DataView(b.buffer).setFloat64(1, v);
    this.push(b);
  }
}

export function encodeCbor(value: CborValue): Uint8Array {
  const w = new Writer();
  w.value(value);
  if (w.chunks.length === 1) return w.chunks[0]!.slice();
  const out = new Uint8Array(w.size);
  let o = 0;
  for (const c of w.chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
