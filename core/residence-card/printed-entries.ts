// 2nd-generation DF1/EF02 券面記載事項 (第２世代在留カード等仕様書 §3.3.4): UTF-8 text values.
//   C5 card expiry YYYYMMDD, C6 birth date YYYYMMDD, C7 sex 1/2/3, C8 nationality/region (3 letters),
//   C9 status of residence code, CE period of stay (YYMM years+months, DDD days, 0000 indefinite),
//   CA permission type, CB permission date, CC work restriction (1/2/4/9), CD end of the period of stay.
// A special permanent resident certificate (type 06) has fewer entries; absent ones stay null.
import { CardError } from '../card/codes.ts';
import { walkTlvs, optional, type CardTlv } from '../document/card-tlv.ts';

export interface PrintedEntries {
  tlvs: CardTlv[];
  expiry: string | null;
  birthDate: string | null;
  sex: 'male' | 'female' | 'not_applicable' | null;
  nationality: string | null;
  status: string | null;
  periodOfStay: string | null;
  workRestriction: string | null;
  periodEnd: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(t: CardTlv | null, where: string): string | null {
  if (!t) return null;
  try {
    return utf8.decode(t.value);
  } catch {
    throw new CardError('malformed_tlv', `${where}: not UTF-8`);
  }
}

/** YYYYMMDD -> YYYY-MM-DD with a real calendar date, else malformed_tlv. */
export function isoFromYmd(s: string | null, where: string): string | null {
  if (s === null) return null;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) throw new CardError('malformed_tlv', `${where}: not YYYYMMDD`);
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  if (d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!)
    throw new CardError('malformed_tlv', `${where}: not a calendar date`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

const WORK: Record<string, string> = { '1': 'none', '2': 'status-based', '4': 'designated', '9': 'not-permitted' };
const SEX: Record<string, PrintedEntries['sex']> = { '1': 'male', '2': 'female', '3': 'not_applicable' };

/** CE as an ISO 8601 duration: YYMM -> PnYnM, DDD -> PnD, 0000 -> "indefinite". */
export function periodOfStay(ce: string | null): string | null {
  if (ce === null) return null;
  if (ce === '0000') return 'indefinite';
  if (/^\d{4}$/.test(ce)) {
    const y = +ce.slice(0, 2);
    const m = +ce.slice(2);
    return `P${y ? `${y}Y` : ''}${m || !y ? `${m}M` : ''}`;
  }
  if (/^\d{3}$/.test(ce)) return `P${+ce}D`;
  throw new CardError('malformed_tlv', 'DF1/EF02 CE: not YYMM or DDD');
}

export function parsePrintedEntries(file: Uint8Array): PrintedEntries {
  const tlvs = walkTlvs(file, 0x00, 'DF1/EF02');
  const get = (tag: number) => text(optional(tlvs, tag, 'DF1/EF02'), `DF1/EF02 ${tag.toString(16).toUpperCase()}`);
  const sex = get(0xc7);
  const work = get(0xcc);
  return {
    tlvs,
    expiry: isoFromYmd(get(0xc5), 'C5'),
    birthDate: isoFromYmd(get(0xc6), 'C6'),
    sex: sex === null ? null : (SEX[sex] ?? null),
    nationality: get(0xc8),
    status: get(0xc9),
    periodOfStay: periodOfStay(get(0xce)),
    workRestriction: work === null ? null : (WORK[work] ?? `code-${work}`),
    periodEnd: isoFromYmd(get(0xcd), 'CD'),
  };
}
