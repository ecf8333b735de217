// 券面事項入力補助AP EF 0002: the four basic attributes (docs/card-and-mdoc-facts.md "Text AP"):
// FF20 { DF21 offsets (8 bytes), DF22 name (UTF-8, family/given separated by U+3000), DF23 address,
//        DF24 birth date YYYYMMDD, DF25 sex '1'/'2'/'9' }; the outer length may be long-form.
// DF32 in EF 0003 is SHA-256 over this file from the DF22 tag to the end of the outer object.
import { child, parseFile } from './ber-tlv.ts';
import { parseIsoDate, type YMD } from './check-number-b.ts';
import { CardError } from './codes.ts';
import { checkOffsetTable } from './offset-table.ts';

export type Sex = 'male' | 'female' | 'not_applicable';

export interface BasicAttributes {
  name: string;
  address: string;
  birthDate: YMD;
  /** As stored (8 ASCII digits), for the cross-AP comparison. */
  birthDateRaw: string;
  sex: Sex;
  sexRaw: string;
  /** Bytes covered by DF32: from the DF22 tag to the end of the outer object. */
  hashedRange: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(b: Uint8Array, where: string): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new CardError('malformed_tlv', `${where}: not UTF-8`);
  }
}

export function parseSex(raw: string, where: string): Sex {
  // ISO/IEC 5218 codes as the card stores them.
  if (raw === '1') return 'male';
  if (raw === '2') return 'female';
  if (raw === '9') return 'not_applicable';
  throw new CardError('malformed_tlv', `${where}: sex code is not 1, 2 or 9`);
}

export function parseBirthDate8(b: Uint8Array, where: string): { date: YMD; raw: string } {
  const raw = decodeUtf8(b, where);
  const date = /^\d{8}$/.test(raw) ? parseIsoDate(raw) : null;
  if (!date) throw new CardError('malformed_tlv', `${where}: birth date is not YYYYMMDD`);
  return { date, raw };
}

export function parseBasicAttributes(file: Uint8Array): BasicAttributes {
  const where = 'text AP EF 0002';
  const { outer, children } = parseFile(file, 0xff20, where);
  const valueOffset = outer.value.byteOffset - file.byteOffset;
  const df21 = child(children, 0xdf21, where);
  const df22 = child(children, 0xdf22, where);
  const df23 = child(children, 0xdf23, where);
  const df24 = child(children, 0xdf24, where);
  const df25 = child(children, 0xdf25, where);
  if (children.length !== 5 || children[0] !== df21 || children[1] !== df22)
    throw new CardError('malformed_tlv', `${where}: unexpected objects or order`);
  checkOffsetTable(df21.value, [df22, df23, df24, df25], valueOffset, where);
  const birth = parseBirthDate8(df24.value, `${where} DF24`);
  const sexRaw = decodeUtf8(df25.value, `${where} DF25`);
  return {
    name: decodeUtf8(df22.value, `${where} DF22`),
    address: decodeUtf8(df23.value, `${where} DF23`),
    birthDate: birth.date,
    birthDateRaw: birth.raw,
    sex: parseSex(sexRaw, `${where} DF25`),
    sexRaw,
    hashedRange: file.subarray(valueOffset + df22.start, outer.end),
  };
}
