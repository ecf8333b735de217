// Which card applications the kiosk's card path can read, and the one decision the tap dispatcher
// needs from it: does the item on the reader hold any of them? A contactless item that answers
// neither the phone applications (tap-probe.ts) nor any application listed here is "not a supported
// card or phone" (its own code, not-accepted.ts UNSUPPORTED_DEVICE), never a card read error.
//
// Probed with SELECT by DF name, P2 0C (ISO/IEC 7816-4 §11.2.2, no FCI), the command the card path
// itself starts with: a card that lacks the application answers 6A82 and nothing changes; nothing
// else (no VERIFY, no READ) is ever sent here. The applications and their order are in
// core/document/identify.ts (driving licence, residence card, My Number Card); new card kinds go there.
import type { ApduChannel } from '../../../core/mdoc/engagement/index.ts';
import { identifyCard, type DocumentKind } from '../../../core/document/identify.ts';

/** The document the item holds (core/document/identify.ts: the kiosk's one detection function). */
export async function findCardApplication(
  ch: ApduChannel,
): Promise<{ name: DocumentKind | null; licenceAp: boolean; apdus: number }> {
  const id = await identifyCard((c) => ch.transmit(c));
  return { name: id.document, licenceAp: id.licenceAp, apdus: id.apdus };
}
