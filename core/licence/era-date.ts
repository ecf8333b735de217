// Licence dates: 7 characters E YY MM DD, E the era (1 明治, 2 大正, 3 昭和, 4 平成, 5 令和), year =
// era base + YY - 1. A category the holder does not have is stored as era + 000000 (null here).
// MF/EF01 dates are packed BCD YYYYMMDD, Gregorian.
import { CardError } from '../card/codes.ts';

const ERA_BASE: Record<string, number> = { '1': 1868, '2': 1912, '3': 1926, '4': 1989, '5': 2019 };

function iso(y: number, m: number, d: number, where: string): string {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d)
    throw new CardError('malformed_tlv', `${where}: not a calendar date`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function eraDate(s: string, where: string): string | null {
  const m = /^([1-5])(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) throw new CardError('malformed_tlv', `${where}: not an era date`);
  if (m[2] === '00' && m[3] === '00' && m[4] === '00') return null;
  return iso(ERA_BASE[m[1]!]! + Number(m[2]) - 1, Number(m[3]), Number(m[4]), where);
}

export function bcdDate(b: Uint8Array, where: string): string {
  let s = '';
  for (const x of b) {
    if (x >> 4 > 9 || (x & 15) > 9) throw new CardError('malformed_tlv', `${where}: not BCD`);
    s += `${x >> 4}${x & 15}`;
  }
  return iso(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)), where);
}

/** Full-width digits (JIS X 0208 row 3, 23 30 - 23 39) as ASCII, for change-entry dates. */
export function fullWidthDigits(b: Uint8Array): string | null {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) {
    if (b[i] !== 0x23 || b[i + 1]! < 0x30 || b[i + 1]! > 0x39) return null;
    s += String.fromCharCode(b[i + 1]!);
  }
  return s;
}
