// Handover Request message (NFC Forum CH 1.5; ISO 18013-5 §8.2.2.1, negotiated handover): the Hr
// record (version 0x15, nested cr record + ac records), then the kiosk's carrier configuration
// records: every carrier the kiosk can run now, in its order of preference (CH 1.5 §6.1: the
// requester lists alternative carriers in preference order): the BLE OOB record proposing a service
// UUID and the LE role(s) its adapter can take, and the NFC carrier record with the kiosk's real NFC
// data retrieval limits (ISO 18013-5 §8.2.2.2). A carrier the kiosk cannot run is never proposed.
// The bytes written to the tag are HandoverRequestBytes in the SessionTranscript, unchanged.
//
// Entry points: `buildHandoverRequest(proposal, random16)` -> bytes; `proposedCarriers(proposal)`; `parseHandoverRequest(bytes)`
// (the virtual wallet reads the kiosk's proposal with it); `ReaderProposal`.
import { buildBleOob, BLE_OOB_TYPE, leRoleFor } from './ble-oob.ts';
import {
  buildAlternativeCarrier,
  buildCollisionResolution,
  CPS,
  HANDOVER_VERSION_1_5,
  parseHandoverMessage,
  type ParsedHandoverMessage,
} from './alternative-carrier.ts';
import { buildNfcCarrier, NFC_CARRIER_TYPE } from './nfc-carrier.ts';
import { concat } from '../../bytes.ts';
import { buildNdefMessage, ndefRecord, TNF, type NdefRecord } from './ndef.ts';
import { EngagementError } from './codes.ts';

export type ProposedCarrier = 'ble' | 'nfc';

export interface ReaderProposal {
  /** The kiosk's BLE offer: which mdoc modes it can run and the service UUID it proposes. */
  ble?: { peripheralServerMode: boolean; centralClientMode: boolean; uuid: string };
  /** The kiosk's NFC data retrieval limits (only when the engagement came in over an NFC reader). */
  nfc?: { maxCommandDataLength: number; maxResponseDataLength: number };
  /** Which carrier goes first when both are offered (default BLE). */
  prefer?: ProposedCarrier;
  /** 2nd-edition ReaderEngagement bytes (`iso.org:18013:readerengagement`, id "mdocreader"); off by default like Annex D. */
  readerEngagement?: Uint8Array;
}

/** The carriers a proposal really offers, in preference order (a BLE offer without a mode is none). */
export function proposedCarriers(p: ReaderProposal): ProposedCarrier[] {
  const out: ProposedCarrier[] = [];
  if (p.ble && (p.ble.centralClientMode || p.ble.peripheralServerMode)) out.push('ble');
  if (p.nfc) out.push('nfc');
  return p.prefer === 'nfc' ? out.reverse() : out;
}

export function buildHandoverRequest(p: ReaderProposal, random16: number): Uint8Array {
  const nested: NdefRecord[] = [buildCollisionResolution(random16)];
  const configs: NdefRecord[] = [];
  const carriers = proposedCarriers(p);
  if (carriers.length === 0)
    throw new EngagementError(
      'handover_no_carrier',
      'the kiosk has no carrier to offer (no Bluetooth adapter and no NFC link)',
    );
  for (const c of carriers) {
    if (c === 'ble' && p.ble) {
      nested.push(buildAlternativeCarrier({ cps: CPS.ACTIVE, carrierDataReference: '0', auxiliaryDataReferences: [] }));
      configs.push(
        ndefRecord(TNF.MEDIA, BLE_OOB_TYPE, buildBleOob({ leRole: leRoleFor(p.ble, 'reader'), uuid: p.ble.uuid }), '0'),
      );
    } else if (c === 'nfc' && p.nfc) {
      nested.push(
        buildAlternativeCarrier({ cps: CPS.ACTIVE, carrierDataReference: 'nfc', auxiliaryDataReferences: [] }),
      );
      configs.push(ndefRecord(TNF.EXTERNAL, NFC_CARRIER_TYPE, buildNfcCarrier(p.nfc), 'nfc'));
    }
  }
  const records = [
    ndefRecord(TNF.WELL_KNOWN, 'Hr', concat(Uint8Array.of(HANDOVER_VERSION_1_5), buildNdefMessage(nested))),
  ];
  if (p.readerEngagement)
    records.push(ndefRecord(TNF.EXTERNAL, 'iso.org:18013:readerengagement', p.readerEngagement, 'mdocreader'));
  records.push(...configs);
  return buildNdefMessage(records);
}

export type HandoverRequest = ParsedHandoverMessage;

export function parseHandoverRequest(bytes: Uint8Array): HandoverRequest {
  return parseHandoverMessage(bytes, 'Hr');
}
