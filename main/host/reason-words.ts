// Plain words (ja/en) for the reason codes the audit log keeps, for the staff dashboard and the daily
// summary. The words come from the tables the kiosk already shows customers and staff (host,
// reader, card, mdoc verification and transport codes); a code none of them knows is shown as
// itself, so a new code is never hidden.
import { CARD_ERRORS } from '../../core/card/codes.ts';
import { PASSPORT_ERRORS } from '../../core/passport/codes.ts';
import { MDOC_CODES } from '../../core/mdoc/codes.ts';
import { ENGAGEMENT_CODES } from '../../core/mdoc/engagement/codes.ts';
import { NFC_RETRIEVAL_CODES } from '../../core/mdoc/transport/nfc/codes.ts';
import { READ_CODES } from '../mdoc-reader/error-messages.ts';
import { HOST_MESSAGES } from './messages.ts';
import { NOT_ACCEPTED } from './not-accepted.ts';
import { TRAINING_ERRORS } from './readers/training.ts';

export interface Words {
  ja: string;
  en: string;
}

const EXTRA: Record<string, Words> = {
  // Shorter Japanese for the staff tables; the English is the screen's (messages.ts).
  age_over_20_false: { ja: '20歳未満', en: HOST_MESSAGES.age_over_20_false.messageEn },
  checks_incomplete: { ja: '確認が完了していない', en: HOST_MESSAGES.checks_incomplete.messageEn },
  no_reason_recorded: { ja: '理由の記録なし', en: 'No reason recorded' },
  issuer_not_bound_to_doctype: { ja: 'この種類の証明書の発行者ではない', en: 'Issuer not bound to this document type' },
};

type Table = Record<string, { ja?: string; en?: string; messageJa?: string; messageEn?: string }>;
const TABLES: Table[] = [
  EXTRA,
  HOST_MESSAGES,
  TRAINING_ERRORS,
  NOT_ACCEPTED,
  CARD_ERRORS,
  PASSPORT_ERRORS,
  READ_CODES,
  ENGAGEMENT_CODES,
  NFC_RETRIEVAL_CODES,
  MDOC_CODES,
] as Table[];

export function reasonWords(code: string): Words {
  for (const t of TABLES) {
    if (!Object.hasOwn(t, code)) continue;
    const m = t[code]!;
    const ja = m.ja ?? m.messageJa;
    const en = m.en ?? m.messageEn;
    if (ja && en) return { ja: ja.replace(/。$/, ''), en: en.replace(/\.$/, '') };
  }
  return { ja: code, en: code };
}

const CREDENTIALS: Record<string, Words> = {
  'mynumber-card': { ja: 'マイナンバーカード', en: 'My Number Card' },
  'mnc-phone': { ja: 'スマホのマイナンバーカード', en: 'My Number Card on a phone' },
  mdl: { ja: 'モバイル運転免許証 (mDL)', en: 'Mobile driving licence (mDL)' },
  'driving-licence': { ja: '運転免許証', en: 'Driving licence' },
  'residence-card': { ja: '在留カード', en: 'Residence card' },
  'special-permanent-resident-certificate': { ja: '特別永住者証明書', en: 'Special permanent resident certificate' },
  passport: { ja: '旅券（IC旅券）', en: 'Passport (ICAO eMRTD)' },
  none: { ja: '読み取り前に終了', en: 'Ended before a credential was read' },
};

/** Words for a credentialClass() key (core/audit/summary.ts); others are shown as recorded. */
export function credentialWords(key: string): Words {
  return CREDENTIALS[key] ?? { ja: key, en: key };
}
