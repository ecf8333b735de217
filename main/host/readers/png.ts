// A minimal PNG encoder (RFC 2083) for the card's greyscale face photo, so the screen can show it
// as a data: URL. Runs in memory only: the photo never touches the disk (docs/card-and-mdoc-facts.md
// "Law and privacy").
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** 8-bit greyscale (components 1) or RGB (3) pixels to a PNG data: URL. */
export function pixelsToPngDataUrl(width: number, height: number, components: 1 | 3, pixels: Uint8Array): string {
  if (width <= 0 || height <= 0 || width > 4096 || height > 4096) throw new RangeError('photo size out of range');
  const stride = width * components;
  if (pixels.length < stride * height) throw new RangeError('photo pixel buffer too short');
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = components === 1 ? 0 : 2;
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
  return 'data:image/png;base64,' + png.toString('base64');
}

/** A decoded card image as a PNG data: URL; undefined when there is none or it is neither grey nor RGB. */
export function decodedToPngDataUrl(
  d: { width: number; height: number; components: number; pixels: Uint8Array } | null | undefined,
): string | undefined {
  if (!d || (d.components !== 1 && d.components !== 3)) return undefined;
  return pixelsToPngDataUrl(d.width, d.height, d.components, d.pixels);
}
