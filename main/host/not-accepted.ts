// What the idle screen says when a holder presents something this counter's settings do not read (a
// phone while phone reading is off, a card while card reading is off): without it the holder taps or
// shows a QR code and nothing happens. Shown for a few seconds (KioskHost.showNotice), not audited:
// nothing was read. Sources: a tap the dispatcher left alone (readers/tap.ts, via ReadHooks.notice),
// a scanned QR code or a training presentation nobody took (kiosk-host.ts).
import type { ReaderKind } from '../../api/contract.ts';
import type { ReadError } from './reader.ts';

export const NOT_ACCEPTED = {
  phone_not_accepted: {
    code: 'phone_not_accepted',
    messageJa: 'この受付ではスマートフォンは読み取りません',
    messageEn: 'Phones are not read at this counter',
    nextJa: 'マイナンバーカードをかざしてください',
    nextEn: 'Please hold your My Number Card to the reader',
  },
  card_not_accepted: {
    code: 'card_not_accepted',
    messageJa: 'この受付ではカードは読み取りません',
    messageEn: 'Cards are not read at this counter',
    nextJa: 'スマートフォンをかざすか、QRコードを表示してください',
    nextEn: 'Please hold your phone to the reader or show its QR code',
  },
} satisfies Record<string, ReadError>;

/**
 * A contactless item that is neither a phone (no NDEF, no mdoc application) nor a card the kiosk
 * reads (no known card application: readers/card-applications.ts). Not a card read error: nothing
 * was read, and retrying will not help.
 */
export const UNSUPPORTED_DEVICE: ReadError = {
  code: 'unsupported_device',
  messageJa: '対応しているカードまたはスマートフォンではありません',
  messageEn: 'Not a supported card or phone',
  nextJa: 'マイナンバーカード・運転免許証・在留カード、または本人確認書類を入れたスマートフォンをかざしてください',
  nextEn:
    'Hold a My Number Card, driving licence or residence card, or a phone with an ID in its wallet, to the reader',
};

/** The notice for a credential of `kind` presented while that kind is not read here. */
export function notAccepted(kind: ReaderKind): ReadError {
  return kind === 'mdoc' ? NOT_ACCEPTED.phone_not_accepted : NOT_ACCEPTED.card_not_accepted;
}
