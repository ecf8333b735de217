// Status words (ISO/IEC 7816-4 §5.1.3) mapped to typed errors. Only the ones this card layer meets.
import { CardError } from './codes.ts';

export const SW_OK = 0x9000;
/** "End of file reached before reading Le bytes": the data returned is valid (7816-4 table 5). */
export const SW_END_OF_FILE = 0x6282;

/** 63Cx: verification failed / counter, x = tries left (7816-4 table 6). */
export function triesFromSw(sw: number): number | null {
  return (sw & 0xfff0) === 0x63c0 ? sw & 0x0f : null;
}

export function isBlockedSw(sw: number): boolean {
  // 6983 "authentication method blocked", 6984 "reference data not usable" (docs/card-and-mdoc-facts.md
  // "Commands": 63 C0 or 69 84 is blocked); 63C0 means no try left.
  return sw === 0x6983 || sw === 0x6984 || sw === 0x63c0;
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

/** Turn a non-success status into the error a caller should see. */
export function errorForSw(sw: number, what: string): CardError {
  switch (sw) {
    case 0x6982:
      return new CardError('security_status', `${what}: 6982 security status not satisfied`);
    case 0x6983:
    case 0x6984:
      return new CardError('pin_blocked', `${what}: ${swHex(sw)} blocked`, 0);
    case 0x6a82:
      return new CardError('file_not_found', `${what}: 6A82 file or application not found`);
    case 0x6a86:
    case 0x6b00:
    case 0x6700:
      return new CardError('unexpected_status', `${what}: ${swHex(sw)} wrong parameters or length`);
    default:
      return new CardError('unexpected_status', `${what}: status ${swHex(sw)}`);
  }
}
