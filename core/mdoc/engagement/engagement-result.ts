// What every engagement (QR, NFC static, NFC negotiated) hands to the session layer: the
// DeviceEngagement bytes as received, the transcript Handover, and the transports the holder
// offers, with the BLE service UUID resolved (a wallet like Apple's leaves the UUID out of its
// Handover Select; then the reader uses the UUID it proposed in its Handover Request).
//
// Entry points: `EngagementResult`, `BleChoice`, `bleFromHandoverSelect`, `bleFromDeviceEngagement`.
import type { Handover } from '../session/session-transcript.ts';
import type { Carrier } from './alternative-carrier.ts';
import type { DeviceEngagement } from './device-engagement.ts';

export interface BleChoice {
  peripheralServerMode: boolean;
  centralClientMode: boolean;
  /** Service UUID for peripheral server mode (phone advertises). */
  peripheralServerUuid?: string;
  /** Service UUID for central client mode (kiosk advertises). */
  centralClientUuid?: string;
  /** 6-byte address, when the holder gave one. */
  address?: Uint8Array;
  uuidSource: 'device-engagement' | 'handover-select' | 'reader-proposal' | 'none';
}

export interface EngagementResult {
  kind: 'qr' | 'nfc-static' | 'nfc-negotiated';
  deviceEngagement: DeviceEngagement;
  handover: Handover;
  ble?: BleChoice;
  nfc?: { maxCommandDataLength: number; maxResponseDataLength: number };
  /** Handover Select carriers as parsed (NFC engagements). */
  carriers?: Carrier[];
  /** What the kiosk offered in its Handover Request, in preference order (negotiated handover only). */
  carriersOffered?: ('ble' | 'nfc')[];
  stats?: { apdus: number; emptyPolls: number };
}

export function bleFromDeviceEngagement(de: DeviceEngagement): BleChoice | undefined {
  const m = de.retrievalMethods.find((r) => r.type === 'ble');
  if (!m || m.type !== 'ble') return undefined;
  const out: BleChoice = {
    peripheralServerMode: m.peripheralServerMode,
    centralClientMode: m.centralClientMode,
    uuidSource: 'none',
  };
  if (m.peripheralServerUuid) out.peripheralServerUuid = m.peripheralServerUuid;
  if (m.centralClientUuid) out.centralClientUuid = m.centralClientUuid;
  if (m.address) out.address = m.address;
  if (out.peripheralServerUuid || out.centralClientUuid) out.uuidSource = 'device-engagement';
  return out;
}

/**
 * BLE from a Handover Select: the carrier record's LE role and UUID (one UUID serves both modes,
 * ISO 18013-5 §8.2.2.1); when absent, `proposedUuid` (negotiated handover) fills in.
 */
export function bleFromHandoverSelect(carriers: readonly Carrier[], proposedUuid?: string): BleChoice | undefined {
  const c = carriers.find((x) => x.kind === 'ble');
  if (!c || c.kind !== 'ble') return undefined;
  const uuid = c.uuid ?? proposedUuid;
  const out: BleChoice = {
    peripheralServerMode: c.peripheralServerMode,
    centralClientMode: c.centralClientMode,
    uuidSource: c.uuid ? 'handover-select' : proposedUuid ? 'reader-proposal' : 'none',
  };
  if (uuid && c.peripheralServerMode) out.peripheralServerUuid = uuid;
  if (uuid && c.centralClientMode) out.centralClientUuid = uuid;
  if (c.oob.address) out.address = c.oob.address.bytes.slice().reverse();
  return out;
}
