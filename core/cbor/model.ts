// The value model of strictly decoded CBOR (RFC 8949) as mdoc and COSE use it.
// Maps always decode to Map so integer keys (COSE labels) stay integers and key order is kept.
import { decodeCbor, type CborLimits } from './decode.ts';
import { encodeCbor } from './encode.ts';

export type CborValue =
  number | bigint | string | boolean | null | undefined | Uint8Array | CborValue[] | CborMap | Tagged | EmbeddedCbor;

export type CborMap = Map<CborValue, CborValue>;

/** A tagged item other than tag 24, e.g. tdate (0) or full-date (1004, RFC 8943). */
export class Tagged {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/**
 * `#6.24(bstr .cbor X)`: CBOR embedded in a byte string (RFC 8949 §3.4.5.1). ISO 18013-5 hashes
 * these bytes (IssuerSignedItemBytes, MobileSecurityObjectBytes, DeviceEngagementBytes...) exactly as
 * received, so the decoder keeps the whole encoding in `raw` and nobody re-encodes to hash.
 */
export class EmbeddedCbor {
  private constructor(
    /** d8 18 <bstr head> <content>: the bytes exactly as received (or as built). */
    readonly raw: Uint8Array,
    /** The embedded data item's own encoding. */
    readonly content: Uint8Array,
  ) {}

  /** Internal: used by the decoder, which has checked that `raw` ends with `content`. */
  static fromDecoded(raw: Uint8Array, content: Uint8Array): EmbeddedCbor {
    return new EmbeddedCbor(raw, content);
  }

  static fromContent(content: Uint8Array): EmbeddedCbor {
    const head = bstrHead(content.length);
    const raw = new Uint8Array(2 + head.length + content.length);
    raw[0] = 0xd8;
    raw[1] = 0x18;
    raw.set(head, 2);
    raw.set(content, 2 + head.length);
    return new EmbeddedCbor(raw, raw.subarray(2 + head.length));
  }

  static wrap(value: CborValue): EmbeddedCbor {
    return EmbeddedCbor.fromContent(encodeCbor(value));
  }

  decode(limits?: Partial<CborLimits>): CborValue {
    return decodeCbor(this.content, limits);
  }
}

function bstrHead(len: number): Uint8Array {
  if (len < 24) return Uint8Array.of(0x40 | len);
  if (len < 0x100) return Uint8Array.of(0x58, len);
  if (len < 0x10000) return Uint8Array.of(0x59, len >>> 8, len & 0xff);
  return Uint8Array.of(0x5a, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
}
