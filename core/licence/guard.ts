// The licence's send-path allowlist. Only the commands of our read sequence pass, and 本籍 is
// protected in the send path itself: DF1/EF06 (本籍 changes) is never selected, and DF1/EF02 (本籍)
// only when the signature check is on for this read (its bytes go to the hash, never decoded).
//   SELECT MF (00 A4 00 00 [02 3F00]), SELECT DF1 / DF2 by AID (00 A4 04 0C),
//   SELECT EF by FID (00 A4 02 0C 02): MF 2F01 000A; DF1 0001 0004 0007 (+0002); DF2 0001;
//   READ BINARY of the selected EF by offset, or MF/EF02 by short EF identifier (00 B0 8A);
//   VERIFY 00 20 00 81 / 82, with no data (tries left) or 4 PIN bytes.
import { commandShape, DocumentGuardError, type CommandGuard } from '../document/channel.ts';
import { LICENCE_DF1_AID, LICENCE_DF2_AID } from '../document/identify.ts';
import { DF1_EF, DF2_EF, MF_EF } from './files.ts';
import { toHex as hex } from '../bytes.ts';

export class LicenceGuard implements CommandGuard {
  #df: 'MF' | 'DF1' | 'DF2' | null = null;
  #ef: number | null = null;
  readonly #allowed: Record<'MF' | 'DF1' | 'DF2', Set<number>>;

  constructor(o: { domicileForSignature: boolean }) {
    const df1 = new Set<number>([DF1_EF.entries, DF1_EF.changes, DF1_EF.signature]);
    if (o.domicileForSignature) df1.add(DF1_EF.domicile);
    this.#allowed = { MF: new Set([MF_EF.common, MF_EF.pinSetting]), DF1: df1, DF2: new Set([DF2_EF.photo]) };
  }

  admit(cmd: Uint8Array): void {
    const c = commandShape(cmd);
    const refuse = (why: string): never => {
      throw new DocumentGuardError(`driving licence: ${why}`);
    };
    if (c.extended) refuse('extended-length commands are not used');
    if (c.cla !== 0x00) refuse(`CLA ${c.cla.toString(16)}`);
    if (c.ins === 0xa4) {
      if (c.p1 === 0x00 && c.p2 === 0x00 && (c.data.length === 0 || hex(c.data) === '3f00')) {
        this.#df = 'MF';
        this.#ef = null;
        return;
      }
      if (c.p1 === 0x04 && c.p2 === 0x0c) {
        const aid = hex(c.data);
        this.#df =
          aid === hex(LICENCE_DF1_AID)
            ? 'DF1'
            : aid === hex(LICENCE_DF2_AID)
              ? 'DF2'
              : refuse(`SELECT of application ${aid}`);
        this.#ef = null;
        return;
      }
      if (c.p1 === 0x02 && c.p2 === 0x0c && c.data.length === 2) {
        const fid = (c.data[0]! << 8) | c.data[1]!;
        if (!this.#df || !this.#allowed[this.#df].has(fid)) {
          refuse(
            `SELECT EF ${fid.toString(16).padStart(4, '0')} in ${this.#df ?? 'no DF'}${this.#df === 'DF1' && (fid === DF1_EF.domicile || fid === DF1_EF.domicileChanges) ? ' (本籍: never read unless hashed for the signature)' : ''}`,
          );
        }
        this.#ef = fid;
        return;
      }
      refuse(`SELECT P1 ${c.p1.toString(16)} P2 ${c.p2.toString(16)}`);
    }
    if (c.ins === 0xb0) {
      if (c.data.length) refuse('READ BINARY carries no data');
      if (c.p1 & 0x80) {
        if (c.p1 === 0x8a && this.#df === 'MF') return;
        refuse('READ BINARY by short EF identifier other than MF/EF02');
      }
      if (this.#ef === null) refuse('READ BINARY with no EF selected');
      return;
    }
    if (
      c.ins === 0x20 &&
      c.p1 === 0x00 &&
      (c.p2 === 0x81 || c.p2 === 0x82) &&
      (c.data.length === 0 || c.data.length === 4)
    )
      return;
    refuse(`INS ${c.ins.toString(16)} is not on the allowlist`);
  }
}
