// 照合番号B: birth date 6 + card expiry year 4 (Gregorian) + security code 4 (docs/card-and-mdoc-facts.md "照合番号B";
// worked example 1980-02-17, expiry 2035, code 2285 -> 55021720352285).
//
// The birth date part is observed on real cards as the Japanese-era year (YY of 昭和/平成/令和...)
// with month and day; for cards that use the Gregorian year (foreign residents' cards print Gregorian
// dates; their chip format is unconfirmed) the Gregorian two-digit year is the fallback. The choice is
// EXPLICIT (the caller says which form), never guessed and never tried in turn: a second VERIFY with
// the other form would spend a try the holder did not agree to (docs/card-and-mdoc-facts.md "PIN
// safety": never retry on its own).

export type BirthDateForm = 'era' | 'gregorian';

export interface Era {
  nameJa: string;
  nameEn: string;
  /** First day of the era, ISO date (the day the era name took effect). */
  start: string;
}

/** Eras whose holders can be alive; the year count restarts at 1 (元年) on the start day. */
export const ERAS: readonly Era[] = [
  { nameJa: '令和', nameEn: 'Reiwa', start: '2019-05-01' },
  { nameJa: '平成', nameEn: 'Heisei', start: '1989-01-08' },
  { nameJa: '昭和', nameEn: 'Showa', start: '1926-12-25' },
  { nameJa: '大正', nameEn: 'Taisho', start: '1912-07-30' },
  { nameJa: '明治', nameEn: 'Meiji', start: '1868-01-25' },
];

export interface YMD {
  year: number;
  month: number;
  day: number;
}

/** YYYY-MM-DD. */
export function isoDate(d: YMD): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function parseIsoDate(s: string): YMD | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const d = { year: +m[1]!, month: +m[2]!, day: +m[3]! };
  return isValidDate(d) ? d : null;
}

export function isValidDate(d: YMD): boolean {
  if (d.month < 1 || d.month > 12 || d.day < 1) return false;
  const dim = [31, isLeap(d.year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][d.month - 1]!;
  return d.day <= dim;
}

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const iso = (d: YMD) =>
  `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** The era a Gregorian date falls in, and its era year (元年 = 1). */
export function toEraYear(d: YMD): { era: Era; year: number } {
  const s = iso(d);
  for (const era of ERAS) {
    if (s >= era.start) return { era, year: d.year - Number(era.start.slice(0, 4)) + 1 };
  }
  throw new RangeError(`date ${s} is before the Meiji era`);
}

const two = (n: number) => String(n).padStart(2, '0');

/** The 6 birth-date digits of 照合番号B in the chosen form. */
export function birthDateDigits(birth: YMD, form: BirthDateForm): string {
  if (!isValidDate(birth)) throw new RangeError('invalid birth date');
  const yy = form === 'era' ? toEraYear(birth).year : birth.year % 100;
  if (yy > 99) throw new RangeError('era year does not fit two digits');
  return two(yy) + two(birth.month) + two(birth.day);
}

/** Build 照合番号B from what staff read off the card face. */
export function buildCheckNumberB(birth: YMD, expiryYear: number, securityCode: string, form: BirthDateForm): string {
  if (!Number.isInteger(expiryYear) || expiryYear < 2015 || expiryYear > 2099)
    throw new RangeError('expiry year out of range');
  if (!/^\d{4}$/.test(securityCode)) throw new RangeError('security code is 4 digits');
  return birthDateDigits(birth, form) + String(expiryYear) + securityCode;
}

export interface CheckNumberBParts {
  birthDigits: string;
  expiryYear: number;
  securityCode: string;
}

/**
 * Validate 14 typed digits before any of them reaches the card, so a typo that cannot be right
 * (month 13, expiry year 1999) costs no try. Returns null when the digits cannot be a 照合番号B.
 */
export function parseCheckNumberB(s: string): CheckNumberBParts | null {
  if (!/^\d{14}$/.test(s)) return null;
  const mm = +s.slice(2, 4);
  const dd = +s.slice(4, 6);
  const expiryYear = +s.slice(6, 10);
  if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return null;
  // The card appeared in 2016 (first expiries 2021 for under-20s' 5-year cards; 2015 kept as floor).
  if (expiryYear < 2015 || expiryYear > 2099) return null;
  return { birthDigits: s.slice(0, 6), expiryYear, securityCode: s.slice(10) };
}

/**
 * The card-face AP's birth-date key: 6 digits YYMMDD in the card's form (era year on the cards seen so
 * far). Checked before any APDU so a typo that cannot be a date costs no try. Null when it cannot be.
 */
export function parseBirthDateKey(s: string): { yy: number; month: number; day: number } | null {
  if (!/^\d{6}$/.test(s)) return null;
  const month = +s.slice(2, 4);
  const day = +s.slice(4, 6);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { yy: +s.slice(0, 2), month, day };
}

/**
 * A Gregorian birth date typed as YYYY-MM-DD, converted to the era form the card's birth-date key
 * uses (1980-02-17 -> 550217). Null for an impossible date or one before the Meiji era.
 */
export function eraDigitsFromIso(s: string): string | null {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? parseIsoDate(s) : null;
  if (!d) return null;
  try {
    return birthDateDigits(d, 'era');
  } catch {
    return null;
  }
}

/** ASCII bytes as VERIFY sends them (docs/card-and-mdoc-facts.md "Commands": the digits as ASCII). */
export function asciiDigits(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
