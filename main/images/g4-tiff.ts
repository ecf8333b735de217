// Decodes the residence card's MMR (ITU-T T.6, CCITT Group 4) TIFF images (front image, name and
// address images) with UTIF.js (utif2, the maintained TIFF decoder of the Photopea project) into
// 8-bit greyscale for the screen. Memory only. A single bilevel Group 4 page of at most MAX_PIXELS
// is accepted, and the decoder runs in a worker thread under a deadline: hostile bytes were seen to
// send it into an endless loop (test/images/g4-tiff.test.ts), which must never freeze the kiosk.
import { join } from 'node:path';
import { ROOT } from '../project-root.ts';
import { Worker } from 'node:worker_threads';

export const MAX_PIXELS = 2_000_000;
export const DECODE_DEADLINE_MS = 2000;

export interface DecodedBilevel {
  width: number;
  height: number;
  /** 8-bit grey, 0 black, 255 white. */
  pixels: Uint8Array;
}

export function decodeG4Tiff(bytes: Uint8Array, deadlineMs = DECODE_DEADLINE_MS): Promise<DecodedBilevel> {
  return new Promise((resolve, reject) => {
    // The worker is plain JavaScript beside this file's source (not compiled), found from the project root.
    const w = new Worker(join(ROOT, 'main', 'images', 'g4-tiff-worker.mjs'), { workerData: { maxPixels: MAX_PIXELS } });
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error(`Group 4 decoding did not finish within ${deadlineMs} ms`));
    }, deadlineMs);
    w.once('message', (m: { ok: true; value: DecodedBilevel } | { ok: false; error: string }) => {
      clearTimeout(timer);
      void w.terminate();
      if (m.ok) resolve({ width: m.value.width, height: m.value.height, pixels: new Uint8Array(m.value.pixels) });
      else reject(new Error(m.error));
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    w.postMessage(bytes.slice());
  });
}
