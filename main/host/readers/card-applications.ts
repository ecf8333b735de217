// Which card applications the kiosk's card path can read, and the one decision the tap dispatcher
// needs from it: does the item on the reader hold any of them? A contactless item that answers
// neither the phone applications (tap-probe.ts) nor any application listed here is "not a supported
// card or phone" (its own code, not-accepted.ts UNSUPPORTED_DEVICE), never a card read error.
//
// Probed with SELECT by DF name, P2 0C (ISO/IEC 7816-4 §11.2.2, no FCI), the command the card path
// itself starts with (core/card/apdu.ts selectAid): a card that lacks the application answers 6A82
// and nothing changes; nothing else (no VERIFY, no READ) is ever sent here. New card kinds add their
// application here.
import { selectAid } from '../../../core/card/apdu.ts';
import { GEN1_JPKI_AP_AID, GEN1_TEXT_AP_AID } from '../../../core/card/profile.ts';
import { statusWord, type ApduChannel } from '../../../core/mdoc/engagement/index.ts';

const fromHex = (h: string) => Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));

/** Applications of the cards the card path reads, by name (first match wins). */
export const KNOWN_CARD_APPLICATIONS: readonly { name: string; aid: Uint8Array }[] = [
  // My Number Card: the 券面事項入力補助 AP the kiosk reads, else the JPKI AP every card carries.
  { name: 'mynumber-card', aid: fromHex(GEN1_TEXT_AP_AID) },
  { name: 'mynumber-card', aid: fromHex(GEN1_JPKI_AP_AID) },
];

/** The first known card application the item selects (name null: not a card the kiosk can read). */
export async function findCardApplication(ch: ApduChannel): Promise<{ name: string | null; apdus: number }> {
  let apdus = 0;
  for (const app of KNOWN_CARD_APPLICATIONS) {
    apdus++;
    const r = await ch.transmit(selectAid(app.aid));
    if (r.length >= 2 && statusWord(r) === 0x9000) return { name: app.name, apdus };
  }
  return { name: null, apdus };
}
