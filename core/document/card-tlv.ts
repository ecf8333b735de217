// The TLV shape the residence card and the driving licence use for their files: a 1-byte tag, or a
// 2-byte tag when the first byte's low five bits are all ones and a class bit is set (`5F40` photo,
// `DFD1` address image; the licence's tag 1F is one byte);
// unlike BER (X.690 §8.1.2.4) the second byte never announces a third, since the residence card
// specification names `DFD1` as a two-byte tag. Lengths are short form, `81 xx` or `82 xx xx`.
// Files end in filler (`00` on the residence card, `FF` on the licence): a walk stops at the filler
// byte in a tag position. Every length is checked against what remains; values are views.
import { CardError } from '../card/codes.ts';

export interface CardTlv {
  tag: number;
  /** Tag, length and value as stored. */
  tlv: Uint8Array;
  value: Uint8Array;
  /** Offset of the tag in the buffer. */
  start: number;
  /** Offset just after the value. */
  end: number;
}

function fail(detail: string): never {
  throw new CardError('malformed_tlv', detail);
}

/** The header at `offset`: tag, header length and value length, or null on filler. */
export function readHeader(
  buf: Uint8Array,
  offset: number,
  filler: number,
): { tag: number; headerLength: number; length: number } | null {
  if (offset >= buf.length) return null;
  const b0 = buf[offset]!;
  if (b0 === filler) return null;
  let p = offset + 1;
  let tag = b0;
  // 1F itself is a one-byte tag on the licence (免許の条件4): only class bits set make it two bytes.
  if ((b0 & 0x1f) === 0x1f && b0 !== 0x1f) {
    if (p >= buf.length) fail(`truncated tag at ${offset}`);
    tag = (b0 << 8) | buf[p++]!;
  }
  if (p >= buf.length) fail(`truncated length of tag ${tag.toString(16)} at ${offset}`);
  const l0 = buf[p++]!;
  let length = l0;
  if (l0 === 0x81 || l0 === 0x82) {
    const n = l0 - 0x80;
    if (p + n > buf.length) fail(`truncated long-form length of tag ${tag.toString(16)}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
  } else if (l0 >= 0x80) fail(`length form ${l0.toString(16)} of tag ${tag.toString(16)} is not used by these cards`);
  return { tag, headerLength: p - offset, length };
}

/** Every TLV of a file up to the filler (or the end). Objects running past the data are errors. */
export function walkTlvs(buf: Uint8Array, filler: number, where: string, max = 128): CardTlv[] {
  const out: CardTlv[] = [];
  let p = 0;
  for (;;) {
    const h = readHeader(buf, p, filler);
    if (!h) break;
    const end = p + h.headerLength + h.length;
    if (end > buf.length)
      fail(
        `${where}: tag ${h.tag.toString(16).toUpperCase()} claims ${h.length} bytes, ${buf.length - p - h.headerLength} remain`,
      );
    out.push({ tag: h.tag, tlv: buf.subarray(p, end), value: buf.subarray(p + h.headerLength, end), start: p, end });
    p = end;
    if (out.length > max) fail(`${where}: more than ${max} objects`);
  }
  return out;
}

/** Exactly one object with `tag` (absent or repeated is an error, never first-wins). */
export function only(tlvs: readonly CardTlv[], tag: number, where: string): CardTlv {
  const hits = tlvs.filter((t) => t.tag === tag);
  if (hits.length !== 1)
    fail(`${where}: tag ${tag.toString(16).toUpperCase()} ${hits.length ? `appears ${hits.length} times` : 'missing'}`);
  return hits[0]!;
}

/** At most one object with `tag`. */
export function optional(tlvs: readonly CardTlv[], tag: number, where: string): CardTlv | null {
  const hits = tlvs.filter((t) => t.tag === tag);
  if (hits.length > 1) fail(`${where}: tag ${tag.toString(16).toUpperCase()} appears ${hits.length} times`);
  return hits[0] ?? null;
}

export function encodeCardTlv(tag: number, value: Uint8Array): Uint8Array {
  const t = tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  const n = value.length;
  const l = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  const out = new Uint8Array(t.length + l.length + n);
  out.set([...t, ...l]);
  out.set(value, t.length + l.length);
  return out;
}
