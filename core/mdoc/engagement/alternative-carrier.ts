// Records shared by Handover Select and Handover Request (NFC Forum Connection Handover 1.5 §6):
//   ac  Alternative Carrier: CPS (2 bits), carrier data reference, auxiliary data references;
//   cr  Collision Resolution: a 16-bit random number (Hr only);
// and the resolution of an ac record to its carrier configuration record by NDEF record id.
// Also the common shape of Hs/Hr: [well-known "Hs"|"Hr" record: version byte || nested NDEF
// message] followed by carrier configuration and auxiliary records in the outer message.
//
// Entry points: `parseHandoverMessage(bytes, 'Hs'|'Hr')` -> ParsedHandoverMessage (with resolved
// carriers), `buildAlternativeCarrier`, `buildCollisionResolution`, `CPS`.
import { EngagementError } from './codes.ts';
import { BLE_OOB_TYPE, bleModesFromLeRole, parseBleOob, type BleOob } from './ble-oob.ts';
import { NFC_CARRIER_TYPE, parseNfcCarrier, type NfcCarrier } from './nfc-carrier.ts';
import { equal } from '../../bytes.ts';
import { TNF, parseNdefMessage, text, typeIs, ndefRecord, type NdefRecord } from './ndef.ts';

export const HANDOVER_VERSION_1_5 = 0x15;
export const WIFI_AWARE_TYPE = 'application/vnd.wfa.nan';

/** Carrier Power State. */
export const CPS = { INACTIVE: 0, ACTIVE: 1, ACTIVATING: 2, UNKNOWN: 3 } as const;

export interface AlternativeCarrier {
  cps: number;
  carrierDataReference: string;
  auxiliaryDataReferences: string[];
}

export type Carrier =
  | {
      kind: 'ble';
      ac: AlternativeCarrier;
      oob: BleOob;
      peripheralServerMode: boolean;
      centralClientMode: boolean;
      uuid?: string;
    }
  | ({ kind: 'nfc'; ac: AlternativeCarrier } & NfcCarrier)
  | { kind: 'wifi-aware'; ac: AlternativeCarrier; payload: Uint8Array }
  | { kind: 'other'; ac: AlternativeCarrier; record: NdefRecord };

export interface ParsedHandoverMessage {
  /** The whole NDEF message exactly as received (HandoverSelectBytes / HandoverRequestBytes). */
  bytes: Uint8Array;
  version: number;
  records: NdefRecord[];
  /** cr random number (Hr). */
  collisionResolution?: number;
  alternativeCarriers: AlternativeCarrier[];
  carriers: Carrier[];
}

function bad(msg: string): never {
  throw new EngagementError('handover_malformed', msg);
}

export function parseAlternativeCarrier(payload: Uint8Array): AlternativeCarrier {
  let p = 0;
  const byte = (what: string) => {
    if (p >= payload.length) bad(`ac record: ${what} missing`);
    return payload[p++]!;
  };
  const ref = (what: string) => {
    const len = byte(`${what} length`);
    if (len === 0 || p + len > payload.length) bad(`ac record: ${what} length ${len}`);
    const s = text(payload.subarray(p, p + len));
    p += len;
    return s;
  };
  const cps = byte('CPS') & 0x03;
  const carrierDataReference = ref('carrier data reference');
  const n = byte('auxiliary count');
  const auxiliaryDataReferences: string[] = [];
  for (let i = 0; i < n; i++) auxiliaryDataReferences.push(ref(`auxiliary reference ${i}`));
  // CH 1.5 §6.2: reserved bytes may follow (future use); ignore them.
  return { cps, carrierDataReference, auxiliaryDataReferences };
}

export function buildAlternativeCarrier(ac: AlternativeCarrier): NdefRecord {
  const enc = new TextEncoder();
  const parts: number[] = [ac.cps & 3];
  const r = enc.encode(ac.carrierDataReference);
  parts.push(r.length, ...r, ac.auxiliaryDataReferences.length);
  for (const a of ac.auxiliaryDataReferences) {
    const b = enc.encode(a);
    parts.push(b.length, ...b);
  }
  return ndefRecord(TNF.WELL_KNOWN, 'ac', Uint8Array.from(parts));
}

export function buildCollisionResolution(random: number): NdefRecord {
  return ndefRecord(TNF.WELL_KNOWN, 'cr', Uint8Array.of((random >> 8) & 0xff, random & 0xff));
}

export function parseHandoverMessage(bytes: Uint8Array, kind: 'Hs' | 'Hr'): ParsedHandoverMessage {
  const records = parseNdefMessage(bytes);
  const head = records[0]!;
  if (!typeIs(head, TNF.WELL_KNOWN, kind))
    bad(`first record is not a ${kind} record (TNF ${head.tnf}, type "${text(head.type).slice(0, 40)}")`);
  if (head.payload.length < 1) bad(`${kind} record has no version`);
  const version = head.payload[0]!;
  // Major version 1 (CH 1.x); ISO 18013-5 writes 0x15. A different major is a different protocol.
  if (version >> 4 !== 1)
    throw new EngagementError('handover_version_unsupported', `${kind} version 0x${version.toString(16)}`);
  const nested = head.payload.length > 1 ? parseNdefMessage(head.payload.subarray(1)) : [];
  let collisionResolution: number | undefined;
  const alternativeCarriers: AlternativeCarrier[] = [];
  for (const r of nested) {
    if (typeIs(r, TNF.WELL_KNOWN, 'ac')) alternativeCarriers.push(parseAlternativeCarrier(r.payload));
    else if (typeIs(r, TNF.WELL_KNOWN, 'cr')) {
      if (r.payload.length !== 2) bad('cr record is not 2 bytes');
      if (collisionResolution !== undefined) bad('two cr records');
      collisionResolution = (r.payload[0]! << 8) | r.payload[1]!;
    }
    // 'err' and future local records are tolerated.
  }
  if (kind === 'Hr' && collisionResolution === undefined) bad('Handover Request without a collision resolution record');
  const outer = records.slice(1);
  const byId = (id: string): NdefRecord | undefined => {
    const want = new TextEncoder().encode(id);
    const hits = outer.filter((r) => equal(r.id, want));
    if (hits.length > 1) bad(`two records with id "${id}"`);
    return hits[0];
  };
  const carriers: Carrier[] = [];
  for (const ac of alternativeCarriers) {
    const rec = byId(ac.carrierDataReference);
    if (!rec) bad(`ac refers to missing record "${ac.carrierDataReference}"`);
    for (const a of ac.auxiliaryDataReferences) if (!byId(a)) bad(`ac refers to missing auxiliary record "${a}"`);
    const sender = kind === 'Hs' ? 'mdoc' : 'reader';
    if (typeIs(rec, TNF.MEDIA, BLE_OOB_TYPE)) {
      const oob = parseBleOob(rec.payload);
      if (oob.leRole === undefined) bad('BLE OOB record without LE Role');
      const modes = bleModesFromLeRole(oob.leRole, sender);
      const c: Carrier = { kind: 'ble', ac, oob, ...modes };
      // Several UUIDs: ISO 18013-5 uses one; take the last as Multipaz does.
      if (oob.uuids.length) c.uuid = oob.uuids[oob.uuids.length - 1]!;
      carriers.push(c);
    } else if (typeIs(rec, TNF.EXTERNAL, NFC_CARRIER_TYPE)) {
      carriers.push({ kind: 'nfc', ac, ...parseNfcCarrier(rec.payload) });
    } else if (typeIs(rec, TNF.MEDIA, WIFI_AWARE_TYPE)) {
      carriers.push({ kind: 'wifi-aware', ac, payload: rec.payload });
    } else {
      carriers.push({ kind: 'other', ac, record: rec });
    }
  }
  const out: ParsedHandoverMessage = { bytes, version, records, alternativeCarriers, carriers };
  if (collisionResolution !== undefined) out.collisionResolution = collisionResolution;
  return out;
}
