// 券面事項入力補助AP EF 0007: the chip's own public key with an issuer signature (docs/card-and-mdoc-facts.md "Text AP", observed):
// FF50 { DF51 RSA public key (90/91), DF52 signature }. We check DF52 over the DF51 TLV as stored with
// the EF 0004 (CVC) key, then use DF51 for internal authentication (chip genuineness).
import type { RsaPublicKey } from '../crypto/provider.ts';
import { child, parseFile } from './ber-tlv.ts';
import { CardError } from './codes.ts';
import { parseRsaKeyObjects } from './rsa-public-key.ts';

export interface ChipKeyRecord {
  chipKey: RsaPublicKey;
  signedBytes: Uint8Array;
  signature: Uint8Array;
}

export function parseChipKeyRecord(file: Uint8Array): ChipKeyRecord {
  const where = 'text AP EF 0007';
  const { children } = parseFile(file, 0xff50, where);
  const df51 = child(children, 0xdf51, where);
  const df52 = child(children, 0xdf52, where);
  if (children.length !== 2) throw new CardError('malformed_tlv', `${where}: ${children.length} objects, expected 2`);
  if (df52.value.length !== 256) throw new CardError('malformed_tlv', `${where}: DF52 is not an RSA-2048 signature`);
  return { chipKey: parseRsaKeyObjects(df51.value, `${where} DF51`), signedBytes: df51.tlv, signature: df52.value };
}
