// Error codes of the driving licence and the residence card readers (ja first, en), merged into
// core/card/codes.ts CARD_ERRORS so every card read reports through one vocabulary.
export const DOCUMENT_ERRORS = {
  unsupported_card: {
    ja: '対応していないカードです。',
    en: 'This card is not supported.',
    nextJa: 'マイナンバーカード、運転免許証、在留カードまたは特別永住者証明書をかざしてください。',
    nextEn: 'Present a My Number Card, driving licence, residence card or special permanent resident certificate.',
  },
  document_mismatch: {
    ja: '指定された種類とは別のカードです。',
    en: 'The card is not the kind of document that was asked for.',
    nextJa: 'カードの種類を確認してください。',
    nextEn: 'Check which document was presented.',
  },
  card_number_format: {
    ja: '在留カード番号は英字2文字・数字8桁・英字2文字の12文字です。',
    en: 'The card number is 12 characters: 2 letters, 8 digits, 2 letters.',
    nextJa: 'カード右上の番号を確認して入力し直してください。',
    nextEn: 'Check the number at the top right of the card and enter it again.',
  },
  card_number_wrong: {
    ja: '在留カード番号がカードと一致しません。',
    en: 'The card number does not match this card.',
    nextJa: 'カード右上の番号を確認して入力し直してください。',
    nextEn: 'Check the number at the top right of the card and enter it again.',
  },
  card_number_rate_limited: {
    ja: '番号の入力が続けて誤っているため、しばらく入力できません。',
    en: 'Too many wrong card numbers in a row: entry is paused.',
    nextJa: 'スタッフがカード券面の番号を確認してください。',
    nextEn: 'Staff: check the number on the card face.',
  },
  card_authentication_failed: {
    ja: 'カードとの相互認証に失敗しました。',
    en: 'Mutual authentication with the card failed.',
    nextJa: '番号を確認し、カードを置き直してください。',
    nextEn: 'Check the number and place the card again.',
  },
  residence_card_specified: {
    ja: 'マイナンバー一体型の在留カード（特定在留カード）には対応していません。',
    en: 'My Number-integrated residence cards (特定在留カード) are not supported.',
    nextJa: 'マイナンバーカードとしてお読み取りいただくか、別の本人確認書類をご利用ください。',
    nextEn: 'Use another identity document.',
  },
  licence_pin_format: {
    ja: '暗証番号は4桁の数字です（暗証番号1・2）。',
    en: 'Licence PINs are 4 digits (PIN 1 and PIN 2).',
    nextJa: '入力し直してください。',
    nextEn: 'Enter it again.',
  },
  licence_pin_wrong: {
    ja: '運転免許証の暗証番号が違います。',
    en: 'Wrong driving licence PIN.',
    nextJa: '3回続けて誤ると警察署等での解除が必要になります。自動で再試行はしません。',
    nextEn: 'Three wrong entries block the licence until a police station unblocks it; the kiosk never retries.',
  },
  licence_pin_low_tries: {
    ja: '暗証番号の残り回数が3回未満のため、送信しませんでした。',
    en: 'Fewer than 3 PIN tries are left: the PIN was not sent.',
    nextJa: '運転免許センターまたは警察署で確認してください。',
    nextEn: 'Have it checked at a licence centre or police station.',
  },
  licence_pin_blocked: {
    ja: '運転免許証の暗証番号がロックされています。',
    en: 'The driving licence PIN is blocked.',
    nextJa: '運転免許センターまたは警察署で解除してください。',
    nextEn: 'It can be unblocked at a licence centre or police station.',
  },
  licence_pin2_needed: {
    ja: 'この確認には暗証番号2が必要です。',
    en: 'This check needs PIN 2.',
    nextJa: '暗証番号2を入力してください。',
    nextEn: 'Enter PIN 2.',
  },
  // マイナ免許証: the licence AP on a My Number Card (core/myna-licence). Where a blocked PIN is
  // unblocked is not published: the words ask the holder to enquire rather than name a place.
  myna_licence_absent: {
    ja: 'このマイナンバーカードには運転免許の情報が記録されていません。',
    en: 'This My Number Card carries no driving licence data.',
    nextJa: '運転免許証をお持ちの場合はそちらをかざしてください。',
    nextEn: 'Present the driving licence card if the holder has one.',
  },
  myna_licence_no_birth_date: {
    ja: 'マイナ免許証の免許情報には生年月日が記録されていないため、年齢確認には使えません。',
    en: 'The licence data on a My Number Card holds no birth date: it cannot answer an age check.',
    nextJa: 'マイナンバーカードとして読み取ってください。',
    nextEn: 'Read the card as a My Number Card.',
  },
  myna_licence_pin_format: {
    ja: 'マイナ免許証の暗証番号（4桁の数字）が必要です。',
    en: 'The licence PIN of the My Number Card (4 digits) is needed.',
    nextJa: '入力し直してください。',
    nextEn: 'Enter it again.',
  },
  myna_licence_pin_setting: {
    ja: 'マイナ免許証の暗証番号の設定を読み取れませんでした。暗証番号は送信していません。',
    en: 'Could not read whether a licence PIN is set; no PIN was sent.',
    nextJa: 'カードを置き直してください。続く場合は運転免許センターにお問い合わせください。',
    nextEn: 'Place the card again; if it keeps happening, ask a licence centre.',
  },
  myna_licence_pin_state: {
    ja: 'マイナ免許証の暗証番号の残り回数を確認できなかったため、暗証番号を送信しませんでした。',
    en: 'The licence PIN tries left could not be read, so the PIN was not sent.',
    nextJa: 'カードを置き直してください。',
    nextEn: 'Place the card again.',
  },
  myna_licence_pin_wrong: {
    ja: 'マイナ免許証の暗証番号が違います。',
    en: 'Wrong licence PIN (My Number Card).',
    nextJa: '自動で再試行はしません。残り1回になると、この端末からは送信しません。',
    nextEn: 'The kiosk never retries, and sends no PIN when one try is left.',
  },
  myna_licence_pin_one_try_left: {
    ja: 'マイナ免許証の暗証番号の残り回数が1回のため、送信しませんでした。',
    en: 'One licence PIN try is left: the PIN was not sent.',
    nextJa: '運転免許センターまたは警察署にお問い合わせください。',
    nextEn: 'Ask a licence centre or police station.',
  },
  myna_licence_pin_blocked: {
    ja: 'マイナ免許証の暗証番号がロックされています。',
    en: 'The licence PIN of this My Number Card is blocked.',
    nextJa: '運転免許センターまたは警察署にお問い合わせください。',
    nextEn: 'Ask a licence centre or police station.',
  },
  document_guard: {
    ja: 'この端末が読まない項目への操作は行いません。',
    en: 'Refused: this kiosk never touches that file.',
    nextJa: '管理者に連絡してください。',
    nextEn: 'Call the administrator.',
  },
} as const;
