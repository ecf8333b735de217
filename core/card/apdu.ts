// Command and response APDUs (ISO/IEC 7816-4 §5.1) over an abstract transport, short form only
// (docs/card-and-mdoc-facts.md "Transport": prefer Le <= 256 and read long files in chunks; extended length is a
// compatibility risk on common readers).
import type { ApduLink, CommandGuard } from '../apdu-link.ts';
import { CardError } from './codes.ts';
import { MyNumberGuard } from './my-number-guard.ts';
import { errorForSw, SW_END_OF_FILE, SW_OK } from './status-words.ts';
import { peekTlvSize } from './ber-tlv.ts';

export type { CommandGuard } from '../apdu-link.ts';

/** What a device adapter (PC/SC, a test double) provides: the one APDU link of core/apdu-link.ts. */
export type ApduTransport = ApduLink;

export interface Response {
  data: Uint8Array;
  sw: number;
}

export interface ApduStats {
  count: number;
  bytesOut: number;
  bytesIn: number;
}

export const MAX_LE = 256;

export function selectAid(aid: Uint8Array): Uint8Array {
  return Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, aid.length, ...aid);
}
export function selectEf(fid: number): Uint8Array {
  return Uint8Array.of(0x00, 0xa4, 0x02, 0x0c, 0x02, fid >> 8, fid & 0xff);
}
/** VERIFY with no data: the card answers 63Cx with the tries left (docs/card-and-mdoc-facts.md "Commands"). */
export function verifyStatus(): Uint8Array {
  return Uint8Array.of(0x00, 0x20, 0x00, 0x80);
}
export function verify(secretAscii: Uint8Array): Uint8Array {
  if (secretAscii.length === 0 || secretAscii.length > 255) throw new CardError('pin_format', 'VERIFY data length');
  return Uint8Array.of(0x00, 0x20, 0x00, 0x80, secretAscii.length, ...secretAscii);
}
export function readBinary(offset: number, le: number): Uint8Array {
  if (offset < 0 || offset > 0x7fff)
    throw new CardError('unexpected_status', `READ BINARY offset ${offset} beyond 15 bits`);
  if (le < 1 || le > MAX_LE) throw new CardError('unexpected_status', `READ BINARY Le ${le}`);
  return Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, le === 256 ? 0 : le);
}
/** 80 2A 00 P2 Lc DigestInfo 00: the card pads (PKCS#1 v1.5) and signs (docs/card-and-mdoc-facts.md "Commands"). */
export function sign(p2: 0x00 | 0x80, digestInfo: Uint8Array): Uint8Array {
  return Uint8Array.of(0x80, 0x2a, 0x00, p2, digestInfo.length, ...digestInfo, 0x00);
}

/**
 * The card layer's only way to talk to a card: guarded, counted, status words parsed. The guard
 * runs before the transport sees a byte (my-number-guard.ts).
 */
export class CardChannel {
  readonly stats: ApduStats = { count: 0, bytesOut: 0, bytesIn: 0 };
  readonly #transport: ApduLink;
  readonly #guard: CommandGuard;

  /** `guard`: the document's send-path allowlist (the My Number guard unless another is given). */
  constructor(transport: ApduLink, guard: CommandGuard = new MyNumberGuard()) {
    this.#transport = transport;
    this.#guard = guard;
  }

  async send(cmd: Uint8Array): Promise<Response> {
    this.#guard.admit(cmd);
    this.stats.count++;
    this.stats.bytesOut += cmd.length;
    const r = await this.#transport.transmit(cmd);
    this.stats.bytesIn += r.length;
    if (r.length < 2) throw new CardError('malformed_response', `response of ${r.length} bytes`);
    return { data: r.subarray(0, r.length - 2), sw: (r[r.length - 2]! << 8) | r[r.length - 1]! };
  }

  /** Send and require 9000. */
  async expectOk(cmd: Uint8Array, what: string): Promise<Uint8Array> {
    const r = await this.send(cmd);
    if (r.sw !== SW_OK) throw errorForSw(r.sw, what);
    return r.data;
  }

  /**
   * Read the current EF's outer TLV in chunks of at most 256 bytes. The first chunk holds the outer
   * header, which says how many bytes the object takes; only those are read, never the filler after
   * it (docs/card-and-mdoc-facts.md "Encodings": files carry filler). So a file costs
   * ceil(objectLength / 256) READ BINARY commands, the minimum with short APDUs.
   */
  async readObject(what: string, maxLength = 0x7fff): Promise<Uint8Array> {
    const first = await this.send(readBinary(0, MAX_LE));
    if (first.sw !== SW_OK && first.sw !== SW_END_OF_FILE) throw errorForSw(first.sw, `${what} READ BINARY`);
    const size = peekTlvSize(first.data, 0);
    if (!size) throw new CardError('malformed_tlv', `${what}: no outer TLV header in the first chunk`);
    if (size.totalLength > maxLength)
      throw new CardError('malformed_tlv', `${what}: object of ${size.totalLength} bytes exceeds ${maxLength}`);
    const out = new Uint8Array(size.totalLength);
    out.set(first.data.subarray(0, size.totalLength));
    let have = Math.min(first.data.length, size.totalLength);
    if (first.data.length < size.totalLength && first.data.length < MAX_LE) {
      throw new CardError(
        'malformed_tlv',
        `${what}: file ends at ${first.data.length} bytes inside an object of ${size.totalLength}`,
      );
    }
    while (have < size.totalLength) {
      const le = Math.min(MAX_LE, size.totalLength - have);
      const r = await this.send(readBinary(have, le));
      if (r.sw !== SW_OK && r.sw !== SW_END_OF_FILE) throw errorForSw(r.sw, `${what} READ BINARY at ${have}`);
      if (r.data.length === 0)
        throw new CardError(
          'malformed_tlv',
          `${what}: file ends at ${have} bytes inside an object of ${size.totalLength}`,
        );
      const take = Math.min(r.data.length, size.totalLength - have);
      out.set(r.data.subarray(0, take), have);
      have += take;
    }
    return out;
  }
}
