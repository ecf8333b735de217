// Off the kiosk window's main thread: decode one camera frame for a QR code with ZXing-C++ compiled
// to WebAssembly (zxing-wasm, reader build). The .wasm ships with the renderer build (no CDN: the
// kiosk is offline). Each frame arrives as a transferred buffer, is decoded and dropped; nothing is
// kept between frames.
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

prepareZXingModule({
  overrides: {
    locateFile: (path: string, prefix: string) =>
      path.endsWith('.wasm') ? new URL(wasmUrl, self.location.href).href : prefix + path,
  },
});

export interface FrameRequest {
  id: number;
  width: number;
  height: number;
  /** RGBA pixels (ImageData layout), transferred. */
  pixels: ArrayBuffer;
}
export interface FrameResult {
  id: number;
  /** The QR code's text, or null when none was found. */
  text: string | null;
  error?: string;
}

self.onmessage = async (e: MessageEvent<FrameRequest>) => {
  const { id, width, height, pixels } = e.data;
  let out: FrameResult;
  try {
    const image = new ImageData(new Uint8ClampedArray(pixels), width, height);
    const found = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
    const hit = found.find((r) => r.isValid && r.text);
    out = { id, text: hit ? hit.text : null };
  } catch (err) {
    // renderer/ may not import core/ (errorText lives there): narrow the caught value instead of casting.
    out = { id, text: null, error: (err instanceof Error ? err.message : String(err)).slice(0, 200) };
  }
  (self as unknown as Worker).postMessage(out);
};
