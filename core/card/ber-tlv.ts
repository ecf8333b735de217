// BER-TLV as the My Number Card stores it (ISO/IEC 7816-4 §5.2, BER per X.690 §8.1), bounded.
//
// The card is not DER (docs/card-and-mdoc-facts.md "Encodings"): long-form lengths (`82 0100`) on
// the outer objects of EF 0002 and filler (00 / FF) after the outer object. So:
// - tags may be one or more bytes (`DF22`, `5F4E`, `7F21`); at most 3 bytes are accepted;
// - lengths are short form or long form with 1..3 length octets (`81`, `82`, `83`); the indefinite
//   form (`80`) and anything longer are refused. Non-minimal long forms (`82 0005`) are accepted
//   because card encoders emit them and every signature/hash here covers the bytes as stored, never a
//   re-encoding, so a second spelling cannot change what was signed;
// - every length is checked against the bytes that remain before anything is sliced; values are
//   subarray views (no allocation proportional to a claimed length).
import { concat } from '../bytes.ts';
import { CardError } from './codes.ts';

/** No object on the card is larger than a file, and no file is larger than a 15-bit offset (32 KiB). */
export const MAX_TLV_LENGTH = 0x8000;

export interface Tlv {
  /** The tag as a number, e.g. 0xdf22, 0x5f4e, 0x7f21, 0x90. */
  readonly tag: number;
  /** The whole object as stored (tag, length, value): hash and sign these bytes, never re-encode. */
  readonly tlv: Uint8Array;
  readonly value: Uint8Array;
  /** Offset of the tag inside the buffer it was parsed from. */
  readonly start: number;
  /** Offset just after the value. */
  readonly end: number;
}

function fail(detail: string): never {
  throw new CardError('malformed_tlv', detail);
}

/** Parse one TLV at `offset` of `buf`; the object may be followed by anything (filler, siblings). */
export function parseTlv(buf: Uint8Array, offset = 0): Tlv {
  let p = offset;
  if (p >= buf.length) fail(`no TLV at offset ${offset}`);
  const first = buf[p++]!;
  // 00 is never a tag (X.690 §8.1.2); FF is the first byte of the private constructed tags FF20 /
  // FF30 / FF50, so filler FF is caught by the tag-length limit below instead.
  if (first === 0x00) fail(`filler byte 00 where a tag was expected at ${offset}`);
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent tag bytes: bit 8 set means another follows (X.690 §8.1.2.4).
    for (let n = 0; ; n++) {
      if (n >= 2) fail('tag longer than 3 bytes');
      if (p >= buf.length) fail('truncated tag');
      const b = buf[p++]!;
      tag = (tag << 8) | b;
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= buf.length) fail(`truncated length of tag ${tag.toString(16)}`);
  const l0 = buf[p++]!;
  let length: number;
  if (l0 < 0x80) length = l0;
  else if (l0 === 0x80) fail('indefinite length is not allowed');
  else {
    const n = l0 & 0x7f;
    if (n > 3) fail(`length of ${n} octets is too long`);
    if (p + n > buf.length) fail('truncated long-form length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
  }
  if (length > MAX_TLV_LENGTH) fail(`length ${length} exceeds the ${MAX_TLV_LENGTH}-byte cap`);
  if (length > buf.length - p) fail(`tag ${tag.toString(16)} claims ${length} bytes, only ${buf.length - p} remain`);
  const end = p + length;
  return { tag, tlv: buf.subarray(offset, end), value: buf.subarray(p, end), start: offset, end };
}

/** Header size (tag + length octets) of the object starting at `offset`, without requiring its value. */
export function peekTlvSize(buf: Uint8Array, offset = 0): { headerLength: number; totalLength: number } | null {
  try {
    // Parse a header-only view: build a fake value window by checking bounds ourselves.
    let p = offset;
    const first = buf[p++];
    if (first === undefined || first === 0x00) return null;
    if ((first & 0x1f) === 0x1f) {
      for (let n = 0; ; n++) {
        if (n >= 2 || p >= buf.length) return null;
        if ((buf[p++]! & 0x80) === 0) break;
      }
    }
    if (p >= buf.length) return null;
    const l0 = buf[p++]!;
    let length: number;
    if (l0 < 0x80) length = l0;
    else {
      const n = l0 & 0x7f;
      if (l0 === 0x80 || n > 3 || p + n > buf.length) return null;
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
    }
    if (length > MAX_TLV_LENGTH) return null;
    return { headerLength: p - offset, totalLength: p - offset + length };
  } catch {
    return null;
  }
}

/** The children of a constructed value, which must fill it exactly. */
export function parseChildren(value: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let p = 0;
  while (p < value.length) {
    const t = parseTlv(value, p);
    out.push(t);
    p = t.end;
    if (out.length > 64) fail('more than 64 children');
  }
  return out;
}

/** Find exactly one child with `tag`; missing or duplicated children are errors (never first-wins). */
export function child(children: readonly Tlv[], tag: number, where: string): Tlv {
  const hits = children.filter((c) => c.tag === tag);
  if (hits.length === 0) fail(`${where}: tag ${tag.toString(16).toUpperCase()} missing`);
  if (hits.length > 1) fail(`${where}: tag ${tag.toString(16).toUpperCase()} appears ${hits.length} times`);
  return hits[0]!;
}

/** Parse the outer object of a file read off the card, ignoring filler after it, requiring `tag`. */
export function parseFile(file: Uint8Array, tag: number, where: string): { outer: Tlv; children: Tlv[] } {
  const outer = parseTlv(file, 0);
  if (outer.tag !== tag)
    fail(`${where}: outer tag ${outer.tag.toString(16).toUpperCase()}, expected ${tag.toString(16).toUpperCase()}`);
  return { outer, children: parseChildren(outer.value) };
}

// ---- encoding (simulators and tests build card files with it) ----

export function encodeTag(tag: number): Uint8Array {
  if (tag > 0xffff) return Uint8Array.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff);
  if (tag > 0xff) return Uint8Array.of(tag >> 8, tag & 0xff);
  return Uint8Array.of(tag);
}

export function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  if (n < 0x100) return Uint8Array.of(0x81, n);
  if (n < 0x10000) return Uint8Array.of(0x82, n >> 8, n & 0xff);
  return Uint8Array.of(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
}

/** Re-exported for the callers that build TLVs with it (core/bytes.ts has the one copy). */
export { concat };

export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  return concat(encodeTag(tag), encodeLength(value.length), value);
}
