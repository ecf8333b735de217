// The licence and residence card screens end to end (Chromium against the headless host, training
// cards read by the REAL core readers in memory): PIN 1 / PIN 2 prompts, the card-number keyboard
// with letters, the amber 'unverified' screen with the staff confirmation (audited as its own row),
// the residence card front image for staff to read. Screenshots (ja) in test-results/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumUnavailable, present, typeDigits, withKiosk, type E2E } from './support.ts';

const skip = chromiumUnavailable() ?? false;

async function typeCardNumber(e: E2E, n: string): Promise<void> {
  for (const c of n) await e.page.click(`[data-testid="card-number-keyboard"] [data-key="${c}"]`);
}

test(
  'licence identity: PIN 1 and PIN 2 prompts, green verdict with name, address, number, photo',
  { skip },
  async () => {
    await withKiosk({ settings: { mode: 'identity' } }, async (e) => {
      await present(e.page, 'licence-ok');
      await e.page.waitForSelector('[data-testid="input"][data-kind="licence-pin1"]');
      await e.shot('licence-01-pin1-ja');
      await typeDigits(e.page, '1234');
      await e.page.waitForSelector('[data-testid="input"][data-kind="licence-pin2"]');
      await typeDigits(e.page, '5678');
      await e.page.waitForSelector('[data-testid="verdict"]');
      assert.equal(await e.page.getAttribute('[data-testid="verdict"]', 'data-verdict'), 'valid');
      assert.equal(await e.page.getAttribute('[data-testid="verdict"]', 'data-document'), 'driving-licence');
      const body = await e.page.locator('[data-testid="attributes"]').innerText();
      assert.match(body, /確認\u3000花子/); // the card's ideographic space between family and given name
      assert.match(body, /123456789012/);
      assert.ok(!body.includes('本籍'), '本籍 is never on screen');
      assert.equal(await e.page.locator('[data-testid="photo"]').count(), 1);
      await e.shot('licence-02-identity-verdict-ja');
      assert.deepEqual(
        e.audit!.entries.map((x) => [x.outcome, x.credentialType, x.docType]),
        [['valid', 'driving-licence', 'jp.driving-licence.gen1']],
      );
      assert.ok(!JSON.stringify(e.audit!.entries).includes('確認'), 'no attribute value in the audit');
    });
  },
);

test(
  'licence without the NPA signer installed: amber unverified screen, staff confirm, both rows audited',
  { skip },
  async () => {
    await withKiosk({ settings: { mode: 'identity' } }, async (e) => {
      await present(e.page, 'licence-unverified');
      await e.page.waitForSelector('[data-kind="licence-pin1"]');
      await typeDigits(e.page, '1234');
      await e.page.waitForSelector('[data-kind="licence-pin2"]');
      await typeDigits(e.page, '5678');
      await e.page.waitForSelector('[data-testid="verdict"][data-verdict="unverified"]');
      assert.equal(await e.page.locator('[data-testid="mark-unverified"]').count(), 1);
      assert.match(await e.page.locator('[data-testid="staff-confirm"]').innerText(), /警察庁の署名用証明書が未登録/);
      await e.shot('licence-03-unverified-pending-ja');
      assert.equal(e.audit!.entries.length, 1);
      assert.equal(e.audit!.entries[0]!.outcome, 'unverified');
      await e.page.click('[data-testid="staff-confirm-yes"]');
      await e.page.waitForSelector('[data-testid="staff-confirm"][data-state="confirmed"]');
      await e.shot('licence-04-unverified-staff-confirmed-ja');
      assert.deepEqual(
        e.audit!.entries.map((x) => x.outcome),
        ['unverified', 'staff-confirmed'],
      );
      assert.equal(e.audit!.entries[1]!.credentialType, 'driving-licence');
      assert.equal(
        await e.page.locator('[data-testid="staff-confirm-yes"]').count(),
        0,
        'one confirmation per transaction',
      );
    });
  },
);

test(
  'residence card 1st generation: card-number keyboard (letters checked), front image for staff, unverified',
  { skip },
  async () => {
    await withKiosk({ settings: { mode: 'identity' } }, async (e) => {
      await present(e.page, 'residence-card-gen1');
      await e.page.waitForSelector('[data-testid="input"][data-kind="card-number"]');
      // A digit in a letter position is not accepted: the keys for digits are disabled there.
      assert.equal(await e.page.locator('[data-testid="card-number-keyboard"] [data-key="1"]').isDisabled(), true);
      await typeCardNumber(e, 'AB1234');
      await e.shot('residence-01-card-number-keyboard-ja');
      assert.equal(await e.page.locator('[data-testid="card-number-keyboard"] [data-key="ok"]').isDisabled(), true);
      await typeCardNumber(e, '5678CD');
      await e.page.click('[data-testid="card-number-keyboard"] [data-key="ok"]');
      await e.page.waitForSelector('[data-testid="verdict"][data-verdict="unverified"]');
      assert.equal(await e.page.locator('[data-testid="front-image"] img').count(), 1);
      const nat = await e.page
        .locator('[data-testid="front-image"] img')
        .evaluate((img) => (img as HTMLImageElement).naturalWidth);
      assert.equal(nat, 640, 'the decoded G4 front image is shown at its size');
      await e.shot('residence-02-gen1-front-image-ja');
      assert.equal(e.audit!.entries[0]!.outcome, 'unverified');
      assert.equal(e.audit!.entries[0]!.docType, 'jp.residence-card.gen1');
      assert.ok(!JSON.stringify(e.audit!.entries).includes('AB12345678CD'), 'the card number is never audited');
    });
  },
);

test(
  'residence card 2nd generation: a wrong number asks again; valid with the name image and text entries',
  { skip },
  async () => {
    await withKiosk({ settings: { mode: 'identity' } }, async (e) => {
      await present(e.page, 'residence-card-gen2');
      await e.page.waitForSelector('[data-kind="card-number"]');
      await typeCardNumber(e, 'AB12345678CE');
      await e.page.click('[data-testid="card-number-keyboard"] [data-key="ok"]');
      await e.page.waitForSelector('[data-testid="input-wrong"]');
      await typeCardNumber(e, 'AB12345678CD');
      await e.page.click('[data-testid="card-number-keyboard"] [data-key="ok"]');
      await e.page.waitForSelector('[data-testid="verdict"][data-verdict="valid"]');
      assert.equal(await e.page.locator('[data-testid="name-image"]').count(), 1);
      assert.match(await e.page.locator('[data-testid="attributes"]').innerText(), /PHL/);
      await e.shot('residence-03-gen2-identity-ja');
    });
  },
);

test(
  'マイナ免許証 read as a licence: licence PIN prompt, amber unverified with the expiry and the undecoded items, staff confirm',
  { skip },
  async () => {
    await withKiosk({ settings: { mode: 'identity', mynaLicence: 'driving-licence' } }, async (e) => {
      await present(e.page, 'myna-licence');
      await e.page.waitForSelector('[data-testid="input"][data-kind="myna-licence-pin"]');
      assert.match(await e.page.locator('[data-testid="input"]').innerText(), /マイナ免許証の暗証番号/);
      await e.shot('myna-licence-01-pin-ja');
      await typeDigits(e.page, '2580');
      await e.page.waitForSelector('[data-testid="verdict"][data-verdict="unverified"]');
      assert.equal(await e.page.getAttribute('[data-testid="verdict"]', 'data-document'), 'driving-licence');
      const body = await e.page.locator('[data-testid="attributes"]').innerText();
      assert.match(body, /2029-05-01/);
      assert.match(body, /5F40 \(1868 B\)/);
      assert.match(
        await e.page.locator('[data-testid="staff-confirm"]').innerText(),
        /マイナ免許証：ICチップの免許情報は署名の形式が公開されていない/,
      );
      assert.equal(await e.page.locator('[data-testid="photo"]').count(), 0, 'no photo is decoded from the licence AP');
      await e.shot('myna-licence-02-unverified-verdict-ja');
      await e.page.click('[data-testid="staff-confirm-yes"]');
      await e.page.waitForSelector('[data-testid="staff-confirm"][data-state="confirmed"]');
      assert.deepEqual(
        e.audit!.entries.map((x) => [x.outcome, x.docType]),
        [
          ['unverified', 'jp.driving-licence.mynumber-card'],
          ['staff-confirmed', 'jp.driving-licence.mynumber-card'],
        ],
      );
    });
  },
);
