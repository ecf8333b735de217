// Age on a given day, the Japanese way (年齢計算ニ関スル法律 with 民法 §143): age counts from the day
// of birth and a year completes at the end of the day before the anniversary, so a holder is N on the
// anniversary itself. A holder born on 29 February has no anniversary in a common year; the year then
// completes at the end of 28 February, so they are N from 1 March. The day is the calendar day in
// Japan (UTC+9, no daylight saving), whatever the kiosk's own zone.
import type { YMD } from './check-number-b.ts';
import { isLeap } from './check-number-b.ts';

export function japanDate(at: Date): YMD {
  const t = new Date(at.getTime() + 9 * 3600_000);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The calendar date in Japan at `at`, as YYYY-MM-DD (compared with card expiry dates as strings). */
export function japanIsoDate(at: Date): string {
  const d = japanDate(at);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** The first day on which someone born on `birth` is `years` old. */
export function dayAgeReached(birth: YMD, years: number): YMD {
  const y = birth.year + years;
  if (birth.month === 2 && birth.day === 29 && !isLeap(y)) return { year: y, month: 3, day: 1 };
  return { year: y, month: birth.month, day: birth.day };
}

const key = (d: YMD) => d.year * 10000 + d.month * 100 + d.day;

export function isAtLeast(birth: YMD, years: number, at: Date): boolean {
  return key(japanDate(at)) >= key(dayAgeReached(birth, years));
}
