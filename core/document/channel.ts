// The send-path guards of the licence and the residence card (core/licence/guard.ts,
// core/residence-card/guard.ts) run in core/card/apdu.ts CardChannel and in the PC/SC session like
// the My Number guard; this file gives them the command parser (short and extended length) and
// their error. Extended-length commands are parsed here; each guard decides whether to allow them.
import { CardError } from '../card/codes.ts';
export type { CommandGuard } from '../card/apdu.ts';

export class DocumentGuardError extends CardError {
  constructor(detail: string) {
    super('document_guard', detail);
  }
}

/** Parse a command's shape (ISO/IEC 7816-4 §5.1, short and extended): data field and Le presence. */
export function commandShape(cmd: Uint8Array): {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  extended: boolean;
} {
  if (cmd.length < 4) throw new DocumentGuardError('command shorter than 4 bytes');
  const [cla, ins, p1, p2] = [cmd[0]!, cmd[1]!, cmd[2]!, cmd[3]!];
  const body = cmd.subarray(4);
  let data: Uint8Array = new Uint8Array(0);
  let extended = false;
  if (body.length === 0 || body.length === 1) return { cla, ins, p1, p2, data, extended };
  if (body[0] === 0x00 && body.length >= 3) {
    extended = true;
    if (body.length === 3) return { cla, ins, p1, p2, data, extended }; // case 2E: Le only
    const lc = (body[1]! << 8) | body[2]!;
    if (lc === 0 || (body.length !== 3 + lc && body.length !== 5 + lc))
      throw new DocumentGuardError('extended command length does not match Lc');
    data = body.subarray(3, 3 + lc);
    return { cla, ins, p1, p2, data, extended };
  }
  const lc = body[0]!;
  if (lc === 0 || (body.length !== 1 + lc && body.length !== 2 + lc))
    throw new DocumentGuardError('command length does not match Lc');
  data = body.subarray(1, 1 + lc);
  return { cla, ins, p1, p2, data, extended };
}

/** commandShape, or null for a malformed command (simulated cards answer it 6700). */
export function tryCommandShape(cmd: Uint8Array): ReturnType<typeof commandShape> | null {
  try {
    return commandShape(cmd);
  } catch {
    return null;
  }
}
