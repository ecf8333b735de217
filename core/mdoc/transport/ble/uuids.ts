// GATT UUIDs of ISO 18013-5 §8.3.3.1.1.4 (Tables 11 and 12). The service UUID itself is random per
// engagement (DE BLE options 10 / 11, or the reader's Handover Request).
const SUFFIX = '-a123-48ce-896b-4c76973373e6';

/** mdoc peripheral server mode: the phone is the GATT server. */
export const PERIPHERAL_SERVER = {
  state: `00000001${SUFFIX}`,
  client2Server: `00000002${SUFFIX}`,
  server2Client: `00000003${SUFFIX}`,
  l2cap: `0000000a${SUFFIX}`,
} as const;

/** mdoc central client mode: the reader is the GATT server (Apple Wallet uses this mode). */
export const CENTRAL_CLIENT = {
  state: `00000005${SUFFIX}`,
  client2Server: `00000006${SUFFIX}`,
  server2Client: `00000007${SUFFIX}`,
  ident: `00000008${SUFFIX}`,
  l2cap: `0000000b${SUFFIX}`,
} as const;

/** State characteristic values (Table 13). */
export const STATE_START = 0x01;
export const STATE_END = 0x02;

/** Canonical form used across links: lowercase, no dashes (noble and bleno both use it). */
export function normalizeUuid(uuid: string): string {
  return uuid.replace(/-/g, '').toLowerCase();
}

/** 16 bytes (as in DE options / NFC OOB records) -> dashed lowercase string. */
export function uuidFromBytes(b: Uint8Array): string {
  if (b.length !== 16) throw new RangeError('a BLE service UUID is 16 bytes');
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidToBytes(uuid: string): Uint8Array {
  const h = normalizeUuid(uuid);
  if (!/^[0-9a-f]{32}$/.test(h)) throw new RangeError(`not a 128-bit UUID: ${uuid}`);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A fresh random service UUID (version 4 layout) from caller-supplied random bytes. */
export function randomServiceUuid(random16: Uint8Array): string {
  const b = random16.slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return uuidFromBytes(b);
}
