// Handover Select message (NFC Forum CH 1.5; ISO 18013-5 §8.2.2.1): the Hs record (version 0x15,
// nested ac records), the carrier configuration records the ac records point at, and the external
// record `iso.org:18013:deviceengagement` (id "mdoc") carrying DeviceEngagement. The message bytes
// are kept exactly as read: they are HandoverSelectBytes in the SessionTranscript.
//
// Entry points: `parseHandoverSelect(bytes)` -> HandoverSelect; `buildHandoverSelect(...)` (the
// virtual wallet); `DEVICE_ENGAGEMENT_TYPE`.
import { EngagementError } from './codes.ts';
import { buildBleOob, BLE_OOB_TYPE, leRoleFor } from './ble-oob.ts';
import {
  buildAlternativeCarrier,
  CPS,
  HANDOVER_VERSION_1_5,
  parseHandoverMessage,
  type ParsedHandoverMessage,
} from './alternative-carrier.ts';
import { parseDeviceEngagement, type DeviceEngagement } from './device-engagement.ts';
import { buildNfcCarrier, NFC_CARRIER_TYPE } from './nfc-carrier.ts';
import { concat } from '../../bytes.ts';
import { buildNdefMessage, ndefRecord, TNF, typeIs, type NdefRecord } from './ndef.ts';

export const DEVICE_ENGAGEMENT_TYPE = 'iso.org:18013:deviceengagement';

export interface HandoverSelect extends ParsedHandoverMessage {
  deviceEngagement: DeviceEngagement;
}

export function parseHandoverSelect(bytes: Uint8Array): HandoverSelect {
  const m = parseHandoverMessage(bytes, 'Hs');
  const de = m.records.slice(1).filter((r) => typeIs(r, TNF.EXTERNAL, DEVICE_ENGAGEMENT_TYPE));
  if (de.length === 0)
    throw new EngagementError('handover_no_device_engagement', 'no iso.org:18013:deviceengagement record');
  if (de.length > 1) throw new EngagementError('handover_malformed', 'two DeviceEngagement records');
  return { ...m, deviceEngagement: parseDeviceEngagement(de[0]!.payload) };
}

export type SelectCarrier =
  | {
      kind: 'ble';
      peripheralServerMode: boolean;
      centralClientMode: boolean;
      uuid?: string;
      address?: { bytes: Uint8Array; type: number };
    }
  | { kind: 'nfc'; maxCommandDataLength: number; maxResponseDataLength: number };

/**
 * Wallet side. `carriers` in preference order; the BLE record gets id "0" and the NFC one "nfc"
 * (ISO 18013-5 §8.2.2.1/2). Apple-like: one BLE carrier, centralClientMode only, no uuid.
 */
export function buildHandoverSelect(deviceEngagementBytes: Uint8Array, carriers: readonly SelectCarrier[]): Uint8Array {
  const acs: NdefRecord[] = [];
  const configs: NdefRecord[] = [];
  for (const c of carriers) {
    if (c.kind === 'ble') {
      acs.push(
        buildAlternativeCarrier({ cps: CPS.ACTIVE, carrierDataReference: '0', auxiliaryDataReferences: ['mdoc'] }),
      );
      const o: Parameters<typeof buildBleOob>[0] = { leRole: leRoleFor(c, 'mdoc') };
      if (c.uuid) o.uuid = c.uuid;
      if (c.address) o.address = c.address;
      configs.push(ndefRecord(TNF.MEDIA, BLE_OOB_TYPE, buildBleOob(o), '0'));
    } else {
      acs.push(
        buildAlternativeCarrier({ cps: CPS.ACTIVE, carrierDataReference: 'nfc', auxiliaryDataReferences: ['mdoc'] }),
      );
      configs.push(ndefRecord(TNF.EXTERNAL, NFC_CARRIER_TYPE, buildNfcCarrier(c), 'nfc'));
    }
  }
  const hsPayload = acs.length
    ? concat(Uint8Array.of(HANDOVER_VERSION_1_5), buildNdefMessage(acs))
    : Uint8Array.of(HANDOVER_VERSION_1_5);
  return buildNdefMessage([
    ndefRecord(TNF.WELL_KNOWN, 'Hs', hsPayload),
    ...configs,
    ndefRecord(TNF.EXTERNAL, DEVICE_ENGAGEMENT_TYPE, deviceEngagementBytes, 'mdoc'),
  ]);
}
