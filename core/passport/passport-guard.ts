// The passport's command allowlist in the send path (the PC/SC session runs it before the binding
// sees a byte, like the My Number guard): only the commands of ICAO Doc 9303-11 this kiosk uses pass.
// Plain: SELECT MF / eMRTD application / an allowlisted EF, READ BINARY (by SFI only EF.CardAccess),
// GET CHALLENGE, EXTERNAL AUTHENTICATE (BAC), MSE:Set AT for PACE, GENERAL AUTHENTICATE. Under secure
// messaging the header stays readable (§9.8.4): SELECT, READ BINARY, MSE:Set AT / Set KAT for Chip
// Authentication, GENERAL AUTHENTICATE, INTERNAL AUTHENTICATE. Everything else is refused, notably
// writing (D6/D0/E2), PIN commands (20/24/2C), and Terminal Authentication (MSE:Set DST 81B6, PSO
// Verify Certificate 2A, EXTERNAL AUTHENTICATE under SM): the kiosk never reads fingerprints or iris.
import { toHex } from '../bytes.ts';
import { PassportError } from './codes.ts';
import { EMRTD_AID, READABLE_FILES } from './lds-files.ts';

const AID = toHex(EMRTD_AID);
const FIDS = new Set(READABLE_FILES.map((f) => f.fid));

export class PassportGuard {
  admit(cmd: Uint8Array): void {
    const refuse = (why: string): never => {
      throw new PassportError('command_refused', why);
    };
    if (cmd.length < 4) refuse('command shorter than 4 bytes');
    const [cla, ins, p1, p2] = [cmd[0]!, cmd[1]!, cmd[2]!, cmd[3]!];
    const name = `${cla.toString(16)} ${ins.toString(16)} ${p1.toString(16)} ${p2.toString(16)}`;
    if (cla === 0x0c) {
      if (ins === 0xa4 || ins === 0xb0 || ins === 0x86 || ins === 0x88) return;
      if (ins === 0x22 && p1 === 0x41 && (p2 === 0xa4 || p2 === 0xa6)) return;
      return refuse(`secure-messaging command ${name} is not one this kiosk sends`);
    }
    if (cla !== 0x00 && cla !== 0x10) return refuse(`class byte ${cla.toString(16)}`);
    const data = cmd.length > 5 ? cmd.subarray(5, 5 + cmd[4]!) : new Uint8Array(0);
    if (cla === 0x10 && ins !== 0x86) return refuse('command chaining is only for GENERAL AUTHENTICATE (§9.3.2)');
    switch (ins) {
      case 0xa4:
        if (p1 === 0x00 && p2 === 0x0c && toHex(data) === '3f00') return;
        if (p1 === 0x04 && p2 === 0x0c && toHex(data) === AID) return;
        if (p1 === 0x02 && p2 === 0x0c && data.length === 2 && FIDS.has((data[0]! << 8) | data[1]!)) return;
        return refuse(`SELECT ${name} ${toHex(data)} is not an allowlisted file or application`);
      case 0xb0:
        if (p1 & 0x80 && (p1 & 0x1f) !== 0x1c)
          return refuse('READ BINARY by short file identifier is only for EF.CardAccess');
        return;
      case 0x84:
        if (p1 === 0 && p2 === 0) return;
        return refuse(`GET CHALLENGE ${name}`);
      case 0x82:
        if (p1 === 0 && p2 === 0 && data.length === 40) return;
        return refuse('EXTERNAL AUTHENTICATE other than BAC mutual authentication');
      case 0x22:
        if (p1 === 0xc1 && p2 === 0xa4) return;
        return refuse(`MSE ${name} other than Set AT for PACE`);
      case 0x86:
        if (p1 === 0 && p2 === 0) return;
        return refuse(`GENERAL AUTHENTICATE ${name}`);
      default:
        return refuse(`instruction ${name} is not on the passport allowlist`);
    }
  }
}
