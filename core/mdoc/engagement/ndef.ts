// NDEF messages and records (NFC Forum NDEF Technical Specification 1.0 §3.2). Strict and bounded:
// every length is checked against the bytes left before anything is sliced; chunked records (CF)
// are refused (ISO 18013-5 handover never chunks, and reassembly is an attack surface); MB only on
// the first record, ME only on the last; TNF 6 (unchanged) and 7 (reserved) are refused.
//
// Entry points: `parseNdefMessage(bytes, limits?)` -> NdefRecord[]; `buildNdefMessage(records)`;
// `ndefRecord(tnf, type, payload, id?)`; `TNF`; `typeIs(record, tnf, type)`.
import { concat } from '../../bytes.ts';
import { EngagementError } from './codes.ts';

export const TNF = {
  EMPTY: 0,
  WELL_KNOWN: 1,
  MEDIA: 2,
  ABSOLUTE_URI: 3,
  EXTERNAL: 4,
  UNKNOWN: 5,
  UNCHANGED: 6,
  RESERVED: 7,
} as const;
export type Tnf = 0 | 1 | 2 | 3 | 4 | 5;

export interface NdefRecord {
  tnf: Tnf;
  type: Uint8Array;
  id: Uint8Array;
  payload: Uint8Array;
}

export interface NdefLimits {
  /** Whole message size (a Type 4 Tag NDEF file holds at most 0x7FFF - 2 with a 2-byte NLEN). */
  maxMessageBytes: number;
  maxRecords: number;
}

export const DEFAULT_NDEF_LIMITS: NdefLimits = Object.freeze({ maxMessageBytes: 0x7ffd, maxRecords: 32 });

const MB = 0x80;
const ME = 0x40;
const CF = 0x20;
const SR = 0x10;
const IL = 0x08;

const enc = new TextEncoder();
const latin = new TextDecoder('latin1');

export function ascii(s: string): Uint8Array {
  return enc.encode(s);
}

/** Record type / id as text (types are US-ASCII by the spec; latin1 never throws). */
export function text(b: Uint8Array): string {
  return latin.decode(b);
}

export function typeIs(r: NdefRecord, tnf: Tnf, type: string): boolean {
  return r.tnf === tnf && text(r.type) === type;
}

export function ndefRecord(
  tnf: Tnf,
  type: string | Uint8Array,
  payload: Uint8Array,
  id: string | Uint8Array = new Uint8Array(0),
): NdefRecord {
  return {
    tnf,
    type: typeof type === 'string' ? ascii(type) : type,
    id: typeof id === 'string' ? ascii(id) : id,
    payload,
  };
}

export function parseNdefMessage(bytes: Uint8Array, limits: Partial<NdefLimits> = {}): NdefRecord[] {
  const lim = { ...DEFAULT_NDEF_LIMITS, ...limits };
  if (bytes.length > lim.maxMessageBytes)
    throw new EngagementError('ndef_too_large', `NDEF message of ${bytes.length} bytes exceeds ${lim.maxMessageBytes}`);
  if (bytes.length === 0) throw new EngagementError('ndef_malformed', 'empty NDEF message');
  const out: NdefRecord[] = [];
  let p = 0;
  for (;;) {
    if (out.length >= lim.maxRecords)
      throw new EngagementError('ndef_too_large', `more than ${lim.maxRecords} NDEF records`);
    const need = (n: number, what: string) => {
      if (p + n > bytes.length)
        throw new EngagementError(
          'ndef_malformed',
          `record ${out.length}: ${what} runs past the end (${p + n} > ${bytes.length})`,
        );
    };
    need(2, 'header');
    const h = bytes[p++]!;
    const tnf = h & 0x07;
    if (out.length === 0 && !(h & MB)) throw new EngagementError('ndef_malformed', 'first record lacks MB');
    if (out.length > 0 && h & MB) throw new EngagementError('ndef_malformed', `record ${out.length} sets MB`);
    if (h & CF) throw new EngagementError('ndef_chunked_unsupported', `record ${out.length} is chunked (CF)`);
    if (tnf === TNF.UNCHANGED || tnf === TNF.RESERVED)
      throw new EngagementError('ndef_malformed', `record ${out.length} has TNF ${tnf}`);
    const typeLen = bytes[p++]!;
    let payloadLen: number;
    if (h & SR) {
      need(1, 'payload length');
      payloadLen = bytes[p++]!;
    } else {
      need(4, 'payload length');
      payloadLen = ((bytes[p]! << 24) >>> 0) + (bytes[p + 1]! << 16) + (bytes[p + 2]! << 8) + bytes[p + 3]!;
      p += 4;
    }
    let idLen = 0;
    if (h & IL) {
      need(1, 'id length');
      idLen = bytes[p++]!;
    }
    // Bound before slicing: a 4-byte payload length can claim 4 GiB.
    if (payloadLen > bytes.length - p)
      throw new EngagementError(
        'ndef_malformed',
        `record ${out.length}: payload length ${payloadLen} exceeds the message`,
      );
    need(typeLen + idLen + payloadLen, 'type/id/payload');
    if (tnf === TNF.EMPTY && (typeLen | idLen | payloadLen) !== 0)
      throw new EngagementError('ndef_malformed', `record ${out.length}: TNF empty with content`);
    if (tnf === TNF.UNKNOWN && typeLen !== 0)
      throw new EngagementError('ndef_malformed', `record ${out.length}: TNF unknown with a type`);
    if (
      (tnf === TNF.WELL_KNOWN || tnf === TNF.MEDIA || tnf === TNF.ABSOLUTE_URI || tnf === TNF.EXTERNAL) &&
      typeLen === 0
    )
      throw new EngagementError('ndef_malformed', `record ${out.length}: TNF ${tnf} without a type`);
    const type = bytes.slice(p, p + typeLen);
    p += typeLen;
    const id = bytes.slice(p, p + idLen);
    p += idLen;
    const payload = bytes.slice(p, p + payloadLen);
    p += payloadLen;
    out.push({ tnf: tnf as Tnf, type, id, payload });
    if (h & ME) {
      if (p !== bytes.length)
        throw new EngagementError('ndef_malformed', `${bytes.length - p} bytes after the ME record`);
      return out;
    }
    if (p === bytes.length) throw new EngagementError('ndef_malformed', 'message ends without ME');
  }
}

export function buildNdefMessage(records: readonly NdefRecord[]): Uint8Array {
  if (records.length === 0) throw new EngagementError('ndef_malformed', 'cannot build an empty NDEF message');
  const parts: Uint8Array[] = [];
  records.forEach((r, i) => {
    if (r.type.length > 255 || r.id.length > 255)
      throw new EngagementError('ndef_malformed', 'type or id longer than 255');
    const short = r.payload.length < 256;
    let h = r.tnf;
    if (i === 0) h |= MB;
    if (i === records.length - 1) h |= ME;
    if (short) h |= SR;
    if (r.id.length > 0) h |= IL;
    const head = [h, r.type.length];
    if (short) head.push(r.payload.length);
    else
      head.push(
        r.payload.length >>> 24,
        (r.payload.length >>> 16) & 0xff,
        (r.payload.length >>> 8) & 0xff,
        r.payload.length & 0xff,
      );
    if (r.id.length > 0) head.push(r.id.length);
    parts.push(Uint8Array.from(head), r.type, r.id, r.payload);
  });
  return concat(...parts);
}
