// The kiosk's own on-screen messages (ja / en): what the host and its readers say when a read is
// cancelled, times out, fails closed or finds the holder under 20, and what to do next. One
// catalogue, so a message is written once and the screen, the audit's reason words
// (reason-words.ts) and the tests all use the same text. Messages of the documents themselves (card,
// passport, mdoc codes) stay in their domain's code tables in core/.
import type { ReadError } from './reader.ts';

/** What to do next, shown under a message. */
export const NEXT = {
  startAgain: { nextJa: 'もう一度はじめからお試しください', nextEn: 'Please start again' },
  presentAgain: { nextJa: 'もう一度かざしてください', nextEn: 'Please present it again' },
  callStaff: { nextJa: 'スタッフを呼んでください', nextEn: 'Call staff' },
  checkAnother: { nextJa: '別の本人確認書類を確認してください', nextEn: 'Check another identity document' },
  noAgeRestricted: { nextJa: '年齢制限のある商品は販売できません', nextEn: 'Age-restricted goods cannot be sold' },
} as const satisfies Record<string, Pick<ReadError, 'nextJa' | 'nextEn'>>;

/** The host's and the readers' own messages, by code. */
export const HOST_MESSAGES = {
  aborted: {
    code: 'aborted',
    messageJa: '読み取りを中止しました',
    messageEn: 'Reading was cancelled',
    ...NEXT.startAgain,
  },
  input_cancelled: {
    code: 'input_cancelled',
    messageJa: '入力が取り消されました',
    messageEn: 'The entry was cancelled',
    ...NEXT.startAgain,
  },
  input_timeout: {
    code: 'input_timeout',
    messageJa: '入力がなかったため中止しました',
    messageEn: 'Cancelled because nothing was entered',
    ...NEXT.startAgain,
  },
  read_timeout: {
    code: 'read_timeout',
    messageJa: '読み取りに時間がかかりすぎました',
    messageEn: 'Reading took too long',
    ...NEXT.presentAgain,
  },
  reader_failed: {
    code: 'reader_failed',
    messageJa: '読み取り装置でエラーが発生しました',
    messageEn: 'The reader failed',
    ...NEXT.callStaff,
  },
  audit_unavailable: {
    code: 'audit_unavailable',
    messageJa: '監査ログに記録できないため、結果を表示できません',
    messageEn: 'The result cannot be shown because the audit log could not be written',
    ...NEXT.callStaff,
  },
  checks_incomplete: {
    code: 'checks_incomplete',
    messageJa: '確認が完了していません',
    messageEn: 'Not every check passed',
    ...NEXT.checkAnother,
  },
  age_over_20_false: {
    code: 'age_over_20_false',
    messageJa: '20歳未満です',
    messageEn: 'Under 20',
    ...NEXT.noAgeRestricted,
  },
} as const satisfies Record<string, ReadError>;

/** An 'unverified' verdict: staff must confirm it (`code`: the first reason), and how. */
export function staffMustConfirm(code: string | undefined, how: { nextJa: string; nextEn: string }): ReadError {
  return {
    code: code ?? 'staff_confirm',
    messageJa: 'スタッフによる確認が必要です',
    messageEn: 'Staff must confirm this result',
    ...how,
  };
}

/** A reader fault the host caught (readers must not throw): shown as such, fail closed. */
export function readerFailed(detail: string): ReadError {
  return { ...HOST_MESSAGES.reader_failed, messageEn: `${HOST_MESSAGES.reader_failed.messageEn}: ${detail}` };
}
