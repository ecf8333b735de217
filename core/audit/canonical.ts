// Deterministic encodings for the audit log. Two things are hashed, so both must be byte-exact and
// independent of object key order, engine or locale:
//
// 1. The row BODY is canonical JSON (stored as TEXT in the `body` column exactly as produced here):
//    - objects: keys sorted by UTF-16 code unit order (all our keys are ASCII), no whitespace;
//    - arrays: in the given order (the entry builder sorts code and element lists itself);
//    - strings: JSON.stringify escaping (ECMA-262 §25.5.2.2 QuoteJSONString: deterministic);
//    - numbers: safe integers only, in shortest decimal form (no floats, no -0, no exponent);
//    - true / false / null; `undefined` and every other type are refused (never silently dropped).
//
// 2. The ROW encoding, the message the chain hashes (hash-chain.ts):
//      hash = SHA-256( prev_hash (32 raw bytes) || UTF-8( "KAKUNIN-AUDIT-1\n" seq "\n" kind "\n" time "\n" body ) )
//    seq is the decimal row number (no sign, no leading zeros), kind is 'entry', 'event' or 'retention-cut',
//    time is the ISO 8601 UTC timestamp column, body is the canonical JSON text. seq, kind and time
//    can hold no "\n" (they are validated), and body comes last, so the encoding is unambiguous.
//    seq is inside the hash so that a row moved to another position no longer verifies.

import { hexBytes } from '../bytes.ts';

export class CanonicalEncodingError extends Error {
  override readonly name = 'CanonicalEncodingError';
}

export type CanonicalValue =
  string | number | boolean | null | readonly CanonicalValue[] | { readonly [k: string]: CanonicalValue };

export function canonicalJson(value: unknown): string {
  return enc(value, 0);
}

function enc(v: unknown, depth: number): string {
  if (depth > 8) throw new CanonicalEncodingError('nesting too deep for an audit row');
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isSafeInteger(v) || Object.is(v, -0))
        throw new CanonicalEncodingError('only safe integers are allowed in audit rows');
      return String(v);
    case 'object': {
      if (Array.isArray(v)) return '[' + v.map((x) => enc(x, depth + 1)).join(',') + ']';
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null)
        throw new CanonicalEncodingError('only plain objects are allowed in audit rows');
      const keys = Object.keys(v as object).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) throw new CanonicalEncodingError(`field "${k}" is undefined (use null)`);
        parts.push(JSON.stringify(k) + ':' + enc(x, depth + 1));
      }
      return '{' + parts.join(',') + '}';
    }
    default:
      throw new CanonicalEncodingError(`type ${typeof v} is not allowed in audit rows`);
  }
}

export const ROW_DOMAIN = 'KAKUNIN-AUDIT-1';

export interface RowFields {
  seq: number;
  kind: string;
  time: string;
  body: string;
}

const utf8 = new TextEncoder();

/** The bytes hashed after prev_hash (see the header). */
export function encodeRow(r: RowFields): Uint8Array {
  if (!Number.isSafeInteger(r.seq)) throw new CanonicalEncodingError('seq must be an integer');
  if (/\n/.test(r.kind) || /\n/.test(r.time))
    throw new CanonicalEncodingError('kind and time cannot contain a newline');
  return utf8.encode(`${ROW_DOMAIN}\n${r.seq}\n${r.kind}\n${r.time}\n${r.body}`);
}

// Hashes are stored and exchanged as lower-case hex (core/bytes.ts), and read back only in that form.
export { toHex, equal as bytesEqual } from '../bytes.ts';

export function fromHex(s: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(s)) throw new CanonicalEncodingError('not lowercase hex');
  return hexBytes(s);
}
