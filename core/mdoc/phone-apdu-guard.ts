// The command guard of every phone read over NFC (engagement, ISO/IEC 18013-5 §8.2.2.1, and data
// retrieval, §8.3.3.2): an allowlist of the mdoc NFC commands, so nothing a card would take as a PIN
// VERIFY (INS 20), a My Number SELECT or any other card command can reach a phone, whatever a bug
// upstream asks for. The PC/SC adapter runs it before the binding sees a byte (core/apdu-link.ts).
// Allowed (CLA 00, or 10 for ENVELOPE chaining):
//   SELECT by DF name (A4 04) of the NDEF or mdoc application only; SELECT EF by id (A4 00 0C, Lc 2:
//   CC E103 and the NDEF file); READ BINARY (B0) and UPDATE BINARY (D6) with offsets (T4T §7.5);
//   ENVELOPE (C3) and GET RESPONSE (C0) (18013-5 §8.3.3.2.2).
import type { CommandGuard } from '../apdu-link.ts';
import { toHex as hex } from '../bytes.ts';
import { NDEF_AID } from './engagement/type4-tag.ts';
import { MDOC_NFC_AID } from './transport/nfc/nfc-data-retrieval.ts';

const PHONE_AIDS = new Set([hex(NDEF_AID), hex(MDOC_NFC_AID)]);

/** Thrown when the phone path tries to send a command outside the mdoc NFC procedures. */
export class PhoneGuardError extends Error {
  override readonly name = 'PhoneGuardError';
  readonly code = 'phone_guard';
}

export class PhoneApduGuard implements CommandGuard {
  /** Commands refused (figures for tests and diagnostics). */
  refused = 0;

  /** Why `c` may not go to a phone, or null when it may. */
  static check(c: Uint8Array): string | null {
    if (c.length < 4) return 'command shorter than 4 bytes';
    const [cla, ins, p1, p2] = [c[0]!, c[1]!, c[2]!, c[3]!];
    if (cla === 0x10 && ins === 0xc3) return null;
    if (cla !== 0x00) return `CLA ${cla.toString(16)}`;
    switch (ins) {
      case 0xa4: {
        if (p1 === 0x04 && c.length >= 5) {
          const aid = c.subarray(5, 5 + c[4]!);
          return PHONE_AIDS.has(hex(aid)) ? null : `SELECT of application ${hex(aid)} (not NDEF or mdoc)`;
        }
        if (p1 === 0x00 && p2 === 0x0c && c[4] === 0x02 && c.length === 7) return null;
        return `SELECT P1 ${p1.toString(16)} P2 ${p2.toString(16)}`;
      }
      case 0xb0:
      case 0xd6:
        return p1 & 0x80 ? 'READ/UPDATE BINARY with a short EF identifier' : null;
      case 0xc3:
      case 0xc0:
        return null;
      default:
        return `INS ${ins.toString(16).padStart(2, '0')} is not an mdoc NFC command`;
    }
  }

  admit(command: Uint8Array): void {
    const why = PhoneApduGuard.check(command);
    if (!why) return;
    this.refused++;
    throw new PhoneGuardError(`refused to send to a phone: ${why}`);
  }
}
