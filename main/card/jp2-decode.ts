// Decodes the card's JPEG 2000 face photo for display with @cornerstonejs/codec-openjpeg (OpenJPEG
// compiled to JS/WASM, maintained by the Cornerstone project). Memory only: the pixels are handed to
// the screen and dropped at wipe; nothing is written anywhere. The codec prints to stdout by default,
// so it is created with silent print hooks (docs/architecture.md "Platform facts").
import { parseJp2 } from '../../core/card/jp2.ts';

interface OpenJpegModule {
  J2KDecoder: new () => {
    getEncodedBuffer(n: number): Uint8Array;
    decode(): void;
    getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
    getDecodedBuffer(): Uint8Array;
    delete?(): void;
  };
}

let modulePromise: Promise<OpenJpegModule> | null = null;

function codec(): Promise<OpenJpegModule> {
  modulePromise ??= (async () => {
    const name = '@cornerstonejs/codec-openjpeg'; // untyped package
    const { default: factory } = (await import(name)) as { default: (o: object) => Promise<OpenJpegModule> };
    return factory({ print() {}, printErr() {} });
  })();
  return modulePromise;
}

export interface DecodedPhoto {
  width: number;
  height: number;
  components: number;
  bitsPerSample: number;
  /** Interleaved samples, 8-bit when bitsPerSample <= 8. */
  pixels: Uint8Array;
}

/** Decode a raw JPEG 2000 codestream (FF4F...; the licence and residence card photos). */
export async function decodeJ2kCodestream(cs: Uint8Array): Promise<DecodedPhoto> {
  const m = await codec();
  const d = new m.J2KDecoder();
  try {
    d.getEncodedBuffer(cs.length).set(cs);
    d.decode();
    const fi = d.getFrameInfo();
    return {
      width: fi.width,
      height: fi.height,
      components: fi.componentCount,
      bitsPerSample: fi.bitsPerSample,
      pixels: new Uint8Array(d.getDecodedBuffer()),
    };
  } finally {
    d.delete?.();
  }
}

/** Decode a JP2 file (container checked by core/card/jp2.ts, codestream decoded by OpenJPEG). */
export async function decodeJp2(jp2: Uint8Array): Promise<DecodedPhoto> {
  const info = parseJp2(jp2);
  const photo = await decodeJ2kCodestream(info.codestream);
  if (photo.width !== info.width || photo.height !== info.height)
    throw new Error(`codestream is ${photo.width}x${photo.height}, JP2 header says ${info.width}x${info.height}`);
  return photo;
}
