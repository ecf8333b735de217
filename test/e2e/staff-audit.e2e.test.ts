// Reader diagnostics with a live probe, the audit view's filters, pages, export with a progress
// bar and the printable daily summary, and the trust and settings pages, in Chromium, ja and en.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboard } from '../../main/host/dashboard.ts';
import { credentialClass, outcomeClass } from '../../core/audit/summary.ts';
import { chromiumUnavailable, present, SHOTS, startE2E } from './support.ts';
import { AFTERNOON, atAfternoon, openStaff, SEED, setLang } from './staff-helpers.ts';

const skip = chromiumUnavailable() ?? false;

test(
  'reader diagnostics: readers and their facts, pcscd, Bluetooth, camera, a live probe, the last reader errors with advice (ja and en)',
  { skip },
  async () => {
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
      assert.match(
        await e.page.locator('[data-testid="reader-test-result"]').innerText(),
        /スマートフォンを検出しました[\s\S]*QR/,
      );
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
  },
);

test(
  'audit view: filters and pages agree with the log; export of the filtered range (CSV, JSON) with a progress bar; printable daily summary',
  { skip },
  async () => {
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
      await e.page.waitForFunction(
        (n) => document.querySelector('[data-testid="audit-count"]')?.textContent?.startsWith(`${n} `),
        want.length,
      );
      const rows = e.page.locator('[data-testid="audit-rows"] tbody tr');
      assert.ok((await rows.count()) > 0);
      for (const o of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-outcome'))))
        assert.equal(o, 'invalid');
      // Page 2 exists and shows other rows.
      const first = await rows.first().locator('td').first().innerText();
      await e.page.click('[data-testid="page-next"]');
      await e.page.waitForFunction(
        (f) => document.querySelector('[data-testid="audit-rows"] tbody tr td')?.textContent !== f,
        first,
      );
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
      await e.page.waitForFunction(
        (n) => document.querySelector('[data-testid="audit-count"]')?.textContent?.startsWith(`${n} `),
        SEED,
      );
      const seen: number[] = [];
      await e.page.exposeFunction('__progress', (v: number) => seen.push(v));
      await e.page.evaluate(() => {
        new MutationObserver(() => {
          const v = document.querySelector('[data-testid="export-progress"]')?.getAttribute('aria-valuenow');
          if (v) (window as unknown as { __progress(n: number): void }).__progress(Number(v));
        }).observe(document.body, { subtree: true, attributes: true, childList: true });
      });
      const [big] = await Promise.all([e.page.waitForEvent('download'), e.page.click('[data-testid="export-csv"]')]);
      assert.equal(
        readFileSync((await big.path())!, 'utf8')
          .trim()
          .split('\r\n').length,
        SEED + 1,
      );
      assert.ok(
        new Set(seen.filter((v) => v > 0 && v < 100)).size >= 2,
        `the bar moved in steps: ${[...new Set(seen)].join(',')}`,
      );
      await setLang(e, 'en');
      await e.shot('60-audit-all-en');
      // Printable daily summary: today's figures, prints to one A4 page.
      await e.page.click('[data-testid="print-summary"]');
      await e.page.waitForSelector('[data-testid="daily-sheet"]');
      const today = e.kiosk.host.opts.audit;
      const d = dashboard(
        today,
        { range: 'today' },
        { now: AFTERNOON, utcOffsetMinutes: -AFTERNOON.getTimezoneOffset(), includeTraining: true },
      );
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
  },
);

test('trust and settings pages in ja and en (custom controls, no browser-default widgets)', { skip }, async () => {
  const e = await startE2E({ audit: 'store' });
  try {
    await openStaff(e);
    await e.page.click('[data-tab="trust"]');
    await e.page.waitForSelector('[data-testid="trust-ready"]');
    await e.shot('70-trust-ja');
    await e.page.click('[data-tab="settings"]');
    await e.page.waitForSelector('[data-testid="settings-tab"]');
    const natives = await e.page.evaluate(
      () => [...document.querySelectorAll('select, input[type=number], input[type=checkbox], input[type=date]')].length,
    );
    assert.equal(natives, 0, 'no browser-default select, number, checkbox or date box');
    await e.page.click('[data-testid="wipe-seconds"] button:last-child');
    await e.page.click('[data-testid="reader-mdoc"]');
    await e.page.click('[data-testid="myna-licence"] [data-value="driving-licence"]');
    await e.page.click('[data-testid="settings-save"]');
    await e.page.waitForSelector('[data-testid="settings-note"]');
    const s = e.kiosk.host.opts.settings.get();
    assert.equal(s.wipeSeconds, 31);
    assert.equal(s.readers.mdoc, false);
    assert.equal(s.mynaLicence, 'driving-licence', 'the マイナ免許証 choice is saved with the rest');
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
