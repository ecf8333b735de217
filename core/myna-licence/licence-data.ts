// WEF02 (EF 001B) of the licence AP: TLV objects (1- or 2-byte tags, short or 81/82 long-form
// lengths, as on the conventional licence: core/document/card-tlv.ts). Only tag C5 (有効期限,
// 7 characters era + YYMMDD) is published; every other object is listed by tag and length as present
// but not decoded, never dropped and never shown.
//
// The file is walked header by header (2-byte reads at each object, the technique a public reader
// used on a real card to find C5), so the only value that leaves the card is the expiry: the bytes
// of objects we cannot decode (the number, categories, the photo) are never transferred.
// The walk ends at the filler byte FF in a tag position or at the end of the file (6B00, or a read
// shorter than asked); any other status is an error.
import { latin1 } from '../bytes.ts';
import { CardError } from '../card/codes.ts';
import { readHeader } from '../document/card-tlv.ts';
import { eraDate } from '../licence/era-date.ts';
import { EXPIRY_LENGTH, EXPIRY_TAG, FILLER, MAX_OBJECTS, MAX_OFFSET } from './files.ts';

/** One READ BINARY of the selected EF at `offset`: the bytes, or 'end' past the end of the file. */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array | 'end'>;

export interface LicenceObject {
  /** Tag as upper-case hex ("C5", "5F40"). */
  tag: string;
  length: number;
}

export interface LicenceData {
  /** 有効期限 (YYYY-MM-DD), from tag C5. */
  expiryDate: string;
  /** Every object in file order, C5 included. */
  objects: LicenceObject[];
  /** The objects whose meaning is not published: present, not decoded, never shown. */
  undecoded: LicenceObject[];
}

/** How many bytes the header starting `b` takes (card-tlv.ts forms); at least what is known so far. */
function headerNeeds(b: Uint8Array): number {
  const tagLength = (b[0]! & 0x1f) === 0x1f && b[0] !== 0x1f ? 2 : 1;
  if (b.length <= tagLength) return tagLength + 1;
  const l0 = b[tagLength]!;
  return tagLength + 1 + (l0 === 0x81 ? 1 : l0 === 0x82 ? 2 : 0);
}

const tagHex = (t: number) =>
  t
    .toString(16)
    .toUpperCase()
    .padStart(t > 0xff ? 4 : 2, '0');

/** Walk the selected WEF02 and read only C5's value. */
export async function readLicenceData(read: ReadAt): Promise<LicenceData> {
  const objects: LicenceObject[] = [];
  let expiry: string | null = null;
  let off = 0;
  // The header at `at`, fetched in as few reads as its own form allows: 2 bytes (tag, first length
  // byte), then the rest of a 2-byte tag or of an 81 / 82 length.
  const headerAt = async (at: number): Promise<{ tag: number; headerLength: number; length: number } | null> => {
    let buf = new Uint8Array(0);
    for (let want = 2; buf.length < want; want = headerNeeds(buf)) {
      const asked = want - buf.length;
      const more = await read(at + buf.length, asked);
      if (more === 'end' || more.length === 0) {
        if (buf.length === 0) return null;
        throw new CardError('malformed_tlv', `WEF02: the file ends inside the header at ${at}`);
      }
      const next = new Uint8Array(buf.length + more.length);
      next.set(buf);
      next.set(more.subarray(0, asked), buf.length);
      buf = next;
      if (buf[0] === FILLER) return null;
      if (more.length < asked && buf.length < headerNeeds(buf))
        throw new CardError('malformed_tlv', `WEF02: the file ends inside the header at ${at}`);
    }
    return readHeader(buf, 0, FILLER);
  };
  for (;;) {
    if (objects.length >= MAX_OBJECTS) throw new CardError('malformed_tlv', `WEF02: more than ${MAX_OBJECTS} objects`);
    const h = await headerAt(off);
    if (!h) break;
    const valueAt = off + h.headerLength;
    if (valueAt + h.length > MAX_OFFSET + 1)
      throw new CardError('malformed_tlv', `WEF02: tag ${tagHex(h.tag)} runs past offset ${MAX_OFFSET}`);
    objects.push({ tag: tagHex(h.tag), length: h.length });
    if (h.tag === EXPIRY_TAG) {
      if (expiry !== null) throw new CardError('malformed_tlv', 'WEF02: tag C5 appears twice');
      if (h.length !== EXPIRY_LENGTH)
        throw new CardError('malformed_tlv', `WEF02: 有効期限 (C5) is ${h.length} bytes, not ${EXPIRY_LENGTH}`);
      const v = await read(valueAt, EXPIRY_LENGTH);
      if (v === 'end' || v.length !== EXPIRY_LENGTH)
        throw new CardError('malformed_tlv', 'WEF02: the file ends inside 有効期限 (C5)');
      expiry = eraDate(latin1(v), 'WEF02 有効期限 (C5)');
      if (expiry === null) throw new CardError('malformed_tlv', 'WEF02: 有効期限 (C5) is empty');
    }
    off = valueAt + h.length;
  }
  if (expiry === null) throw new CardError('malformed_tlv', 'WEF02: no 有効期限 (C5)');
  return { expiryDate: expiry, objects, undecoded: objects.filter((o) => o.tag !== tagHex(EXPIRY_TAG)) };
}
