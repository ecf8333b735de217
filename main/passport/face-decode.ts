// Decodes the DG2 face for display: JPEG with jpeg-js (pure JS, maintained), JPEG 2000 (JP2 box
// or raw codestream, ICAO Doc 9303-10 §4.7.2.1) with OpenJPEG (main/card/jp2-decode.ts). Memory
// only: the pixels go to the screen and are dropped at wipe.
import jpeg from 'jpeg-js';
import type { FaceImage } from '../../core/passport/dg2.ts';
import type { PassportReadResult } from '../../core/passport/read-passport.ts';
import { decodeJ2kCodestream, decodeJp2, type DecodedPhoto } from '../card/jp2-decode.ts';
import { errorText } from '../../core/errors.ts';

/** Largest face decoded (ICAO portraits are a few hundred pixels a side; this bounds memory). */
const MAX_PIXELS = 2048 * 2048;

export async function decodeFace(face: FaceImage): Promise<DecodedPhoto> {
  if (face.format === 'jpeg') {
    const d = jpeg.decode(face.image, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: MAX_PIXELS / 1e6,
      maxMemoryUsageInMB: 64,
    });
    return {
      width: d.width,
      height: d.height,
      components: 3,
      bitsPerSample: 8,
      pixels: new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength),
    };
  }
  return face.format === 'jp2' ? decodeJp2(face.image) : decodeJ2kCodestream(face.image);
}

/**
 * Decode the face of a read that is not invalid, adding the passport.photo_decodes check. A face that
 * does not decode cannot be compared with the holder: fail closed (invalid, nothing shown).
 */
export async function decodeReadFace(result: PassportReadResult): Promise<DecodedPhoto | null> {
  if (!result.photo || result.verdict === 'invalid') return null;
  try {
    const d = await decodeFace(result.photo);
    result.checks.push({
      code: 'passport.photo_decodes',
      ok: true,
      detail: `${result.photo.format} ${d.width}x${d.height}`,
    });
    return d;
  } catch (e) {
    result.checks.push({
      code: 'passport.photo_decodes',
      ok: false,
      detail: `${result.photo.format} decode failed: ${errorText(e)}`,
    });
    result.verdict = 'invalid';
    result.attributes = {};
    result.photo = null;
    result.staffConfirm = [];
    return null;
  }
}
