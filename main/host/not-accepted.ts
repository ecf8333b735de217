// What the idle screen says when a holder presents something this counter's settings do not read (a
// phone while phone reading is off, a card while card reading is off): without it the holder taps or
// shows a QR code and nothing happens. Shown for a few seconds (KioskHost.showNotice), not audited:
// nothing was read. Sources: a tap the dispatcher left alone (readers/tap.ts, via ReadHooks.notice),
// a scanned QR code or a training presentation nobody took (kiosk-host.ts).
import type { ReaderKind } from '../api/contract.ts';
import type { ReadError } from './reader.ts';

export const NOT_ACCEPTED = {
  phone_not_accepted: {
    code: 'phone_not_accepted', messageJa: 'この受付ではスマートフォンは読み取りません', messageEn: 'Phones are not read at this counter',
    nextJa: 'マイナンバーカードをかざしてください', nextEn: 'Please hold your My Number Card to the reader',
  },
  card_not_accepted: {
    code: 'card_not_accepted', messageJa: 'この受付ではカードは読み取りません', messageEn: 'Cards are not read at this counter',
    nextJa: 'スマートフォンをかざすか、QRコードを表示してください', nextEn: 'Please hold your phone to the reader or show its QR code',
  },
} satisfies Record<string, ReadError>;

/** The notice for a credential of `kind` presented while that kind is not read here. */
export function notAccepted(kind: ReaderKind): ReadError {
  return kind === 'mdoc' ? NOT_ACCEPTED.phone_not_accepted : NOT_ACCEPTED.card_not_accepted;
}
