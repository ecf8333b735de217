// A strict, bounded DER reader (ITU-T X.690 §10, the Distinguished Encoding Rules) for X.509.
//
// Why strict: a certificate's signature covers its DER bytes, and two parsers that disagree on a
// non-canonical encoding can be made to see two different certificates under one signature. So
// every non-canonical form is refused rather than tolerated: indefinite lengths (X.690 §10.1),
// non-minimal length octets (§10.1 / §8.1.3.5), high-tag-number form (never used by X.509), leftover
// bytes after the outermost element, non-minimal INTEGERs (§8.3.2), BOOLEANs other than 00/FF
// (§11.1), non-zero BIT STRING padding (§11.2.1). Every length is checked against the bytes that
// remain BEFORE anything is sliced, and nodes are subarray views (no copying, no allocation
// proportional to a claimed length).

export type DerErrorCode = 'malformed_certificate' | 'unsupported_certificate' | 'malformed_key';

export class DerError extends Error {
  override readonly name = 'DerError';
  constructor(
    readonly code: DerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Universal tags (single identifier octet: class | constructed bit | number). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag helpers: [n] IMPLICIT primitive = 0x80|n, [n] EXPLICIT / constructed = 0xa0|n. */
export const ctx = (n: number): number => 0x80 | n;
export const ctxCons = (n: number): number => 0xa0 | n;

/**
 * No DER structure we read is larger than this: a certificate is a few KiB, an ICAO CSCA master
 * list (CMS, Doc 9303-12 App. C) a few MiB at most. Every length is also checked against the bytes
 * actually present, so this cap only bounds what a caller may hand in.
 */
export const MAX_DER_LENGTH = 4 << 20;

/**
 * One TLV. `tlv` and `value` are views into the input, made on first use: most nodes of a
 * certificate are only stepped over, and creating typed-array views dominated parse time.
 */
export class DerNode {
  private _tlv?: Uint8Array;
  private _value?: Uint8Array;
  constructor(
    /** Identifier octet. */
    readonly tag: number,
    /** The input, and where this TLV and its contents lie in it (read-only positions). */
    readonly buf: Uint8Array,
    readonly start: number,
    readonly valueStart: number,
    readonly end: number,
  ) {}
  /** The whole TLV (a view into the input). Hash or compare these bytes; never re-encode. */
  get tlv(): Uint8Array {
    return (this._tlv ??= this.buf.subarray(this.start, this.end));
  }
  /** The contents octets (a view into the input). */
  get value(): Uint8Array {
    return (this._value ??= this.buf.subarray(this.valueStart, this.end));
  }
  get length(): number {
    return this.end - this.valueStart;
  }
  /** Contents octet i (no view needed). */
  byte(i: number): number {
    return this.buf[this.valueStart + i]!;
  }
  /** A reader over the contents, without allocating a view. */
  reader(code: DerErrorCode, what: string): DerReader {
    return new DerReader(this.buf, code, what, this.valueStart, this.end);
  }
}

/**
 * Reads consecutive DER elements from `buf`. `code` is the error code thrown on malformed input,
 * so a reader over a key file says 'malformed_key' and one over a certificate 'malformed_certificate'.
 */
export class DerReader {
  private pos: number;
  private readonly limit: number;
  constructor(
    private readonly buf: Uint8Array,
    readonly code: DerErrorCode = 'malformed_certificate',
    private readonly what = 'DER',
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.limit = end;
  }

  /** A reader at the same position (to look ahead without consuming). */
  clone(): DerReader {
    return new DerReader(this.buf, this.code, this.what, this.pos, this.limit);
  }

  fail(message: string): never {
    throw new DerError(this.code, `${this.what}: ${message}`);
  }

  atEnd(): boolean {
    return this.pos >= this.limit;
  }

  /** The identifier octet of the next element, or -1 at the end. */
  peekTag(): number {
    return this.pos < this.limit ? this.buf[this.pos]! : -1;
  }

  /** Require that nothing is left (DER: no leftover bytes inside a constructed value or after the top element). */
  end(): void {
    if (this.pos !== this.limit) this.fail(`${this.limit - this.pos} unexpected trailing byte(s)`);
  }

  next(): DerNode {
    const buf = this.buf;
    const limit = this.limit;
    const start = this.pos;
    if (start >= limit) this.fail('unexpected end of data (missing element)');
    const tag = buf[start]!;
    // High-tag-number form (low five bits all set) is not used by any X.509 structure we read.
    if ((tag & 0x1f) === 0x1f) this.fail(`high-tag-number form is not supported (tag 0x${tag.toString(16)})`);
    let p = start + 1;
    if (p >= limit) this.fail('truncated: missing length');
    const first = buf[p++]!;
    let length: number;
    if (first < 0x80) {
      length = first;
    } else if (first === 0x80) {
      this.fail('indefinite length is not allowed in DER');
    } else {
      const n = first & 0x7f;
      // Four length octets already allow 4 GiB; anything longer is hostile.
      if (n > 4) this.fail(`length field of ${n} octets is too long`);
      if (p + n > limit) this.fail('truncated: length octets');
      if (buf[p] === 0) this.fail('non-minimal length encoding (leading zero octet)');
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
      if (length < 0x80) this.fail('non-minimal length encoding (long form for a length below 128)');
    }
    if (length > MAX_DER_LENGTH) this.fail(`length ${length} exceeds the limit of ${MAX_DER_LENGTH}`);
    if (length > limit - p) this.fail(`truncated: element claims ${length} bytes, ${limit - p} remain`);
    const end = p + length;
    this.pos = end;
    return new DerNode(tag, buf, start, p, end);
  }

  /** Next element, which must have identifier octet `tag`. */
  expect(tag: number, what: string): DerNode {
    if (this.peekTag() !== tag) {
      this.fail(
        `expected ${what} (tag 0x${tag.toString(16)}), found ${this.atEnd() ? 'end of data' : `tag 0x${this.peekTag().toString(16)}`}`,
      );
    }
    return this.next();
  }

  /** Next element if its tag is `tag`, else undefined (for OPTIONAL / DEFAULT fields). */
  optional(tag: number): DerNode | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }

  /** A reader over a constructed node's contents, with the same error code. */
  child(node: DerNode, what: string): DerReader {
    if ((node.tag & 0x20) === 0) this.fail(`${what}: expected a constructed element`);
    return node.reader(this.code, `${this.what} ${what}`);
  }

  // ---- typed primitives -------------------------------------------------------------------

  sequence(what: string): DerReader {
    return this.child(this.expect(TAG.SEQUENCE, what), what);
  }

  /** INTEGER contents, two's complement, checked minimal (X.690 §8.3.2). */
  integerBytes(what: string): Uint8Array {
    const v = this.expect(TAG.INTEGER, what).value;
    // Same rule as checkMinimalInteger, without a closure per INTEGER.
    const why = nonMinimalInteger(v);
    if (why) this.fail(`${what}: ${why}`);
    return v;
  }

  /** A small non-negative INTEGER as a number (versions, pathLen). */
  smallUint(what: string, max = 0x7fffffff): number {
    const v = this.integerBytes(what);
    if (v[0]! & 0x80) this.fail(`${what}: negative integer`);
    if (v.length > 5) this.fail(`${what}: integer too large`);
    let n = 0;
    for (const b of v) n = n * 256 + b;
    if (n > max) this.fail(`${what}: integer ${n} exceeds ${max}`);
    return n;
  }

  boolean(what: string): boolean {
    const n = this.expect(TAG.BOOLEAN, what);
    if (n.length !== 1) this.fail(`${what}: BOOLEAN must be one octet`);
    if (n.byte(0) === 0xff) return true;
    if (n.byte(0) === 0x00) return false;
    return this.fail(`${what}: BOOLEAN must be 0x00 or 0xFF in DER`);
  }

  null(what: string): void {
    if (this.expect(TAG.NULL, what).length !== 0) this.fail(`${what}: NULL must be empty`);
  }

  oid(what: string): string {
    const n = this.expect(TAG.OID, what);
    // Known OIDs are looked up from the input bytes directly (no view, no closure); the rest are decoded.
    const hit = cachedOid(n.buf, n.valueStart, n.end);
    return hit ?? decodeOid(n.value, (m) => this.fail(`${what}: ${m}`));
  }

  octetString(what: string): Uint8Array {
    return this.expect(TAG.OCTET_STRING, what).value;
  }

  /** BIT STRING as {unusedBits, bytes}; padding bits must be zero (X.690 §11.2.1). */
  bitString(what: string): { unusedBits: number; bytes: Uint8Array } {
    return decodeBitString(this.expect(TAG.BIT_STRING, what).value, (m) => this.fail(`${what}: ${m}`));
  }

  /** BIT STRING that must hold whole octets (keys, signatures). */
  octetAlignedBitString(what: string): Uint8Array {
    const b = this.bitString(what);
    if (b.unusedBits !== 0) this.fail(`${what}: BIT STRING must have no unused bits`);
    return b.bytes;
  }
}

export function checkMinimalInteger(v: Uint8Array, fail: (m: string) => never): void {
  const why = nonMinimalInteger(v);
  if (why) fail(why);
}

/** Why an INTEGER's contents are not minimal DER (X.690 §8.3.2), or undefined when they are. */
function nonMinimalInteger(v: Uint8Array): string | undefined {
  if (v.length === 0) return 'empty INTEGER';
  if (v.length > 1) {
    if (v[0] === 0x00 && (v[1]! & 0x80) === 0) return 'non-minimal INTEGER (redundant leading 0x00)';
    if (v[0] === 0xff && (v[1]! & 0x80) !== 0) return 'non-minimal INTEGER (redundant leading 0xFF)';
  }
  return undefined;
}

export function decodeBitString(v: Uint8Array, fail: (m: string) => never): { unusedBits: number; bytes: Uint8Array } {
  if (v.length === 0) fail('empty BIT STRING');
  const unusedBits = v[0]!;
  if (unusedBits > 7) fail('BIT STRING unused-bits octet > 7');
  if (v.length === 1 && unusedBits !== 0) fail('empty BIT STRING with unused bits');
  if (unusedBits > 0 && (v[v.length - 1]! & ((1 << unusedBits) - 1)) !== 0)
    fail('BIT STRING padding bits are not zero');
  return { unusedBits, bytes: v.subarray(1) };
}

// The same few dozen OIDs appear in every certificate: remember their text (bounded).
const OID_CACHE = new Map<string, string>();
const OID_CACHE_LIMIT = 512;

/** The cache key of OID contents: the bytes, one char a byte. */
function oidKey(buf: Uint8Array, start: number, end: number): string {
  let key = '';
  for (let i = start; i < end; i++) key += String.fromCharCode(buf[i]!);
  return key;
}

/**
 * The text of OID contents buf[start, end) if it was decoded before. Only valid OIDs are ever cached
 * (decodeOid caches after a successful decode), so a hit needs no further checks.
 */
function cachedOid(buf: Uint8Array, start: number, end: number): string | undefined {
  if (end - start === 0 || end - start > 64) return undefined;
  return OID_CACHE.get(oidKey(buf, start, end));
}

/** Dotted-decimal OID text (X.690 §8.19), arcs minimally encoded. */
export function decodeOid(v: Uint8Array, fail: (m: string) => never): string {
  if (v.length === 0) fail('empty OBJECT IDENTIFIER');
  if (v.length > 64) fail('OBJECT IDENTIFIER too long');
  const key = oidKey(v, 0, v.length);
  const hit = OID_CACHE.get(key);
  if (hit !== undefined) return hit;
  const text = decodeOidUncached(v, fail);
  if (OID_CACHE.size < OID_CACHE_LIMIT) OID_CACHE.set(key, text);
  return text;
}

function decodeOidUncached(v: Uint8Array, fail: (m: string) => never): string {
  const arcs: string[] = [];
  let acc = 0;
  let startOfArc = true;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    if (startOfArc && b === 0x80) fail('non-minimal OBJECT IDENTIFIER arc');
    startOfArc = false;
    if (acc > 0x1ffffffffff) fail('OBJECT IDENTIFIER arc too large');
    acc = acc * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        // First subidentifier packs two arcs: 40 * X + Y (X in 0..2).
        if (acc < 40) arcs.push('0', String(acc));
        else if (acc < 80) arcs.push('1', String(acc - 40));
        else arcs.push('2', String(acc - 80));
      } else {
        arcs.push(String(acc));
      }
      acc = 0;
      startOfArc = true;
    }
  }
  if (!startOfArc) fail('truncated OBJECT IDENTIFIER');
  return arcs.join('.');
}

/** The contents octets of an OBJECT IDENTIFIER (X.690 §8.19) for dotted text, arcs minimally encoded. */
export function encodeOidContent(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new Error(`OID ${dotted} has fewer than two arcs`);
  const body: number[] = [];
  const push = (v: bigint): void => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return new Uint8Array(body);
}

/** Parse exactly one DER element that fills `bytes` (no leftover). */
export function parseDerElement(
  bytes: Uint8Array,
  code: DerErrorCode = 'malformed_certificate',
  what = 'DER',
): DerNode {
  const r = new DerReader(bytes, code, what);
  const node = r.next();
  r.end();
  return node;
}
