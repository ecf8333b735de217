// SessionTranscript (ISO 18013-5 §9.1.5.1):
//   SessionTranscript = [DeviceEngagementBytes, EReaderKeyBytes, Handover]
//   SessionTranscriptBytes = #6.24(bstr .cbor SessionTranscript)
// DeviceEngagementBytes must be the engagement exactly as received (Apple's DE 1.1 carries keys
// 5 and 6; a re-encoding would change every key derived below), so this takes raw bytes only.
import { EmbeddedCbor, encodeCbor, type CborValue } from '../../cbor/index.ts';

/**
 * The Handover element:
 * - QR engagement: null (§9.1.5.1, "QRHandover = null").
 * - NFC static handover: [HandoverSelectBytes, null].
 * - NFC negotiated handover: [HandoverSelectBytes, HandoverRequestBytes].
 * The NDEF message bytes are the whole messages as read / written, unchanged.
 */
export type Handover =
  | { kind: 'qr' }
  | { kind: 'nfc-static'; handoverSelect: Uint8Array }
  | { kind: 'nfc-negotiated'; handoverSelect: Uint8Array; handoverRequest: Uint8Array };

export function handoverValue(h: Handover): CborValue {
  switch (h.kind) {
    case 'qr':
      return null;
    case 'nfc-static':
      return [h.handoverSelect, null];
    case 'nfc-negotiated':
      return [h.handoverSelect, h.handoverRequest];
    default: {
      const never: never = h;
      throw new Error(`unknown handover ${String(never)}`);
    }
  }
}

/** Same shape as core/mdoc/session-transcript.ts (the verifier's), so it can be passed to verify. */
export interface SessionTranscript {
  /** The CBOR array value. */
  value: CborValue[];
  /** The array's own encoding: DeviceAuthentication (§9.1.3.4) embeds it verbatim. */
  content: Uint8Array;
  /** #6.24-wrapped encoding: the HKDF salt input and what verifiers hash. */
  bytes: Uint8Array;
}

/**
 * @param deviceEngagement the DeviceEngagement CBOR bytes exactly as received (the content of the
 *   QR `mdoc:` payload or of the NFC `iso.org:18013:deviceengagement` record), not re-encoded.
 * @param eReaderKeyBytes the reader's #6.24(COSE_Key) as it is sent in SessionEstablishment.
 */
export function buildSessionTranscript(
  deviceEngagement: Uint8Array,
  eReaderKeyBytes: EmbeddedCbor,
  handover: Handover,
): SessionTranscript {
  const value: CborValue[] = [EmbeddedCbor.fromContent(deviceEngagement), eReaderKeyBytes, handoverValue(handover)];
  const wrapped = EmbeddedCbor.fromContent(encodeCbor(value));
  return { value, content: wrapped.content, bytes: wrapped.raw };
}
