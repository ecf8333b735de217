// 券面事項入力補助AP EF 0003: the integrity record (docs/card-and-mdoc-facts.md "Text AP"):
// FF30 { DF31 SHA-256(EF 0001 as stored), DF32 SHA-256(EF 0002 from DF22 to the end), DF33 RSA-2048
// signature }. DF33 signs the DF31 and DF32 TLVs as stored. DF31 is only ever used as signed bytes:
// its source, the My Number file, is never read (my-number-guard.ts).
import { child, concat, parseFile } from './ber-tlv.ts';
import { CardError } from './codes.ts';

export interface IntegrityRecord {
  myNumberHash: Uint8Array;
  attributesHash: Uint8Array;
  /** DF31 TLV || DF32 TLV as stored: what DF33 signs. */
  signedBytes: Uint8Array;
  signature: Uint8Array;
}

export function parseIntegrityRecord(file: Uint8Array): IntegrityRecord {
  const where = 'text AP EF 0003';
  const { children } = parseFile(file, 0xff30, where);
  const df31 = child(children, 0xdf31, where);
  const df32 = child(children, 0xdf32, where);
  const df33 = child(children, 0xdf33, where);
  if (children.length !== 3) throw new CardError('malformed_tlv', `${where}: ${children.length} objects, expected 3`);
  if (df31.value.length !== 32 || df32.value.length !== 32)
    throw new CardError('malformed_tlv', `${where}: hashes are not SHA-256`);
  if (df33.value.length !== 256) throw new CardError('malformed_tlv', `${where}: DF33 is not an RSA-2048 signature`);
  return {
    myNumberHash: df31.value,
    attributesHash: df32.value,
    signedBytes: concat(df31.tlv, df32.tlv),
    signature: df33.value,
  };
}
