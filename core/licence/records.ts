// The licence's records: MF/EF01 (45 spec version + issue/expiry BCD, 46 maker/crypto ids), MF/EF02
// (05 01 PIN set?), DF1/EF01 記載事項 (tags 11-33), DF1/EF04 changes, DF1/EF07 signature (B1-B6),
// DF2/EF01 photo (5F40, a raw JPEG 2000 codestream). Files end in FF filler. DF1/EF02 / EF06 (本籍)
// have no parser here on purpose: their bytes are hashed for the signature, never decoded.
import { CardError } from '../card/codes.ts';
import { only, optional, walkTlvs, type CardTlv } from '../document/card-tlv.ts';
import { bcdDate, eraDate, fullWidthDigits } from './era-date.ts';
import { decodeJisX0208, type JisText } from './jis-x0208.ts';

const ascii = (b: Uint8Array) => String.fromCharCode(...b);

export interface MfCommon {
  specVersion: string;
  issueDate: string;
  expiryDate: string;
}

export function parseMfCommon(file: Uint8Array): MfCommon {
  const t = walkTlvs(file, 0xff, 'MF/EF01');
  const v = only(t, 0x45, 'MF/EF01').value;
  if (v.length !== 11) throw new CardError('malformed_tlv', `MF/EF01 tag 45 of ${v.length} bytes`);
  return {
    specVersion: ascii(v.subarray(0, 3)),
    issueDate: bcdDate(v.subarray(3, 7), 'MF/EF01 issue'),
    expiryDate: bcdDate(v.subarray(7, 11), 'MF/EF01 expiry'),
  };
}

/** MF/EF02 `05 01 xx`: true when a PIN is set. */
export function parsePinSetting(file: Uint8Array): boolean {
  const v = only(walkTlvs(file, 0xff, 'MF/EF02'), 0x05, 'MF/EF02').value;
  if (v.length !== 1 || (v[0] !== 0x00 && v[0] !== 0x01))
    throw new CardError('malformed_tlv', 'MF/EF02: PIN setting is not 00 or 01');
  return v[0] === 0x01;
}

export interface LicenceEntries {
  tlvs: CardTlv[];
  name: JisText;
  birthDate: string;
  address: JisText;
  expiryDate: string | null;
  licenceNumber: string;
}

export function parseEntries(file: Uint8Array): LicenceEntries {
  const t = walkTlvs(file, 0xff, 'DF1/EF01');
  const date = (tag: number) => eraDate(ascii(only(t, tag, 'DF1/EF01').value), `DF1/EF01 ${tag.toString(16)}`);
  const birth = date(0x16);
  if (!birth) throw new CardError('malformed_tlv', 'DF1/EF01: no birth date');
  const number = ascii(only(t, 0x21, 'DF1/EF01').value);
  if (!/^\d{12}$/.test(number)) throw new CardError('malformed_tlv', 'DF1/EF01: licence number is not 12 digits');
  return {
    tlvs: t,
    name: decodeJisX0208(only(t, 0x12, 'DF1/EF01').value, 'name'),
    birthDate: birth,
    address: decodeJisX0208(only(t, 0x17, 'DF1/EF01').value, 'address'),
    expiryDate: date(0x1b),
    licenceNumber: number,
  };
}

export interface ChangeEntry {
  date: string | null;
  text: string;
  gaiji: boolean;
}

/**
 * DF1/EF04 new-address entries (tags 70-77): 1 byte 制定年, 7 full-width digits (the date, era form),
 * the text, 5 characters of the public safety commission's name. Not covered by the issue signature.
 */
export function parseAddressChanges(file: Uint8Array): ChangeEntry[] {
  const out: ChangeEntry[] = [];
  for (const e of walkTlvs(file, 0xff, 'DF1/EF04')) {
    if (e.tag < 0x70 || e.tag > 0x77 || e.value.length === 0) continue;
    if (e.value.length < 1 + 14 + 10)
      throw new CardError('malformed_tlv', `DF1/EF04 ${e.tag.toString(16)}: entry of ${e.value.length} bytes`);
    const digits = fullWidthDigits(e.value.subarray(1, 15));
    const body = decodeJisX0208(e.value.subarray(15, e.value.length - 10), 'address change');
    out.push({ date: digits ? eraDate(digits, 'address change date') : null, text: body.text, gaiji: body.gaiji });
  }
  return out;
}

export interface SignatureRecord {
  signature: Uint8Array;
  serial: string | null;
  issuer: string | null;
  subject: string | null;
  /** Lower-case hex of B6, the signer's subject key identifier. */
  ski: string;
}

export function parseSignatureRecord(file: Uint8Array): SignatureRecord {
  const t = walkTlvs(file, 0xff, 'DF1/EF07');
  const text = (tag: number) => {
    const x = optional(t, tag, 'DF1/EF07');
    return x ? ascii(x.value) : null;
  };
  const ski = only(t, 0xb6, 'DF1/EF07').value;
  if (ski.length < 8 || ski.length > 64) throw new CardError('malformed_tlv', `DF1/EF07 B6 of ${ski.length} bytes`);
  return {
    signature: only(t, 0xb1, 'DF1/EF07').value,
    serial: text(0xb2),
    issuer: text(0xb4),
    subject: text(0xb5),
    ski: Array.from(ski, (b) => b.toString(16).padStart(2, '0')).join(''),
  };
}

/** DF2/EF01: the 5F40 codestream (FF 4F SOC first). */
export function parsePhoto(file: Uint8Array): CardTlv {
  const p = only(walkTlvs(file, 0xff, 'DF2/EF01'), 0x5f40, 'DF2/EF01');
  if (p.value[0] !== 0xff || p.value[1] !== 0x4f)
    throw new CardError('malformed_tlv', 'DF2/EF01: 5F40 is not a JPEG 2000 codestream');
  return p;
}
