// The staff area a store manager uses, in Chromium against the headless host: first-run setup (full
// screen: language, staff PIN with the console's setup code, counter mode, reader test, trust per
// document type, audit location and retention), reader diagnostics with a live probe, the day at a
// glance over a seeded log of a few thousand demo transactions, and the audit view's filters,
// export and printable daily summary. Screenshots of each page in ja and en, at 1280x800 and 1920x1080.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { announceSetupCode } from '../../main/host/assemble.ts';
import { dashboard } from '../../main/host/dashboard.ts';
import { credentialClass, outcomeClass } from '../../core/audit/summary.ts';
import { chromiumUnavailable, present, SHOTS, startE2E, typeDigits, STAFF_PIN, type E2E } from './support.ts';

const skip = chromiumUnavailable() ?? false;
const SEED = 3000;
/** The seeded kiosk's clock: today at 15:30 local, so "today" has a morning and lunch behind it. */
const now = new Date();
const AFTERNOON = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 15, 30);
const atAfternoon = { now: () => AFTERNOON };

async function openStaff(e: E2E): Promise<void> {
  await e.page.click('[data-testid="staff-button"]');
  await typeDigits(e.page, STAFF_PIN);
  await e.page.waitForSelector('[data-testid="staff-area"]');
}

async function setLang(e: E2E, lang: 'ja' | 'en'): Promise<void> {
  await e.kiosk.host.setLang(lang);
  await e.page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

/** Nothing on the page may come from outside the kiosk (no CDN): every request goes to the host. */
function sameOriginOnly(e: E2E): string[] {
  const foreign: string[] = [];
  e.page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && u.protocol !== 'data:' && u.protocol !== 'blob:') foreign.push(r.url());
  });
  return foreign;
}

test('first-run setup, full screen: language, PIN with the console code, mode, reader test (nothing read), trust per document, audit location and retention', { skip }, async () => {
  const e = await startE2E({ staffPin: null, audit: 'store' });
  try {
    const code = announceSetupCode(e.kiosk, () => undefined)!;
    // A kiosk without a staff PIN opens on its setup by itself.
    await e.page.waitForSelector('[data-testid="staff-setup"][data-step="lang"]');
    await e.shot('30-setup-1-lang-ja');
    await e.page.click('[data-lang="en"]');
    await e.page.waitForFunction(() => /Choose the screen language/.test(document.body.innerText));
    await e.shot('30-setup-1-lang-en');
    await e.page.click('[data-lang="ja"]');
    await e.page.waitForFunction(() => document.documentElement.lang === 'ja');
    await e.page.click('[data-testid="setup-next"]');
    await e.page.waitForSelector('[data-testid="staff-setup"][data-step="pin"]');
    await e.shot('31-setup-2-pin-ja');
    // Keyboard works as well as the keypad.
    await e.page.keyboard.type(code);
    await e.page.keyboard.press('Enter');
    await typeDigits(e.page, '582914');
    await typeDigits(e.page, '582914');
    await e.page.waitForSelector('[data-testid="staff-setup"][data-step="mode"]');
    assert.ok(!(await e.page.content()).includes(code), 'the code is never on the page');
    await e.page.click('[data-mode-choice="entrance"]');
    await e.page.waitForSelector('[data-mode-choice="entrance"].on');
    assert.equal(e.kiosk.host.opts.settings.get().mode, 'entrance');
    await e.shot('32-setup-3-mode-ja');
    await setLang(e, 'en');
    await e.shot('32-setup-3-mode-en');
    await setLang(e, 'ja');
    await e.page.click('[data-testid="setup-next"]');
    await e.page.waitForSelector('[data-testid="staff-setup"][data-step="reader"]');
    await e.page.click('[data-testid="reader-test-start"]');
    await e.page.waitForSelector('[data-testid="reader-test"][data-state="waiting"]');
    await e.shot('33-setup-4-reader-waiting-ja');
    await e.page.click('[data-testid="rt-present-card"]');
    await e.page.waitForSelector('[data-testid="reader-test-result"][data-credential="card"]');
    const rt = await e.page.locator('[data-testid="reader-test-result"]').innerText();
    assert.match(rt, /カードを検出しました/);
    assert.match(rt, /訓練用カードリーダー/);
    assert.match(rt, /個人の情報は何も読み取っていません/);
    assert.doesNotMatch(await e.page.content(), /見本 花子|1990-04-01/);
    await e.shot('33-setup-4-reader-ja');
    await setLang(e, 'en');
    await e.shot('33-setup-4-reader-en');
    await setLang(e, 'ja');
    await e.page.click('[data-testid="setup-next"]');
    await e.page.waitForSelector('[data-testid="trust-ready"]');
    const readiness = await e.page.locator('[data-testid="trust-ready"]').innerText();
    assert.match(readiness, /マイナンバーカード（カード） を検証できます/, 'the built-in anchors');
    assert.equal(await e.page.locator('[data-testid="trust-ready"] [data-ready]').count(), 3);
    await e.shot('34-setup-5-trust-ja');
    await setLang(e, 'en');
    await e.shot('34-setup-5-trust-en');
    await setLang(e, 'ja');
    await e.page.click('[data-testid="setup-next"]');
    await e.page.waitForSelector('[data-testid="setup-audit-location"]');
    assert.match(await e.page.locator('[data-testid="setup-audit-location"]').innerText(), new RegExp(join(e.home, 'audit.sqlite').replace(/[.]/g, '\\.')));
    await e.page.click('[data-testid="setup-retention"] [data-value="730"]');
    await e.page.waitForSelector('[data-testid="setup-retention"] [data-value="730"].on');
    assert.equal(e.kiosk.host.opts.settings.get().retentionDays, 730);
    await e.shot('35-setup-6-audit-ja');
    await setLang(e, 'en');
    await e.shot('35-setup-6-audit-en');
    await setLang(e, 'ja');
    await e.page.click('[data-testid="setup-next"]');
    await e.page.waitForSelector('[data-testid="setup-summary"]');
    assert.match(await e.page.locator('[data-testid="setup-summary"]').innerText(), /入場確認[\s\S]*2年/);
    await e.shot('36-setup-7-done-ja');
    await e.page.click('[data-testid="setup-finish"]');
    await e.page.waitForSelector('[data-testid="dashboard"]');
    assert.equal(e.kiosk.services.staff.status(false).staffPinSet, true);
  } finally {
    await e.close();
  }
});

for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`day at a glance (${size}): ${SEED} seeded demo transactions; figures equal the host's own count of the log; 7 and 30 days; bundled chart, no network`, { skip }, async () => {
    const e = await startE2E({ seedAudit: SEED, viewport, kiosk: atAfternoon });
    const foreign = sameOriginOnly(e);
    try {
      await openStaff(e);
      await e.page.waitForSelector('[data-testid="dash-chart"][data-rendered="1"]');
      assert.equal(await e.page.locator('[data-tab="dashboard"][aria-selected="true"]').count(), 1, 'the first tab');
      const audit = e.kiosk.host.opts.audit;
      const expect = dashboard(audit, { range: 'today' }, { now: AFTERNOON, utcOffsetMinutes: -AFTERNOON.getTimezoneOffset(), includeTraining: true });
      assert.ok(expect.total > 40, `a busy day so far (${expect.total})`);
      assert.equal(await e.page.locator('[data-testid="dash-total"] strong').innerText(), String(expect.total));
      const shown = await e.page.locator('[data-testid="dash-outcomes"] [data-outcome="valid"] .share-num').innerText();
      assert.match(shown, new RegExp(`^${expect.outcomes.valid} `));
      assert.equal(await e.page.locator('[data-testid="dash-failures"] li').count(), expect.topFailures.length);
      assert.equal(await e.page.locator('[data-testid="dash-chart"] canvas').count(), 1);
      await e.shot(`40-dashboard-today-ja-${size}`);
      await e.page.click('[data-testid="dash-range"] [data-value="30d"]');
      await e.page.waitForFunction(() => document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-range') === '30d' && window.__kakuninDashboard?.range === '30d');
      await e.page.waitForSelector('[data-testid="dash-chart"][data-rendered="1"]');
      assert.equal(await e.page.locator('[data-testid="dash-total"] strong').innerText(), String(SEED));
      await e.shot(`41-dashboard-30d-ja-${size}`);
      await setLang(e, 'en');
      await e.page.click('[data-testid="dash-range"] [data-value="7d"]');
      await e.page.waitForFunction(() => window.__kakuninDashboard?.range === '7d');
      assert.match(await e.page.locator('[data-testid="dash-failures"]').innerText(), /Why checks failed/);
      await e.shot(`42-dashboard-7d-en-${size}`);
      await e.page.click('[data-testid="dash-range"] [data-value="today"]');
      await e.page.waitForFunction(() => window.__kakuninDashboard?.range === 'today');
      await e.shot(`40-dashboard-today-en-${size}`);
      assert.deepEqual(foreign, [], 'no request left the kiosk');
    } finally {
      await e.close();
    }
  });
}

test('reader diagnostics: readers and their facts, pcscd, Bluetooth, camera, a live probe, the last reader errors with advice (ja and en)', { skip }, async () => {
  const e = await startE2E({ audit: 'store' });
  try {
    await present(e.page, 'reader-unplugged');
    await e.page.waitForSelector('[data-testid="error"], [data-screen="error"]');
    await e.page.click('[data-testid="next"]').catch(() => undefined);
    await openStaff(e);
    await e.page.click('[data-tab="readers"]');
    await e.page.waitForSelector('[data-testid="diag-system"]');
    assert.equal(await e.page.locator('[data-testid="readers-tab"] [data-reader]').count(), 2);
    assert.match(await e.page.locator('[data-testid="diag-ble"]').innerText(), /シミュレーター/);
    assert.match(await e.page.locator('[data-testid="diag-pcscd"]').innerText(), /pcscd/);
    assert.match(await e.page.locator('[data-testid="diag-camera"]').innerText(), /カメラ/);
    const errs = await e.page.locator('[data-testid="diag-errors"]').innerText();
    assert.match(errs, /reader_unplugged/);
    assert.match(errs, /USBケーブル/);
    await e.page.click('[data-testid="reader-test-start"]');
    await e.page.waitForSelector('[data-testid="rt-present-phone"]');
    await e.page.click('[data-testid="rt-present-phone"]');
    await e.page.waitForSelector('[data-testid="reader-test-result"][data-credential="phone"]');
    assert.match(await e.page.locator('[data-testid="reader-test-result"]').innerText(), /スマートフォンを検出しました[\s\S]*QR/);
    await e.shot('50-diagnostics-ja');
    await setLang(e, 'en');
    await e.page.click('[data-testid="diag-system"] button');
    await e.page.waitForFunction(() => /Recent reader errors/.test(document.body.innerText));
    await e.shot('50-diagnostics-en');
    // The kiosk still reads after the probe: the readers were armed again.
    await e.page.click('[data-testid="staff-lock"]');
    await present(e.page, 'card-ok');
    await e.page.waitForSelector('[data-testid="verdict"]');
  } finally {
    await e.close();
  }
});

test('audit view: filters and pages agree with the log; export of the filtered range (CSV, JSON) with a progress bar; printable daily summary', { skip }, async () => {
  const e = await startE2E({ seedAudit: SEED, kiosk: atAfternoon });
  try {
    await openStaff(e);
    await e.page.click('[data-tab="audit"]');
    await e.page.waitForSelector('[data-testid="audit-rows"] tbody tr');
    assert.match(await e.page.locator('[data-testid="audit-count"]').innerText(), new RegExp(`^${SEED} `));
    assert.match(await e.page.locator('[data-testid="audit-location"]').innerText(), /audit\.sqlite/);
    assert.match(await e.page.locator('[data-testid="audit-chain"]').innerText(), /正常/);
    await e.shot('60-audit-all-ja');
    const all = [...e.kiosk.host.opts.audit.scan()].map((x) => x.entry);
    const want = all.filter((x) => outcomeClass(x) === 'invalid' && credentialClass(x) === 'mynumber-card');
    await e.page.click('[data-testid="f-outcome"] [data-value="invalid"]');
    await e.page.click('[data-testid="f-credential"] [data-value="mynumber-card"]');
    await e.page.waitForFunction((n) => document.querySelector('[data-testid="audit-count"]')?.textContent?.startsWith(`${n} `), want.length);
    const rows = e.page.locator('[data-testid="audit-rows"] tbody tr');
    assert.ok((await rows.count()) > 0);
    for (const o of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-outcome')))) assert.equal(o, 'invalid');
    // Page 2 exists and shows other rows.
    const first = await rows.first().locator('td').first().innerText();
    await e.page.click('[data-testid="page-next"]');
    await e.page.waitForFunction((f) => document.querySelector('[data-testid="audit-rows"] tbody tr td')?.textContent !== f, first);
    assert.match(await e.page.locator('[data-testid="page-no"]').innerText(), /^2 \//);
    await e.shot('61-audit-filtered-ja');
    // Export the filtered range: the file holds exactly those rows, and the progress bar ends full.
    const [csv] = await Promise.all([e.page.waitForEvent('download'), e.page.click('[data-testid="export-csv"]')]);
    const text = readFileSync((await csv.path())!, 'utf8');
    assert.equal(text.trim().split('\r\n').length, want.length + 1, 'header + the filtered rows');
    await e.page.waitForSelector('[data-testid="export-progress"][aria-valuenow="100"]');
    const [json] = await Promise.all([e.page.waitForEvent('download'), e.page.click('[data-testid="export-json"]')]);
    const doc = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    assert.equal(doc.entries.length, want.length);
    assert.deepEqual(doc.filter, { outcome: 'invalid', credential: 'mynumber-card' });
    // Everything, with the bar moving through chunks of 500.
    await e.page.click('[data-testid="f-outcome"] [data-value="all"]');
    await e.page.click('[data-testid="f-credential"] [data-value="all"]');
    await e.page.waitForFunction((n) => document.querySelector('[data-testid="audit-count"]')?.textContent?.startsWith(`${n} `), SEED);
    const seen: number[] = [];
    await e.page.exposeFunction('__progress', (v: number) => seen.push(v));
    await e.page.evaluate(() => {
      new MutationObserver(() => {
        const v = document.querySelector('[data-testid="export-progress"]')?.getAttribute('aria-valuenow');
        if (v) (window as unknown as { __progress(n: number): void }).__progress(Number(v));
      }).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    const [big] = await Promise.all([e.page.waitForEvent('download'), e.page.click('[data-testid="export-csv"]')]);
    assert.equal(readFileSync((await big.path())!, 'utf8').trim().split('\r\n').length, SEED + 1);
    assert.ok(new Set(seen.filter((v) => v > 0 && v < 100)).size >= 2, `the bar moved in steps: ${[...new Set(seen)].join(',')}`);
    await setLang(e, 'en');
    await e.shot('60-audit-all-en');
    // Printable daily summary: today's figures, prints to one A4 page.
    await e.page.click('[data-testid="print-summary"]');
    await e.page.waitForSelector('[data-testid="daily-sheet"]');
    const today = e.kiosk.host.opts.audit;
    const d = dashboard(today, { range: 'today' }, { now: AFTERNOON, utcOffsetMinutes: -AFTERNOON.getTimezoneOffset(), includeTraining: true });
    assert.ok(d.total > 40);
    assert.equal(await e.page.locator('[data-testid="daily-total"]').innerText(), String(d.total));
    await e.shot('62-daily-summary-en');
    await setLang(e, 'ja');
    await e.shot('62-daily-summary-ja');
    await e.page.emulateMedia({ media: 'print' });
    await e.page.screenshot({ path: join(SHOTS, '63-daily-summary-print-ja.png'), fullPage: true });
    const pdf = await e.page.pdf({ format: 'A4', path: join(SHOTS, '63-daily-summary-ja.pdf') });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.equal(pages, 1, 'one A4 page');
    await e.page.emulateMedia({ media: 'screen' });
  } finally {
    await e.close();
  }
});

test('trust and settings pages in ja and en (custom controls, no browser-default widgets)', { skip }, async () => {
  const e = await startE2E({ audit: 'store' });
  try {
    await openStaff(e);
    await e.page.click('[data-tab="trust"]');
    await e.page.waitForSelector('[data-testid="trust-ready"]');
    await e.shot('70-trust-ja');
    await e.page.click('[data-tab="settings"]');
    await e.page.waitForSelector('[data-testid="settings-tab"]');
    const natives = await e.page.evaluate(() => [...document.querySelectorAll('select, input[type=number], input[type=checkbox], input[type=date]')].length);
    assert.equal(natives, 0, 'no browser-default select, number, checkbox or date box');
    await e.page.click('[data-testid="wipe-seconds"] button:last-child');
    await e.page.click('[data-testid="reader-mdoc"]');
    await e.page.click('[data-testid="settings-save"]');
    await e.page.waitForSelector('[data-testid="settings-note"]');
    const s = e.kiosk.host.opts.settings.get();
    assert.equal(s.wipeSeconds, 31);
    assert.equal(s.readers.mdoc, false);
    await e.shot('71-settings-ja');
    await e.page.click('[data-tab="mode"]');
    await e.shot('72-mode-ja');
    await setLang(e, 'en');
    await e.page.click('[data-tab="trust"]');
    await e.page.waitForSelector('[data-testid="trust-ready"]');
    await e.shot('70-trust-en');
    await e.page.click('[data-tab="settings"]');
    await e.shot('71-settings-en');
    await e.page.click('[data-tab="mode"]');
    await e.shot('72-mode-en');
  } finally {
    await e.close();
  }
});
