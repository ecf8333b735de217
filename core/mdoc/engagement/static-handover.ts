// NFC static handover, reader side (ISO 18013-5 §8.2.2.1): the initial NDEF message on the tag IS
// the Handover Select. Handover = [HandoverSelectBytes, null] with the bytes as read.
//
// Entry points: `staticHandoverFromMessage(hsBytes)` (pure, for tests and callers that already
// read the tag); the APDU flow is in nfc-engagement.ts `engageOverNfc`.
import { EngagementError } from './codes.ts';
import { bleFromHandoverSelect, type EngagementResult } from './engagement-result.ts';
import { staticHandover } from './handover.ts';
import { parseHandoverSelect } from './handover-select.ts';

export function staticHandoverFromMessage(hsBytes: Uint8Array): EngagementResult {
  const hs = parseHandoverSelect(hsBytes);
  return resultFromSelect(hs, 'nfc-static', staticHandover(hs.bytes));
}

export function resultFromSelect(
  hs: ReturnType<typeof parseHandoverSelect>,
  kind: 'nfc-static' | 'nfc-negotiated',
  handover: EngagementResult['handover'],
  proposedUuid?: string,
): EngagementResult {
  const out: EngagementResult = { kind, deviceEngagement: hs.deviceEngagement, handover, carriers: hs.carriers };
  const ble = bleFromHandoverSelect(hs.carriers, proposedUuid);
  if (ble) out.ble = ble;
  const nfc = hs.carriers.find((c) => c.kind === 'nfc');
  if (nfc && nfc.kind === 'nfc')
    out.nfc = {
      maxCommandDataLength: nfc.maxCommandDataLength ?? 255,
      maxResponseDataLength: nfc.maxResponseDataLength ?? 256,
    };
  if (!out.ble && !out.nfc)
    throw new EngagementError(
      'handover_no_carrier',
      `Handover Select ${hs.carriers.length ? `offers only ${hs.carriers.map((c) => c.kind).join(', ')}` : 'selects no carrier'}`,
    );
  return out;
}
