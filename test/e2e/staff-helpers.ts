// Shared by the staff-area browser tests (staff-setup, staff-dashboard, staff-audit .e2e.test.ts).
import type { E2E } from './support.ts';
import { typeDigits, STAFF_PIN } from './support.ts';

/** A seeded kiosk's clock: today at 15:30 local, so "today" has a morning and lunch behind it. */
const d = new Date();
export const AFTERNOON = new Date(d.getFullYear(), d.getMonth(), d.getDate(), 15, 30);
export const atAfternoon = { now: () => AFTERNOON };
export const SEED = 3000;

export async function openStaff(e: E2E): Promise<void> {
  await e.page.click('[data-testid="staff-button"]');
  await typeDigits(e.page, STAFF_PIN);
  await e.page.waitForSelector('[data-testid="staff-area"]');
}

export async function setLang(e: E2E, lang: 'ja' | 'en'): Promise<void> {
  await e.kiosk.host.setLang(lang);
  await e.page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

/** Nothing on the page may come from outside the kiosk (no CDN): every request goes to the host. */
export function sameOriginOnly(e: E2E): string[] {
  const foreign: string[] = [];
  e.page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && u.protocol !== 'data:' && u.protocol !== 'blob:')
      foreign.push(r.url());
  });
  return foreign;
}
