// 券面AP EF 0002, the card face (docs/card-and-mdoc-facts.md "Card-face AP", observed):
// FF20 { DF21 offsets, DF22 birth date, DF23 sex, DF24 public key, DF25 name image (PNG),
//        DF26 address image (PNG), DF27 face photo (JPEG 2000, greyscale), DF28 signature,
//        DF29 expiry, DF2A security-code image }.
// DF28 covers three SHA-256 values: H(DF22||DF23||DF24) || H(DF25||DF26) || H(DF27), each over the
// TLVs as stored (the photo is included), put directly into one DigestInfo (digest-info.ts): not a
// standard RSASSA-PKCS1-v1_5-SHA256 signature over the 96 bytes. DF21 is not covered either.
// DF29 and DF2A come after the signature and are NOT signed: DF29 is only compared with the expiry
// year inside 照合番号B, which the chip itself verified.
import type { RsaPublicKey } from '../crypto/provider.ts';
import { child, concat, parseFile } from './ber-tlv.ts';
import type { YMD } from './check-number-b.ts';
import { CardError } from './codes.ts';
import { checkOffsetTable } from './offset-table.ts';
import { parseRsaKeyObjects } from './rsa-public-key.ts';
import { decodeUtf8, parseBirthDate8, parseSex, type Sex } from './text-ap-basic-attributes.ts';

export interface CardFace {
  birthDate: YMD;
  birthDateRaw: string;
  sex: Sex;
  sexRaw: string;
  chipKey: RsaPublicKey;
  photo: Uint8Array;
  /** The three byte ranges DF28's hashes cover, in order. */
  signedRanges: [Uint8Array, Uint8Array, Uint8Array];
  signature: Uint8Array;
  /** Unsigned (after DF28). YYYYMMDD. */
  expiry: YMD;
}

export function parseCardFace(file: Uint8Array): CardFace {
  const where = 'card-face AP EF 0002';
  const { outer, children } = parseFile(file, 0xff20, where);
  const valueOffset = outer.value.byteOffset - file.byteOffset;
  const tags = [0xdf21, 0xdf22, 0xdf23, 0xdf24, 0xdf25, 0xdf26, 0xdf27, 0xdf28, 0xdf29, 0xdf2a];
  const t = tags.map((tag) => child(children, tag, where));
  if (children.length !== tags.length || children.some((c, i) => c !== t[i]))
    throw new CardError('malformed_tlv', `${where}: unexpected objects or order`);
  const [df21, df22, df23, df24, df25, df26, df27, df28, df29] = t as [
    (typeof t)[0],
    (typeof t)[0],
    (typeof t)[0],
    (typeof t)[0],
    (typeof t)[0],
    (typeof t)[0],
    (typeof t)[0],
    (typeof t)[0],
    (typeof t)[0],
  ];
  checkOffsetTable(df21.value, t.slice(1), valueOffset, where);
  const birth = parseBirthDate8(df22.value, `${where} DF22`);
  const sexRaw = decodeUtf8(df23.value, `${where} DF23`);
  const expiry = parseBirthDate8(df29.value, `${where} DF29`).date;
  if (df28.value.length !== 256) throw new CardError('malformed_tlv', `${where}: DF28 is not an RSA-2048 signature`);
  return {
    birthDate: birth.date,
    birthDateRaw: birth.raw,
    sex: parseSex(sexRaw, `${where} DF23`),
    sexRaw,
    chipKey: parseRsaKeyObjects(df24.value, `${where} DF24`),
    photo: df27.value,
    signedRanges: [concat(df22.tlv, df23.tlv, df24.tlv), concat(df25.tlv, df26.tlv), df27.tlv],
    signature: df28.value,
    expiry,
  };
}
