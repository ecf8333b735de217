// The NFC carrier configuration record: TNF external, type `iso.org:18013:nfc`, id "nfc"
// (ISO 18013-5 §8.2.2.2). Payload: version (0x01), then entries [length][data type][value]:
// data type 0x01 = maximum command data field length, 0x02 = maximum response data field length
// (big-endian). Annex D's Handover Request carries the version byte alone.
//
// Entry points: `parseNfcCarrier(payload)`, `buildNfcCarrier(...)`, `NFC_CARRIER_TYPE`.
import { EngagementError } from './codes.ts';

export const NFC_CARRIER_TYPE = 'iso.org:18013:nfc';

export interface NfcCarrier {
  version: number;
  maxCommandDataLength?: number;
  maxResponseDataLength?: number;
}

export function parseNfcCarrier(payload: Uint8Array): NfcCarrier {
  if (payload.length < 1) throw new EngagementError('handover_malformed', 'NFC carrier record is empty');
  const out: NfcCarrier = { version: payload[0]! };
  let p = 1;
  while (p < payload.length) {
    const len = payload[p]!;
    if (len < 2 || len > 5 || p + 1 + len > payload.length)
      throw new EngagementError('handover_malformed', `NFC carrier entry at ${p} has length ${len}`);
    const type = payload[p + 1]!;
    let v = 0;
    for (let i = p + 2; i < p + 1 + len; i++) v = v * 256 + payload[i]!;
    if (type === 0x01) out.maxCommandDataLength = v;
    else if (type === 0x02) out.maxResponseDataLength = v;
    p += 1 + len;
  }
  return out;
}

export function buildNfcCarrier(c: { maxCommandDataLength: number; maxResponseDataLength: number }): Uint8Array {
  const two = (n: number) => [(n >> 8) & 0xff, n & 0xff];
  return Uint8Array.from([0x01, 3, 0x01, ...two(c.maxCommandDataLength), 3, 0x02, ...two(c.maxResponseDataLength)]);
}
