// A phone on a PC/SC contactless reader, for the paths that read phones only (the read-mdoc CLI, the
// simulated NFC world, tests): one reader of the PC/SC adapter (main/pcsc/pcsc-reader.ts), waited
// for, and its taps connected as core's ApduLink with the phone path's words (phoneLinkErrors: a
// phone that moved away is 'nfc_tag_lost', nothing presented in time 'nfc_no_tag', no such reader
// 'nfc_reader_unavailable', pcscd stopped or frozen 'nfc_service_stopped' with `service` saying
// which), behind the phone's command guard (core/mdoc/phone-apdu-guard.ts). Deadlines, pcscd loss
// and removal are the adapter's. The kiosk's shared reader uses the adapter directly
// (main/host/readers/tap.ts).
//
// Entry point:
//   const reader = await PcscNfcReader.open({ readerName: 'Virtual PCD 00 00', timeoutMs: 5000 });
//   const tag = await reader.waitForTag(10_000);   // PcscLink: transmit(apdu)
//   ... engageOverNfc(tag, ...); new NfcDataRetrieval(tag) ...
//   await reader.close();
import { ApduChannelError, phoneLinkErrors } from '../../core/mdoc/engagement/apdu-channel.ts';
import type { CommandGuard } from '../../core/apdu-link.ts';
import { PhoneApduGuard } from '../../core/mdoc/phone-apdu-guard.ts';
import { PcscContext } from '../pcsc/pcsc-reader.ts';
import type { PcscLink } from '../pcsc/pcsc-link.ts';

export interface PcscNfcReaderOptions {
  /** Exact reader name, or a RegExp; the first reader when absent. */
  readerName?: string | RegExp;
  /** How long to wait for the reader to appear. */
  timeoutMs?: number;
  /**
   * Longest wait for one command's answer while pcscd still answers (the phone itself is slow: a
   * contactless card may stretch its answer time with waiting-time extensions, and a wallet may hold
   * its answer to the request ENVELOPE while the holder consents). Default 40 s: above read-mdoc's
   * own response deadline (DEFAULT_TIMEOUTS.responseMs, 30 s), which decides first for a slow phone;
   * this one only ends a command the binding never returns while pcscd still answers.
   */
  apduTimeoutMs?: number;
  /** A binding call without an answer for this long makes the reader check that pcscd answers. Default 2 s. */
  serviceCheckMs?: number;
  /** While waiting for a tag, check that pcscd answers this often. Default 5 s. */
  idleCheckMs?: number;
}

/** See PcscNfcReaderOptions.apduTimeoutMs. */
export const PHONE_APDU_TIMEOUT_MS = 40_000;

/** Connection options for a phone: its words, extended-length answers, no removal wait. */
export function phoneLinkOptions(guard: CommandGuard, apduTimeoutMs = PHONE_APDU_TIMEOUT_MS) {
  // Short APDUs answer at most 256 + 2 bytes; extended up to 65536 + 2. A failed answer is the
  // phone leaving: said at once, without waiting for pcscd's presence poll.
  return { guard, errors: phoneLinkErrors, maxResponse: 65538, apduTimeoutMs, confirmRemovalMs: 0 };
}

export class PcscNfcReader {
  private constructor(
    readonly context: PcscContext,
    readonly name: string,
    private readonly apduTimeoutMs: number,
  ) {}

  static async open(o: PcscNfcReaderOptions = {}): Promise<PcscNfcReader> {
    const ctx = await PcscContext.open({
      errors: phoneLinkErrors,
      ...(o.serviceCheckMs ? { serviceCheckMs: o.serviceCheckMs } : {}),
      ...(o.idleCheckMs ? { idleCheckMs: o.idleCheckMs } : {}),
    });
    try {
      const name = await ctx.waitForReader(o.readerName, o.timeoutMs ?? 5000);
      return new PcscNfcReader(ctx, name, o.apduTimeoutMs ?? PHONE_APDU_TIMEOUT_MS);
    } catch (e) {
      await ctx.close();
      throw e;
    }
  }

  /** Why this reader is finished because of pcscd (ApduChannelError 'nfc_service_stopped'), or null. */
  get serviceLost(): ApduChannelError | null {
    const e = this.context.serviceLost;
    return e instanceof ApduChannelError ? e : null;
  }

  get tagPresent(): boolean {
    return this.context.hasCard(this.name);
  }

  /** Wait until a tag is on the reader, then connect to it behind `guard` (the mdoc NFC commands only, unless told). */
  async waitForTag(timeoutMs: number, guard: CommandGuard = new PhoneApduGuard()): Promise<PcscLink> {
    await this.context.waitForCard(this.name, timeoutMs);
    return this.context.connect(this.name, phoneLinkOptions(guard, this.apduTimeoutMs));
  }

  /** Wait until nothing is on the reader (before the next transaction); false on timeout. True also
   *  when the reader or pcscd is gone (nothing left to wait for: the next waitForTag says why). */
  waitForRemoval(timeoutMs: number): Promise<boolean> {
    return this.context.waitForEmpty(this.name, timeoutMs);
  }

  /** Disconnect (the phone is left alone) and stop watching the reader. Safe to call twice; never blocks on a frozen pcscd. */
  close(): Promise<void> {
    return this.context.close();
  }
}
