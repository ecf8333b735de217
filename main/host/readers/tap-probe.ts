// What was tapped on the kiosk's one PC/SC reader, and what may be sent to it afterwards.
//
// The kiosk has ONE contactless reader for both the My Number Card and phones (the idle screen tells
// customers to hold either to it). The two must never be confused:
//   - a card is never sent anything but the card path's own commands (core/card, under its
//     MyNumberGuard), and the probe below only SELECTs two foreign AIDs, which a card answers with
//     6A82 (file or application not found) and no state change;
//   - a phone is never sent a My Number SELECT or a PIN VERIFY: once the probe has called it a
//     phone, it only ever sees the commands of the mdoc NFC procedures, enforced by PhoneApduGuard.
//
// The probe (ISO/IEC 7816-4 SELECT by DF name, P2 00):
//   1. the NFC Forum Type 4 Tag NDEF application D2760000850101 (T4T 1.2 §7.5; NFC engagement,
//      ISO/IEC 18013-5 §8.2.2.1): 9000 -> phone;
//   2. else the mdoc application A0000002480400 (18013-5 §8.3.3.2, NFC data retrieval): 9000 ->
//      phone (it cannot engage by NFC, and the phone path says so: nfc_ndef_app_not_found);
//   3. else the card applications the card path reads (card-applications.ts findCardApplication):
//      one selects -> card; none -> 'unsupported' ("not a supported card or phone", its own code).
// The card's identity is never guessed from the ATR (main/pcsc/pcsc-reader.ts).
import { NDEF_AID, statusWord, type ApduChannel } from '../../../core/mdoc/engagement/index.ts';
import { MDOC_NFC_AID } from '../../../core/mdoc/transport/nfc/nfc-data-retrieval.ts';
import { findCardApplication } from './card-applications.ts';
import type { DocumentKind } from '../../../core/document/identify.ts';
import { toHex as hex } from '../../../core/bytes.ts';

/** Who an armed reader waits for. */
export type TapKind = 'phone' | 'card';
/** What the probe found: a phone, a card the card path reads, or neither. */
export type ProbedKind = TapKind | 'unsupported';

export interface TapProbe {
  kind: ProbedKind;
  /** Which application answered (phones), for the log and the tests. */
  answered: 'ndef' | 'mdoc' | null;
  /** Cards: which document answered (core/document/identify.ts). */
  document?: DocumentKind | null;
  /** A My Number Card that also answered the licence AP (マイナ免許証). */
  licenceAp?: boolean;
  apdus: number;
}

function selectByName(aid: Uint8Array): Uint8Array {
  return Uint8Array.of(0x00, 0xa4, 0x04, 0x00, aid.length, ...aid, 0x00);
}

/** Probe the tapped item. Throws ApduChannelError when it leaves during the probe. */
export async function probeTap(ch: ApduChannel): Promise<TapProbe> {
  let apdus = 0;
  for (const [name, aid] of [['ndef', NDEF_AID], ['mdoc', MDOC_NFC_AID]] as const) {
    apdus++;
    const r = await ch.transmit(selectByName(aid));
    if (r.length >= 2 && statusWord(r) === 0x9000) return { kind: 'phone', answered: name, apdus };
  }
  const card = await findCardApplication(ch);
  return { kind: card.name ? 'card' : 'unsupported', answered: null, document: card.name, ...(card.licenceAp ? { licenceAp: true } : {}), apdus: apdus + card.apdus };
}

const PHONE_AIDS = new Set([hex(NDEF_AID), hex(MDOC_NFC_AID)]);

/** Thrown when the phone path tries to send a command outside the mdoc NFC procedures. */
export class PhoneGuardError extends Error {
  override readonly name = 'PhoneGuardError';
  readonly code = 'phone_guard';
}

/**
 * The channel the phone path gets: an allowlist of the mdoc NFC commands, so nothing a card would
 * take as a PIN VERIFY (INS 20), a My Number SELECT or any other card command can reach a phone,
 * whatever a bug upstream asks for. Allowed (CLA 00, or 10 for ENVELOPE chaining):
 *   SELECT by DF name (A4 04) of the NDEF or mdoc application only; SELECT EF by id (A4 00 0C, Lc 2:
 *   CC E103 and the NDEF file); READ BINARY (B0) and UPDATE BINARY (D6) with offsets (T4T §7.5);
 *   ENVELOPE (C3) and GET RESPONSE (C0) (18013-5 §8.3.3.2.2).
 */
export class PhoneApduGuard implements ApduChannel {
  refused = 0;
  constructor(private readonly inner: ApduChannel) {}

  static check(c: Uint8Array): string | null {
    if (c.length < 4) return 'command shorter than 4 bytes';
    const [cla, ins, p1, p2] = [c[0]!, c[1]!, c[2]!, c[3]!];
    if (cla === 0x10 && ins === 0xc3) return null;
    if (cla !== 0x00) return `CLA ${cla.toString(16)}`;
    switch (ins) {
      case 0xa4: {
        if (p1 === 0x04 && c.length >= 5) {
          const aid = c.subarray(5, 5 + c[4]!);
          return PHONE_AIDS.has(hex(aid)) ? null : `SELECT of application ${hex(aid)} (not NDEF or mdoc)`;
        }
        if (p1 === 0x00 && p2 === 0x0c && c[4] === 0x02 && c.length === 7) return null;
        return `SELECT P1 ${p1.toString(16)} P2 ${p2.toString(16)}`;
      }
      case 0xb0:
      case 0xd6:
        return p1 & 0x80 ? 'READ/UPDATE BINARY with a short EF identifier' : null;
      case 0xc3:
      case 0xc0:
        return null;
      default:
        return `INS ${ins.toString(16).padStart(2, '0')} is not an mdoc NFC command`;
    }
  }

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const why = PhoneApduGuard.check(apdu);
    if (why) {
      this.refused++;
      return Promise.reject(new PhoneGuardError(`refused to send to a phone: ${why}`));
    }
    return this.inner.transmit(apdu);
  }
}
