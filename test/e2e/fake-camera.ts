// A webcam for Chromium's fake video capture (--use-file-for-fake-video-capture=FILE.y4m): a
// YUV4MPEG2 file (4:2:0, 8-bit) showing QR codes, drawn from the QR encoder's module matrix.
// Frames: first `decoyFrames` of a QR holding other text (not an mdoc engagement, so the kiosk must
// ignore it), then the real one; Chromium loops the file.
import { writeFileSync } from 'node:fs';
import { encodeQR } from '@paulmillr/qr';

function frameOf(text: string, w: number, h: number): Uint8Array {
  const m = encodeQR(text, 'raw', { ecc: 'medium', border: 4 });
  const n = m.length;
  const scale = Math.floor(Math.min(w, h) / n);
  const ox = Math.floor((w - n * scale) / 2);
  const oy = Math.floor((h - n * scale) / 2);
  const y = new Uint8Array(w * h).fill(200); // light grey surround, like a room
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = m[r]![c] ? 16 : 235;
      for (let dy = 0; dy < scale; dy++)
        y.fill(v, (oy + r * scale + dy) * w + ox + c * scale, (oy + r * scale + dy) * w + ox + (c + 1) * scale);
    }
  }
  const uv = new Uint8Array((w / 2) * (h / 2) * 2).fill(128);
  const out = new Uint8Array(6 + y.length + uv.length);
  out.set(new TextEncoder().encode('FRAME\n'));
  out.set(y, 6);
  out.set(uv, 6 + y.length);
  return out;
}

export function writeQrVideo(
  file: string,
  o: {
    text: string;
    decoyText: string;
    decoyFrames: number;
    frames: number;
    width?: number;
    height?: number;
    fps?: number;
  },
): void {
  const w = o.width ?? 480;
  const h = o.height ?? 360;
  const head = new TextEncoder().encode(`YUV4MPEG2 W${w} H${h} F${o.fps ?? 10}:1 Ip A1:1 C420jpeg\n`);
  const decoy = frameOf(o.decoyText, w, h);
  const real = frameOf(o.text, w, h);
  const total = o.decoyFrames + o.frames;
  const buf = new Uint8Array(head.length + total * real.length);
  buf.set(head);
  for (let i = 0; i < total; i++) buf.set(i < o.decoyFrames ? decoy : real, head.length + i * real.length);
  writeFileSync(file, buf);
}
