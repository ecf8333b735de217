// DF21 offset tables (docs/card-and-mdoc-facts.md "Encodings": a run of big-endian u16 values, one per following object,
// each the offset of that object's tag from the first byte of the file). We parse by TLV and then
// require the table to agree, so a reader that trusts the table and one that walks the TLVs can
// never be shown two different layouts of one signed file.
import type { Tlv } from './ber-tlv.ts';
import { CardError } from './codes.ts';

export function checkOffsetTable(
  table: Uint8Array,
  following: readonly Tlv[],
  fileOffsetOfValue: number,
  where: string,
): void {
  if (table.length !== following.length * 2) {
    throw new CardError(
      'malformed_tlv',
      `${where}: DF21 has ${table.length / 2} offsets for ${following.length} objects`,
    );
  }
  following.forEach((t, i) => {
    const off = (table[2 * i]! << 8) | table[2 * i + 1]!;
    if (off !== fileOffsetOfValue + t.start) {
      throw new CardError(
        'malformed_tlv',
        `${where}: DF21 offset ${i} is ${off}, object starts at ${fileOffsetOfValue + t.start}`,
      );
    }
  });
}

export function encodeOffsetTable(offsets: readonly number[]): Uint8Array {
  const out = new Uint8Array(offsets.length * 2);
  offsets.forEach((o, i) => {
    out[2 * i] = o >> 8;
    out[2 * i + 1] = o & 0xff;
  });
  return out;
}
