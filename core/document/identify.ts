// Which document a tapped card is, by the applications it answers (never by its ATR): one SELECT by
// DF name (ISO/IEC 7816-4 §11.2.2, P2 0C: no FCI) per candidate, in this order:
//   1. driving licence DF1      A0 00 00 02 31 01 00…00 (16 bytes)
//   2. residence card DF1       D3 92 F0 00 4F 02 00…00 (16 bytes); the card type (1st / 2nd
//      generation, special permanent resident certificate, My Number-integrated 07/08) is read by the
//      residence card reader from MF/EF02, after this
//   3. My Number Card           text AP D3 92 10 00 31 00 01 01 04 08, else card-face AP …04 02
//   4. on a My Number Card: the licence AP of a マイナ免許証, A0 00 00 02 31 06 00…00
//   5. ICAO eMRTD application A0 00 00 02 47 10 01 (passports and ICAO ID cards; Doc 9303-10
//      §3.10.1): last, so the Japanese cards keep their probes and counts; a passport answers 6A82 to
//      every AID above
// A card that answers none is `null` (unsupported). A SELECT of an application a card does not
// have is answered 6A82 and changes nothing, so probing costs no state. Used by the tap dispatcher
// (main/host/readers/tap-probe.ts) and by `kakunin read-card --document auto`.
import { hexBytes } from '../bytes.ts';
import { GEN1_CARD_FACE_AP_AID, GEN1_TEXT_AP_AID } from '../card/profile.ts';
import { EMRTD_AID } from '../passport/lds-files.ts';

export type DocumentKind = 'mynumber-card' | 'driving-licence' | 'residence-card' | 'passport';

export interface IdentifiedCard {
  document: DocumentKind | null;
  /** A My Number Card carrying the licence AP (マイナ免許証). */
  licenceAp: boolean;
  apdus: number;
}

const hex = hexBytes;
const pad16 = (s: string) => hex(s.padEnd(32, '0'));

export const LICENCE_DF1_AID = pad16('A0000002310100');
export const LICENCE_DF2_AID = pad16('A0000002310200');
export const LICENCE_DF3_AID = pad16('A0000002480300');
export const MYNA_LICENCE_AP_AID = pad16('A0000002310600');
export const RESIDENCE_DF1_AID = pad16('D392F0004F0200');
export const RESIDENCE_DF2_AID = pad16('D392F0004F0300');
export const RESIDENCE_DF3_AID = pad16('D392F0004F0400');

export function selectByName(aid: Uint8Array): Uint8Array {
  return Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, aid.length, ...aid);
}

type Transmit = (cmd: Uint8Array) => Promise<Uint8Array>;

const answers = (r: Uint8Array) => r.length >= 2 && r[r.length - 2] === 0x90 && r[r.length - 1] === 0x00;

/** Probe the card on the reader. Transport errors (card gone) propagate to the caller. */
export async function identifyCard(transmit: Transmit): Promise<IdentifiedCard> {
  let apdus = 0;
  const has = async (aid: Uint8Array) => {
    apdus++;
    return answers(await transmit(selectByName(aid)));
  };
  if (await has(LICENCE_DF1_AID)) return { document: 'driving-licence', licenceAp: false, apdus };
  if (await has(RESIDENCE_DF1_AID)) return { document: 'residence-card', licenceAp: false, apdus };
  if ((await has(hex(GEN1_TEXT_AP_AID))) || (await has(hex(GEN1_CARD_FACE_AP_AID)))) {
    return { document: 'mynumber-card', licenceAp: await has(MYNA_LICENCE_AP_AID), apdus };
  }
  if (await has(EMRTD_AID)) return { document: 'passport', licenceAp: false, apdus };
  return { document: null, licenceAp: false, apdus };
}
