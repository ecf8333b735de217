// The APDU channel of the licence and residence card readers: every command passes the document's
// allowlist (guard) before the transport sees a byte, and is counted for the bench and the JSON.
// Extended-length commands are allowed here (the residence card needs them); the guard decides.
import type { ApduStats, ApduTransport, Response } from '../card/apdu.ts';
import { CardError } from '../card/codes.ts';
import { errorForSw, SW_OK } from '../card/status-words.ts';

export interface CommandGuard {
  /** Throws CardError('document_guard') unless the command is allowed; tracks selection state. */
  admit(cmd: Uint8Array): void;
}

export class DocumentChannel {
  readonly stats: ApduStats = { count: 0, bytesOut: 0, bytesIn: 0 };
  constructor(
    private readonly transport: ApduTransport,
    private readonly guard: CommandGuard,
  ) {}

  async send(cmd: Uint8Array): Promise<Response> {
    this.guard.admit(cmd);
    this.stats.count++;
    this.stats.bytesOut += cmd.length;
    const r = await this.transport.transmit(cmd);
    this.stats.bytesIn += r.length;
    if (r.length < 2) throw new CardError('malformed_response', `response of ${r.length} bytes`);
    return { data: r.subarray(0, r.length - 2), sw: (r[r.length - 2]! << 8) | r[r.length - 1]! };
  }

  async expectOk(cmd: Uint8Array, what: string): Promise<Uint8Array> {
    const r = await this.send(cmd);
    if (r.sw !== SW_OK) throw errorForSw(r.sw, what);
    return r.data;
  }
}

export class DocumentGuardError extends CardError {
  constructor(detail: string) {
    super('document_guard', detail);
  }
}

/** Parse a command's shape (ISO/IEC 7816-4 §5.1, short and extended): data field and Le presence. */
export function commandShape(cmd: Uint8Array): { cla: number; ins: number; p1: number; p2: number; data: Uint8Array; extended: boolean } {
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
    if (lc === 0 || (body.length !== 3 + lc && body.length !== 5 + lc)) throw new DocumentGuardError('extended command length does not match Lc');
    data = body.subarray(3, 3 + lc);
    return { cla, ins, p1, p2, data, extended };
  }
  const lc = body[0]!;
  if (lc === 0 || (body.length !== 1 + lc && body.length !== 2 + lc)) throw new DocumentGuardError('command length does not match Lc');
  data = body.subarray(1, 1 + lc);
  return { cla, ins, p1, p2, data, extended };
}
