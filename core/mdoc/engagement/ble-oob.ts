// The Bluetooth LE carrier configuration record `application/vnd.bluetooth.le.oob` (Bluetooth
// "Secure Simple Pairing Using NFC" §3; payload = AD structures of Core Spec Vol 3 Part C §11:
// [length][AD type][data...]). ISO 18013-5 §8.2.2.1 uses three AD types:
//   0x1C LE Role (CSS Part A §1.17): 0x00 peripheral only, 0x01 central only,
//        0x02 both (peripheral preferred), 0x03 both (central preferred);
//   0x07 Complete List of 128-bit Service UUIDs (little-endian), 0x06 the incomplete list;
//   0x1B LE Bluetooth Device Address (6 bytes little-endian + 1 byte address type).
// The LE role describes the SENDER's BLE role: from the mdoc (Hs) 0x01 means the phone is a
// central = mdoc central client mode (Apple Wallet); from the reader (Hr) 0x00 means the kiosk is
// a peripheral = mdoc central client mode.
//
// Entry points: `parseBleOob(payload)`, `buildBleOob(...)`, `bleModesFromLeRole(role, sender)`,
// `LE_ROLE`, `BLE_OOB_TYPE`.
import { EngagementError } from './codes.ts';
import { uuidFromBytes, uuidToBytes } from './device-engagement.ts';

export const BLE_OOB_TYPE = 'application/vnd.bluetooth.le.oob';

export const LE_ROLE = {
  PERIPHERAL_ONLY: 0x00,
  CENTRAL_ONLY: 0x01,
  BOTH_PERIPHERAL_PREFERRED: 0x02,
  BOTH_CENTRAL_PREFERRED: 0x03,
} as const;

const AD_UUID128_INCOMPLETE = 0x06;
const AD_UUID128_COMPLETE = 0x07;
const AD_LE_ADDRESS = 0x1b;
const AD_LE_ROLE = 0x1c;

export interface BleOob {
  leRole?: number;
  /** 128-bit service UUIDs, RFC 4122 strings (converted from the little-endian AD form). */
  uuids: string[];
  /** 6-byte device address in the AD's little-endian order, and its type byte. */
  address?: { bytes: Uint8Array; type: number };
  /** AD structures not interpreted here, kept. */
  other: { adType: number; data: Uint8Array }[];
}

function bad(msg: string): never {
  throw new EngagementError('handover_malformed', `BLE OOB: ${msg}`);
}

export function parseBleOob(payload: Uint8Array): BleOob {
  const out: BleOob = { uuids: [], other: [] };
  let p = 0;
  while (p < payload.length) {
    const len = payload[p]!;
    // A zero length ends significant data (Core Vol 3 Part C §11: "early termination").
    if (len === 0) break;
    if (p + 1 + len > payload.length) bad(`AD structure at ${p} runs past the end`);
    const adType = payload[p + 1]!;
    const data = payload.slice(p + 2, p + 1 + len);
    p += 1 + len;
    if (adType === AD_LE_ROLE) {
      if (data.length !== 1) bad('LE Role is not 1 byte');
      if (out.leRole !== undefined) bad('LE Role appears twice');
      if (data[0]! > 3) bad(`LE Role ${data[0]} is reserved`);
      out.leRole = data[0]!;
    } else if (adType === AD_UUID128_COMPLETE || adType === AD_UUID128_INCOMPLETE) {
      if (data.length === 0 || data.length % 16 !== 0) bad('128-bit UUID list length is not a multiple of 16');
      for (let i = 0; i < data.length; i += 16) out.uuids.push(uuidFromBytes(data.slice(i, i + 16).reverse()));
    } else if (adType === AD_LE_ADDRESS) {
      if (data.length !== 7) bad('LE device address is not 7 bytes');
      out.address = { bytes: data.slice(0, 6), type: data[6]! };
    } else {
      out.other.push({ adType, data });
    }
  }
  return out;
}

export function buildBleOob(o: {
  leRole: number;
  uuid?: string;
  address?: { bytes: Uint8Array; type: number };
}): Uint8Array {
  const parts: number[] = [2, AD_LE_ROLE, o.leRole];
  if (o.uuid) parts.push(17, AD_UUID128_COMPLETE, ...uuidToBytes(o.uuid).reverse());
  if (o.address) parts.push(8, AD_LE_ADDRESS, ...o.address.bytes, o.address.type);
  return Uint8Array.from(parts);
}

/** Which mdoc BLE modes a record offers, given who sent it. */
export function bleModesFromLeRole(
  role: number,
  sender: 'mdoc' | 'reader',
): { peripheralServerMode: boolean; centralClientMode: boolean } {
  if (role === LE_ROLE.BOTH_PERIPHERAL_PREFERRED || role === LE_ROLE.BOTH_CENTRAL_PREFERRED)
    return { peripheralServerMode: true, centralClientMode: true };
  const senderIsCentral = role === LE_ROLE.CENTRAL_ONLY;
  // The phone central <=> mdoc central client mode; the kiosk central <=> mdoc peripheral server mode.
  const centralClient = sender === 'mdoc' ? senderIsCentral : !senderIsCentral;
  return { peripheralServerMode: !centralClient, centralClientMode: centralClient };
}

/** The LE role byte a sender writes for the modes it offers. */
export function leRoleFor(
  modes: { peripheralServerMode: boolean; centralClientMode: boolean },
  sender: 'mdoc' | 'reader',
): number {
  if (modes.peripheralServerMode && modes.centralClientMode) return LE_ROLE.BOTH_CENTRAL_PREFERRED;
  if (!modes.peripheralServerMode && !modes.centralClientMode)
    throw new EngagementError('handover_no_carrier', 'no BLE mode to offer');
  const senderCentral = sender === 'mdoc' ? modes.centralClientMode : modes.peripheralServerMode;
  return senderCentral ? LE_ROLE.CENTRAL_ONLY : LE_ROLE.PERIPHERAL_ONLY;
}
