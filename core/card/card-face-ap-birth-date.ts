// 券面AP EF 0001, the birth-date record (docs/card-and-mdoc-facts.md "Card-face AP"):
// FF10 { DF11 birth date, DF12 the chip's RSA public key (90/91), DF13 signature }, opened by the
// birth-date key (key reference 0011 of this AP: the 6-digit birth date in the card's form).
// DF13 is a standard RSASSA-PKCS1-v1_5-SHA256 signature over the DF11 and DF12 TLVs as stored, under
// the card-face AP's EF 0004 key. About 300 bytes: the smallest signed record that answers an age
// check, with no photo, name or address.
//
// DF11's layout is our reading (not confirmed on a production card): 8 ASCII digits YYYYMMDD, like
// DF22 of EF 0002 and DF24 of the text AP. Anything else is refused as malformed.
import type { RsaPublicKey } from '../crypto/provider.ts';
import { child, concat, parseFile } from './ber-tlv.ts';
import type { YMD } from './check-number-b.ts';
import { CardError } from './codes.ts';
import { parseRsaKeyObjects } from './rsa-public-key.ts';
import { parseBirthDate8 } from './text-ap-basic-attributes.ts';

export interface BirthDateRecord {
  birthDate: YMD;
  chipKey: RsaPublicKey;
  /** DF11 TLV || DF12 TLV as stored: what DF13 signs. */
  signedBytes: Uint8Array;
  signature: Uint8Array;
}

export function parseBirthDateRecord(file: Uint8Array): BirthDateRecord {
  const where = 'card-face AP EF 0001';
  const { children } = parseFile(file, 0xff10, where);
  const df11 = child(children, 0xdf11, where);
  const df12 = child(children, 0xdf12, where);
  const df13 = child(children, 0xdf13, where);
  if (children.length !== 3 || children[0] !== df11 || children[1] !== df12)
    throw new CardError('malformed_tlv', `${where}: unexpected objects or order`);
  if (df13.value.length !== 256) throw new CardError('malformed_tlv', `${where}: DF13 is not an RSA-2048 signature`);
  return {
    birthDate: parseBirthDate8(df11.value, `${where} DF11`).date,
    chipKey: parseRsaKeyObjects(df12.value, `${where} DF12`),
    signedBytes: concat(df11.tlv, df12.tlv),
    signature: df13.value,
  };
}
