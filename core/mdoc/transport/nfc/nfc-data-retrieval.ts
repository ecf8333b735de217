// NFC data retrieval, reader side (ISO 18013-5 §8.3.3.1.2): the phone stays on the reader.
//   SELECT AID A0000002480400;
//   each message (SessionEstablishment, SessionData) goes as DO'53' in ENVELOPE commands
//   (INS C3), split to the command data limit, CLA 0x10 on every command but the last (chaining,
//   ISO 7816-4 §5.1.1), Le on the last;
//   the answer comes back as DO'53' in the response data; SW 61xx means more: GET RESPONSE
//   (INS C0) with Le = xx (00 = 256) until 9000.
// Bounded: message size, number of GET RESPONSEs. Short APDUs only.
//
// Entry point (read-mdoc, e2e tests):
//   const t = new NfcDataRetrieval(channel, { maxCommandDataLength, maxResponseDataLength });
//   await t.select(); const sessionDataBytes = await t.exchange(sessionEstablishmentBytes);
//   ... await t.exchange(nextSessionData); await t.terminate(sessionDataStatus20Bytes);
import { responseData, statusWord, type ApduChannel } from '../../engagement/apdu-channel.ts';
import { NfcRetrievalError } from './codes.ts';
import { decodeDo53, encodeDo53 } from './do53.ts';

export const MDOC_NFC_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x48, 0x04, 0x00);

/**
 * What this implementation can really carry (short APDUs: Lc <= 255, Le <= 256), as the kiosk
 * states them in the NFC carrier record of its Handover Request (§8.2.2.2).
 */
export const NFC_RETRIEVAL_LIMITS = { maxCommandDataLength: 255, maxResponseDataLength: 256 } as const;

export interface NfcDataRetrievalOptions {
  /** From the holder's NFC options (DE option 0 / Hs record); capped at 255 (short APDU). */
  maxCommandDataLength?: number;
  /** Le for the last ENVELOPE and GET RESPONSE; 256 max (encoded 00). */
  maxResponseDataLength?: number;
  /** Largest message the kiosk accepts (a DeviceResponse with a portrait is tens of KiB). */
  maxMessageBytes?: number;
}

export class NfcDataRetrieval {
  apdus = 0;
  private readonly lc: number;
  private readonly le: number;
  private readonly maxMessage: number;

  constructor(
    private readonly channel: ApduChannel,
    o: NfcDataRetrievalOptions = {},
  ) {
    this.lc = Math.max(
      1,
      Math.min(
        o.maxCommandDataLength ?? NFC_RETRIEVAL_LIMITS.maxCommandDataLength,
        NFC_RETRIEVAL_LIMITS.maxCommandDataLength,
      ),
    );
    this.le = Math.max(
      1,
      Math.min(
        o.maxResponseDataLength ?? NFC_RETRIEVAL_LIMITS.maxResponseDataLength,
        NFC_RETRIEVAL_LIMITS.maxResponseDataLength,
      ),
    );
    this.maxMessage = o.maxMessageBytes ?? 512 * 1024;
  }

  private async send(apdu: Uint8Array): Promise<{ data: Uint8Array; sw: number }> {
    this.apdus++;
    const r = await this.channel.transmit(apdu);
    return { data: responseData(r), sw: statusWord(r) };
  }

  async select(): Promise<void> {
    const { sw } = await this.send(Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, MDOC_NFC_AID.length, ...MDOC_NFC_AID));
    if (sw === 0x6a82) throw new NfcRetrievalError('nfc_retrieval_app_not_found', 'SELECT mdoc AID: 6A82');
    if (sw !== 0x9000) throw new NfcRetrievalError('nfc_retrieval_status', `SELECT mdoc AID: SW ${sw.toString(16)}`);
  }

  /** Send one message, return the holder's answer (DO'53' content). */
  async exchange(message: Uint8Array): Promise<Uint8Array> {
    if (message.length > this.maxMessage)
      throw new NfcRetrievalError('nfc_retrieval_too_large', `outgoing message of ${message.length} bytes`);
    const wrapped = encodeDo53(message);
    let last: { data: Uint8Array; sw: number } | null = null;
    for (let o = 0; o < wrapped.length; o += this.lc) {
      const chunk = wrapped.subarray(o, Math.min(wrapped.length, o + this.lc));
      const more = o + this.lc < wrapped.length;
      const head = [more ? 0x10 : 0x00, 0xc3, 0x00, 0x00, chunk.length];
      const apdu = new Uint8Array(head.length + chunk.length + (more ? 0 : 1));
      apdu.set(head);
      apdu.set(chunk, head.length);
      if (!more) apdu[apdu.length - 1] = this.le & 0xff; // 256 -> 00
      const r = await this.send(apdu);
      if (more) {
        if (r.sw !== 0x9000)
          throw new NfcRetrievalError('nfc_retrieval_status', `ENVELOPE (chained) SW ${r.sw.toString(16)}`);
        if (r.data.length)
          throw new NfcRetrievalError('nfc_retrieval_malformed', 'data in the answer to a chained ENVELOPE');
      }
      last = r;
    }
    return this.collect(last!);
  }

  private async collect(first: { data: Uint8Array; sw: number }): Promise<Uint8Array> {
    // Max DO'53' head is 5 bytes.
    const limit = this.maxMessage + 5;
    const parts: Uint8Array[] = [];
    let total = 0;
    let r = first;
    const maxRounds = Math.ceil(limit / 256) + 2;
    for (let round = 0; ; round++) {
      total += r.data.length;
      if (total > limit) throw new NfcRetrievalError('nfc_retrieval_too_large', `response over ${limit} bytes`);
      parts.push(r.data);
      if (r.sw === 0x9000) break;
      if ((r.sw & 0xff00) !== 0x6100)
        throw new NfcRetrievalError(
          'nfc_retrieval_status',
          `ENVELOPE/GET RESPONSE SW ${r.sw.toString(16).padStart(4, '0')}`,
        );
      if (round >= maxRounds)
        throw new NfcRetrievalError('nfc_retrieval_too_large', `more than ${maxRounds} GET RESPONSE rounds`);
      const xx = r.sw & 0xff;
      // 61 00: 256 or more remain -> ask for our maximum; 61 xx: exactly xx remain.
      const le = xx === 0 ? this.le : Math.min(xx, this.le);
      r = await this.send(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, le & 0xff));
    }
    const all = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return decodeDo53(all, this.maxMessage);
  }

  /**
   * Session termination: send SessionData {status: 20} (or whatever the session layer built).
   * The phone may answer with an empty 9000; a lifted phone is not an error here.
   */
  async terminate(message: Uint8Array): Promise<void> {
    const wrapped = encodeDo53(message);
    if (wrapped.length > this.lc) {
      await this.exchange(message).catch(() => undefined);
      return;
    }
    try {
      await this.send(Uint8Array.of(0x00, 0xc3, 0x00, 0x00, wrapped.length, ...wrapped, 0x00));
    } catch {
      // The holder may already be gone; the reader is idle either way.
    }
  }
}
