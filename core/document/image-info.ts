// Width and height of a card image from its header, without decoding it, for the CLI's summary
// ({format, width, height, bytes}): a JPEG 2000 codestream's SIZ marker (ITU-T T.800 §A.5.1), a JP2
// file's codestream, or a TIFF's ImageWidth / ImageLength tags (TIFF 6.0 §2, tags 256 / 257).
import { isJp2, parseJp2 } from '../card/jp2.ts';
import type { CardImage } from './result.ts';

export interface ImageInfo {
  format: CardImage['format'];
  width: number;
  height: number;
  bytes: number;
}

/** SIZ right after SOC: FF4F FF51 Lsiz Rsiz Xsiz Ysiz XOsiz YOsiz ... */
export function j2kSize(cs: Uint8Array): { width: number; height: number } | null {
  if (cs.length < 24 || cs[0] !== 0xff || cs[1] !== 0x4f || cs[2] !== 0xff || cs[3] !== 0x51) return null;
  const u32 = (o: number) => ((cs[o]! << 24) >>> 0) + (cs[o + 1]! << 16) + (cs[o + 2]! << 8) + cs[o + 3]!;
  const width = u32(8) - u32(16);
  const height = u32(12) - u32(20);
  return width > 0 && height > 0 ? { width, height } : null;
}

export function tiffSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 8) return null;
  const le = b[0] === 0x49 && b[1] === 0x49;
  if (!le && !(b[0] === 0x4d && b[1] === 0x4d)) return null;
  const u16 = (o: number) => (le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!);
  const u32 = (o: number) =>
    le
      ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000
      : b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd + 2 > b.length) return null;
  const n = u16(ifd);
  let width = 0;
  let height = 0;
  for (let i = 0; i < n && ifd + 2 + i * 12 + 12 <= b.length; i++) {
    const e = ifd + 2 + i * 12;
    const tag = u16(e);
    const type = u16(e + 2);
    const v = type === 3 ? u16(e + 8) : u32(e + 8);
    if (tag === 256) width = v;
    if (tag === 257) height = v;
  }
  return width > 0 && height > 0 ? { width, height } : null;
}

/** The summary of a card image; width/height 0 when the header cannot be read. */
export function imageInfo(img: CardImage): ImageInfo {
  let size: { width: number; height: number } | null;
  if (img.format === 'tiff-g4') size = tiffSize(img.bytes);
  else {
    try {
      size = isJp2(img.bytes) ? j2kSize(parseJp2(img.bytes).codestream) : j2kSize(img.bytes);
    } catch {
      size = null;
    }
  }
  return { format: img.format, width: size?.width ?? 0, height: size?.height ?? 0, bytes: img.bytes.length };
}
