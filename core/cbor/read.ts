// Typed accessors over decoded CBOR. A wrong shape is a 'malformed_cbor' CborError naming the
// path (e.g. "DeviceResponse.documents[0].issuerSigned"), so callers report it as a check.
import { CborError } from './errors.ts';
import { EmbeddedCbor, Tagged, type CborMap, type CborValue } from './model.ts';

function shape(path: string, want: string, got: CborValue): never {
  throw new CborError('malformed_cbor', `expected ${want}, got ${describe(got)}`, path);
}

export function describe(v: CborValue): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `bstr(${v.length})`;
  if (v instanceof Map) return 'map';
  if (Array.isArray(v)) return 'array';
  if (v instanceof EmbeddedCbor) return 'tag 24';
  if (v instanceof Tagged) return `tag ${v.tag}`;
  return typeof v;
}

export function asMap(v: CborValue, path: string): CborMap {
  return v instanceof Map ? v : shape(path, 'map', v);
}
export function asArray(v: CborValue, path: string): CborValue[] {
  return Array.isArray(v) ? v : shape(path, 'array', v);
}
export function asBytes(v: CborValue, path: string): Uint8Array {
  return v instanceof Uint8Array ? v : shape(path, 'byte string', v);
}
export function asText(v: CborValue, path: string): string {
  return typeof v === 'string' ? v : shape(path, 'text string', v);
}
export function asInt(v: CborValue, path: string): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : shape(path, 'integer', v);
}
export function asUint(v: CborValue, path: string): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : shape(path, 'unsigned integer', v);
}
export function asBool(v: CborValue, path: string): boolean {
  return typeof v === 'boolean' ? v : shape(path, 'boolean', v);
}
export function asEmbedded(v: CborValue, path: string): EmbeddedCbor {
  return v instanceof EmbeddedCbor ? v : shape(path, '#6.24 embedded CBOR', v);
}
export function asTagged(v: CborValue, tag: number, path: string): Tagged {
  return v instanceof Tagged && v.tag === tag ? v : shape(path, `tag ${tag}`, v);
}

/** A required map entry. */
export function field(map: CborMap, key: string | number, path: string): CborValue {
  if (!map.has(key)) throw new CborError('malformed_cbor', `missing ${JSON.stringify(key)}`, path);
  return map.get(key);
}

/** An optional map entry (undefined when absent). */
export function optField(map: CborMap, key: string | number): CborValue | undefined {
  return map.get(key);
}
