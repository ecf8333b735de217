// The link between core's NFC state machines and a device is core's one APDU link
// (core/apdu-link.ts), served for phones and cards alike by main/pcsc/pcsc-link.ts. This module
// gives it the phone path's words: `ApduChannelError` with the nfc_* codes, and `phoneLinkErrors`,
// which turns the adapter's link failures into them.
//
// Entry points: `ApduChannel`, `ApduChannelError` (what an adapter throws when the link fails),
// `phoneLinkErrors`, `Sleep` (injected timer: core has no setTimeout), `statusWord`/`responseData`,
// `CountingChannel`.
import type { ApduLink, LinkErrors, LinkFailure } from '../../apdu-link.ts';
import { EngagementError } from './codes.ts';

/** The one APDU link (core/apdu-link.ts), under the NFC code's name. */
export type ApduChannel = ApduLink;

/**
 * Link failures, thrown by adapters (not by core): tag removed, nothing presented, reader gone, or
 * the reader's service (pcscd) stopped or not answering — staff must act, the holder cannot.
 */
export class ApduChannelError extends Error {
  override readonly name = 'ApduChannelError';
  constructor(
    readonly code: 'nfc_tag_lost' | 'nfc_no_tag' | 'nfc_reader_unavailable' | 'nfc_service_stopped',
    message: string,
    /** For nfc_service_stopped: whether pcscd went away ('stopped') or froze ('not_answering'). */
    readonly service?: 'stopped' | 'not_answering',
  ) {
    super(message);
  }
}

const PHONE_LINK_CODES: Record<LinkFailure, ApduChannelError['code']> = {
  removed: 'nfc_tag_lost',
  reader_removed: 'nfc_reader_unavailable',
  service_stopped: 'nfc_service_stopped',
  not_answering: 'nfc_service_stopped',
  unavailable: 'nfc_service_stopped',
  no_reader: 'nfc_reader_unavailable',
  reader_not_found: 'nfc_reader_unavailable',
  absent: 'nfc_no_tag',
  // A phone that stops answering, answers nothing, or a link that is closed: the phone left.
  timeout: 'nfc_tag_lost',
  malformed: 'nfc_tag_lost',
  closed: 'nfc_tag_lost',
  transport: 'nfc_tag_lost',
};

/** Link failures as ApduChannelError: what the phone path throws (its public nfc_* codes). */
export const phoneLinkErrors: LinkErrors = (failure, message) => {
  const code = PHONE_LINK_CODES[failure];
  if (code !== 'nfc_service_stopped') return new ApduChannelError(code, message);
  return new ApduChannelError(code, message, failure === 'not_answering' ? 'not_answering' : 'stopped');
};

/** Clocks are passed in (docs/architecture.md "Clocks and crypto are passed in"): core waits T_wait through this. */
export type Sleep = (ms: number) => Promise<void>;

export function statusWord(r: Uint8Array): number {
  if (r.length < 2)
    throw new EngagementError('nfc_response_malformed', `R-APDU of ${r.length} bytes has no status word`);
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
