// End to end in the real Electron app (Playwright's _electron), wherever the Electron binary
// exists. Here (offline, `ELECTRON_SKIP_BINARY_DOWNLOAD=1`) it does not, and the test says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinary } from '../../main/start.ts';
import { ensureRendererBuilt, ROOT } from '../../main/headless/renderer-build.ts';

const bin = electronBinary();
const skip = bin
  ? false
  : 'Electron binary not present (node_modules/electron/dist is downloaded from GitHub at install; this machine is offline): Electron end-to-end test SKIPPED; the shell wiring is tested under Node in test/electron/shell.test.ts';

test(
  'Electron kiosk: hardened window loads app://, preload exposes only the API, a training transaction gives a verdict',
  { skip },
  async () => {
    const { _electron } = await import('playwright-core');
    await ensureRendererBuilt();
    const home = mkdtempSync(join(tmpdir(), 'kakunin-electron-'));
    const app = await _electron.launch({
      executablePath: bin!,
      args: [ROOT, '--training'],
      env: { ...process.env, KAKUNIN_HOME: home },
    });
    try {
      const page = await app.firstWindow();
      assert.equal(new URL(page.url()).protocol, 'app:');
      await page.waitForSelector('[data-screen="idle"]');
      assert.deepEqual(await page.evaluate(() => Object.keys((window as any).kakunin).sort()), ['call', 'onSnapshot']);
      assert.equal(await page.evaluate(() => typeof (window as any).require), 'undefined');
      assert.equal(await page.evaluate(() => typeof (window as any).process), 'undefined');
      await page.evaluate(() => {
        location.href = 'https://example.com/';
      });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(new URL(page.url()).protocol, 'app:', 'navigation away was blocked');
      await page.click('[data-scenario="card-ok"]');
      await page.waitForSelector('[data-testid="verdict"][data-verdict="valid"]');
      const fuses = await app.evaluate(({ app: a }) => a.isPackaged);
      assert.equal(typeof fuses, 'boolean');
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
);

test('the Electron e2e test reports why it is skipped', () => {
  if (skip) console.log(`# ${skip}`);
  assert.ok(bin !== null || typeof skip === 'string');
});
