// Tag NDEF Exchange Protocol records (NFC Forum TNEP 1.0 §4), as ISO 18013-5 negotiated handover
// uses them (service "urn:nfc:sn:handover"):
//   Tp Service Parameter: TNEP version, service name URI, communication mode, WT, N_wait,
//      maximum NDEF message size (2 bytes BE);
//   Ts Service Select: service name URI;
//   Te Status: 1 byte (0x00 success, 0x01 protocol error, 0x80-0xFE service specific).
// T_wait = 2^(WT/4 - 1) ms (TNEP §4.1.6); Apple Wallet's WT = 0x14 gives 16 ms.
//
// Entry points: `parseServiceParameter(record)`, `findHandoverService(records)`,
// `buildServiceParameter`, `buildServiceSelect`, `parseServiceSelect`, `buildStatus`,
// `parseStatus(records)`, `tWaitMs(wt)`, `HANDOVER_SERVICE`.
import { EngagementError } from './codes.ts';
import { concat } from '../../bytes.ts';
import { ascii, ndefRecord, text, TNF, typeIs, type NdefRecord } from './ndef.ts';

export const HANDOVER_SERVICE = 'urn:nfc:sn:handover';
export const TNEP_VERSION_1_0 = 0x10;

export interface ServiceParameter {
  tnepVersion: number;
  serviceNameUri: string;
  communicationMode: number;
  /** Minimum waiting time field (6 bits). */
  wt: number;
  /** Maximum number of waiting time extensions (4 bits). */
  nWait: number;
  maxNdefSize: number;
}

export function tWaitMs(wt: number): number {
  return Math.pow(2, wt / 4 - 1);
}

function bad(msg: string): never {
  throw new EngagementError('tnep_malformed', msg);
}

export function parseServiceParameter(r: NdefRecord): ServiceParameter {
  if (!typeIs(r, TNF.WELL_KNOWN, 'Tp')) bad('not a Tp record');
  const p = r.payload;
  if (p.length < 2) bad('Tp too short');
  const uriLen = p[1]!;
  if (p.length !== 2 + uriLen + 5) bad(`Tp payload length ${p.length} does not match URI length ${uriLen}`);
  const wt = p[2 + uriLen + 1]!;
  const nWait = p[2 + uriLen + 2]!;
  if (wt > 0x3f) bad(`WT ${wt} over 6 bits`);
  if (nWait > 0x0f) bad(`N_wait ${nWait} over 4 bits`);
  return {
    tnepVersion: p[0]!,
    serviceNameUri: text(p.subarray(2, 2 + uriLen)),
    communicationMode: p[2 + uriLen]!,
    wt,
    nWait,
    maxNdefSize: (p[2 + uriLen + 3]! << 8) | p[2 + uriLen + 4]!,
  };
}

/** The handover service among the initial NDEF's Tp records, or null (then it is static handover). */
export function findHandoverService(records: readonly NdefRecord[]): ServiceParameter | null {
  for (const r of records) {
    if (!typeIs(r, TNF.WELL_KNOWN, 'Tp')) continue;
    const sp = parseServiceParameter(r);
    if (sp.serviceNameUri === HANDOVER_SERVICE) {
      if (sp.tnepVersion >> 4 !== 1) bad(`TNEP version 0x${sp.tnepVersion.toString(16)}`);
      return sp;
    }
  }
  return null;
}

export function buildServiceParameter(
  sp: Omit<ServiceParameter, 'tnepVersion' | 'serviceNameUri'> & { serviceNameUri?: string },
): NdefRecord {
  const uri = ascii(sp.serviceNameUri ?? HANDOVER_SERVICE);
  return ndefRecord(
    TNF.WELL_KNOWN,
    'Tp',
    concat(
      Uint8Array.of(TNEP_VERSION_1_0, uri.length),
      uri,
      Uint8Array.of(sp.communicationMode, sp.wt, sp.nWait, (sp.maxNdefSize >> 8) & 0xff, sp.maxNdefSize & 0xff),
    ),
  );
}

export function buildServiceSelect(uri: string = HANDOVER_SERVICE): NdefRecord {
  const u = ascii(uri);
  return ndefRecord(TNF.WELL_KNOWN, 'Ts', concat(Uint8Array.of(u.length), u));
}

export function parseServiceSelect(r: NdefRecord): string {
  if (!typeIs(r, TNF.WELL_KNOWN, 'Ts')) bad('not a Ts record');
  if (r.payload.length < 1 || r.payload.length !== 1 + r.payload[0]!) bad('Ts length');
  return text(r.payload.subarray(1));
}

export function buildStatus(status: number): NdefRecord {
  return ndefRecord(TNF.WELL_KNOWN, 'Te', Uint8Array.of(status));
}

/** The Te record's status byte; a message without one is malformed. */
export function parseStatus(records: readonly NdefRecord[]): number {
  const te = records.filter((r) => typeIs(r, TNF.WELL_KNOWN, 'Te'));
  if (te.length !== 1) bad(`expected one TNEP status record, found ${te.length}`);
  if (te[0]!.payload.length !== 1) bad('Te payload is not 1 byte');
  return te[0]!.payload[0]!;
}
