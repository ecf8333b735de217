// The face photo's container: JPEG 2000 Part 1 JP2 file format (ISO/IEC 15444-1 Annex I), which the
// card uses (docs/card-and-mdoc-facts.md "Encodings": `0000000C 6A502020 ...`). We read only the boxes needed to describe the photo
// without decoding it (the JSON output gives format, size and byte count, never the pixels, unless
// asked) and to hand the codestream to a decoder in the host. Bounded: box lengths are checked
// against the bytes present.
import { concat } from '../bytes.ts';
import { CardError } from './codes.ts';

export interface Jp2Info {
  width: number;
  height: number;
  components: number;
  bitsPerComponent: number;
  /** The contiguous codestream (jp2c box contents). */
  codestream: Uint8Array;
}

const SIGNATURE = Uint8Array.of(0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a);
const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
const type = (b: Uint8Array, o: number) => String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!);

interface Box {
  type: string;
  contents: Uint8Array;
}

function boxes(b: Uint8Array): Box[] {
  const out: Box[] = [];
  let p = 0;
  while (p < b.length) {
    if (b.length - p < 8) throw new CardError('malformed_tlv', 'JP2: truncated box header');
    let len = u32(b, p);
    const t = type(b, p + 4);
    const header = 8;
    if (len === 1) throw new CardError('malformed_tlv', 'JP2: 64-bit box lengths are not used by a card photo');
    if (len === 0) len = b.length - p; // last box runs to the end (Annex I.4)
    if (len < header || len > b.length - p)
      throw new CardError('malformed_tlv', `JP2: box ${t} length ${len} out of bounds`);
    out.push({ type: t, contents: b.subarray(p + header, p + len) });
    p += len;
    if (out.length > 64) throw new CardError('malformed_tlv', 'JP2: too many boxes');
  }
  return out;
}

export function isJp2(b: Uint8Array): boolean {
  return b.length >= 12 && SIGNATURE.every((x, i) => b[i] === x);
}

export function parseJp2(b: Uint8Array): Jp2Info {
  if (!isJp2(b)) throw new CardError('malformed_tlv', 'face photo is not a JP2 file (signature box missing)');
  const top = boxes(b);
  const jp2h = top.find((x) => x.type === 'jp2h');
  const jp2c = top.find((x) => x.type === 'jp2c');
  if (!jp2h || !jp2c) throw new CardError('malformed_tlv', 'JP2: jp2h or jp2c box missing');
  const ihdr = boxes(jp2h.contents).find((x) => x.type === 'ihdr');
  if (!ihdr || ihdr.contents.length < 14) throw new CardError('malformed_tlv', 'JP2: ihdr box missing');
  const c = ihdr.contents;
  const height = u32(c, 0);
  const width = u32(c, 4);
  const components = (c[8]! << 8) | c[9]!;
  const bitsPerComponent = (c[10]! & 0x7f) + 1;
  if (!width || !height || width > 4096 || height > 4096)
    throw new CardError('malformed_tlv', 'JP2: implausible image size');
  return { width, height, components, bitsPerComponent, codestream: jp2c.contents };
}

/** Wrap a raw codestream in a minimal greyscale JP2 (simulators use it to build the card photo). */
export function wrapJp2(codestream: Uint8Array, width: number, height: number, components = 1, bits = 8): Uint8Array {
  const box = (t: string, contents: Uint8Array) => {
    const out = new Uint8Array(8 + contents.length);
    const len = out.length;
    out.set([len >>> 24, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff], 0);
    for (let i = 0; i < 4; i++) out[4 + i] = t.charCodeAt(i);
    out.set(contents, 8);
    return out;
  };
  const be32 = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const ascii = (s: string) => Array.from(s, (ch) => ch.charCodeAt(0));
  const ftyp = box('ftyp', Uint8Array.from([...ascii('jp2 '), 0, 0, 0, 0, ...ascii('jp2 ')]));
  // ihdr: HEIGHT, WIDTH, NC, BPC (bits-1), C=7 (JPEG 2000), UnkC=0, IPR=0 (Annex I.5.3.1)
  const ihdr = box(
    'ihdr',
    Uint8Array.from([...be32(height), ...be32(width), components >> 8, components & 0xff, bits - 1, 7, 0, 0]),
  );
  // colr: METH=1 enumerated, PREC=0, APPROX=0, EnumCS=17 greyscale (Annex I.5.3.3)
  const colr = box('colr', Uint8Array.from([1, 0, 0, ...be32(components === 1 ? 17 : 16)]));
  const jp2h = box('jp2h', Uint8Array.from([...ihdr, ...colr]));
  return concat(SIGNATURE, ftyp, jp2h, box('jp2c', codestream));
}
