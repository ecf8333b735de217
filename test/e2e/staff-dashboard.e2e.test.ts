// The day at a glance in Chromium over a seeded log of a few thousand demo transactions, at
// 1280x800 and 1920x1080, in ja and en: the figures equal the host's own count of the log; the
// chart is bundled (no request leaves the kiosk). Its render time is an `npm run bench` row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dashboard } from '../../main/host/dashboard.ts';
import { chromiumUnavailable, startE2E } from './support.ts';
import { AFTERNOON, atAfternoon, openStaff, sameOriginOnly, SEED, setLang } from './staff-helpers.ts';

const skip = chromiumUnavailable() ?? false;

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]) {
  const size = `${viewport.width}x${viewport.height}`;
  test(
    `day at a glance (${size}): ${SEED} seeded demo transactions; figures equal the host's own count of the log; 7 and 30 days; bundled chart, no network`,
    { skip },
    async () => {
      const e = await startE2E({ seedAudit: SEED, viewport, kiosk: atAfternoon });
      const foreign = sameOriginOnly(e);
      try {
        await openStaff(e);
        await e.page.waitForSelector('[data-testid="dash-chart"][data-rendered="1"]');
        assert.equal(await e.page.locator('[data-tab="dashboard"][aria-selected="true"]').count(), 1, 'the first tab');
        const audit = e.kiosk.host.opts.audit;
        const expect = dashboard(
          audit,
          { range: 'today' },
          { now: AFTERNOON, utcOffsetMinutes: -AFTERNOON.getTimezoneOffset(), includeTraining: true },
        );
        assert.ok(expect.total > 40, `a busy day so far (${expect.total})`);
        assert.equal(await e.page.locator('[data-testid="dash-total"] strong').innerText(), String(expect.total));
        const shown = await e.page
          .locator('[data-testid="dash-outcomes"] [data-outcome="valid"] .share-num')
          .innerText();
        assert.match(shown, new RegExp(`^${expect.outcomes.valid} `));
        assert.equal(await e.page.locator('[data-testid="dash-failures"] li').count(), expect.topFailures.length);
        assert.equal(await e.page.locator('[data-testid="dash-chart"] canvas').count(), 1);
        await e.shot(`40-dashboard-today-ja-${size}`);
        await e.page.click('[data-testid="dash-range"] [data-value="30d"]');
        await e.page.waitForFunction(
          () =>
            document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-range') === '30d' &&
            window.__kakuninDashboard?.range === '30d',
        );
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
    },
  );
}
