// The machine readable zone (ICAO Doc 9303-3 §4.9 check digits; Doc 9303-4 TD3, 9303-5 TD1,
// 9303-6 TD2 layouts) and the BAC/PACE password built from it (Doc 9303-11 §4.3.1, §9.7.3).
//
// Staff type three fields (document number, birth date, expiry) or scan line 2; the check digits are
// computed and shown before any APDU, so a typo is caught at the counter rather than by the chip's
// `63 00` (a wrong key is indistinguishable from a wrong document).
import { japanDate } from '../card/age.ts';

/** 9303-3 §4.9: A-Z = 10..35, 0-9 = their value, '<' = 0. Anything else is not an MRZ character. */
export function mrzCharValue(ch: string): number | null {
  const c = ch.charCodeAt(0);
  if (ch.length !== 1) return null;
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  if (ch === '<') return 0;
  return null;
}

/** 9303-3 §4.9: weights 7, 3, 1 repeating, sum modulo 10. Null when a character is not an MRZ character. */
export function checkDigit(field: string): number | null {
  const w = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const v = mrzCharValue(field[i]!);
    if (v === null) return null;
    sum += v * w[i % 3]!;
  }
  return sum % 10;
}

/** The filler '<' as a check digit counts as 0 (9303-3 §4.9: "<" = 0). */
function cdValue(ch: string): number | null {
  if (ch === '<') return 0;
  return /^[0-9]$/.test(ch) ? Number(ch) : null;
}

export type MrzFieldName = 'document_number' | 'birth_date' | 'expiry_date' | 'optional_data' | 'composite';

export interface MrzFieldProblem {
  field: MrzFieldName;
  code: 'mrz_characters' | 'mrz_length' | 'mrz_date' | 'mrz_check_digit';
  detail: string;
  /** For check-digit problems: the digit the field computes to and the one written. */
  expected?: number;
  found?: string;
}

/**
 * The three fields that key BAC and PACE-MRZ, each with its check digit. `documentNumber` is the
 * complete number (a TD1/TD2 number longer than 9 characters continues in the optional data).
 */
export interface MrzKeyFields {
  documentNumber: string;
  /** YYMMDD. */
  birthDate: string;
  /** YYMMDD. */
  expiryDate: string;
}

export interface MrzKey extends MrzKeyFields {
  checkDigits: { documentNumber: number; birthDate: number; expiryDate: number };
  /**
   * MRZ_information (9303-11 §4.3.1, App. D.2): the 9-character document number field (padded with
   * '<'), its check digit, birth date, check digit, expiry, check digit. A longer document number
   * (App. D.2 "long document number") is written whole, followed by its check digit.
   */
  information: string;
}

const DATE = /^[0-9]{6}$/;

/** YYMMDD with a real month and day (any century: Feb 29 allowed when some century makes it valid). */
export function isMrzDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const m = Number(s.slice(2, 4));
  const d = Number(s.slice(4, 6));
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/**
 * Normalise staff input for the document number: upper case, spaces removed, trailing fillers
 * dropped (they are padding, 9303-3 §4.6). Letters and digits only, 1..22 characters.
 */
export function normaliseDocumentNumber(s: string): string {
  return s.toUpperCase().replace(/\s+/g, '').replace(/<+$/, '');
}

/**
 * Build the BAC/PACE key fields from three typed values, or say what is wrong. The check digits are
 * computed here (staff see them next to the fields: ICAO prints them on the data page, so a mismatch
 * with the printed digit shows a typo before the chip is tried).
 */
export function mrzKeyFromFields(
  f: MrzKeyFields,
): { ok: true; key: MrzKey } | { ok: false; problems: MrzFieldProblem[] } {
  const problems: MrzFieldProblem[] = [];
  const doc = normaliseDocumentNumber(f.documentNumber);
  if (doc.length === 0 || doc.length > 22)
    problems.push({
      field: 'document_number',
      code: 'mrz_length',
      detail: 'the document number has 1 to 22 letters or digits',
    });
  else if (!/^[A-Z0-9<]+$/.test(doc))
    problems.push({
      field: 'document_number',
      code: 'mrz_characters',
      detail: 'the document number has only letters A-Z and digits',
    });
  if (!isMrzDate(f.birthDate))
    problems.push({
      field: 'birth_date',
      code: 'mrz_date',
      detail: 'the birth date is YYMMDD (6 digits, a real month and day)',
    });
  if (!isMrzDate(f.expiryDate))
    problems.push({
      field: 'expiry_date',
      code: 'mrz_date',
      detail: 'the expiry date is YYMMDD (6 digits, a real month and day)',
    });
  if (problems.length) return { ok: false, problems };
  const docField = doc.length < 9 ? doc.padEnd(9, '<') : doc;
  const cds = {
    documentNumber: checkDigit(docField)!,
    birthDate: checkDigit(f.birthDate)!,
    expiryDate: checkDigit(f.expiryDate)!,
  };
  return {
    ok: true,
    key: {
      documentNumber: doc,
      birthDate: f.birthDate,
      expiryDate: f.expiryDate,
      checkDigits: cds,
      information: `${docField}${cds.documentNumber}${f.birthDate}${cds.birthDate}${f.expiryDate}${cds.expiryDate}`,
    },
  };
}

/** Compare a written check digit with the field's; a mismatch is added to `problems`. */
function checkField(problems: MrzFieldProblem[], field: MrzFieldName, data: string, cd: string): void {
  const want = checkDigit(data);
  const got = cdValue(cd);
  if (want === null || got === null || want !== got) {
    problems.push({
      field,
      code: 'mrz_check_digit',
      detail: `the check digit of the ${field.replace('_', ' ')} is ${cd}, but the field computes to ${want}`,
      ...(want !== null ? { expected: want } : {}),
      found: cd,
    });
  }
}

/**
 * Line 2 of a TD3 (44 characters, passports) or TD2 (36) MRZ, as scanned or typed: every check digit
 * is verified (document number, birth date, expiry, and for TD3 the optional data and the composite),
 * so a misread character is caught here.
 */
export function mrzKeyFromLine2(
  line: string,
): { ok: true; key: MrzKey; nationality: string; sex: string } | { ok: false; problems: MrzFieldProblem[] } {
  const l = line.trim().toUpperCase();
  if (l.length !== 44 && l.length !== 36) {
    return {
      ok: false,
      problems: [
        {
          field: 'document_number',
          code: 'mrz_length',
          detail: `MRZ line 2 has 44 characters (passport, TD3) or 36 (TD2), not ${l.length}`,
        },
      ],
    };
  }
  if (!/^[A-Z0-9<]+$/.test(l))
    return {
      ok: false,
      problems: [{ field: 'document_number', code: 'mrz_characters', detail: 'an MRZ line has only A-Z, 0-9 and <' }],
    };
  const problems: MrzFieldProblem[] = [];
  const check = (field: MrzFieldName, data: string, cd: string) => checkField(problems, field, data, cd);
  const birth = l.slice(13, 19);
  const expiry = l.slice(21, 27);
  const td3 = l.length === 44;
  const optional = td3 ? l.slice(28, 42) : l.slice(28, 35);
  // TD3 numbers have at most 9 characters; TD2 (like TD1) continue a longer one in the optional data.
  const long = td3 ? { number: l.slice(0, 9), checkDigit: l[9]! } : documentNumberField(l.slice(0, 9), l[9]!, optional);
  const doc = long.number;
  check('document_number', doc, long.checkDigit);
  if (!isMrzDate(birth))
    problems.push({ field: 'birth_date', code: 'mrz_date', detail: 'the birth date is not a valid YYMMDD date' });
  else check('birth_date', birth, l[19]!);
  if (!isMrzDate(expiry))
    problems.push({ field: 'expiry_date', code: 'mrz_date', detail: 'the expiry date is not a valid YYMMDD date' });
  else check('expiry_date', expiry, l[27]!);
  if (td3) {
    check('optional_data', optional, l[42]!);
    check('composite', l.slice(0, 10) + l.slice(13, 20) + l.slice(21, 43), l[43]!);
  } else {
    check('composite', l.slice(0, 10) + l.slice(13, 20) + l.slice(21, 35), l[35]!);
  }
  if (problems.length) return { ok: false, problems };
  const built = mrzKeyFromFields({ documentNumber: doc, birthDate: birth, expiryDate: expiry });
  if (!built.ok) return built;
  return { ok: true, key: built.key, nationality: l.slice(10, 13), sex: l[20]! };
}

/**
 * MRZ_information as the kiosk's entry screen sends it (9303-11 §4.3.1: the 9-character document
 * number field, its check digit, birth date, check digit, expiry, check digit; 24 characters), the
 * check digits typed by staff from the data page. Each is verified before the chip is tried.
 */
export function mrzKeyFromInformation(
  info: string,
): { ok: true; key: MrzKey } | { ok: false; problems: MrzFieldProblem[] } {
  if (!/^[A-Z0-9<]{9}[0-9<][0-9]{6}[0-9][0-9]{6}[0-9]$/.test(info)) {
    return {
      ok: false,
      problems: [
        {
          field: 'document_number',
          code: 'mrz_length',
          detail:
            'MRZ information is the 9-character document number, birth date and expiry, each with its check digit',
        },
      ],
    };
  }
  const problems: MrzFieldProblem[] = [];
  const [doc, birth, expiry] = [info.slice(0, 9), info.slice(10, 16), info.slice(17, 23)];
  if (doc.replace(/<+$/, '').length === 0 || doc.replace(/<+$/, '').includes('<'))
    problems.push({
      field: 'document_number',
      code: 'mrz_characters',
      detail: 'the document number has letters and digits, padded at the end with <',
    });
  else checkField(problems, 'document_number', doc, info[9]!);
  if (!isMrzDate(birth))
    problems.push({ field: 'birth_date', code: 'mrz_date', detail: 'the birth date is not a valid YYMMDD date' });
  else checkField(problems, 'birth_date', birth, info[16]!);
  if (!isMrzDate(expiry))
    problems.push({ field: 'expiry_date', code: 'mrz_date', detail: 'the expiry date is not a valid YYMMDD date' });
  else checkField(problems, 'expiry_date', expiry, info[23]!);
  if (problems.length) return { ok: false, problems };
  return mrzKeyFromFields({ documentNumber: doc, birthDate: birth, expiryDate: expiry });
}

// ---- the MRZ as stored in DG1 (9303-10 §4.7.1: tag 5F1F, TD1 90 / TD2 72 / TD3 88 characters) ----

export type MrzFormat = 'TD1' | 'TD2' | 'TD3';

export interface ParsedMrz {
  format: MrzFormat;
  /** e.g. "P<", "ID", "I<" (9303-4 §4.2.2). */
  documentCode: string;
  /** Issuing state or organisation, three letters ('D<<' for Germany). */
  issuingState: string;
  /** Primary identifier (surname), secondary identifiers (given names), fillers turned into spaces. */
  surname: string;
  givenNames: string;
  documentNumber: string;
  nationality: string;
  /** YYMMDD; a '<' stands for an unknown part (9303-3 §4.4). */
  birthDate: string;
  /** 'M', 'F' or '<' (unspecified; 9303-4 uses 'X' on the data page). */
  sex: string;
  expiryDate: string;
  optionalData: string;
  /** Every check digit of the zone, with whether it matches. */
  checkDigits: Array<{ field: MrzFieldName; ok: boolean }>;
}

/**
 * The document number and its check digit. A number longer than 9 characters (TD1 and TD2; 9303-5
 * note j, 9303-11 App. D.2) writes '<' where its check digit would be and continues in the optional
 * data: the rest of the number and then its check digit, ended by the first filler.
 */
function documentNumberField(first9: string, cd: string, optional: string): { number: string; checkDigit: string } {
  if (cd !== '<' || !/[0-9]/.test(optional)) return { number: first9, checkDigit: cd };
  const rest = optional.replace(/<.*$/, '');
  return { number: first9 + rest.slice(0, -1), checkDigit: rest.slice(-1) };
}

/** Name field: "SURNAME<<GIVEN<NAMES<<<" (9303-3 §4.6): '<<' separates the two parts, '<' is a space. */
function splitName(field: string): { surname: string; givenNames: string } {
  const trimmed = field.replace(/<+$/, '');
  const sep = trimmed.indexOf('<<');
  const part = (s: string) => s.replace(/</g, ' ').trim().replace(/ +/g, ' ');
  if (sep < 0) return { surname: part(trimmed), givenNames: '' };
  return { surname: part(trimmed.slice(0, sep)), givenNames: part(trimmed.slice(sep + 2)) };
}

type CheckDigitRecorder = (field: MrzFieldName, data: string, ch: string) => void;

/**
 * What TD3 and TD2 share: line 1 (document code, issuing state, name) and positions 1-28 of line 2
 * (document number, nationality, birth date, sex, expiry date and their check digits): 9303-4 §4.2.2
 * for TD3, 9303-6 for TD2. They differ only in line length, optional data and the long number.
 */
function twoLineFields(a: string, b: string, doc: { number: string; checkDigit: string }, cd: CheckDigitRecorder) {
  cd('document_number', doc.number, doc.checkDigit);
  cd('birth_date', b.slice(13, 19), b[19]!);
  cd('expiry_date', b.slice(21, 27), b[27]!);
  return {
    documentCode: a.slice(0, 2),
    issuingState: a.slice(2, 5),
    ...splitName(a.slice(5)),
    documentNumber: doc.number.replace(/<+$/, ''),
    nationality: b.slice(10, 13),
    birthDate: b.slice(13, 19),
    sex: b[20]!,
    expiryDate: b.slice(21, 27),
  };
}

/** Parse the DG1 MRZ text. Throws on a length or character set that is not an MRZ. */
export function parseMrz(text: string): ParsedMrz {
  if (!/^[A-Z0-9<]+$/.test(text)) throw new Error('the MRZ holds a character other than A-Z, 0-9 and <');
  const cds: ParsedMrz['checkDigits'] = [];
  const cd: CheckDigitRecorder = (field, data, ch) => {
    cds.push({ field, ok: checkDigit(data) === cdValue(ch) });
  };
  if (text.length === 88) {
    const [a, b] = [text.slice(0, 44), text.slice(44)];
    const fields = twoLineFields(a, b, { number: b.slice(0, 9), checkDigit: b[9]! }, cd);
    cd('optional_data', b.slice(28, 42), b[42]!);
    cd('composite', b.slice(0, 10) + b.slice(13, 20) + b.slice(21, 43), b[43]!);
    return { format: 'TD3', ...fields, optionalData: b.slice(28, 42), checkDigits: cds };
  }
  if (text.length === 72) {
    const [a, b] = [text.slice(0, 36), text.slice(36)];
    const optional = b.slice(28, 35);
    const fields = twoLineFields(a, b, documentNumberField(b.slice(0, 9), b[9]!, optional), cd);
    cd('composite', b.slice(0, 10) + b.slice(13, 20) + b.slice(21, 35), b[35]!);
    return { format: 'TD2', ...fields, optionalData: optional, checkDigits: cds };
  }
  if (text.length === 90) {
    const [a, b, c] = [text.slice(0, 30), text.slice(30, 60), text.slice(60)];
    const optional1 = a.slice(15, 30);
    const long = documentNumberField(a.slice(5, 14), a[14]!, optional1);
    const doc = long.number;
    cd('document_number', doc, long.checkDigit);
    cd('birth_date', b.slice(0, 6), b[6]!);
    cd('expiry_date', b.slice(8, 14), b[14]!);
    cd('composite', a.slice(5, 30) + b.slice(0, 7) + b.slice(8, 15) + b.slice(18, 29), b[29]!);
    return {
      format: 'TD1',
      documentCode: a.slice(0, 2),
      issuingState: a.slice(2, 5),
      ...splitName(c),
      documentNumber: doc.replace(/<+$/, ''),
      nationality: b.slice(15, 18),
      birthDate: b.slice(0, 6),
      sex: b[7]!,
      expiryDate: b.slice(8, 14),
      optionalData: optional1 + b.slice(18, 29),
      checkDigits: cds,
    };
  }
  throw new Error(`an MRZ has 88 (TD3), 72 (TD2) or 90 (TD1) characters, not ${text.length}`);
}

// ---- dates: the MRZ has two-digit years ----

export interface ResolvedDate {
  year: number;
  /** null when the MRZ marks it unknown ('<<'). */
  month: number | null;
  day: number | null;
  /** ISO form of what is known: YYYY-MM-DD, YYYY-MM or YYYY. */
  iso: string;
  /** Why this century (shown to staff and in the check detail). */
  why: string;
}

function ymd(year: number, mm: string, dd: string): Omit<ResolvedDate, 'why'> {
  const month = /^[0-9]{2}$/.test(mm) ? Number(mm) : null;
  const day = month !== null && /^[0-9]{2}$/.test(dd) ? Number(dd) : null;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const iso = `${year}${month !== null ? '-' + p2(month) : ''}${day !== null ? '-' + p2(day) : ''}`;
  return { year, month, day, iso };
}

/**
 * Birth date YYMMDD -> a full date. A birth date cannot lie in the future, so the century is the
 * latest that puts the date on or before the day of the check (in Japan): "640812" on 2026-11-22
 * is 1964, "100101" is 2010. A holder over 100 years old would be read a century too young: the
 * age check then says "under 20" (fails closed); staff can read the full date on the data page.
 */
export function resolveBirthDate(yymmdd: string, at: Date): ResolvedDate | null {
  if (!/^[0-9]{2}[0-9<]{4}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const mm = yymmdd.slice(2, 4);
  const dd = yymmdd.slice(4, 6);
  const t = japanDate(at);
  // Unknown month/day count as the earliest possible (a date that could be in the past is accepted).
  const m = /^[0-9]{2}$/.test(mm) ? Number(mm) : 1;
  const d = /^[0-9]{2}$/.test(dd) ? Number(dd) : 1;
  const y2000 = 2000 + yy;
  const inFuture = y2000 * 10000 + m * 100 + d > t.year * 10000 + t.month * 100 + t.day;
  const year = inFuture ? 1900 + yy : y2000;
  const r = ymd(year, mm, dd);
  return {
    ...r,
    why: inFuture
      ? `YY ${yymmdd.slice(0, 2)} read as ${year}: ${y2000} would be in the future`
      : `YY ${yymmdd.slice(0, 2)} read as ${year}: the latest century not in the future`,
  };
}

/**
 * Expiry YYMMDD -> a full date: always 20YY. Chips exist in travel documents only since 2004 (9303
 * Part 1 history; Japan from 2006), so no chip-bearing document expired in the 1900s.
 */
export function resolveExpiryDate(yymmdd: string): ResolvedDate | null {
  if (!/^[0-9]{6}$/.test(yymmdd)) return null;
  const year = 2000 + Number(yymmdd.slice(0, 2));
  return {
    ...ymd(year, yymmdd.slice(2, 4), yymmdd.slice(4, 6)),
    why: `YY ${yymmdd.slice(0, 2)} read as ${year}: chip documents exist only since 2004`,
  };
}
