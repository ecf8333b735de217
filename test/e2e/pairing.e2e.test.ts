// Pairing a screen with the headless host in a real Chromium: the kiosk's own Chromium started with
// the kiosk argv (start.ts) finds its token in the private pairing file, never on its command line;
// a page keeps its connection across a reload with the token the host gave it; a used pairing URL,
// the bare address and a replaced screen get no kiosk and say why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumKioskArgs, CHROMIUM } from '../../main/start.ts';
import { publishPairing } from '../../main/headless/pairing-file.ts';
import { chromiumUnavailable, SHOTS, startE2E } from './support.ts';
import { ensureRendererBuilt } from '../../main/headless/renderer-build.ts';
import { setupHeadless, until, wsOpen } from '../kiosk/headless-client.ts';

const skip = chromiumUnavailable() ?? false;

/** Every process under `pid` (and itself), from /proc/<n>/stat's parent field. */
function processTree(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      parent.set(Number(n), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [c, p] of parent) if (p === out[i]) out.push(c);
  return out;
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

test(
  "the kiosk's Chromium pairs through the 0600 file: no token in any /proc/<pid>/cmdline of its processes",
  { skip },
  async () => {
    const s = await setupHeadless({ distDir: await ensureRendererBuilt() });
    const profile = mkdtempSync(join(tmpdir(), 'kakunin-chromium-'));
    const paired: string[] = [];
    const pairing = publishPairing(join(s.home, 'run'), s.h, (l) => paired.push(l));
    const tokens = [/#pair=(\S+)/.exec(readFileSync(pairing.urlFile, 'utf8'))![1]!];
    // The kiosk's own argv, plus --headless because no display is assumed here.
    const args = [
      ...chromiumKioskArgs(pairing.fileUrl, profile, { root: process.getuid?.() === 0 }),
      '--headless',
      '--disable-gpu',
      '--disable-dev-shm-usage',
    ];
    const browser = spawn(CHROMIUM, args, { stdio: 'ignore' });
    try {
      await until(() => paired.length > 0, 60_000, 'Chromium to pair through pair.html');
      tokens.push(/#pair=(\S+)/.exec(readFileSync(pairing.urlFile, 'utf8'))![1]!);
      const tree = processTree(browser.pid!);
      const lines = tree.map(cmdline).filter(Boolean);
      console.log(`# Chromium: ${tree.length} processes, argv checked for the spent and the next pairing token`);
      assert.ok(lines.length >= 2, 'the browser and at least one child');
      assert.ok(lines[0]!.includes(`--app=${pairing.fileUrl}`), lines[0]);
      for (const line of lines) {
        for (const t of tokens) assert.ok(!line.includes(t), `token in argv: ${line.slice(0, 200)}`);
        assert.doesNotMatch(line, /pair=|token=/);
      }
      // The connection the host holds is Chromium's: the spent token is no use to anyone else.
      const again = await wsOpen(s.h.port, tokens[0]!);
      assert.equal(again.status, 401);
    } finally {
      browser.kill('SIGTERM');
      await new Promise((r) => (browser.exitCode !== null ? r(null) : browser.once('exit', r)));
      pairing.close();
      await s.done();
      rmSync(profile, { recursive: true, force: true });
    }
  },
);

test(
  'a page pairs once: the token leaves the address bar, a reload reconnects, a used or bare URL gets no kiosk, a new pairing replaces the screen',
  { skip },
  async () => {
    const e = await startE2E();
    try {
      assert.doesNotMatch(e.page.url(), /pair=/, 'the token is taken off the address bar');
      await e.page.reload();
      await e.page.waitForSelector('[data-screen="idle"]');

      // A fresh pairing from the host moves the kiosk to another page; the first one says so.
      const fresh = e.headless.pair();
      const screen2 = await e.browser.newPage();
      await screen2.goto(fresh.url);
      await screen2.waitForSelector('[data-screen="idle"]');
      await e.page.waitForSelector('[data-testid="screen-replaced"]');
      // That pairing URL opened again later, and the bare address: no kiosk, and why.
      const other = await e.browser.newPage({ viewport: { width: 1280, height: 800 } });
      await other.goto(fresh.url);
      await other.waitForSelector('[data-testid="screen-unpaired"]', { timeout: 15_000 });
      assert.match(await other.locator('[data-testid="screen-unpaired"]').innerText(), /ペアリングされていません/);
      await other.screenshot({ path: join(SHOTS, 'pairing-unpaired.png') });
      await other.goto(e.headless.url);
      await other.waitForSelector('[data-testid="screen-unpaired"]');
      assert.equal(await screen2.locator('[data-screen="idle"]').count(), 1, 'the paired screen is untouched by both');
      await other.close();
      await screen2.close();
    } finally {
      await e.close();
    }
  },
);
