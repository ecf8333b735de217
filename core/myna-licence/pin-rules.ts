// The licence AP's PIN rules (kiosk rules on top of the card's): read WEF01 and the tries left
// before any VERIFY (done by the caller and here), refuse without sending when one try or none is
// left, send the PIN once and never again on our own: a wrong PIN ends the read.
//   tries left: 00 20 00 86 (no data; answers 63Cx, x tries left, without spending one)
//   VERIFY:     00 20 00 86 04 <4 digits>
import { CardChannel } from '../card/apdu.ts';
import { asciiDigits } from '../card/check-number-b.ts';
import { concat } from '../bytes.ts';
import { CardError } from '../card/codes.ts';
import { isBlockedSw, SW_OK, swHex, triesFromSw } from '../card/status-words.ts';
import { PIN_P2, REFUSE_AT_TRIES } from './files.ts';

export const PIN_KIND = 'licence_ap_pin';

/** Tries left, then one VERIFY; throws the licence AP's own error codes. */
export async function verifyLicenceApPin(
  ch: CardChannel,
  pin: string,
): Promise<{ kind: string; triesBefore: number | null }> {
  const q = await ch.send(Uint8Array.of(0x00, 0x20, 0x00, PIN_P2));
  // 9000 to a VERIFY without data: the PIN is already satisfied (7816-4 §11.5.6); nothing to send.
  if (q.sw === SW_OK) return { kind: PIN_KIND, triesBefore: null };
  if (isBlockedSw(q.sw)) throw new CardError('myna_licence_pin_blocked', `tries-left query answered ${swHex(q.sw)}`, 0);
  const left = triesFromSw(q.sw);
  // Anything but 63Cx (say 6A82 for a PIN this card does not have) leaves the counter unknown: stop.
  if (left === null)
    throw new CardError('myna_licence_pin_state', `tries-left query answered ${swHex(q.sw)}; PIN not sent`);
  if (left <= REFUSE_AT_TRIES)
    throw new CardError('myna_licence_pin_one_try_left', `${left} try left; PIN not sent`, left);
  const r = await ch.send(concat(Uint8Array.of(0x00, 0x20, 0x00, PIN_P2, 0x04), asciiDigits(pin)));
  if (r.sw === SW_OK) return { kind: PIN_KIND, triesBefore: left };
  if (isBlockedSw(r.sw)) throw new CardError('myna_licence_pin_blocked', `VERIFY answered ${swHex(r.sw)}`, 0);
  const after = triesFromSw(r.sw);
  if (after !== null) throw new CardError('myna_licence_pin_wrong', `wrong PIN (${swHex(r.sw)})`, after);
  throw new CardError('unexpected_status', `VERIFY answered ${swHex(r.sw)}`);
}
