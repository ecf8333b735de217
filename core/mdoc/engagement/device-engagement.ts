// DeviceEngagement (ISO 18013-5 §8.2.1.1):
//   DeviceEngagement = { 0: Version, 1: Security, ? 2: DeviceRetrievalMethods,
//                        ? 3: ServerRetrievalMethods, ? 4: ProtocolInfo, * int => any }
//   Security = [cipherSuiteIdentifier (1), EDeviceKeyBytes (#6.24 COSE_Key)]
//   DeviceRetrievalMethod = [type, version, options]  (1 NFC, 2 BLE, 3 Wi-Fi Aware)
// The bytes are kept EXACTLY as received (`bytes`): they are DeviceEngagementBytes in the
// SessionTranscript, and Apple Wallet's DE "1.1" carries keys 5 and 6 that a re-encoding would
// reorder or drop. Unknown keys are tolerated and kept in `otherKeys`.
//
// Entry points: `parseDeviceEngagement(bytes)` -> DeviceEngagement; `buildDeviceEngagement(...)`
// (for the virtual wallet and tests); `uuidFromBytes` / `uuidToBytes` (RFC 4122 big-endian).
import { CborError, EmbeddedCbor, decodeCbor, encodeCbor, type CborMap, type CborValue } from '../../cbor/index.ts';
import { EngagementError } from './codes.ts';

export const CIPHER_SUITE_1 = 1;
/** DeviceEngagement is small (a key and a few options); 4 KiB bounds any honest one. */
export const MAX_DEVICE_ENGAGEMENT_BYTES = 4096;

export interface BleRetrievalOptions {
  type: 'ble';
  version: number;
  /** Option 0: mdoc peripheral server mode supported (phone is the GATT server). */
  peripheralServerMode: boolean;
  /** Option 1: mdoc central client mode supported (kiosk is the GATT server; Apple Wallet). */
  centralClientMode: boolean;
  /** Option 10, as a lowercase RFC 4122 string. */
  peripheralServerUuid?: string;
  /** Option 11. */
  centralClientUuid?: string;
  /** Option 20: the phone's 6-byte BLE device address (peripheral server mode). */
  address?: Uint8Array;
  /** Option 21 (2nd edition): L2CAP PSM. */
  psm?: number;
}

export interface NfcRetrievalOptions {
  type: 'nfc';
  version: number;
  /** Option 0: maximum length of the command data field. */
  maxCommandDataLength: number;
  /** Option 1: maximum length of the response data field. */
  maxResponseDataLength: number;
}

export type DeviceRetrievalMethod =
  | BleRetrievalOptions
  | NfcRetrievalOptions
  | { type: 'wifi-aware'; version: number; options: CborMap }
  | { type: 'other'; typeId: number; version: number; options: CborValue };

export interface DeviceEngagement {
  /** DeviceEngagementBytes exactly as received: hash these, never a re-encoding. */
  bytes: Uint8Array;
  version: string;
  cipherSuite: number;
  /** EDeviceKeyBytes (#6.24 COSE_Key), `.raw` exactly as received. */
  eDeviceKeyBytes: EmbeddedCbor;
  retrievalMethods: DeviceRetrievalMethod[];
  /** Keys other than 0, 1, 2 (e.g. 3, 4; Apple's 5 and 6), decoded values, kept. */
  otherKeys: Map<CborValue, CborValue>;
}

function bad(msg: string): never {
  throw new EngagementError('device_engagement_malformed', msg);
}

export function parseDeviceEngagement(bytes: Uint8Array): DeviceEngagement {
  if (bytes.length > MAX_DEVICE_ENGAGEMENT_BYTES)
    bad(`DeviceEngagement of ${bytes.length} bytes exceeds ${MAX_DEVICE_ENGAGEMENT_BYTES}`);
  let top: CborValue;
  try {
    top = decodeCbor(bytes, { maxDepth: 8, maxItems: 256, maxTotalBytes: MAX_DEVICE_ENGAGEMENT_BYTES });
  } catch (e) {
    if (e instanceof CborError) bad(`DeviceEngagement CBOR: ${e.message}`);
    throw e;
  }
  if (!(top instanceof Map)) bad('DeviceEngagement is not a map');
  const version = top.get(0);
  if (typeof version !== 'string') bad('DeviceEngagement version (0) missing or not text');
  if (!/^1\.\d+$/.test(version))
    throw new EngagementError(
      'device_engagement_version_unsupported',
      `DeviceEngagement version "${version.slice(0, 16)}"`,
    );
  const security = top.get(1);
  if (!Array.isArray(security) || security.length !== 2) bad('Security (1) is not [cipherSuite, EDeviceKeyBytes]');
  const [suite, keyBytes] = security;
  if (typeof suite !== 'number' || !Number.isInteger(suite)) bad('cipher suite identifier is not an integer');
  if (suite !== CIPHER_SUITE_1) throw new EngagementError('cipher_suite_unsupported', `cipher suite ${suite}`);
  if (!(keyBytes instanceof EmbeddedCbor)) bad('EDeviceKeyBytes is not #6.24 embedded CBOR');
  let key: CborValue;
  try {
    key = keyBytes.decode();
  } catch (e) {
    if (e instanceof CborError) bad(`EDeviceKey CBOR: ${e.message}`);
    throw e;
  }
  if (!(key instanceof Map)) bad('EDeviceKey is not a COSE_Key map');

  const retrievalMethods: DeviceRetrievalMethod[] = [];
  const drm = top.get(2);
  if (drm !== undefined) {
    if (!Array.isArray(drm) || drm.length === 0) bad('DeviceRetrievalMethods (2) is not a non-empty array');
    drm.forEach((m, i) => retrievalMethods.push(parseRetrievalMethod(m, i)));
  }
  const otherKeys = new Map<CborValue, CborValue>();
  for (const [k, v] of top) if (k !== 0 && k !== 1 && k !== 2) otherKeys.set(k, v);
  return { bytes, version, cipherSuite: suite, eDeviceKeyBytes: keyBytes, retrievalMethods, otherKeys };
}

function parseRetrievalMethod(m: CborValue, i: number): DeviceRetrievalMethod {
  const where = `DeviceRetrievalMethods[${i}]`;
  if (!Array.isArray(m) || m.length !== 3) bad(`${where} is not [type, version, options]`);
  const [type, version, options] = m;
  if (typeof type !== 'number' || !Number.isInteger(type) || type < 0) bad(`${where}.type`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) bad(`${where}.version`);
  if (type === 2) {
    if (!(options instanceof Map)) bad(`${where}: BLE options are not a map`);
    const bool = (k: number) => {
      const v = options.get(k);
      if (v === undefined) return false;
      if (typeof v !== 'boolean') bad(`${where}: BLE option ${k} is not a boolean`);
      return v;
    };
    const uuid = (k: number) => {
      const v = options.get(k);
      if (v === undefined) return undefined;
      if (!(v instanceof Uint8Array) || v.length !== 16) bad(`${where}: BLE option ${k} is not a 16-byte UUID`);
      return uuidFromBytes(v);
    };
    const out: BleRetrievalOptions = {
      type: 'ble',
      version,
      peripheralServerMode: bool(0),
      centralClientMode: bool(1),
    };
    const ps = uuid(10);
    const cc = uuid(11);
    if (ps) out.peripheralServerUuid = ps;
    if (cc) out.centralClientUuid = cc;
    const addr = options.get(20);
    if (addr !== undefined) {
      if (!(addr instanceof Uint8Array) || addr.length !== 6) bad(`${where}: BLE option 20 is not a 6-byte address`);
      out.address = addr;
    }
    const psm = options.get(21);
    if (psm !== undefined) {
      if (typeof psm !== 'number' || !Number.isInteger(psm) || psm < 0 || psm > 0xffff)
        bad(`${where}: BLE option 21 is not a PSM`);
      out.psm = psm;
    }
    return out;
  }
  if (type === 1) {
    if (!(options instanceof Map)) bad(`${where}: NFC options are not a map`);
    const len = (k: number) => {
      const v = options.get(k);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 0xffff)
        bad(`${where}: NFC option ${k} is not a length`);
      return v;
    };
    return { type: 'nfc', version, maxCommandDataLength: len(0), maxResponseDataLength: len(1) };
  }
  if (type === 3) {
    if (!(options instanceof Map)) bad(`${where}: Wi-Fi Aware options are not a map`);
    return { type: 'wifi-aware', version, options };
  }
  return { type: 'other', typeId: type, version, options };
}

export interface BuildDeviceEngagementInput {
  version?: string;
  eDeviceKeyBytes: EmbeddedCbor;
  retrievalMethods?: DeviceRetrievalMethod[];
  /** Extra keys appended in order, e.g. Apple's 5: [] and 6: {3: true, 4: true}. */
  otherKeys?: Map<CborValue, CborValue>;
}

/** Encodes a DeviceEngagement (wallet side). Readers never re-encode one they received. */
export function buildDeviceEngagement(input: BuildDeviceEngagementInput): Uint8Array {
  const m: CborMap = new Map();
  m.set(0, input.version ?? '1.0');
  m.set(1, [CIPHER_SUITE_1, input.eDeviceKeyBytes]);
  if (input.retrievalMethods?.length) m.set(2, input.retrievalMethods.map(encodeRetrievalMethod));
  for (const [k, v] of input.otherKeys ?? []) m.set(k, v);
  return encodeCbor(m);
}

function encodeRetrievalMethod(r: DeviceRetrievalMethod): CborValue {
  switch (r.type) {
    case 'ble': {
      const o: CborMap = new Map();
      o.set(0, r.peripheralServerMode);
      o.set(1, r.centralClientMode);
      if (r.peripheralServerUuid) o.set(10, uuidToBytes(r.peripheralServerUuid));
      if (r.centralClientUuid) o.set(11, uuidToBytes(r.centralClientUuid));
      if (r.address) o.set(20, r.address);
      if (r.psm !== undefined) o.set(21, r.psm);
      return [2, r.version, o];
    }
    case 'nfc':
      return [
        1,
        r.version,
        new Map<CborValue, CborValue>([
          [0, r.maxCommandDataLength],
          [1, r.maxResponseDataLength],
        ]),
      ];
    case 'wifi-aware':
      return [3, r.version, r.options];
    case 'other':
      return [r.typeId, r.version, r.options];
    default: {
      const never: never = r;
      throw new Error(`unknown retrieval method ${String(never)}`);
    }
  }
}

/** RFC 4122 byte order (big-endian) -> "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
export function uuidFromBytes(b: Uint8Array): string {
  if (b.length !== 16) throw new EngagementError('device_engagement_malformed', 'UUID is not 16 bytes');
  let h = '';
  for (const x of b) h += x.toString(16).padStart(2, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidToBytes(uuid: string): Uint8Array {
  const h = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new EngagementError('device_engagement_malformed', 'not a 128-bit UUID');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}
