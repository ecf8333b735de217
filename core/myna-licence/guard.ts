// The send-path allowlist of a マイナ免許証 read. The card is a My Number Card, so every command goes
// through the My Number guard first (core/card/my-number-guard.ts: EF 0001 / 0005 and 照合番号A can
// never be selected or verified, whatever AP is current); the licence AP's two commands that guard
// refuses by design are allowed here explicitly, and only while the licence AP is selected:
//   READ BINARY of WEF01 by short EF identifier   00 B0 9A 00 03
//   VERIFY of the AP's PIN by reference           00 20 00 86 [04 PIN]  (tries left without data)
// Then this read's own, narrower list: SELECT by AID of the licence AP only, SELECT EF of WEF02 only
// (WEF03, the signature file of unpublished layout, is never read), READ BINARY of WEF02 by offset.
import { toHex } from '../bytes.ts';
import { MyNumberGuard } from '../card/my-number-guard.ts';
import { commandShape, DocumentGuardError, type CommandGuard } from '../document/channel.ts';
import { MYNA_LICENCE_AP_AID, PIN_P2, READ_PIN_SETTING_P1, WEF } from './files.ts';

const fidHex = (f: number) => f.toString(16).padStart(4, '0').toUpperCase();

export class MynaLicenceGuard implements CommandGuard {
  readonly #myNumber = new MyNumberGuard();
  #inAp = false;
  #ef: number | null = null;

  admit(cmd: Uint8Array): void {
    const c = commandShape(cmd);
    const refuse = (why: string): never => {
      throw new DocumentGuardError(`マイナ免許証: ${why}`);
    };
    if (c.extended) refuse('extended-length commands are not used');
    if (this.#inAp && c.cla === 0x00) {
      if (c.ins === 0xb0 && c.p1 & 0x80) {
        if (c.p1 === READ_PIN_SETTING_P1 && c.p2 === 0x00 && c.data.length === 0) return;
        refuse(`READ BINARY by short EF identifier ${(c.p1 & 0x1f).toString(16)} (only WEF01 is read that way)`);
      }
      if (c.ins === 0x20 && c.p1 === 0x00 && c.p2 === PIN_P2) {
        if (c.data.length === 0 || c.data.length === 4) return;
        refuse('VERIFY of the licence AP PIN carries no data or 4 digits');
      }
    }
    // The My Number rules hold on this card whatever this reader allows.
    this.#myNumber.admit(cmd);
    if (c.cla === 0x00 && c.ins === 0xa4 && c.p1 === 0x04) {
      if (toHex(c.data) !== toHex(MYNA_LICENCE_AP_AID))
        refuse(`SELECT of application ${toHex(c.data)} (this read selects only the licence AP)`);
      this.#inAp = true;
      this.#ef = null;
      return;
    }
    if (c.cla === 0x00 && c.ins === 0xa4 && c.p1 === 0x02) {
      const fid = (c.data[0]! << 8) | c.data[1]!;
      if (!this.#inAp || fid !== WEF.licenceData)
        refuse(
          `SELECT EF ${fidHex(fid)}${this.#inAp ? ' in the licence AP (only WEF02 is read)' : ' outside the licence AP'}`,
        );
      this.#ef = fid;
      return;
    }
    if (c.cla === 0x00 && c.ins === 0xb0) {
      if (!this.#inAp || this.#ef !== WEF.licenceData) refuse('READ BINARY of anything but WEF02');
      return;
    }
    refuse(`CLA ${c.cla.toString(16)} INS ${c.ins.toString(16)} is not on the allowlist`);
  }
}
