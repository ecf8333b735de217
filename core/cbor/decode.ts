// A strict, bounded CBOR decoder (RFC 8949) for input from the outside world: phones, QR codes,
// files. Why our own decoder rather than cbor-x's: cbor-x has had memory-exhaustion bugs on hostile
// input (a lone 0x9f; pre-allocation of huge declared arrays; docs/architecture.md "Platform facts"), and ISO 18013-5 needs
// the exact bytes of every #6.24 item for hashing. cbor-x still encodes (encode.ts) and serves as a
// differential oracle in the tests.
//
// Strictness (each is a rejection with code 'malformed_cbor'):
// - indefinite-length items (ISO 18013-5 §8.1: definite lengths for everything the reader verifies)
// - non-minimal heads (RFC 8949 §4.2.1 preferred serialization of arguments)
// - duplicate map keys (RFC 8949 §5.6: a map with duplicates is not valid; an attacker could make
//   two parsers see two values), non-scalar map keys (mdoc and COSE use int and text keys only)
// - reserved additional information 28-30, a lone break, unassigned simple values, invalid UTF-8
// - trailing bytes after the top-level item
// Bounds ('cbor_limit_exceeded'), all checked before anything is allocated: total input size,
// nesting depth, total item count, and every declared length against the bytes that remain.
import { CborError } from './errors.ts';
import { EmbeddedCbor, Tagged, type CborMap, type CborValue } from './model.ts';
import { errorText } from '../errors.ts';

export { CborError } from './errors.ts';

export interface CborLimits {
  /** Deepest nesting of arrays, maps and tags. A DeviceResponse needs about 8. */
  maxDepth: number;
  /** Most data items in one decode (guards against many tiny items). */
  maxItems: number;
  /** Longest single byte or text string. A portrait is tens of KB. */
  maxBytesLength: number;
  /** Largest input accepted at all. */
  maxTotalBytes: number;
  /**
   * Accept heads longer than needed (e.g. a map length as 0xb9 0x00 0x03). Well-formed per RFC 8949
   * §3 but not preferred serialization (§4.2.1). cbor-x encodes JS objects this way by default, so
   * wallets built on it (e.g. @animo-id/mdoc) send them; mdoc parsing turns this on. Harmless for
   * hashing and signatures: those always use the bytes as received.
   */
  allowNonMinimalHeads: boolean;
}

export const DEFAULT_LIMITS: CborLimits = Object.freeze({
  maxDepth: 32,
  maxItems: 200_000,
  maxBytesLength: 4 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024,
  allowNonMinimalHeads: false,
});

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Longest text string decoded by the ASCII fast path in Decoder.item. */
const SHORT_TEXT = 32;
/**
 * SCRATCH[n]: a reused array of n char codes for that fast path, so a short string costs one
 * allocation (the string) rather than a view plus a decoder call, or one string per character.
 * Safe to share: it is filled and consumed within one synchronous step of Decoder.item.
 */
const SCRATCH: number[][] = Array.from({ length: SHORT_TEXT + 1 }, (_, n) => new Array<number>(n).fill(0));

class Decoder {
  pos = 0;
  items = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly limits: CborLimits,
  ) {}

  fail(msg: string): never {
    throw new CborError('malformed_cbor', msg, `byte ${this.pos}`);
  }
  limit(msg: string): never {
    throw new CborError('cbor_limit_exceeded', msg, `byte ${this.pos}`);
  }

  need(n: number): void {
    if (n > this.buf.length - this.pos) this.fail(`truncated: ${n} bytes needed, ${this.buf.length - this.pos} left`);
  }

  /** Reads the argument of a head; returns number when it fits 2^53, else bigint. */
  argument(ai: number): number | bigint {
    const b = this.buf;
    if (ai < 24) return ai;
    switch (ai) {
      case 24: {
        this.need(1);
        const v = b[this.pos++]!;
        if (v < 24 && !this.limits.allowNonMinimalHeads) this.fail('non-minimal head');
        return v;
      }
      case 25: {
        this.need(2);
        const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
        this.pos += 2;
        if (v < 0x100 && !this.limits.allowNonMinimalHeads) this.fail('non-minimal head');
        return v;
      }
      case 26: {
        this.need(4);
        const v = ((b[this.pos]! << 24) >>> 0) + (b[this.pos + 1]! << 16) + (b[this.pos + 2]! << 8) + b[this.pos + 3]!;
        this.pos += 4;
        if (v < 0x10000 && !this.limits.allowNonMinimalHeads) this.fail('non-minimal head');
        return v;
      }
      case 27: {
        this.need(8);
        const hi = ((b[this.pos]! << 24) >>> 0) + (b[this.pos + 1]! << 16) + (b[this.pos + 2]! << 8) + b[this.pos + 3]!;
        const lo =
          ((b[this.pos + 4]! << 24) >>> 0) + (b[this.pos + 5]! << 16) + (b[this.pos + 6]! << 8) + b[this.pos + 7]!;
        this.pos += 8;
        if (hi === 0 && !this.limits.allowNonMinimalHeads) this.fail('non-minimal head');
        if (hi < 0x200000) return hi * 0x100000000 + lo;
        return (BigInt(hi) << 32n) | BigInt(lo);
      }
      case 31:
        return this.fail('indefinite-length item');
      default:
        this.fail(`reserved additional information ${ai}`);
    }
  }

  /** A length argument, bounded by what remains (each element needs at least `minEach` bytes). */
  length(ai: number, minEach: number): number {
    const n = this.argument(ai);
    if (typeof n === 'bigint' || n > (this.buf.length - this.pos) / minEach) {
      this.fail(`declared length ${n} exceeds the ${this.buf.length - this.pos} bytes left`);
    }
    return n;
  }

  /** One data item (RFC 8949 §3.1 major types), counted against maxItems. */
  item(depth: number): CborValue {
    if (++this.items > this.limits.maxItems) this.limit(`more than ${this.limits.maxItems} items`);
    this.need(1);
    const ib = this.buf[this.pos++]!;
    const major = ib >> 5;
    const ai = ib & 0x1f;
    switch (major) {
      case 0:
        return this.argument(ai);
      case 1: {
        const n = this.argument(ai);
        return typeof n === 'bigint' ? -1n - n : n < Number.MAX_SAFE_INTEGER ? -1 - n : -1n - BigInt(n);
      }
      case 2: {
        const n = this.length(ai, 1);
        if (n > this.limits.maxBytesLength) this.limit(`byte string of ${n} bytes`);
        const v = this.buf.subarray(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case 3:
        return this.text(ai);
      case 4:
        return this.array(ai, depth);
      case 5:
        return this.map(ai, depth);
      case 6:
        return this.tag(ai, depth);
      default:
        return this.simple(ai);
    }
  }

  /** Major type 3: a text string, which must be valid UTF-8 (RFC 8949 §3.1). */
  text(ai: number): string {
    const n = this.length(ai, 1);
    if (n > this.limits.maxBytesLength) this.limit(`text string of ${n} bytes`);
    const start = this.pos;
    this.pos += n;
    // Short ASCII text (map keys, element identifiers, namespaces, tdates: most strings in an
    // mdoc) is built here; a call into TextDecoder costs more than the string for these.
    // ASCII is valid UTF-8 and decodes to the same characters, so the result is identical.
    if (n <= SHORT_TEXT) {
      const b = this.buf;
      const codes = SCRATCH[n]!;
      let i = 0;
      for (; i < n; i++) {
        const c = b[start + i]!;
        if (c > 0x7f) break;
        codes[i] = c;
      }
      if (i === n) return String.fromCharCode.apply(null, codes);
    }
    try {
      return utf8.decode(this.buf.subarray(start, start + n));
    } catch {
      return this.fail('invalid UTF-8 in text string');
    }
  }

  /** Major type 4: an array of definite length, one nesting level deeper. */
  array(ai: number, depth: number): CborValue[] {
    if (depth >= this.limits.maxDepth) this.limit(`nesting deeper than ${this.limits.maxDepth}`);
    const n = this.length(ai, 1);
    const arr: CborValue[] = new Array(n);
    for (let i = 0; i < n; i++) arr[i] = this.item(depth + 1);
    return arr;
  }

  /** Major type 5: a map with scalar keys and no duplicates (RFC 8949 §5.6). */
  map(ai: number, depth: number): CborMap {
    if (depth >= this.limits.maxDepth) this.limit(`nesting deeper than ${this.limits.maxDepth}`);
    const n = this.length(ai, 2);
    const map: CborMap = new Map();
    for (let i = 0; i < n; i++) {
      const keyAt = this.pos;
      const k = this.item(depth + 1);
      if (!isScalarKey(k)) {
        this.pos = keyAt;
        this.fail('map key is not an integer, text, boolean or null');
      }
      if (map.has(k)) {
        this.pos = keyAt;
        this.fail(`duplicate map key ${JSON.stringify(typeof k === 'bigint' ? k.toString() : k)}`);
      }
      map.set(k, this.item(depth + 1));
    }
    return map;
  }

  /** Major type 6: a tag; #6.24 keeps its exact bytes (ISO 18013-5 hashes them). */
  tag(ai: number, depth: number): CborValue {
    if (depth >= this.limits.maxDepth) this.limit(`nesting deeper than ${this.limits.maxDepth}`);
    const start = this.pos - 1;
    const tag = this.argument(ai);
    if (typeof tag === 'bigint') this.fail('tag number too large');
    if (tag === 24) {
      // #6.24(bstr .cbor): keep the exact bytes. Its content is decoded later, on demand,
      // with its own limits (EmbeddedCbor.decode), so a bomb inside costs nothing here.
      this.need(1);
      if (this.buf[this.pos]! >> 5 !== 2) this.fail('tag 24 must wrap a byte string');
      const content = this.item(depth + 1) as Uint8Array;
      return EmbeddedCbor.fromDecoded(this.buf.subarray(start, this.pos), content);
    }
    return new Tagged(tag, this.item(depth + 1));
  }

  /** Major type 7: false, true, null, undefined and floats; a lone break and other simple values fail. */
  simple(ai: number): CborValue {
    switch (ai) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25: {
        this.need(2);
        const v = halfToNumber((this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!);
        this.pos += 2;
        return v;
      }
      case 26: {
        this.need(4);
        const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0);
        this.pos += 4;
        return v;
      }
      case 27: {
        this.need(8);
        const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0);
        this.pos += 8;
        return v;
      }
      case 31:
        return this.fail('break outside an indefinite-length item');
      default:
        return this.fail(`unsupported simple value (additional information ${ai})`);
    }
  }
}

// Settings objects that cannot change (frozen, e.g. core/mdoc's MDOC_CBOR) are merged with the
// defaults once: nested decodes (every IssuerSignedItem, the MSO, COSE headers) pass the same few.
const merged = new WeakMap<Partial<CborLimits>, CborLimits>();
function mergedLimits(limits: Partial<CborLimits>): CborLimits {
  const hit = merged.get(limits);
  if (hit) return hit;
  const lim: CborLimits = { ...DEFAULT_LIMITS, ...limits };
  if (Object.isFrozen(limits)) merged.set(limits, lim);
  return lim;
}

function isScalarKey(k: CborValue): boolean {
  const t = typeof k;
  return t === 'number' || t === 'string' || t === 'bigint' || t === 'boolean' || k === null;
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * Decodes exactly one CBOR data item that fills `bytes` completely. Throws CborError only.
 * Byte strings in the result are views into `bytes` (no copies): keep `bytes` unchanged while the
 * result is in use.
 */
export function decodeCbor(bytes: Uint8Array, limits?: Partial<CborLimits>): CborValue {
  const lim: CborLimits = limits ? mergedLimits(limits) : DEFAULT_LIMITS;
  if (!(bytes instanceof Uint8Array)) throw new CborError('malformed_cbor', 'input is not bytes');
  if (bytes.length > lim.maxTotalBytes)
    throw new CborError('cbor_limit_exceeded', `input of ${bytes.length} bytes exceeds ${lim.maxTotalBytes}`);
  if (bytes.length === 0) throw new CborError('malformed_cbor', 'empty input');
  const d = new Decoder(bytes, lim);
  let v: CborValue;
  try {
    v = d.item(0);
  } catch (e) {
    if (e instanceof CborError) throw e;
    // Defensive: nothing above should throw anything else, but a RangeError (e.g. stack) must
    // still come out typed.
    throw new CborError('malformed_cbor', `undecodable: ${errorText(e)}`, `byte ${d.pos}`);
  }
  if (d.pos !== bytes.length)
    throw new CborError('malformed_cbor', `${bytes.length - d.pos} trailing bytes`, `byte ${d.pos}`);
  return v;
}
