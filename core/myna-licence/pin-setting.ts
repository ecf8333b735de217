// WEF01 (EF 001A) of the licence AP: whether the holder set a PIN, `C1 01 01` (set) or `C1 01 00`
// (not set). Anything else stops the read before any VERIFY: a blind VERIFY could spend a try.
import { toHex } from '../bytes.ts';
import { CardError } from '../card/codes.ts';
import { PIN_NOT_SET, PIN_SET, PIN_SETTING_LENGTH, PIN_SETTING_TAG } from './files.ts';

export function parsePinSetting(b: Uint8Array): boolean {
  if (
    b.length !== PIN_SETTING_LENGTH ||
    b[0] !== PIN_SETTING_TAG ||
    b[1] !== 0x01 ||
    (b[2] !== PIN_SET && b[2] !== PIN_NOT_SET)
  ) {
    throw new CardError(
      'myna_licence_pin_setting',
      `WEF01 is ${b.length ? toHex(b).toUpperCase() : 'empty'}, not C10100 or C10101`,
    );
  }
  return b[2] === PIN_SET;
}
