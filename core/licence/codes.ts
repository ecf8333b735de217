// Check codes of a driving licence read (the IC licence, and the licence AP of a マイナ免許証, which
// shares the expiry check), each with what it proves (the staff screen shows the Japanese). A code is
// named after the failure it rules out (core/check.ts). Codes are a contract (CLI JSON, audit log):
// never rename one, add new ones. The errors that stop a read are core/document/codes.ts DOCUMENT_ERRORS.
import { checkMaker, type Check } from '../check.ts';

export const LICENCE_CHECKS = {
  'licence.expiry': {
    ja: '運転免許証の有効期限',
    en: 'the licence has not expired (MF/EF01; on a My Number Card, WEF02 C5), valid through its last day in JST',
  },
  'licence.expiry_match': {
    ja: '有効期限の一致（共通データと記載事項）',
    en: 'the expiry in DF1/EF01 agrees with the one in MF/EF01',
  },
  'licence.signature': {
    ja: '記載事項・本籍・写真の署名',
    en: 'EF07 verifies over EF01 || EF02 || photo with the installed signer key its B6 names',
  },
  'licence.address_changes': {
    ja: '住所変更の記録',
    en: 'the address changes recorded by the public safety commission (not covered by the issue signature)',
  },
  'policy.age_over_20': { ja: '20歳以上', en: 'the holder is 20 or over at the time of the check' },
} as const satisfies Record<string, { ja: string; en: string }>;

export type LicenceCheckCode = keyof typeof LICENCE_CHECKS;
export type LicenceCheck = Check<LicenceCheckCode>;
export const { pass: passCheck, fail: failCheck } = checkMaker<LicenceCheckCode>();
