// Holder data of the virtual card (TEST ONLY, fictitious people). Configurable so tests can drive
// long names and addresses (long-form TLV lengths), minors, Gregorian-form 照合番号B cards.
import { buildCheckNumberB, parseIsoDate, type BirthDateForm } from '../../core/card/check-number-b.ts';

export interface Holder {
  /** Family and given name separated by U+3000 (docs/card-and-mdoc-facts.md "Text AP"). */
  name: string;
  address: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  sex: '1' | '2' | '9';
  /** Card expiry, YYYY-MM-DD. */
  expiry: string;
  securityCode: string;
  pin: string;
  jpkiAuthPin: string;
  /** Which birth-date form this card expects inside 照合番号B. */
  birthDateForm: BirthDateForm;
  /** The individual number (fictitious): stored in text AP EF 0001 so DF31 is real. Never read by the kiosk. */
  myNumber: string;
}

/** The worked example of docs/card-and-mdoc-facts.md "照合番号B": 1980-02-17 (昭和55), expiry 2035, security code 2285 -> 55021720352285. */
export const DEFAULT_HOLDER: Holder = {
  name: '番号　花子',
  address: '東京都千代田区霞が関二丁目一番二号',
  birthDate: '1980-02-17',
  sex: '2',
  expiry: '2035-02-17',
  securityCode: '2285',
  pin: '1234',
  jpkiAuthPin: '5678',
  birthDateForm: 'era',
  myNumber: '123456789018',
};

export const HOLDER_PRESETS: Record<string, Partial<Holder>> = {
  // A holder under 20 on 2026-11-22 (born 2008-03-01).
  minor: { name: '若葉　太郎', birthDate: '2008-03-01', sex: '1', expiry: '2028-03-01' },
  // Long name and address: the outer FF20 and DF23 need long-form lengths (81 / 82).
  long: {
    name: '寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処藪ら柑子の藪柑子パイポパイポパイポのシューリンガン　シューリンガンのグーリンダイグーリンダイのポンポコピーのポンポコナーの長久命の長助',
    address:
      '北海道札幌市中央区北一条西二丁目一番地　札幌市役所本庁舎内テスト用架空住所　サンプルマンション一二三四号室　（方書）株式会社カクニン試験部気付　長い住所の折り返し確認用の文字列をさらに続けて二百バイトを超えるようにする',
  },
  // A card whose chip expects the Gregorian two-digit year in 照合番号B (the explicit fallback).
  gregorian: { birthDateForm: 'gregorian' },
};

export function checkNumberBOf(h: Holder): string {
  const birth = parseIsoDate(h.birthDate);
  if (!birth) throw new Error('holder birth date');
  return buildCheckNumberB(birth, Number(h.expiry.slice(0, 4)), h.securityCode, h.birthDateForm);
}
