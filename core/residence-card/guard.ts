// The residence card's send-path allowlist: only the commands of the 在留カード等仕様書 read sequence
// pass, so nothing else (in particular no My Number or JPKI application of a My Number-integrated
// card) can be addressed, whatever a bug upstream asks for:
//   SELECT MF (00 A4 00 00 02 3F00), SELECT by DF name of DF1 / DF2 / DF3 only (00 A4 04 0C);
//   READ BINARY by short EF identifier (00 B0, P1 bit 8 set), short or extended Le;
//   GET CHALLENGE (00 84 00 00 08), MUTUAL AUTHENTICATE (00 82 00 00, 40 bytes);
//   VERIFY of the card number in SM (08 20 00 86) and SM READ BINARY (08 B0, P1 bit 8 set).
import { commandShape, DocumentGuardError, type CommandGuard } from '../document/channel.ts';
import { RESIDENCE_DF1_AID, RESIDENCE_DF2_AID, RESIDENCE_DF3_AID } from '../document/identify.ts';
import { toHex as hex } from '../bytes.ts';

const DFS = new Set([RESIDENCE_DF1_AID, RESIDENCE_DF2_AID, RESIDENCE_DF3_AID].map(hex));

export class ResidenceCardGuard implements CommandGuard {
  admit(cmd: Uint8Array): void {
    const c = commandShape(cmd);
    const refuse = (why: string): never => {
      throw new DocumentGuardError(`residence card: ${why}`);
    };
    if (c.cla === 0x00 && c.ins === 0xa4) {
      if (c.p1 === 0x00 && c.p2 === 0x00 && hex(c.data) === '3f00') return;
      if (c.p1 === 0x04 && c.p2 === 0x0c && DFS.has(hex(c.data))) return;
      refuse(`SELECT ${hex(c.data)} is not a residence card DF`);
    }
    if (c.cla === 0x00 && c.ins === 0xb0) {
      if (!(c.p1 & 0x80) || c.data.length)
        refuse('plain READ BINARY must name a short EF identifier and carry no data');
      return;
    }
    if (c.cla === 0x00 && c.ins === 0x84 && c.p1 === 0 && c.p2 === 0 && !c.data.length) return;
    if (c.cla === 0x00 && c.ins === 0x82 && c.p1 === 0 && c.p2 === 0 && c.data.length === 40) return;
    if (c.cla === 0x08 && c.ins === 0x20 && c.p1 === 0x00 && c.p2 === 0x86 && c.data.length === 19) return;
    if (c.cla === 0x08 && c.ins === 0xb0 && c.p1 & 0x80 && hex(c.data) === '96020000') return;
    refuse(`CLA ${c.cla.toString(16)} INS ${c.ins.toString(16)} is not on the allowlist`);
  }
}
