// What was tapped on the kiosk's one PC/SC reader, and what may be sent to it afterwards.
//
// The kiosk has ONE contactless reader for both the My Number Card and phones (the idle screen tells
// customers to hold either to it). The two must never be confused:
//   - a card is never sent anything but the card path's own commands (core/card, under its
//     MyNumberGuard), and the probe below only SELECTs two foreign AIDs, which a card answers with
//     6A82 (file or application not found) and no state change;
//   - a phone is never sent a My Number SELECT or a PIN VERIFY: once the probe has called it a
//     phone, it only ever sees the commands of the mdoc NFC procedures, enforced by PhoneApduGuard;
//   - both are enforced on the tap's connection itself (TapGuard below), before the binding sees a byte.
//
// The probe (ISO/IEC 7816-4 SELECT by DF name, P2 00):
//   1. the NFC Forum Type 4 Tag NDEF application D2760000850101 (T4T 1.2 §7.5; NFC engagement,
//      ISO/IEC 18013-5 §8.2.2.1): 9000 -> phone;
//   2. else the mdoc application A0000002480400 (18013-5 §8.3.3.2, NFC data retrieval): 9000 ->
//      phone (it cannot engage by NFC, and the phone path says so: nfc_ndef_app_not_found);
//   3. else the card applications the card path reads (card-applications.ts findCardApplication):
//      one selects -> card; none -> 'unsupported' ("not a supported card or phone", its own code).
// The card's identity is never guessed from the ATR (main/pcsc/pcsc-reader.ts).
import { NDEF_AID, statusWord } from '../../../core/mdoc/engagement/index.ts';
import { MDOC_NFC_AID } from '../../../core/mdoc/transport/nfc/nfc-data-retrieval.ts';
import { PhoneApduGuard } from '../../../core/mdoc/phone-apdu-guard.ts';
import type { ApduLink, CommandGuard } from '../../../core/apdu-link.ts';
import { findCardApplication } from './card-applications.ts';
import type { DocumentKind } from '../../../core/document/identify.ts';
import { toHex } from '../../../core/bytes.ts';

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
export async function probeTap(ch: ApduLink): Promise<TapProbe> {
  let apdus = 0;
  for (const [name, aid] of [
    ['ndef', NDEF_AID],
    ['mdoc', MDOC_NFC_AID],
  ] as const) {
    apdus++;
    const r = await ch.transmit(selectByName(aid));
    if (r.length >= 2 && statusWord(r) === 0x9000) return { kind: 'phone', answered: name, apdus };
  }
  const card = await findCardApplication(ch);
  return {
    kind: card.name ? 'card' : 'unsupported',
    answered: null,
    document: card.name,
    ...(card.licenceAp ? { licenceAp: true } : {}),
    apdus: apdus + card.apdus,
  };
}

/** Thrown when the probe tries anything but a SELECT by name on an item not known yet. */
export class ProbeGuardError extends Error {
  override readonly name = 'ProbeGuardError';
  readonly code = 'probe_guard';
}

/**
 * The guard of a tap's connection (the PC/SC adapter runs it before the binding sees a byte): while
 * the item is unknown, only SELECT by DF name (00 A4 04), which reads nothing and changes no
 * security state; once the probe called it a phone, the phone's rules (PhoneApduGuard). A card's
 * own path connects again under its document's guard (MyNumberGuard, LicenceGuard, ...).
 */
export class TapGuard implements CommandGuard {
  #phone: PhoneApduGuard | null = null;

  admit(c: Uint8Array): void {
    if (this.#phone) return this.#phone.admit(c);
    if (c.length >= 5 && c[0] === 0x00 && c[1] === 0xa4 && c[2] === 0x04) return;
    throw new ProbeGuardError(`refused before the item is known: ${toHex(c.subarray(0, 4))} is not a SELECT by name`);
  }

  /** The probe found a phone: from now on only the mdoc NFC commands pass. */
  phoneFound(): PhoneApduGuard {
    return (this.#phone ??= new PhoneApduGuard());
  }
}
