// QR engagement from a webcam (ISO 18013-5 §8.2.2.3: the phone shows "mdoc:" + base64url(DE)), beside
// the USB/HID scanner. Mounted only while a phone read is armed (the idle screen with phone reading
// on, staff area closed): the camera starts on mount and every track stops on unmount, so the light
// is off during a transaction. Frames go to a Worker (qr-worker.ts) a few times a second, one at a
// time, as transferred buffers; the canvas is cleared after each grab and no frame is kept.
// Without a camera (or with the permission refused) it shows nothing; the HID scanner still works.
import { useEffect, useRef, useState } from 'react';
import type { FrameRequest, FrameResult } from './qr-worker.ts';

const INTERVAL_MS = 200;
const MAX_WIDTH = 640;

export function CameraScanner({ onText, label }: { onText(text: string): void; label: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<'starting' | 'live' | 'off'>('starting');
  const onTextRef = useRef(onText);
  onTextRef.current = onText;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let busy = false;
    let seq = 0;
    let lastText = '';
    const worker = new Worker(new URL('./qr-worker.ts', import.meta.url), { type: 'module' });
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    worker.onmessage = (e: MessageEvent<FrameResult>) => {
      busy = false;
      const t = e.data.text;
      // One submission per code shown (the host accepts it only while idle anyway).
      if (t && t.startsWith('mdoc:') && t !== lastText && !stopped) {
        lastText = t;
        onTextRef.current(t);
      }
      schedule();
    };
    const grab = () => {
      const v = video.current;
      if (stopped || !v || !ctx || busy || v.readyState < 2 || !v.videoWidth) return schedule();
      const scale = Math.min(1, MAX_WIDTH / v.videoWidth);
      const w = Math.round(v.videoWidth * scale);
      const h = Math.round(v.videoHeight * scale);
      canvas.width = w;
      canvas.height = h;
      ctx.drawImage(v, 0, 0, w, h);
      const frame = ctx.getImageData(0, 0, w, h);
      ctx.clearRect(0, 0, w, h);
      busy = true;
      const msg: FrameRequest = { id: ++seq, width: w, height: h, pixels: frame.data.buffer };
      worker.postMessage(msg, [msg.pixels]);
    };
    const schedule = () => {
      if (!stopped) timer = setTimeout(grab, INTERVAL_MS);
    };
    void (async () => {
      try {
        const s = await navigator.mediaDevices.getUserMedia({
          video: { width: { ideal: 1280 }, height: { ideal: 720 } },
          audio: false,
        });
        if (stopped) {
          for (const tr of s.getTracks()) tr.stop();
          return;
        }
        stream = s;
        const v = video.current;
        if (v) {
          v.srcObject = s;
          await v.play().catch(() => undefined);
        }
        setState('live');
        schedule();
      } catch {
        if (!stopped) setState('off');
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      worker.terminate();
      for (const tr of stream?.getTracks() ?? []) tr.stop();
      if (video.current) video.current.srcObject = null;
    };
  }, []);

  if (state === 'off') return null;
  return (
    <figure className="camera" data-testid="camera" data-state={state}>
      <video ref={video} className="camera-preview" muted playsInline autoPlay aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
