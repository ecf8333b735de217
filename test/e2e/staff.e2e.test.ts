// Staff area end to end with the real audit store (SQLite, hash chain) and the real trust loader:
// audit rows and chain status on screen, CSV/JSON export, import of the real J-LIS mdoc IACA root
// (as published: test/support/reference-files.ts) and its expiry on screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumUnavailable, present, startE2E, typeDigits, STAFF_PIN } from './support.ts';
import { REFERENCE_DIR } from '../support/reference-files.ts';

const skip = chromiumUnavailable() ?? false;
const REAL_IACA = join(REFERENCE_DIR, 'trust', 'real', 'jlis-mnc-mdoc-iaca.pem');

test(
  'staff: audit log view (real store, chain intact) and CSV / JSON export hold outcomes only',
  { skip },
  async () => {
    const e = await startE2E({ audit: 'store', settings: { mode: 'identity' } });
    try {
      await present(e.page, 'phone-ok');
      await e.page.waitForSelector('[data-testid="verdict"]');
      await e.page.click('[data-testid="next"]');
      await present(e.page, 'card-tampered');
      await e.page.waitForSelector('[data-testid="verdict"][data-verdict="invalid"]');
      await e.page.click('[data-testid="next"]');
      await e.page.click('[data-testid="staff-button"]');
      await typeDigits(e.page, STAFF_PIN);
      await e.page.click('[data-tab="audit"]');
      await e.page.waitForSelector('[data-testid="audit-rows"] tbody tr');
      assert.match(await e.page.locator('[data-testid="audit-chain"]').innerText(), /ハッシュチェーン：正常/);
      assert.equal(await e.page.locator('[data-testid="audit-rows"] tbody tr').count(), 2);
      const rowsText = await e.page.locator('[data-testid="audit-rows"]').innerText();
      assert.match(rowsText, /確認NG/);
      assert.match(rowsText, /訓練/);
      assert.match(rowsText, /issuer_signature_invalid/);
      await e.shot('18-staff-audit-rows');
      const [csv] = await Promise.all([e.page.waitForEvent('download'), e.page.click('[data-testid="export-csv"]')]);
      const csvText = readFileSync((await csv.path())!, 'utf8');
      assert.match(csv.suggestedFilename(), /^kakunin-audit-.*\.csv$/);
      assert.equal(csvText.trim().split('\n').length, 3, 'header + 2 rows');
      const [json] = await Promise.all([e.page.waitForEvent('download'), e.page.click('[data-testid="export-json"]')]);
      const jsonText = readFileSync((await json.path())!, 'utf8');
      JSON.parse(jsonText);
      for (const t of [csvText, jsonText])
        assert.ok(
          !t.includes('見本') && !t.includes('1990-04-01') && !t.includes('data:image'),
          'no personal data in exports',
        );
    } finally {
      await e.close();
    }
  },
);

test(
  'staff: a new kiosk is ready for My Number Card (card, iPhone) and JPKI out of the box; importing a built-in writes nothing',
  { skip: skip || (existsSync(REAL_IACA) ? false : `${REAL_IACA} not present`) },
  async () => {
    const e = await startE2E();
    try {
      await e.page.click('[data-testid="staff-button"]');
      await typeDigits(e.page, STAFF_PIN);
      await e.page.click('[data-tab="trust"]');
      await e.page.waitForSelector('[data-testid="trust-ready"]');
      for (const id of ['mynumber-card', 'mynumber-iphone', 'jpki']) {
        assert.equal(
          await e.page.getAttribute(`[data-testid="trust-ready"] [data-id="${id}"]`, 'data-ready'),
          'yes',
          id,
        );
      }
      const fresh = await e.page.locator('[data-testid="trust-tab"]').innerText();
      assert.match(fresh, /マイナンバーカード（カード） を検証できます/);
      assert.match(fresh, /mncmdocRootCA/);
      assert.match(fresh, /2030-05-2\d/);
      assert.match(fresh, /組み込み/);
      assert.doesNotMatch(fresh, /no IACA root/);
      await e.shot('18-staff-trust-built-in');
      await e.page.click('[data-testid="trust-kind"] [data-value="iaca"]');
      await e.page.setInputFiles('[data-testid="trust-file"]', REAL_IACA);
      await e.page.waitForSelector('[data-testid="trust-note"]');
      const note = await e.page.locator('[data-testid="trust-note"]').innerText();
      assert.match(note, /built-in\/iaca\//);
      assert.match(note, /pinned/);
      assert.match(note, /built in already, nothing written/);
      await e.shot('19-staff-trust-imported');
      // A file that is not a certificate is refused with a reason on screen.
      await e.page.setInputFiles('[data-testid="trust-file"]', {
        name: 'fake.pem',
        mimeType: 'application/x-pem-file',
        buffer: Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
      });
      await e.page.waitForFunction(() =>
        /取り込めません/.test(document.querySelector('[data-testid="trust-note"]')?.textContent ?? ''),
      );
    } finally {
      await e.close();
    }
  },
);
