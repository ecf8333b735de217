// Check codes of the DS -> IACA chain and its ISO/IEC 18013-5 Annex B profile, each with the English
// and Japanese words staff see. A code is named after the failure it rules out (core/check.ts).
// Codes are a contract (CLI JSON, audit log, staff screen): never rename one, add new ones.
import { checkMaker, type Check } from '../check.ts';

export const X509_CODES = {
  malformed_certificate: { en: 'The document signer certificate is malformed.', ja: '署名者証明書の形式が不正です。' },
  untrusted_chain: {
    en: 'The document signer does not chain to a trusted root.',
    ja: '署名者証明書が信頼されたルートにつながりません。',
  },
  chain_signature_invalid: { en: 'The certificate signature does not verify.', ja: '証明書の署名を検証できません。' },
  ds_key_usage_invalid: {
    en: 'The document signer certificate has the wrong key usage.',
    ja: '署名者証明書の鍵用途が不正です。',
  },
  ds_eku_invalid: {
    en: 'The document signer certificate lacks the mdoc signer EKU.',
    ja: '署名者証明書の拡張鍵用途が不正です。',
  },
  ds_not_yet_valid: {
    en: 'The document signer certificate is not yet valid.',
    ja: '署名者証明書はまだ有効期間前です。',
  },
  ds_expired: { en: 'The document signer certificate has expired.', ja: '署名者証明書の有効期限が切れています。' },
  ds_not_valid_at_signing: {
    en: 'The MSO was signed outside the signer certificate validity.',
    ja: '署名時点で署名者証明書が有効ではありませんでした。',
  },
  country_mismatch: {
    en: 'The signer and root certificate countries differ.',
    ja: '署名者証明書とルート証明書の国が一致しません。',
  },
  iaca_profile_invalid: {
    en: 'The root certificate does not meet the IACA profile.',
    ja: 'ルート証明書が IACA の要件を満たしていません。',
  },
  iaca_not_yet_valid: { en: 'The root certificate is not yet valid.', ja: 'ルート証明書はまだ有効期間前です。' },
  iaca_expired: { en: 'The root certificate has expired.', ja: 'ルート証明書の有効期限が切れています。' },
  unknown_critical_extension: {
    en: 'A certificate has an unknown critical extension.',
    ja: '証明書に未知の重要拡張があります。',
  },
} as const satisfies Record<string, { en: string; ja: string }>;

export type X509CheckCode = keyof typeof X509_CODES;
export type X509Check = Check<X509CheckCode>;

export const { pass, fail } = checkMaker<X509CheckCode>();
