// NFC data retrieval (core/mdoc/transport/nfc; docs/card-and-mdoc-facts.md "Data retrieval": SELECT
// A0000002480400, ENVELOPE / GET RESPONSE with DO'53') seen as a MessageTransport, so readMdoc drives NFC exactly like BLE.
// NFC is command / response: send() starts the exchange, receive() awaits its answer.
import type { ApduChannel } from '../../core/mdoc/engagement/apdu-channel.ts';
import type { EngagementResult } from '../../core/mdoc/engagement/index.ts';
import { TransportError, type MessageTransport } from '../../core/mdoc/transport/message-transport.ts';
import { NfcDataRetrieval } from '../../core/mdoc/transport/nfc/nfc-data-retrieval.ts';
import type { Timers } from '../../core/mdoc/transport/timers.ts';
import { nodeTimers } from '../ble/stacks.ts';

/** NFC data retrieval over the engagement's APDU channel (the phone stays on the reader). */
export function nfcDataRetrievalFactory(
  channel: () => ApduChannel | null,
): (e: EngagementResult) => Promise<MessageTransport> {
  return async (e) => {
    const ch = channel();
    if (!ch) throw new TransportError('transport_unavailable', 'no NFC link for data retrieval');
    return NfcMessageTransport.open(ch, e, nodeTimers);
  };
}

export class NfcMessageTransport implements MessageTransport {
  readonly kind = 'nfc';
  private pending: Promise<Uint8Array> | null = null;
  private closed = false;

  private constructor(
    private readonly nfc: NfcDataRetrieval,
    private readonly timers: Timers,
    private readonly limits: { maxCommandDataLength: number; maxResponseDataLength: number },
  ) {}

  /** SELECT the mdoc application on the phone still on the reader. */
  static async open(channel: ApduChannel, e: EngagementResult, timers: Timers): Promise<NfcMessageTransport> {
    const limits = e.nfc ?? { maxCommandDataLength: 255, maxResponseDataLength: 256 };
    const nfc = new NfcDataRetrieval(channel, limits);
    await nfc.select();
    return new NfcMessageTransport(nfc, timers, limits);
  }

  describe(): Record<string, string | number | boolean> {
    return {
      mode: 'NFC data retrieval',
      maxCommandDataLength: this.limits.maxCommandDataLength,
      maxResponseDataLength: this.limits.maxResponseDataLength,
    };
  }

  async send(message: Uint8Array): Promise<void> {
    if (this.closed) throw new TransportError('transport_closed', 'transport closed');
    if (this.pending) throw new TransportError('transport_protocol_error', 'previous NFC exchange not collected');
    this.pending = this.nfc.exchange(message);
    this.pending.catch(() => {});
  }

  async receive(timeoutMs: number): Promise<Uint8Array> {
    if (this.closed) throw new TransportError('transport_closed', 'transport closed');
    const p = this.pending;
    if (!p) throw new TransportError('transport_protocol_error', 'nothing sent');
    this.pending = null;
    let h: unknown;
    try {
      return await Promise.race([
        p,
        new Promise<never>(
          (_, reject) =>
            (h = this.timers.setTimeout(
              () => reject(new TransportError('transport_timeout', `no NFC answer within ${timeoutMs} ms`)),
              timeoutMs,
            )),
        ),
      ]);
    } finally {
      this.timers.clearTimeout(h);
    }
  }

  /** SessionData {status: 20} (§9.1.1.4): NFC has no transport-specific end signal. */
  async terminate(message: Uint8Array): Promise<void> {
    if (!this.closed) await this.nfc.terminate(message);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
