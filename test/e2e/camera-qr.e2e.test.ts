// QR engagement from a webcam, end to end in Debian's Chromium: the fake video capture device plays
// a y4m made here from the QR code of a REAL `mdoc:` DeviceEngagement of the virtual wallet (whose
// BLE side runs on the training kiosk's simulated radio). The kiosk window decodes the frames in a
// Worker (zxing-wasm), submits the text, and the real phone reader reads and verifies. A decoy QR
// (not an mdoc engagement) shown first must be ignored. Screenshots: the idle screen with the
// camera preview, and the verdict reached by camera.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumUnavailable, startE2E } from './support.ts';
import { writeQrVideo } from './fake-camera.ts';
import { makeWallet } from '../../main/mdoc-reader/simulate.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import type { SimulatedPhone } from '../../main/host/readers/simulated-phone.ts';

const skip = chromiumUnavailable();

test(
  'camera QR: idle preview, decoy QR ignored, a real mdoc: engagement read by camera gives a verified verdict; the camera stops when the read starts',
  { skip: skip ?? false, timeout: 120_000 },
  async () => {
    const video = join(mkdtempSync(join(tmpdir(), 'kakunin-camera-')), 'qr.y4m');
    let qrText = '';
    const e = await startE2E({
      settings: { mode: 'age-over-20' },
      chromiumArgs: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
      beforeBrowser: (kiosk) => {
        const phone = kiosk.training!.phone as SimulatedPhone;
        // The wallet shows its QR code; its BLE side waits on the kiosk's simulated radio.
        const tx = phone.world.qrTransaction(makeWallet('qr', nodeCrypto, new Date()));
        tx.walletDone.catch(() => undefined);
        qrText = tx.text;
        writeQrVideo(video, {
          text: tx.text,
          decoyText: 'https://example.invalid/not-an-mdoc-engagement',
          decoyFrames: 30,
          frames: 30,
        });
      },
    });
    try {
      assert.match(qrText, /^mdoc:[A-Za-z0-9_-]+$/);
      const { page } = e;
      await page.waitForSelector('[data-testid="camera"][data-state="live"]', { timeout: 20_000 });
      await page.waitForFunction(() => {
        const v = document.querySelector('video.camera-preview') as HTMLVideoElement | null;
        return !!v && v.readyState >= 2 && v.videoWidth > 0;
      });
      const idleShot = await e.shot('camera-idle-preview');
      assert.ok(
        page.workers().some((w) => /qr-worker/.test(w.url())),
        'decoding runs in a Worker',
      );
      // The decoy frames are decoded too, and ignored: still idle.
      assert.equal(await page.getAttribute('[data-screen]', 'data-screen'), 'idle');
      await page.waitForSelector('[data-screen="verdict"]', { timeout: 45_000 });
      await page.waitForSelector('[data-testid="verdict"]');
      const verdictShot = await e.shot('camera-qr-verdict');
      const s = e.kiosk.host.snapshot().screen;
      assert.ok(s.screen === 'verdict' && s.verdict === 'valid', JSON.stringify(s));
      assert.deepEqual(Object.keys(s.attributes), ['age_over_20']);
      const entry = e.audit!.entries[0]!;
      assert.equal(entry.engagement, 'qr');
      assert.equal(entry.outcome, 'valid');
      // Leaving the idle screen unmounted the scanner: no camera element, so its tracks were stopped.
      assert.equal(await page.locator('[data-testid="camera"]').count(), 0);
      console.log(`# screenshots: ${idleShot}, ${verdictShot}`);
    } finally {
      await e.close();
    }
  },
);
