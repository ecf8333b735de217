// Worker thread of main/images/g4-tiff.ts: decodes one Group 4 TIFF with UTIF.js and posts the
// greyscale pixels back. It runs apart so a hostile image that sends the decoder into an endless
// loop is ended by terminating this thread (the caller's deadline), never by hanging the kiosk.
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';

const UTIF = createRequire(import.meta.url)('utif2');
const MAX_PIXELS = workerData.maxPixels;

function decode(bytes) {
  const buf = bytes.slice().buffer;
  let ifds;
  try {
    ifds = UTIF.decode(buf);
  } catch (e) {
    throw new Error(`not a TIFF: ${e.message}`, { cause: e });
  }
  const ifd = ifds[0];
  if (!ifd || ifds.length !== 1) throw new Error(`expected one TIFF page, found ${ifds.length}`);
  const compression = ifd.t259?.[0];
  if (compression !== 4) throw new Error(`compression ${String(compression)}, expected 4 (CCITT T.6 / Group 4)`);
  const w = Number(ifd.t256?.[0] ?? 0);
  const h = Number(ifd.t257?.[0] ?? 0);
  if (!(w > 0 && h > 0 && w * h <= MAX_PIXELS)) throw new Error(`image size ${w}x${h} out of range`);
  try {
    UTIF.decodeImage(buf, ifd);
  } catch (e) {
    throw new Error(`Group 4 data does not decode: ${e.message}`, { cause: e });
  }
  if (ifd.width !== w || ifd.height !== h) throw new Error('decoded size differs from the header');
  const rgba = UTIF.toRGBA8(ifd);
  const pixels = new Uint8Array(w * h);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rgba[i * 4];
  return { width: w, height: h, pixels };
}

parentPort.on('message', (bytes) => {
  try {
    const d = decode(bytes);
    parentPort.postMessage({ ok: true, value: d }, [d.pixels.buffer]);
  } catch (e) {
    parentPort.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
