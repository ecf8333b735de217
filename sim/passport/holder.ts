// Test passport holders (TEST ONLY, fictitious people). The MRZ is built from these fields with the
// check digits of ICAO Doc 9303-3 §4.9 (computed here from the weights, not by core/passport/mrz.ts,
// so the simulator does not borrow the reader's arithmetic).
import type { TestState } from '../pki/icao-pki.ts';

export interface PassportHolder {
  /** Three-letter issuing state as in the MRZ ("JPN", "D" for Germany). */
  issuingState: string;
  nationality: string;
  surname: string;
  givenNames: string;
  documentNumber: string;
  /** YYMMDD */
  birthDate: string;
  sex: 'M' | 'F' | '<';
  /** YYMMDD */
  expiryDate: string;
  optionalData: string;
  /** Whose CSCA signs this document's Document Signer. */
  cscaState: TestState;
}

export const TEST_HOLDER: PassportHolder = {
  issuingState: 'JPN',
  nationality: 'JPN',
  surname: 'KAKUNIN',
  givenNames: 'HANAKO',
  documentNumber: 'TK1234567',
  birthDate: '900401',
  sex: 'F',
  expiryDate: '310401',
  optionalData: '',
  cscaState: 'JP',
};

export const HOLDER_PRESETS: Record<string, Partial<PassportHolder>> = {
  /** A 16-year-old (age check fails). */
  minor: { givenNames: 'JIRO', birthDate: '100501', sex: 'M', documentNumber: 'TK7654321' },
  /** A German passport ("D" in the MRZ; its CSCA is trusted directly through DIR/csca). */
  germany: {
    issuingState: 'D',
    nationality: 'D',
    surname: 'MUSTERMANN',
    givenNames: 'ERIKA',
    documentNumber: 'C01X00T47',
    birthDate: '830812',
    sex: 'F',
    expiryDate: '320131',
    cscaState: 'DE',
  },
  /** A French passport: no CSCA of France is trusted, so the read ends `unverified`. */
  france: {
    issuingState: 'FRA',
    nationality: 'FRA',
    surname: 'MARTIN',
    givenNames: 'CLAIRE',
    documentNumber: '22AB12345',
    birthDate: '870723',
    sex: 'F',
    expiryDate: '330301',
    cscaState: 'FR',
  },
  /** An expired passport. */
  expired: { documentNumber: 'TK1111111', expiryDate: '250301' },
};

/** Doc 9303-3 §4.9: weights 7 3 1, '<' = 0, A-Z = 10-35. */
export function mrzCheckDigit(s: string): string {
  const w = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const v = c === '<' ? 0 : c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55;
    sum += v * w[i % 3]!;
  }
  return String(sum % 10);
}

const pad = (s: string, n: number) => (s + '<'.repeat(n)).slice(0, n);

/** The two 44-character lines of a TD3 MRZ (Doc 9303-4 §4.2.2). */
export function td3(h: PassportHolder): [string, string] {
  const name = pad(`${h.surname.replace(/ /g, '<')}<<${h.givenNames.replace(/ /g, '<')}`, 39);
  const line1 = `P<${pad(h.issuingState, 3)}${name}`;
  const doc = pad(h.documentNumber, 9);
  const opt = pad(h.optionalData, 14);
  const optCd = h.optionalData ? mrzCheckDigit(opt) : '<';
  const body = `${doc}${mrzCheckDigit(doc)}${pad(h.nationality, 3)}${h.birthDate}${mrzCheckDigit(h.birthDate)}${h.sex}${h.expiryDate}${mrzCheckDigit(h.expiryDate)}${opt}${optCd}`;
  const composite = mrzCheckDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
  return [line1, body + composite];
}

/** MRZ_information of Doc 9303-11 §4.3.1 (document number padded to 9, each field with its digit). */
export function mrzInformation(h: PassportHolder): string {
  const doc = pad(h.documentNumber, 9);
  return `${doc}${mrzCheckDigit(doc)}${h.birthDate}${mrzCheckDigit(h.birthDate)}${h.expiryDate}${mrzCheckDigit(h.expiryDate)}`;
}
