// The passport's APDU channel: plain before access control, secure messaging after (ICAO Doc
// 9303-11 §9.8), counted, and limited to the files this kiosk reads (lds-files.ts: never DG3/DG4 or
// any other data group). Files are read as Doc 9303-11 App. D.4 shows: SELECT, READ BINARY of the
// first 4 bytes to learn the object's length, then the rest in blocks that fit a short response
// under secure messaging.
import { concat, peekTlvSize } from '../card/ber-tlv.ts';
import type { ApduStats, ApduTransport } from '../card/apdu.ts';
import { CardError } from '../card/codes.ts';
import { PassportError } from './codes.ts';
import { EMRTD_AID, READABLE_FILES, type LdsFile } from './lds-files.ts';
import { encodeCommand, type CommandApdu, type ResponseApdu, type SecureMessaging } from './secure-messaging.ts';

export const SW_OK = 0x9000;
const SW_END_OF_FILE = 0x6282;
const SW_NOT_FOUND = 0x6a82;

/** Largest object read (a DG2 with a JPEG 2000 face is 12-25 KB; READ BINARY's offset has 15 bits). */
export const MAX_FILE_BYTES = 0x7fff;

export class PassportChannel {
  readonly stats: ApduStats = { count: 0, bytesOut: 0, bytesIn: 0 };
  #sm: SecureMessaging | null = null;

  constructor(private readonly transport: ApduTransport) {}

  get secure(): boolean {
    return this.#sm !== null;
  }

  get sm(): SecureMessaging | null {
    return this.#sm;
  }

  /** Start (or restart, after Chip Authentication) secure messaging with new keys (§9.8.2). */
  startSecureMessaging(sm: SecureMessaging): void {
    this.#sm = sm;
  }

  async #transmit(bytes: Uint8Array): Promise<Uint8Array> {
    this.stats.count++;
    this.stats.bytesOut += bytes.length;
    const r = await this.transport.transmit(bytes);
    this.stats.bytesIn += r.length;
    if (r.length < 2) throw new CardError('malformed_response', `response of ${r.length} bytes`);
    return r;
  }

  /** Send without secure messaging (access control itself, or a chip without it). */
  async sendPlain(c: CommandApdu): Promise<ResponseApdu> {
    const r = await this.#transmit(encodeCommand(c));
    return { data: r.subarray(0, r.length - 2), sw: (r[r.length - 2]! << 8) | r[r.length - 1]! };
  }

  /** Send protected when secure messaging is on (every response is MAC-checked), plain otherwise. */
  async send(c: CommandApdu): Promise<ResponseApdu> {
    const sm = this.#sm;
    if (!sm) return this.sendPlain(c);
    return sm.unprotect(await this.#transmit(sm.protect(c)));
  }

  /** SELECT the eMRTD application (plain before BAC, protected after PACE: §4.2). */
  async selectApplication(): Promise<number> {
    return (await this.send({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: EMRTD_AID })).sw;
  }

  /**
   * Read a file of the allowlist whole (its outer TLV), or null when the chip has no such file.
   * `mf` files (EF.CardAccess) are read by short file identifier from the master file (§4.2 step 1).
   */
  async readFile(f: LdsFile, opts: { bySfi?: boolean } = {}): Promise<Uint8Array | null> {
    if (!READABLE_FILES.includes(f))
      throw new PassportError('malformed_data', `refused: ${f.name} is not a file this kiosk reads`);
    // Plain reads can take 256 bytes; under SM the block must leave room for padding, DO'87',
    // DO'99' and DO'8E' in a 256-byte response: 224 with 3DES (JMRTD's choice), 223 with AES.
    const block = !this.#sm ? 256 : this.#sm.suite.cipher === 'AES' ? 223 : 224;
    let first: ResponseApdu;
    if (opts.bySfi) {
      first = await this.send({ cla: 0x00, ins: 0xb0, p1: 0x80 | f.sfi, p2: 0x00, le: 4 });
    } else {
      const sel = await this.send({
        cla: 0x00,
        ins: 0xa4,
        p1: 0x02,
        p2: 0x0c,
        data: Uint8Array.of(f.fid >> 8, f.fid & 0xff),
      });
      if (sel.sw === SW_NOT_FOUND) return null;
      if (sel.sw !== SW_OK) throw statusError(sel.sw, `SELECT ${f.name}`);
      first = await this.send({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 4 });
    }
    if (first.sw === SW_NOT_FOUND) return null;
    if (first.sw !== SW_OK && first.sw !== SW_END_OF_FILE) throw statusError(first.sw, `READ BINARY ${f.name}`);
    const size = peekTlvSize(first.data, 0);
    if (!size) throw new PassportError('malformed_data', `${f.name}: no TLV header in its first bytes`);
    if (size.totalLength > MAX_FILE_BYTES)
      throw new PassportError(
        'malformed_data',
        `${f.name}: object of ${size.totalLength} bytes exceeds ${MAX_FILE_BYTES}`,
      );
    const parts: Uint8Array[] = [first.data.subarray(0, Math.min(first.data.length, size.totalLength))];
    let have = parts[0]!.length;
    while (have < size.totalLength) {
      const le = Math.min(block, size.totalLength - have);
      const r = await this.send({ cla: 0x00, ins: 0xb0, p1: have >> 8, p2: have & 0xff, le });
      if (r.sw !== SW_OK && r.sw !== SW_END_OF_FILE) throw statusError(r.sw, `READ BINARY ${f.name} at ${have}`);
      if (r.data.length === 0)
        throw new PassportError(
          'malformed_data',
          `${f.name}: file ends at ${have} bytes inside an object of ${size.totalLength}`,
        );
      const take = r.data.subarray(0, Math.min(r.data.length, size.totalLength - have));
      parts.push(take);
      have += take.length;
    }
    const out = concat(...parts);
    if (out[0] !== f.tag)
      throw new PassportError(
        'malformed_data',
        `${f.name}: outer tag ${out[0]!.toString(16)}, expected ${f.tag.toString(16)}`,
      );
    return out;
  }
}

function statusError(sw: number, what: string): Error {
  const hex = sw.toString(16).toUpperCase().padStart(4, '0');
  if (sw === 0x6982) return new CardError('security_status', `${what}: 6982 security status not satisfied`);
  return new CardError('unexpected_status', `${what}: status ${hex}`);
}
