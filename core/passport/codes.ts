// Every way a passport read can stop, and every check it reports, with the words staff and holders
// see (Japanese first, English). Codes are stable: the CLI's errors[] / checks[] and the audit log
// carry them. Messages never contain personal data. As for the My Number Card (core/card/codes.ts):
// an error means the read could not finish; a failed check means what was read is not trustworthy.
import { CARD_ERRORS, CardError, type CardErrorReport } from '../card/codes.ts';
import { checkMaker, type Check } from '../check.ts';
import { errorText } from '../errors.ts';

export const PASSPORT_ERRORS = {
  mrz_format: {
    ja: '旅券番号・生年月日・有効期限の入力に誤りがあります（チェックデジットが一致しません）。',
    en: 'The document number, birth date or expiry as entered is not valid (a check digit does not match).',
    nextJa: '旅券の顔写真ページの下2行（MRZ）と見比べて入力し直してください。',
    nextEn: 'Compare with the two lines at the bottom of the photo page (MRZ) and enter them again.',
  },
  can_format: {
    ja: 'カードアクセス番号（CAN）は6桁の数字です。',
    en: 'The card access number (CAN) is 6 digits.',
    nextJa: '券面のCANを確認して入力し直してください。',
    nextEn: 'Check the CAN on the document and enter it again.',
  },
  access_denied: {
    ja: 'ICチップが入力された番号を受け付けませんでした（旅券番号・生年月日・有効期限のいずれかが違います）。',
    en: 'The chip did not accept the access key (document number, birth date or expiry does not match this document).',
    nextJa: '入力を確認してください。自動で再試行はしません。',
    nextEn: 'Check the entry; the kiosk never retries on its own.',
  },
  rate_limited: {
    ja: '誤った入力が続いたため、しばらく読み取りを停止しています。',
    en: 'Too many wrong access keys in a row: reading is paused for a moment.',
    nextJa: '1分ほど待ってから、入力を確認してもう一度お試しください。',
    nextEn: 'Wait about a minute, check the entry, and try again.',
  },
  not_a_passport: {
    ja: 'IC旅券（ICAO 9303）ではないか、対応していない書類です。',
    en: 'Not an ICAO 9303 electronic passport, or a document this kiosk does not support.',
    nextJa: '別の本人確認書類をご利用ください。',
    nextEn: 'Use another identity document.',
  },
  access_unsupported: {
    ja: 'この旅券のアクセス方式（PACE）には対応していません。',
    en: 'This document offers only an access protocol the kiosk does not support.',
    nextJa: '別の本人確認書類をご利用ください。',
    nextEn: 'Use another identity document.',
  },
  secure_messaging: {
    ja: 'ICチップとの暗号通信の検証に失敗しました。',
    en: 'Secure messaging with the chip failed its integrity check.',
    nextJa: '旅券を置き直してください。続く場合は別の書類をご利用ください。',
    nextEn: 'Place the passport again; if it keeps happening, use another document.',
  },
  file_missing: {
    ja: 'ICチップに必要なデータ（DG1 / EF.SOD）がありません。',
    en: 'A required file (DG1 or EF.SOD) is missing on the chip.',
    nextJa: '別の本人確認書類をご利用ください。',
    nextEn: 'Use another identity document.',
  },
  command_refused: {
    ja: 'この端末が旅券に送らない命令を止めました（書き込み・指紋データの読み取りなど）。',
    en: 'Refused a command this kiosk never sends to a passport (writing, reading fingerprints, ...).',
    nextJa: '管理者に連絡してください。',
    nextEn: 'Call the administrator.',
  },
  malformed_data: {
    ja: 'ICチップのデータ形式が不正です。',
    en: 'The chip returned malformed data.',
    nextJa: '別の本人確認書類をご利用ください。',
    nextEn: 'Use another identity document.',
  },
} as const;

export type PassportErrorCode = keyof typeof PASSPORT_ERRORS;

export class PassportError extends Error {
  override readonly name = 'PassportError';
  constructor(
    readonly code: PassportErrorCode,
    /** English detail for logs; never personal data. */
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

/** One report shape for the passport's own errors and the transport's (pcscd, card removed, ...). */
export function reportPassportError(e: unknown): CardErrorReport {
  if (e instanceof PassportError) {
    const m = PASSPORT_ERRORS[e.code];
    // The card layer's report type names the card codes; passport codes travel in the same shape.
    const r = {
      code: e.code,
      messageJa: m.ja,
      messageEn: m.en,
      nextJa: m.nextJa,
      nextEn: m.nextEn,
    } as unknown as CardErrorReport;
    if (e.detail) r.detail = e.detail;
    return r;
  }
  const ce = e instanceof CardError ? e : new CardError('transport_error', errorText(e));
  const m = CARD_ERRORS[ce.code];
  const r: CardErrorReport = { code: ce.code, messageJa: m.ja, messageEn: m.en, nextJa: m.nextJa, nextEn: m.nextEn };
  if (ce.detail) r.detail = ce.detail;
  return r;
}

/** Check codes with what each proves; the staff screen shows the Japanese. */
export const PASSPORT_CHECKS = {
  'passport.access': {
    ja: 'ICチップへのアクセス（BAC / PACE）',
    en: 'the chip accepted the access key and secure messaging verified every response',
  },
  'passport.mrz_check_digits': { ja: 'MRZのチェックデジット', en: 'every check digit of the MRZ in DG1 is correct' },
  'passport.mrz_matches_entry': {
    ja: '入力したMRZとICの一致',
    en: 'DG1 has the document number, birth date and expiry used to open the chip',
  },
  'passport.sod_signature': {
    ja: '文書署名者（DS）の署名',
    en: 'the SOD signature over its signed attributes verifies with the Document Signer key',
  },
  'passport.sod_message_digest': {
    ja: 'SODの署名対象ハッシュ',
    en: 'the messageDigest attribute equals the hash of the LDS Security Object',
  },
  'passport.csca_known': {
    ja: '発行国のCSCA（信頼の起点）',
    en: 'a CSCA of the issuing state is installed (without one the read ends unverified: staff confirm)',
  },
  'passport.ds_chain': {
    ja: 'DS証明書とCSCAの連鎖',
    en: 'the Document Signer certificate is signed by a trusted CSCA of the issuing state',
  },
  'passport.ds_validity': {
    ja: 'DS証明書の有効期間',
    en: 'the Document Signer certificate is valid at the time of the check and its key was in use when the SOD was signed',
  },
  'passport.csca_validity': {
    ja: 'CSCA証明書の有効期間',
    en: 'the CSCA certificate is valid at the time of the check',
  },
  'passport.country_consistency': {
    ja: '発行国コードの一致',
    en: 'the issuing state agrees between DG1, the DS certificate and the CSCA',
  },
  'passport.dg1_hash': { ja: 'DG1（MRZ）のハッシュ一致', en: 'the hash of DG1 equals the one in the SOD' },
  'passport.dg2_hash': { ja: 'DG2（顔写真）のハッシュ一致', en: 'the hash of DG2 equals the one in the SOD' },
  'passport.dg14_hash': { ja: 'DG14のハッシュ一致', en: 'the hash of DG14 equals the one in the SOD' },
  'passport.dg15_hash': { ja: 'DG15のハッシュ一致', en: 'the hash of DG15 equals the one in the SOD' },
  'passport.chip_authenticity': {
    ja: 'ICチップの真正性（CA / AA）',
    en: 'the chip proved it holds the private key vouched for by the SOD (Chip or Active Authentication over a fresh nonce)',
  },
  'passport.expiry': { ja: '旅券の有効期限', en: 'the document has not expired at the time of the check' },
  'passport.photo_decodes': { ja: '顔写真の表示', en: 'the DG2 face image (JPEG or JPEG 2000) decodes' },
  'policy.age_over_20': { ja: '20歳以上', en: 'the holder is 20 or over at the time of the check' },
} as const satisfies Record<string, { ja: string; en: string }>;

export type PassportCheckCode = keyof typeof PASSPORT_CHECKS;
export type PassportCheck = Check<PassportCheckCode>;
export const { pass: passCheck, fail: failCheck } = checkMaker<PassportCheckCode>();
