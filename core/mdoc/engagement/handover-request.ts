// Handover Request message (NFC Forum CH 1.5; ISO 18013-5 §8.2.2.1, negotiated handover): the Hr
// record (version 0x15, nested cr record + ac records), then the kiosk's carrier configuration
// records: its BLE OOB record proposing a service UUID and its LE role, optionally the NFC carrier.
// The bytes written to the tag are HandoverRequestBytes in the SessionTranscript, unchanged.
//
// Entry points: `buildHandoverRequest(proposal, random16)` -> bytes; `parseHandoverRequest(bytes)`
// (the virtual wallet reads the kiosk's proposal with it); `ReaderProposal`.
import { buildBleOob, BLE_OOB_TYPE, leRoleFor } from './ble-oob.ts';
import { buildAlternativeCarrier, buildCollisionResolution, CPS, HANDOVER_VERSION_1_5, parseHandoverMessage, type ParsedHandoverMessage } from './alternative-carrier.ts';
import { buildNfcCarrier, NFC_CARRIER_TYPE } from './nfc-carrier.ts';
import { buildNdefMessage, concat, ndefRecord, TNF, type NdefRecord } from './ndef.ts';

export interface ReaderProposal {
  /** The kiosk's BLE offer: which mdoc modes it can run and the service UUID it proposes. */
  ble?: { peripheralServerMode: boolean; centralClientMode: boolean; uuid: string };
  nfc?: { maxCommandDataLength: number; maxResponseDataLength: number };
  /** 2nd-edition ReaderEngagement bytes (`iso.org:18013:readerengagement`, id "mdocreader"); off by default like Annex D. */
  readerEngagement?: Uint8Array;
}

export function buildHandoverRequest(p: ReaderProposal, random16: number): Uint8Array {
  const nested: NdefRecord[] = [buildCollisionResolution(random16)];
  const configs: NdefRecord[] = [];
  if (p.ble) {
    nested.push(buildAlternativeCarrier({ cps: CPS.ACTIVE, carrierDataReference: '0', auxiliaryDataReferences: [] }));
    configs.push(ndefRecord(TNF.MEDIA, BLE_OOB_TYPE, buildBleOob({ leRole: leRoleFor(p.ble, 'reader'), uuid: p.ble.uuid }), '0'));
  }
  if (p.nfc) {
    nested.push(buildAlternativeCarrier({ cps: CPS.ACTIVE, carrierDataReference: 'nfc', auxiliaryDataReferences: [] }));
    configs.push(ndefRecord(TNF.EXTERNAL, NFC_CARRIER_TYPE, buildNfcCarrier(p.nfc), 'nfc'));
  }
  const records = [ndefRecord(TNF.WELL_KNOWN, 'Hr', concat([Uint8Array.of(HANDOVER_VERSION_1_5), buildNdefMessage(nested)]))];
  if (p.readerEngagement) records.push(ndefRecord(TNF.EXTERNAL, 'iso.org:18013:readerengagement', p.readerEngagement, 'mdocreader'));
  records.push(...configs);
  return buildNdefMessage(records);
}

export type HandoverRequest = ParsedHandoverMessage;

export function parseHandoverRequest(bytes: Uint8Array): HandoverRequest {
  return parseHandoverMessage(bytes, 'Hr');
}
