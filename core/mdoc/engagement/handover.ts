// The Handover element of the SessionTranscript (ISO 18013-5 §9.1.5.1), built from what engagement
// produced, with the NDEF message bytes exactly as read / written:
//   QR: null;  NFC static: [HandoverSelectBytes, null];  NFC negotiated: [HandoverSelectBytes, HandoverRequestBytes].
// The type and its CBOR value live in core/mdoc/session/session-transcript.ts (one definition);
// this file makes them from engagement results.
//
// Entry points: `qrHandover()`, `staticHandover(hsBytes)`, `negotiatedHandover(hsBytes, hrBytes)`,
// re-exported `Handover`, `handoverValue`.
import type { Handover } from '../session/session-transcript.ts';
export { handoverValue, type Handover } from '../session/session-transcript.ts';

export function qrHandover(): Handover {
  return { kind: 'qr' };
}

export function staticHandover(handoverSelectBytes: Uint8Array): Handover {
  return { kind: 'nfc-static', handoverSelect: handoverSelectBytes };
}

export function negotiatedHandover(handoverSelectBytes: Uint8Array, handoverRequestBytes: Uint8Array): Handover {
  return { kind: 'nfc-negotiated', handoverSelect: handoverSelectBytes, handoverRequest: handoverRequestBytes };
}
