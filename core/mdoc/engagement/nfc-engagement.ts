// NFC engagement, reader side, over any ApduChannel (main/nfc/pcsc-channel.ts on a real or vpcd
// reader): open the Type 4 Tag, read the initial NDEF, then
//   - a TNEP Service Parameter for urn:nfc:sn:handover -> negotiated handover (negotiated-handover.ts);
//   - otherwise the message must be a Handover Select -> static handover (static-handover.ts).
//
// Entry point (for read-mdoc, the kiosk host and e2e tests):
//   const r = await engageOverNfc(channel, { proposal: { ble: { centralClientMode: true,
//     peripheralServerMode: true, uuid } }, random16, sleep });
//   r.deviceEngagement.bytes, r.handover, r.ble (UUIDs resolved), r.nfc, r.stats.apdus
import type { ApduChannel, Sleep } from './apdu-channel.ts';
import { EngagementError } from './codes.ts';
import type { EngagementResult } from './engagement-result.ts';
import type { ReaderProposal } from './handover-request.ts';
import { runNegotiatedHandover } from './negotiated-handover.ts';
import { parseNdefMessage } from './ndef.ts';
import { staticHandoverFromMessage } from './static-handover.ts';
import { findHandoverService } from './tnep.ts';
import { Type4Tag, type Type4TagOptions } from './type4-tag.ts';

export interface NfcEngagementOptions extends Type4TagOptions {
  /** What the kiosk proposes if the wallet negotiates (its BLE UUID and modes). */
  proposal: ReaderProposal;
  random16: number;
  sleep: Sleep;
  maxEmptyPolls?: number;
  /** Refuse negotiated handover (tests of static-only readers). */
  staticOnly?: boolean;
}

export async function engageOverNfc(
  channel: ApduChannel,
  o: NfcEngagementOptions,
): Promise<EngagementResult & { stats: { apdus: number; emptyPolls: number } }> {
  const tag = new Type4Tag(channel, o);
  await tag.open();
  const initial = await tag.readNdef();
  if (initial.length === 0) throw new EngagementError('handover_malformed', 'the tag holds an empty NDEF message');
  const records = parseNdefMessage(initial);
  const sp = findHandoverService(records);
  if (sp) {
    if (o.staticOnly)
      throw new EngagementError(
        'tnep_service_unavailable',
        'wallet asks for negotiated handover; this reader is static-only',
      );
    const n: Parameters<typeof runNegotiatedHandover>[2] = {
      proposal: o.proposal,
      random16: o.random16,
      sleep: o.sleep,
    };
    if (o.maxEmptyPolls !== undefined) n.maxEmptyPolls = o.maxEmptyPolls;
    return runNegotiatedHandover(tag, sp, n);
  }
  const r = staticHandoverFromMessage(initial);
  return { ...r, stats: { apdus: tag.apdus, emptyPolls: 0 } };
}
