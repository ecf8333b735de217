// Shared set-up for the browser end-to-end tests: a kiosk with the training simulators, the
// headless host on loopback, and Debian's Chromium through playwright-core (the flags a container needs;
// never `npx playwright install`).
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { assembleKiosk, type Kiosk, type KioskConfig } from '../../main/host/assemble.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { ensureRendererBuilt, ROOT } from '../../main/headless/renderer-build.ts';
import { startHeadless, type HeadlessHandle } from '../../main/headless/server.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { setTestStaffPin, TEST_PIN_KDF } from '../kiosk/helpers.ts';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { demoLog } from '../../sim/audit/demo-log.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const STAFF_PIN = '246810';

export function chromiumUnavailable(): string | null {
  return existsSync(CHROMIUM_PATH)
    ? null
    : `${CHROMIUM_PATH} not installed (apt-get install chromium): browser end-to-end tests skipped`;
}

export const SHOTS = join(ROOT, 'test-results', 'screenshots');

export interface E2E {
  kiosk: Kiosk;
  headless: HeadlessHandle;
  browser: Browser;
  page: Page;
  audit: MemoryAuditSink | null;
  home: string;
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startE2E(
  opts: {
    settings?: Partial<Parameters<SettingsStore['update']>[0]>;
    kiosk?: KioskConfig;
    viewport?: { width: number; height: number };
    audit?: 'memory' | 'store';
    /** Extra Chromium flags (e.g. a fake camera). */
    chromiumArgs?: string[];
    /** Runs after the kiosk started, before Chromium opens the page (e.g. to write the camera's video). */
    beforeBrowser?: (kiosk: Kiosk) => Promise<void> | void;
    staffPin?: string | null;
    /** With audit 'store': this many demo transactions over the last 30 days (sim/audit/demo-log.ts). */
    seedAudit?: number;
  } = {},
): Promise<E2E> {
  const dist = await ensureRendererBuilt();
  const home = mkdtempSync(join(tmpdir(), 'kakunin-e2e-'));
  // Before start, as an installation leaves it: the staff PIN set by `kakunin setup` (cheap scrypt
  // cost for tests; null leaves the kiosk unset for the first-run screen), settings, a short wipe.
  if (opts.staffPin !== null) await setTestStaffPin(home, opts.staffPin ?? STAFF_PIN);
  new SettingsStore(join(home, 'settings.json')).update({ wipeSeconds: 30, ...opts.settings });
  if (opts.seedAudit) {
    const store = AuditStore.open(join(home, 'audit.sqlite'));
    const now = opts.kiosk?.now?.() ?? new Date();
    for (const e of demoLog({ n: opts.seedAudit, now, days: 30, utcOffsetMinutes: -now.getTimezoneOffset() }))
      store.append(e);
    store.close();
  }
  const audit = opts.audit === 'store' || opts.seedAudit ? null : new MemoryAuditSink();
  const kiosk = await assembleKiosk({
    home,
    devices: 'training',
    stepMs: 120,
    pinCost: TEST_PIN_KDF.N,
    ...(audit ? { audit } : {}),
    ...opts.kiosk,
  });
  kiosk.host.start();
  const headless = await startHeadless({ services: kiosk.services, distDir: dist });
  await opts.beforeBrowser?.(kiosk);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...(opts.chromiumArgs ?? [])],
  });
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
  // The host's one-time pairing URL, as its pairing page forwards to (main/headless/pairing-file.ts).
  await page.goto(headless.pair().url);
  await page.waitForSelector('[data-screen="idle"]');
  mkdirSync(SHOTS, { recursive: true });
  return {
    kiosk,
    headless,
    browser,
    page,
    audit,
    home,
    async shot(name) {
      const p = join(SHOTS, `${name}.png`);
      await page.screenshot({ path: p, animations: 'disabled' });
      return p;
    },
    async close() {
      await browser.close();
      await headless.close();
      await kiosk.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function present(page: Page, scenario: string): Promise<void> {
  await page.click(`[data-scenario="${scenario}"]`);
}

export async function typeDigits(page: Page, digits: string): Promise<void> {
  for (const d of digits) await page.click(`[data-testid="keypad"] [data-key="${d}"]`);
  await page.click('[data-testid="keypad"] [data-key="ok"]');
}

/** A kiosk for one test; fails the test on any console error, page error or HTTP error. */
export async function withKiosk(opts: Parameters<typeof startE2E>[0], fn: (e: E2E) => Promise<void>) {
  const e = await startE2E(opts);
  const errors: string[] = [];
  e.page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  e.page.on('pageerror', (err) => errors.push(String(err)));
  // Name the resource: Chromium's console line for a 404 does not say which URL failed.
  e.page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${new URL(r.url()).pathname}`);
  });
  try {
    await fn(e);
    assert.deepEqual(errors, [], 'no console errors (CSP violations would show here)');
  } finally {
    await e.close();
  }
}
