// DG2, the encoded face (ICAO Doc 9303-10 §4.7.2): 75 { 7F61 biometric information group template
// { 02 count, 7F60 { A1 biometric header, 5F2E (or 7F2E) biometric data block } ... } }. The data block
// is an ISO/IEC 19794-5 facial record ("FAC\0"); its image is JPEG or JPEG 2000 (9303-10 §4.7.2.1:
// image data type 0 JPEG, 1 JPEG 2000). Only the first face is taken (the holder's portrait).
import { child, parseChildren, parseFile } from '../card/ber-tlv.ts';
import { CardError } from '../card/codes.ts';

export type FaceImageFormat = 'jpeg' | 'jp2' | 'j2k';

export interface FaceImage {
  format: FaceImageFormat;
  /** Width and height as the 19794-5 image information states them (0 when the record is not 2005-form). */
  width: number;
  height: number;
  /** The image bytes (memory only). */
  image: Uint8Array;
}

function fail(detail: string): never {
  throw new CardError('malformed_tlv', `DG2: ${detail}`);
}

/** Which image the bytes begin with (the magic numbers of JFIF/JPEG, the JP2 box and the J2K codestream). */
export function imageFormatOf(b: Uint8Array): FaceImageFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (
    b.length >= 12 &&
    b[0] === 0 &&
    b[1] === 0 &&
    b[2] === 0 &&
    b[3] === 0x0c &&
    b[4] === 0x6a &&
    b[5] === 0x50 &&
    b[6] === 0x20 &&
    b[7] === 0x20
  )
    return 'jp2';
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51) return 'j2k';
  return null;
}

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);

/** ISO/IEC 19794-5:2005 record: 14-byte header, 20-byte facial information, 8 bytes per feature point, 12-byte image information. */
export function parseFacialRecord(bdb: Uint8Array): FaceImage {
  if (bdb.length < 14 || bdb[0] !== 0x46 || bdb[1] !== 0x41 || bdb[2] !== 0x43 || bdb[3] !== 0x00)
    fail('biometric data block is not an ISO/IEC 19794-5 facial record ("FAC\\0")');
  const version = String.fromCharCode(bdb[4]!, bdb[5]!, bdb[6]!);
  if (version === '010') {
    const faces = u16(bdb, 12);
    if (faces < 1) fail('facial record holds no face');
    const o = 14;
    if (bdb.length < o + 20) fail('facial record truncated');
    const faceLength = u32(bdb, o);
    const points = u16(bdb, o + 4);
    const info = o + 20 + 8 * points;
    if (bdb.length < info + 12 || faceLength < 20 + 8 * points + 12 || o + faceLength > bdb.length)
      fail('facial record lengths do not fit the block');
    const dataType = bdb[info + 1]!;
    const width = u16(bdb, info + 2);
    const height = u16(bdb, info + 4);
    const image = bdb.subarray(info + 12, o + faceLength);
    const format = imageFormatOf(image);
    if (!format) fail('image data is neither JPEG nor JPEG 2000');
    if ((dataType === 0) !== (format === 'jpeg'))
      fail(`image data type ${dataType} does not match the image (${format})`);
    return { format, width, height, image };
  }
  // Other editions (2011 "030"): locate the image by its magic number after the headers; no sizes.
  for (let i = 14; i < Math.min(bdb.length - 12, 256); i++) {
    const format = imageFormatOf(bdb.subarray(i));
    if (format) return { format, width: 0, height: 0, image: bdb.subarray(i) };
  }
  return fail(`facial record version ${JSON.stringify(version)} without a recognisable image`);
}

export function parseDg2(bytes: Uint8Array): FaceImage {
  const { children } = parseFile(bytes, 0x75, 'DG2');
  const group = child(children, 0x7f61, 'DG2');
  const inGroup = parseChildren(group.value);
  const count = child(inGroup, 0x02, 'DG2 7F61');
  if (count.value.length !== 1 || count.value[0]! < 1) fail('biometric count must be one byte >= 1');
  const first = inGroup.find((c) => c.tag === 0x7f60);
  if (!first) fail('no biometric information template (7F60)');
  const bit = parseChildren(first.value);
  const bdb = bit.find((c) => c.tag === 0x5f2e || c.tag === 0x7f2e);
  if (!bdb) fail('no biometric data block (5F2E / 7F2E)');
  return parseFacialRecord(bdb.value);
}
