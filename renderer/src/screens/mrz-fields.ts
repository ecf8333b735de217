// The passport MRZ entry's arithmetic, so staff see a typo at the counter before the chip is tried:
// the check digit of ICAO Doc 9303-3 §4.9 (weights 7 3 1, A-Z = 10..35, '<' = 0, sum mod 10) and the
// YYMMDD date test. The renderer may import only renderer/ and the API contract (architecture test),
// so this is the screen's own copy of the rule; the host re-verifies every digit with
// core/passport/mrz.ts before any APDU, and the screen's result is never trusted on its own.

export function mrzCheckDigit(field: string): number {
  const w = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += v * w[i % 3]!;
  }
  return sum % 10;
}

/** A real month and day (any century, so 29 February is allowed). */
export function isYymmdd(s: string): boolean {
  if (!/^[0-9]{6}$/.test(s)) return false;
  const m = Number(s.slice(2, 4));
  const d = Number(s.slice(4, 6));
  return m >= 1 && m <= 12 && d >= 1 && d <= [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

export type MrzSlot = 'document' | 'documentCd' | 'birth' | 'birthCd' | 'expiry' | 'expiryCd';
export const SLOTS: readonly MrzSlot[] = ['document', 'documentCd', 'birth', 'birthCd', 'expiry', 'expiryCd'];
export const SLOT_LENGTH: Record<MrzSlot, number> = {
  document: 9,
  documentCd: 1,
  birth: 6,
  birthCd: 1,
  expiry: 6,
  expiryCd: 1,
};
export type MrzValues = Record<MrzSlot, string>;
export const EMPTY: MrzValues = { document: '', documentCd: '', birth: '', birthCd: '', expiry: '', expiryCd: '' };

/** The document number field as the MRZ writes it: 9 characters, '<' after a shorter number. */
export const documentField = (v: string) => v.padEnd(9, '<');

export type RowState = 'incomplete' | 'bad-date' | 'mismatch' | 'ok';
export interface RowCheck {
  state: RowState;
  /** The check digit the field computes to, once the field is complete. */
  computed: number | null;
}

export function checkRow(field: 'document' | 'birth' | 'expiry', v: MrzValues): RowCheck {
  const value = v[field];
  const cd = v[`${field}Cd` as const];
  const complete = field === 'document' ? value.length >= 1 : value.length === 6;
  if (!complete) return { state: 'incomplete', computed: null };
  if (field !== 'document' && !isYymmdd(value)) return { state: 'bad-date', computed: null };
  const computed = mrzCheckDigit(field === 'document' ? documentField(value) : value);
  if (cd === '') return { state: 'incomplete', computed };
  return { state: Number(cd) === computed ? 'ok' : 'mismatch', computed };
}

/** MRZ_information (Doc 9303-11 §4.3.1), what the screen submits: 24 characters. */
export function mrzInformation(v: MrzValues): string {
  return `${documentField(v.document)}${v.documentCd}${v.birth}${v.birthCd}${v.expiry}${v.expiryCd}`;
}

/**
 * MRZ line 2 of a passport (TD3, 44 characters) as a scanner types it, or both lines (88): the
 * fields with the check digits written on the document (verified like typed ones). Null otherwise.
 */
export function fromScannedLine(text: string): MrzValues | null {
  const t = text.trim().toUpperCase();
  const l = t.length === 88 ? t.slice(44) : t;
  if (l.length !== 44 || !/^[A-Z0-9<]+$/.test(l)) return null;
  return {
    document: l.slice(0, 9).replace(/<+$/, ''),
    documentCd: l[9]!,
    birth: l.slice(13, 19),
    birthCd: l[19]!,
    expiry: l.slice(21, 27),
    expiryCd: l[27]!,
  };
}
