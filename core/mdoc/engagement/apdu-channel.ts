// The one abstraction between core's NFC state machines and a device: one C-APDU in, one R-APDU
// (data || SW1 SW2) out. main/nfc/pcsc-channel.ts implements it over pcsclite; tests may implement
// it directly. It has the same shape as core/card/apdu.ts `ApduTransport`, so one PC/SC adapter
// serves both the My Number card layer and mdoc NFC engagement (structural typing, no duplication).
//
// Entry points: `ApduChannel`, `ApduChannelError` (what an adapter throws when the link fails),
// `Sleep` (injected timer: core has no setTimeout), `statusWord`/`responseData`, `CountingChannel`.
import { EngagementError } from './codes.ts';

export interface ApduChannel {
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

/**
 * Link failures, thrown by adapters (not by core): tag removed, nothing presented, reader gone, or
 * the reader's service (pcscd) stopped or not answering — staff must act, the holder cannot.
 */
export class ApduChannelError extends Error {
  override readonly name = 'ApduChannelError';
  constructor(
    readonly code: 'nfc_tag_lost' | 'nfc_no_tag' | 'nfc_reader_unavailable' | 'nfc_service_stopped',
    message: string,
  ) {
    super(message);
  }
}

/** Clocks are passed in (docs/architecture.md "Clocks and crypto are passed in"): core waits T_wait through this. */
export type Sleep = (ms: number) => Promise<void>;

export function statusWord(r: Uint8Array): number {
  if (r.length < 2) throw new EngagementError('nfc_response_malformed', `R-APDU of ${r.length} bytes has no status word`);
  return (r[r.length - 2]! << 8) | r[r.length - 1]!;
}

export function responseData(r: Uint8Array): Uint8Array {
  return r.subarray(0, r.length - 2);
}

/** Hex for APDUs in logs and tests (core/bytes.ts); fromHex throws on a bad literal. */
export { toHex as hex, hexBytes as fromHex } from '../../bytes.ts';

/** Counts APDUs and bytes (figures for reports and benches) around any channel. */
export class CountingChannel implements ApduChannel {
  count = 0;
  bytesOut = 0;
  bytesIn = 0;
  constructor(private readonly inner: ApduChannel) {}
  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    this.count++;
    this.bytesOut += apdu.length;
    const r = await this.inner.transmit(apdu);
    this.bytesIn += r.length;
    return r;
  }
}
