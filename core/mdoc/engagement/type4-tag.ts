// The reader side of the NFC Forum Type 4 Tag NDEF procedures (T4T 1.2 §7.5) over an ApduChannel:
// SELECT the NDEF application D2760000850101, SELECT and READ the Capability Container E103 (NDEF
// file id at CC offset 9), SELECT the NDEF file, READ its 2-byte NLEN then the body in chunks, and
// (negotiated handover) write a message with UPDATE BINARY: NLEN = 0 first, the body, then NLEN.
// Short APDUs only (Le <= 255, Lc <= 255): every PC/SC reader handles them.
//
// Entry points: `Type4Tag` (open(), readNdef(), writeNdef(), stats), `NDEF_AID`, `CC_FILE_ID`.
import { EngagementError } from './codes.ts';
import { responseData, statusWord, type ApduChannel } from './apdu-channel.ts';
import { concat } from '../../bytes.ts';

export const NDEF_AID = Uint8Array.of(0xd2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01);
export const CC_FILE_ID = 0xe103;
const SW_OK = 0x9000;
const SW_NOT_FOUND = 0x6a82;

export interface CapabilityContainer {
  mappingVersion: number;
  /** Maximum R-APDU data size (MLe). */
  mle: number;
  /** Maximum C-APDU data size (MLc). */
  mlc: number;
  ndefFileId: number;
  maxNdefSize: number;
  readAccess: number;
  writeAccess: number;
}

export interface Type4TagOptions {
  /** Upper bound on Le / Lc the kiosk uses whatever the CC says (short APDUs). */
  maxChunk?: number;
  /** Upper bound on an NDEF message the kiosk will read (bytes). */
  maxMessageBytes?: number;
}

export function parseCapabilityContainer(cc: Uint8Array): CapabilityContainer {
  const bad = (m: string): never => {
    throw new EngagementError('nfc_cc_malformed', m);
  };
  if (cc.length < 15) bad(`CC of ${cc.length} bytes`);
  const cclen = (cc[0]! << 8) | cc[1]!;
  if (cclen < 15) bad(`CCLEN ${cclen}`);
  const mappingVersion = cc[2]!;
  if (mappingVersion >> 4 !== 2 && mappingVersion >> 4 !== 3) bad(`mapping version 0x${mappingVersion.toString(16)}`);
  const mle = (cc[3]! << 8) | cc[4]!;
  const mlc = (cc[5]! << 8) | cc[6]!;
  if (mle < 0x0f) bad(`MLe ${mle}`);
  if (mlc < 0x01) bad(`MLc ${mlc}`);
  if (cc[7] !== 0x04 || cc[8] !== 0x06) bad(`NDEF File Control TLV ${cc[7]?.toString(16)} ${cc[8]?.toString(16)}`);
  const ndefFileId = (cc[9]! << 8) | cc[10]!;
  if (
    ndefFileId === 0x0000 ||
    ndefFileId === 0xe102 ||
    ndefFileId === 0xe103 ||
    ndefFileId === 0x3f00 ||
    ndefFileId === 0x3fff ||
    ndefFileId === 0xffff
  )
    bad(`NDEF file id ${ndefFileId.toString(16)} is reserved`);
  const maxNdefSize = (cc[11]! << 8) | cc[12]!;
  if (maxNdefSize < 5) bad(`max NDEF size ${maxNdefSize}`);
  return { mappingVersion, mle, mlc, ndefFileId, maxNdefSize, readAccess: cc[13]!, writeAccess: cc[14]! };
}

export class Type4Tag {
  apdus = 0;
  cc: CapabilityContainer | null = null;
  private readonly maxChunk: number;
  private readonly maxMessageBytes: number;

  constructor(
    private readonly channel: ApduChannel,
    opts: Type4TagOptions = {},
  ) {
    this.maxChunk = Math.min(opts.maxChunk ?? 255, 255);
    this.maxMessageBytes = opts.maxMessageBytes ?? 0x7ffd;
  }

  private async send(apdu: Uint8Array, what: string): Promise<Uint8Array> {
    this.apdus++;
    const r = await this.channel.transmit(apdu);
    const sw = statusWord(r);
    if (sw !== SW_OK) {
      if (sw === SW_NOT_FOUND && what === 'SELECT NDEF application')
        throw new EngagementError('nfc_ndef_app_not_found', 'SELECT NDEF application: 6A82');
      throw new EngagementError('nfc_status', `${what}: SW ${sw.toString(16).padStart(4, '0')}`);
    }
    return responseData(r);
  }

  /** SELECT application, read the CC, SELECT the NDEF file. */
  async open(): Promise<CapabilityContainer> {
    await this.send(
      Uint8Array.of(0x00, 0xa4, 0x04, 0x00, NDEF_AID.length, ...NDEF_AID, 0x00),
      'SELECT NDEF application',
    );
    await this.selectFile(CC_FILE_ID, 'SELECT CC');
    const cc = parseCapabilityContainer(await this.readBinary(0, 15, 'READ CC'));
    if (cc.readAccess !== 0x00)
      throw new EngagementError('nfc_cc_malformed', `NDEF read access 0x${cc.readAccess.toString(16)}`);
    await this.selectFile(cc.ndefFileId, 'SELECT NDEF file');
    this.cc = cc;
    return cc;
  }

  private async selectFile(fid: number, what: string): Promise<void> {
    await this.send(Uint8Array.of(0x00, 0xa4, 0x00, 0x0c, 0x02, fid >> 8, fid & 0xff), what);
  }

  private async readBinary(offset: number, le: number, what: string): Promise<Uint8Array> {
    if (offset > 0x7fff)
      throw new EngagementError('nfc_response_malformed', `READ BINARY offset ${offset} beyond 15 bits`);
    const data = await this.send(Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, le), what);
    if (data.length > le)
      throw new EngagementError('nfc_response_malformed', `${what}: ${data.length} bytes for Le ${le}`);
    return data;
  }

  private chunkLe(): number {
    return Math.min(this.maxChunk, this.cc?.mle ?? 255);
  }

  /** NLEN: 0 means "no message (yet)". */
  async readNlen(): Promise<number> {
    const d = await this.readBinary(0, 2, 'READ NLEN');
    if (d.length !== 2) throw new EngagementError('nfc_response_malformed', `NLEN of ${d.length} bytes`);
    return (d[0]! << 8) | d[1]!;
  }

  async readBody(nlen: number): Promise<Uint8Array> {
    const cc = this.cc!;
    if (nlen > cc.maxNdefSize - 2 || nlen > this.maxMessageBytes)
      throw new EngagementError(
        'ndef_too_large',
        `NLEN ${nlen} exceeds ${Math.min(cc.maxNdefSize - 2, this.maxMessageBytes)}`,
      );
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < nlen) {
      const le = Math.min(this.chunkLe(), nlen - got);
      const d = await this.readBinary(2 + got, le, 'READ NDEF');
      if (d.length === 0) throw new EngagementError('nfc_response_malformed', 'READ NDEF returned no data');
      parts.push(d);
      got += d.length;
    }
    return concat(...parts);
  }

  /** Whole message; 0 = empty. */
  async readNdef(): Promise<Uint8Array> {
    const nlen = await this.readNlen();
    return nlen === 0 ? new Uint8Array(0) : this.readBody(nlen);
  }

  /** T4T §7.5.5 NDEF Write: NLEN = 0, body, NLEN. */
  async writeNdef(message: Uint8Array, maxNdefSize?: number): Promise<void> {
    const cc = this.cc!;
    if (cc.writeAccess !== 0x00) throw new EngagementError('nfc_cc_malformed', 'NDEF file is read-only');
    const limit = Math.min(cc.maxNdefSize, maxNdefSize ?? 0xffff) - 2;
    if (message.length > limit)
      throw new EngagementError('ndef_too_large', `message of ${message.length} bytes exceeds the tag's ${limit}`);
    const lc = Math.min(this.maxChunk, cc.mlc);
    await this.update(0, Uint8Array.of(0, 0), 'UPDATE NLEN=0');
    for (let o = 0; o < message.length; o += lc)
      await this.update(2 + o, message.subarray(o, Math.min(message.length, o + lc)), 'UPDATE NDEF');
    await this.update(0, Uint8Array.of(message.length >> 8, message.length & 0xff), 'UPDATE NLEN');
  }

  private async update(offset: number, data: Uint8Array, what: string): Promise<void> {
    await this.send(Uint8Array.of(0x00, 0xd6, offset >> 8, offset & 0xff, data.length, ...data), what);
  }
}
