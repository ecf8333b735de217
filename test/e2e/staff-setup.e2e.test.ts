// First-run setup in Chromium, full screen: language, the staff PIN with the console's setup code,
// counter mode, a reader test that reads nothing, trust readiness, audit location and retention.
// Screenshots of each step in ja and en.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { announceSetupCode } from '../../main/host/assemble.ts';
import { chromiumUnavailable, startE2E, typeDigits } from './support.ts';
import { setLang } from './staff-helpers.ts';

const skip = chromiumUnavailable() ?? false;

test(
  'first-run setup, full screen: language, PIN with the console code, mode, reader test (nothing read), trust per document, audit location and retention',
  { skip },
  async () => {
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
      assert.equal(
        await e.page.locator('[data-testid="trust-ready"] [data-ready]').count(),
        4,
        'My Number card, iPhone, JPKI, passports',
      );
      assert.equal(
        await e.page.getAttribute('[data-testid="trust-ready"] [data-id="passport"]', 'data-ready'),
        'no',
        'no CSCA is built in',
      );
      await e.shot('34-setup-5-trust-ja');
      await setLang(e, 'en');
      await e.shot('34-setup-5-trust-en');
      await setLang(e, 'ja');
      await e.page.click('[data-testid="setup-next"]');
      await e.page.waitForSelector('[data-testid="setup-audit-location"]');
      assert.match(
        await e.page.locator('[data-testid="setup-audit-location"]').innerText(),
        new RegExp(join(e.home, 'audit.sqlite').replace(/[.]/g, '\\.')),
      );
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
  },
);
