// Every way a card read can stop, with the words staff and holders see (Japanese first, English).
// Codes are stable (the CLI's errors[] and the audit log carry them); messages never contain
// personal data. Verification failures are checks (core/card/verify.ts), not errors: an error means
// the read could not finish, a failed check means what was read is not trustworthy.
import { checkMaker, type Check } from '../check.ts';
import type { LinkErrors, LinkFailure } from '../apdu-link.ts';

import { DOCUMENT_ERRORS } from '../document/codes.ts';

export const CARD_ERRORS = {
  pcsc_unavailable: {
    ja: 'カードリーダーのサービス（pcscd）に接続できません。',
    en: 'Cannot reach the smart-card service (pcscd).',
    nextJa: '端末を再起動するか、管理者に連絡してください。',
    nextEn: 'Restart the kiosk or call the administrator.',
  },
  // pcscd went away while the kiosk was using it (killed, crashed or restarted, e.g. after a USB
  // reader was yanked): every handle of the old daemon is void; a new context is needed once it is back.
  pcsc_service_stopped: {
    ja: 'カードリーダーのサービス（pcscd）が停止しました。読み取りは完了していません。',
    en: 'The smart-card service (pcscd) stopped; the read did not finish.',
    nextJa: 'サービスが再開したら、カードを置き直してください。続く場合は管理者に連絡してください。',
    nextEn: 'Place the card again once the service is back; if this keeps happening, call the administrator.',
  },
  no_reader: {
    ja: 'カードリーダーが接続されていません。',
    en: 'No card reader is connected.',
    nextJa: 'リーダーを接続してください。',
    nextEn: 'Connect a reader.',
  },
  reader_not_found: {
    ja: '指定されたカードリーダーが見つかりません。',
    en: 'The named reader was not found.',
    nextJa: 'リーダー名を確認してください。',
    nextEn: 'Check the reader name.',
  },
  reader_removed: {
    ja: 'カードリーダーが取り外されました。',
    en: 'The reader was unplugged.',
    nextJa: 'リーダーを接続し直してください。',
    nextEn: 'Plug the reader back in.',
  },
  card_absent: {
    ja: 'カードが置かれていません。',
    en: 'No card on the reader.',
    nextJa: 'カードをリーダーに置いてください。',
    nextEn: 'Place the card on the reader.',
  },
  card_removed: {
    ja: '読み取り中にカードが離れました。',
    en: 'The card was removed during the read.',
    nextJa: 'カードを置き直して、もう一度お試しください。',
    nextEn: 'Place the card again and retry.',
  },
  timeout: {
    ja: 'カードの応答がありません。',
    en: 'The card did not answer in time.',
    nextJa: 'カードを置き直してください。',
    nextEn: 'Place the card again.',
  },
  not_my_number_card: {
    ja: 'マイナンバーカードではないか、対応していない世代のカードです。',
    en: 'Not a My Number Card, or a card generation this kiosk does not support.',
    nextJa: '別の本人確認書類をご利用ください。',
    nextEn: 'Use another identity document.',
  },
  my_number_guard: {
    ja: '個人番号や照合番号Aに関わる操作は行いません（番号法）。', // the refusal text shown to staff
    en: 'Refused: this kiosk never reads the My Number or uses 照合番号A (My Number Act).',
    nextJa: '管理者に連絡してください。',
    nextEn: 'Call the administrator.',
  },
  pin_format: {
    ja: '暗証番号は4桁の数字です。',
    en: 'The PIN is 4 digits.',
    nextJa: '入力し直してください。',
    nextEn: 'Enter it again.',
  },
  check_number_b_format: {
    ja: '照合番号Bは14桁（生年月日6桁・有効期限の年4桁・セキュリティコード4桁）です。',
    en: '照合番号B is 14 digits (birth date 6, expiry year 4, security code 4).',
    nextJa: 'カード券面を確認して入力し直してください。',
    nextEn: 'Check the card face and enter it again.',
  },
  birth_date_format: {
    ja: '生年月日は6桁（和暦の年2桁・月2桁・日2桁、例：昭和55年2月17日は550217）です。',
    en: 'The birth date is 6 digits (era year, month, day; e.g. Showa 55-02-17 is 550217).',
    nextJa: 'カード券面の生年月日を確認して入力し直してください。',
    nextEn: 'Check the birth date on the card face and enter it again.',
  },
  birth_date_wrong: {
    ja: '生年月日が一致しません。',
    en: 'The birth date does not match the card.',
    nextJa: '和暦の年（例：昭和55年→55）、月、日を確認してください。自動で再試行はしません。',
    nextEn: 'Check the era year (e.g. Showa 55 -> 55), month and day; the kiosk never retries on its own.',
  },
  unlock_not_for_policy: {
    ja: '生年月日での読み取りは年齢確認専用です。',
    en: 'The birth-date read answers age checks only.',
    nextJa: '照合番号Bまたは暗証番号で読み取ってください。',
    nextEn: 'Use 照合番号B or the PIN for this check.',
  },
  pin_wrong: {
    ja: '暗証番号が違います。',
    en: 'Wrong PIN.',
    nextJa: '残り回数に注意してください。自動で再試行はしません。',
    nextEn: 'Mind the tries left; the kiosk never retries on its own.',
  },
  check_number_b_wrong: {
    ja: '照合番号Bが一致しません。',
    en: '照合番号B does not match.',
    nextJa: '生年月日（和暦/西暦）、有効期限の年、セキュリティコードを確認してください。',
    nextEn: 'Check the birth date (era or Gregorian form), the expiry year and the security code.',
  },
  pin_one_try_left: {
    ja: '残り1回のため、暗証番号は送信しませんでした。市区町村の窓口で再設定してください。',
    en: 'Only one try left: the PIN was not sent. Please reset it at the municipal office.',
    nextJa: '市区町村の窓口で暗証番号の再設定を行ってください。',
    nextEn: 'Reset it at the municipal office.',
  },
  pin_blocked: {
    ja: '暗証番号がロックされています。市区町村の窓口で解除してください。',
    en: 'The PIN is blocked. It can be reset at the municipal office.',
    nextJa: '市区町村の窓口で再設定してください。',
    nextEn: 'Reset it at the municipal office.',
  },
  security_status: {
    ja: 'カードが読み取りを許可しませんでした。',
    en: 'The card refused access (security status not satisfied).',
    nextJa: 'もう一度お試しください。',
    nextEn: 'Try again.',
  },
  file_not_found: {
    ja: 'カードに必要なデータがありません。',
    en: 'A required file is missing on the card.',
    nextJa: '別の本人確認書類をご利用ください。',
    nextEn: 'Use another identity document.',
  },
  malformed_tlv: {
    ja: 'カードのデータ形式が不正です。',
    en: 'The card returned malformed data.',
    nextJa: '別の本人確認書類をご利用ください。',
    nextEn: 'Use another identity document.',
  },
  malformed_response: {
    ja: 'カードの応答が不正です。',
    en: 'The card returned a malformed response.',
    nextJa: 'カードを置き直してください。',
    nextEn: 'Place the card again.',
  },
  unexpected_status: {
    ja: 'カードが想定外の応答をしました。',
    en: 'The card answered with an unexpected status.',
    nextJa: 'カードを置き直してください。',
    nextEn: 'Place the card again.',
  },
  transport_error: {
    ja: 'カードとの通信に失敗しました。',
    en: 'Communication with the card failed.',
    nextJa: 'カードを置き直してください。',
    nextEn: 'Place the card again.',
  },
  aborted: { ja: '中止しました。', en: 'Cancelled.', nextJa: '', nextEn: '' },
  ...DOCUMENT_ERRORS,
} as const;

export type CardErrorCode = keyof typeof CARD_ERRORS;

export class CardError extends Error {
  override readonly name = 'CardError';
  constructor(
    readonly code: CardErrorCode,
    /** English detail for logs; never personal data. */
    readonly detail?: string,
    /** For pin_wrong / check_number_b_wrong / pin_one_try_left: the tries the card reports left. */
    readonly triesLeft?: number,
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

/** The card path's codes for link failures (core/apdu-link.ts): one adapter, the card's words. */
const CARD_LINK_CODES: Record<LinkFailure, CardErrorCode> = {
  removed: 'card_removed',
  reader_removed: 'reader_removed',
  service_stopped: 'pcsc_service_stopped',
  not_answering: 'pcsc_service_stopped',
  unavailable: 'pcsc_unavailable',
  no_reader: 'no_reader',
  reader_not_found: 'reader_not_found',
  absent: 'card_absent',
  timeout: 'timeout',
  malformed: 'malformed_response',
  closed: 'transport_error',
  transport: 'transport_error',
};

/** Link failures as CardError: what the card, licence, residence card and passport reads throw. */
export const cardLinkErrors: LinkErrors = (failure, message) => new CardError(CARD_LINK_CODES[failure], message);

export interface CardErrorReport {
  code: CardErrorCode;
  messageJa: string;
  messageEn: string;
  nextJa: string;
  nextEn: string;
  detail?: string;
  triesLeft?: number;
}

export function reportError(e: CardError): CardErrorReport {
  const m = CARD_ERRORS[e.code];
  const r: CardErrorReport = { code: e.code, messageJa: m.ja, messageEn: m.en, nextJa: m.nextJa, nextEn: m.nextEn };
  if (e.detail) r.detail = e.detail;
  if (e.triesLeft !== undefined) r.triesLeft = e.triesLeft;
  return r;
}

/**
 * Check codes (core/check.ts: each named after the record or property whose failure it rules out)
 * with what they prove; the staff screen shows the Japanese.
 */
export const CARD_CHECKS = {
  'text_ap.attributes_hash': { ja: '基本4情報のハッシュ一致', en: 'SHA-256(EF 0002 from DF22) equals DF32' },
  'text_ap.integrity_signature': { ja: '基本4情報の署名', en: 'DF33 over DF31||DF32 verifies with the EF 0004 key' },
  'text_ap.cvc_signer_known': { ja: '入力補助APの発行者鍵', en: 'the EF 0004 signer key id is a trusted J-LIS key' },
  'text_ap.cvc_signature': { ja: '入力補助APの証明書署名', en: 'the EF 0004 CVC verifies with the J-LIS key' },
  'text_ap.chip_key_signature': { ja: '入力補助APのチップ鍵署名', en: 'DF52 over DF51 verifies with the EF 0004 key' },
  'text_ap.chip_authentication': {
    ja: 'ICチップの真正性（入力補助AP）',
    en: 'internal authentication over a fresh nonce verifies with DF51',
  },
  'card_face.cvc_signer_known': { ja: '券面APの発行者鍵', en: 'the EF 0004 signer key id is a trusted J-LIS key' },
  'card_face.cvc_signature': { ja: '券面APの証明書署名', en: 'the EF 0004 CVC verifies with the J-LIS key' },
  'card_face.face_signature': {
    ja: '券面情報（顔写真を含む）の署名',
    en: 'DF28 over the three hashes (incl. the photo) verifies with the EF 0004 key',
  },
  'card_face.chip_authentication': {
    ja: 'ICチップの真正性（券面AP）',
    en: 'internal authentication over a fresh nonce verifies with DF24',
  },
  'card_face.expiry': {
    ja: 'カードの有効期限',
    en: 'the card has not expired and matches the expiry year in 照合番号B',
  },
  'card_face.photo_decodes': { ja: '顔写真の表示', en: 'the JPEG 2000 face photo decodes' },
  'card_face.birth_date_signature': {
    ja: '生年月日レコードの署名',
    en: 'DF13 over DF11||DF12 (birth-date record) verifies with the EF 0004 key',
  },
  'card_face.birth_date_match': {
    ja: '入力した生年月日との一致',
    en: 'the signed birth date is the one the card accepted as its key',
  },
  'cross_ap.birth_date_match': {
    ja: '生年月日の一致（AP間）',
    en: 'the birth date agrees between the text AP and the card-face AP',
  },
  'cross_ap.sex_match': { ja: '性別の一致（AP間）', en: 'the sex agrees between the text AP and the card-face AP' },
  'holder.bound': {
    ja: '本人確認の手段',
    en: 'the holder is bound by the PIN or by the face photo for staff comparison',
  },
  'jpki.auth_certificate_chain': {
    ja: '利用者証明用電子証明書の検証',
    en: 'the JPKI auth certificate chains to a trusted JPKI root and is valid at the time',
  },
  'jpki.auth_signature': { ja: '利用者証明用の署名', en: 'the JPKI auth key signed the fresh nonce' },
  'policy.age_over_20': { ja: '20歳以上', en: 'the holder is 20 or over at the time of the check' },
} as const;

export type CardCheckCode = keyof typeof CARD_CHECKS;
export type CardCheck = Check<CardCheckCode>;
export const { pass: passCheck, fail: failCheck } = checkMaker<CardCheckCode>();
