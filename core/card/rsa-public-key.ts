// An RSA public key as the card stores it: tag 90 exponent, tag 91 modulus, as two sibling objects
// (docs/card-and-mdoc-facts.md "Encodings": `90 03 010001 91 82 0100 <256 bytes>`). Used in the CVC body, DF12, DF24, DF51.
import type { RsaPublicKey } from '../crypto/provider.ts';
import { child, concat, encodeTlv, parseChildren } from './ber-tlv.ts';
import { CardError } from './codes.ts';

export function parseRsaKeyObjects(bytes: Uint8Array, where: string, modulusBytes = 256): RsaPublicKey {
  const kids = parseChildren(bytes);
  const e = child(kids, 0x90, where).value;
  const n = child(kids, 0x91, where).value;
  if (kids.length !== 2)
    throw new CardError('malformed_tlv', `${where}: RSA key has ${kids.length} objects, expected 90 and 91`);
  if (n.length !== modulusBytes || (n[0]! & 0x80) === 0)
    throw new CardError('malformed_tlv', `${where}: modulus is not ${modulusBytes * 8} bits`);
  if (e.length < 1 || e.length > 4 || e[0] === 0 || (e[e.length - 1]! & 1) === 0)
    throw new CardError('malformed_tlv', `${where}: bad public exponent`);
  return { n, e };
}

export function encodeRsaKeyObjects(key: RsaPublicKey): Uint8Array {
  return concat(encodeTlv(0x90, key.e), encodeTlv(0x91, key.n));
}
