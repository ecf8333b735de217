// Check codes of a residence card / special permanent resident certificate read, each with what it
// proves (the staff screen shows the Japanese). A code is named after the failure it rules out
// (core/check.ts). Codes are a contract (CLI JSON, audit log): never rename one, add new ones. The
// errors that stop a read are core/document/codes.ts DOCUMENT_ERRORS.
import { checkMaker, type Check } from '../check.ts';

export const RESIDENCE_CARD_CHECKS = {
  'residence_card.certificate_chain': {
    ja: 'カード証明書と出入国在留管理庁のルートの連鎖',
    en: 'the card certificate in DF3/EF01 is signed by a trusted ISA root of its issuer name',
  },
  'residence_card.certificate_validity': {
    ja: 'カード証明書の有効期間の開始',
    en: 'the card certificate is already valid at the time of the check',
  },
  'residence_card.signature': {
    ja: 'カードの署名（券面・顔写真・記載事項）',
    en: 'the check code in DF3/EF01 verifies over the signed images (and printed entries) with the card certificate key',
  },
  'residence_card.expiry': {
    ja: 'カードの有効期限',
    en: 'the card has not expired (2nd generation: C5; 1st generation: staff read the front image)',
  },
  'residence_card.address_source': {
    ja: '住居地の読み取り元',
    en: 'where the address shown was read (DF2 text or the DF1/EF04 image; not covered by the signature)',
  },
  'policy.age_over_20': { ja: '20歳以上', en: 'the holder is 20 or over at the time of the check' },
} as const satisfies Record<string, { ja: string; en: string }>;

export type ResidenceCardCheckCode = keyof typeof RESIDENCE_CARD_CHECKS;
export type ResidenceCardCheck = Check<ResidenceCardCheckCode>;
export const { pass: passCheck, fail: failCheck } = checkMaker<ResidenceCardCheckCode>();
