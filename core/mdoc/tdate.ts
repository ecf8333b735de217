// CBOR date types used by ISO 18013-5 (§7.2.1, §9.1.2.4): tdate = #6.0(tstr) (RFC 3339 date-time,
// RFC 8949 §3.4.1) and full-date = #6.1004(tstr) (RFC 8943). The MSO's validityInfo uses tdate;
// §9.1.2.4 asks issuers for UTC without fractional seconds, but fractional seconds and offsets are
// parsed correctly rather than refused (wallets in the field are not all strict, and a misparsed time
// is worse than an accepted one).
import { Tagged, type CborValue } from '../cbor/model.ts';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Days in a (proleptic Gregorian) month, 1-based; the same answer as new Date(Date.UTC(y, m, 0)).getUTCDate(). */
function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Decimal digits s[i, i+len) as a number, -1 if one is not a digit (module-level: no closure per call). */
function num(s: string, i: number, len: number): number {
  let v = 0;
  for (let k = i; k < i + len; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Parses an RFC 3339 date-time; returns null for anything else (including impossible dates). */
export function parseRfc3339(s: string): Date | null {
  if (typeof s !== 'string' || s.length > 40) return null;
  // Fast path for the form §9.1.2.4 asks for, "YYYY-MM-DDThh:mm:ssZ" (three per MSO).
  if (s.length === 20 && s.charCodeAt(19) === 0x5a && s.charCodeAt(10) === 0x54) {
    if (
      s.charCodeAt(4) === 0x2d &&
      s.charCodeAt(7) === 0x2d &&
      s.charCodeAt(13) === 0x3a &&
      s.charCodeAt(16) === 0x3a
    ) {
      const year = num(s, 0, 4),
        month = num(s, 5, 2),
        day = num(s, 8, 2),
        hour = num(s, 11, 2),
        min = num(s, 14, 2),
        sec = num(s, 17, 2);
      if (
        year < 100 ||
        month < 1 ||
        month > 12 ||
        day < 1 ||
        hour < 0 ||
        hour > 23 ||
        min < 0 ||
        min > 59 ||
        sec < 0 ||
        sec > 60
      )
        return null;
      if (day > daysInMonth(year, month)) return null;
      return new Date(Date.UTC(year, month - 1, day, hour, min, Math.min(sec, 59)));
    }
  }
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se, frac, tz] = m;
  const year = +y!,
    month = +mo!,
    day = +d!,
    hour = +h!,
    min = +mi!,
    sec = +se!;
  // Years below 100 are refused: Date.UTC would read them as 19xx.
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour > 23 || min > 59 || sec > 60) return null;
  const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > dim) return null;
  let ms = Date.UTC(year, month - 1, day, hour, min, Math.min(sec, 59));
  if (frac) ms += Math.floor(Number('0' + frac) * 1000);
  if (tz && tz !== 'Z' && tz !== 'z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const oh = +tz.slice(1, 3),
      om = +tz.slice(4, 6);
    if (oh > 23 || om > 59) return null;
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  return new Date(ms);
}

/** tdate (#6.0) to Date; null when it is not a tag-0 RFC 3339 string. */
export function tdateToDate(v: CborValue): Date | null {
  if (!(v instanceof Tagged) || v.tag !== 0 || typeof v.value !== 'string') return null;
  return parseRfc3339(v.value);
}

/** Date to tdate, UTC without fractional seconds (§9.1.2.4), for issuers and wallets. */
export function dateToTdate(d: Date): Tagged {
  return new Tagged(0, d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
}

/** full-date (#6.1004) for element values such as birth_date. */
export function fullDate(yyyyMmDd: string): Tagged {
  return new Tagged(1004, yyyyMmDd);
}
