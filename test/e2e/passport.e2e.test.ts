// The passport screens end to end (Chromium against the headless host; the training passports are
// read by the REAL core/passport reader from the virtual chips of sim/passport in memory): the staff
// MRZ entry with each check digit computed and shown, a mistyped check digit caught before the chip
// is tried, a scanned MRZ line filling the fields, a wrong key refused by the chip and asked again,
// the green identity verdict with the face and the tax-free note, and the amber 'unverified' screen
// when no CSCA of the issuing state is installed. Screenshots (ja) in test-results/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TEST_TRUST_DIR } from '../../main/project-root.ts';
import { HOLDER_PRESETS, TEST_HOLDER, td3 } from '../../sim/passport/holder.ts';
import { chromiumUnavailable, present, withKiosk, type E2E } from './support.ts';
import type { Page } from 'playwright-core';
import { openStaff } from './staff-helpers.ts';

const skip = chromiumUnavailable() ?? false;

async function typeMrz(e: E2E, chars: string): Promise<void> {
  for (const c of chars) await e.page.click(`[data-testid="mrz-keyboard"] [data-key="${c}"]`);
}

test(
  'passport identity: MRZ entry shows each check digit, a wrong one is caught before the chip; green verdict with the face',
  { skip },
  async () => {
    await withKiosk({ settings: { mode: 'identity' } }, async (e) => {
      await present(e.page, 'passport-ok');
      await e.page.waitForSelector('[data-testid="input"][data-kind="mrz"]');
      // Letters are accepted only in the document number.
      await typeMrz(e, 'TK1234567');
      assert.equal(
        await e.page.locator('[data-testid="mrz-keyboard"] [data-key="K"]').isDisabled(),
        true,
        'no letters in a check digit',
      );
      // The computed check digit is shown as soon as the field is complete, before staff type theirs.
      assert.match(await e.page.locator('[data-testid="mrz-computed-document"]').innerText(), /計算値 1/);
      await typeMrz(e, '1' + '900401' + '2' + '310401');
      assert.match(await e.page.locator('[data-testid="mrz-computed-expiry"]').innerText(), /計算値 3/);
      await typeMrz(e, '8'); // the printed digit is 3: a typo
      await e.page.waitForSelector('[data-testid="mrz-check-error"][data-field="expiry"]');
      assert.equal(await e.page.getAttribute('[data-testid="mrz-field-expiry"]', 'data-state'), 'mismatch');
      assert.equal(await e.page.getAttribute('[data-testid="mrz-field-document"]', 'data-state'), 'ok');
      assert.equal(
        await e.page.locator('[data-testid="mrz-keyboard"] [data-key="ok"]').isDisabled(),
        true,
        'no read with a wrong check digit',
      );
      assert.match(
        await e.page.locator('[data-testid="mrz-check-error"]').innerText(),
        /有効期限.*チェック数字が一致しません（計算値は 3）/,
      );
      await e.shot('passport-01-mrz-check-digit-error-ja');
      await e.page.click('[data-testid="mrz-keyboard"] [data-key="del"]');
      await typeMrz(e, '3');
      assert.equal(await e.page.getAttribute('[data-testid="mrz-field-expiry"]', 'data-state'), 'ok');
      await e.shot('passport-02-mrz-entry-ok-ja');
      await e.page.click('[data-testid="mrz-keyboard"] [data-key="ok"]');
      await e.page.waitForSelector('[data-testid="verdict"]', { timeout: 20_000 });
      assert.equal(await e.page.getAttribute('[data-testid="verdict"]', 'data-verdict'), 'valid');
      assert.equal(await e.page.getAttribute('[data-testid="verdict"]', 'data-document'), 'passport');
      const body = await e.page.locator('[data-testid="attributes"]').innerText();
      assert.match(body, /KAKUNIN HANAKO/);
      assert.match(body, /1990-04-01/);
      assert.match(body, /TK1234567/);
      assert.match(body, /JPN/);
      assert.equal(await e.page.locator('[data-testid="photo"]').count(), 1);
      const w = await e.page.locator('[data-testid="photo"]').evaluate((img) => (img as HTMLImageElement).naturalWidth);
      assert.ok(w > 100, `the decoded face is shown (${w} px wide)`);
      assert.match(
        await e.page.locator('[data-testid="passport-note"]').innerText(),
        /在留資格・上陸年月日はICチップに記録されていません/,
      );
      await assertAllFieldsVisible(e.page);
      await e.shot('passport-03-identity-verdict-ja');
      assert.deepEqual(
        e.audit!.entries.map((x) => [x.outcome, x.credentialType, x.docType]),
        [['valid', 'passport', 'icao.passport.bac']],
      );
      const audit = JSON.stringify(e.audit!.entries);
      for (const v of ['KAKUNIN', 'HANAKO', 'TK1234567', '900401', '310401'])
        assert.ok(!audit.includes(v), `no ${v} in the audit`);
    });
  },
);

test(
  'passport of a state without an installed CSCA: scanned MRZ line, a wrong key asked again, amber unverified, staff confirm',
  { skip },
  async () => {
    await withKiosk({ settings: { mode: 'identity' } }, async (e) => {
      await present(e.page, 'passport-unverified');
      await e.page.waitForSelector('[data-testid="input"][data-kind="mrz"]');
      // A scanner types line 2 and Enter: every field is filled, check digits included. First the
      // line of another passport (its check digits are right, the chip refuses the key) ...
      await e.page.keyboard.type(td3({ ...TEST_HOLDER, ...HOLDER_PRESETS.germany })[1]);
      await e.page.keyboard.press('Enter');
      assert.equal(await e.page.getAttribute('[data-testid="mrz-field-birth"]', 'data-state'), 'ok');
      await e.page.click('[data-testid="mrz-keyboard"] [data-key="ok"]');
      await e.page.waitForSelector('[data-testid="input-wrong"]', { timeout: 20_000 });
      // ... then this one's.
      await e.page.keyboard.type(td3({ ...TEST_HOLDER, ...HOLDER_PRESETS.france })[1]);
      await e.page.keyboard.press('Enter');
      await e.page.click('[data-testid="mrz-keyboard"] [data-key="ok"]');
      await e.page.waitForSelector('[data-testid="verdict"][data-verdict="unverified"]', { timeout: 20_000 });
      assert.equal(await e.page.locator('[data-testid="mark-unverified"]').count(), 1);
      assert.match(await e.page.locator('[data-testid="staff-confirm"]').innerText(), /発行国のCSCA.*未登録/);
      assert.match(await e.page.locator('[data-testid="attributes"]').innerText(), /MARTIN CLAIRE/);
      await assertAllFieldsVisible(e.page);
      await e.shot('passport-04-unverified-no-csca-ja');
      await e.page.click('[data-testid="staff-confirm-yes"]');
      await e.page.waitForSelector('[data-testid="staff-confirm"][data-state="confirmed"]');
      assert.deepEqual(
        e.audit!.entries.map((x) => [x.outcome, x.credentialType]),
        [
          ['unverified', 'passport'],
          ['staff-confirmed', 'passport'],
        ],
      );
    });
  },
);

test(
  'staff trust view: passports not ready on a new kiosk; importing a CSCA, the master list signer and a master list covers DE and JP',
  { skip },
  async () => {
    await withKiosk({}, async (e) => {
      await openStaff(e);
      await e.page.click('[data-tab="trust"]');
      await e.page.waitForSelector('[data-testid="trust-ready"] [data-id="passport"]');
      assert.equal(await e.page.getAttribute('[data-testid="trust-ready"] [data-id="passport"]', 'data-ready'), 'no');
      const imp = async (kind: string, file: string) => {
        await e.page.click(`[data-testid="trust-kind"] [data-value="${kind}"]`);
        await e.page.setInputFiles('[data-testid="trust-file"]', join(TEST_TRUST_DIR, file));
        await e.page.waitForFunction(
          (f) => (document.querySelector('[data-testid="trust-note"]')?.textContent ?? '').includes(f.split('/')[1]!),
          file,
        );
        return e.page.locator('[data-testid="trust-note"]').innerText();
      };
      // A master list is refused until its signer chains to a CSCA the operator trusts.
      await e.page.click('[data-testid="trust-kind"] [data-value="masterlist"]');
      await e.page.setInputFiles('[data-testid="trust-file"]', join(TEST_TRUST_DIR, 'masterlist/kakunin-test-de.ml'));
      await e.page.waitForFunction(() =>
        /取り込めません/.test(document.querySelector('[data-testid="trust-note"]')?.textContent ?? ''),
      );
      await imp('csca', 'csca/kakunin-test-csca-de.pem');
      await imp('masterlist-signer', 'masterlist-signers/kakunin-test-ml-signer-de.pem');
      const note = await imp('masterlist', 'masterlist/kakunin-test-de.ml');
      assert.match(note, /JP \+1/, note);
      await e.page.waitForFunction(
        () =>
          document.querySelector('[data-testid="trust-ready"] [data-id="passport"]')?.getAttribute('data-ready') ===
          'yes',
      );
      const tab = await e.page.locator('[data-testid="trust-tab"]').innerText();
      assert.match(tab, /IC旅券（2か国：DE, JP）/);
      assert.match(tab, /csca \(master list\)/);
      await e.shot('passport-05-staff-trust-countries-ja');
    });
  },
);

/** Every field and the tax-free note are on the 1280x800 screen without scrolling (the counter never scrolls). */
async function assertAllFieldsVisible(page: Page): Promise<void> {
  const m = await page.evaluate(() => {
    const details = document.querySelector('.verdict-details') as HTMLElement;
    const note = document.querySelector('[data-testid="passport-note"]') as HTMLElement;
    return {
      scroll: details.scrollHeight - details.clientHeight,
      noteBottom: note.getBoundingClientRect().bottom,
      viewport: window.innerHeight,
      width: window.innerWidth,
    };
  });
  assert.equal(m.width, 1280, 'the kiosk viewport of these screenshots');
  assert.ok(m.scroll <= 1, `the verdict details need no scrolling (${m.scroll} px more than shown)`);
  assert.ok(m.noteBottom <= m.viewport, `the tax-free note ends inside the screen (${m.noteBottom} > ${m.viewport})`);
}
