// EF 0004 of the text AP and the card-face AP: a card-verifiable certificate (docs/card-and-mdoc-facts.md "CVC"):
// 7F21 { 5F4E body, 5F37 signature (256 B) }; the body is exactly 297 bytes:
// signer key id (16) || subject key id (16) || RSA public key (90 exponent, 91 modulus; 265 bytes).
// The body is signed PKCS#1 v1.5 / SHA-256 by the J-LIS key named by the signer key id. (observed)
import type { RsaPublicKey } from '../crypto/provider.ts';
import { child, parseFile } from './ber-tlv.ts';
import { CardError } from './codes.ts';
import { parseRsaKeyObjects } from './rsa-public-key.ts';

export const CVC_BODY_LENGTH = 297;
export const KEY_ID_LENGTH = 16;

export interface Cvc {
  /** 16-byte id of the J-LIS key that signed the body; compare all 16 bytes (docs/card-and-mdoc-facts.md "Encodings"). */
  signerKeyId: Uint8Array;
  subjectKeyId: Uint8Array;
  subjectKey: RsaPublicKey;
  /** The 5F4E value as stored: what the signature covers. */
  body: Uint8Array;
  signature: Uint8Array;
}

export function parseCvc(file: Uint8Array, where: string): Cvc {
  const { children } = parseFile(file, 0x7f21, where);
  const body = child(children, 0x5f4e, where).value;
  const signature = child(children, 0x5f37, where).value;
  if (body.length !== CVC_BODY_LENGTH)
    throw new CardError('malformed_tlv', `${where}: CVC body is ${body.length} bytes, expected ${CVC_BODY_LENGTH}`);
  if (signature.length !== 256)
    throw new CardError('malformed_tlv', `${where}: CVC signature is ${signature.length} bytes`);
  return {
    signerKeyId: body.subarray(0, 16),
    subjectKeyId: body.subarray(16, 32),
    subjectKey: parseRsaKeyObjects(body.subarray(32), `${where} CVC key`),
    body,
    signature,
  };
}

/** Key ids are shown as 32 hex digits (the trust directory names files this way: DIR/card-face/<hex>.pem). */
export function keyIdHex(id: Uint8Array): string {
  let s = '';
  for (const b of id) s += b.toString(16).padStart(2, '0');
  return s;
}

/** A readable form for logs: `6000033 0805 001 00000000` style (7 ASCII digits, 08 05, 3 ASCII digits, 4 bytes). */
export function keyIdLabel(id: Uint8Array): string {
  const ascii = (b: Uint8Array) =>
    Array.from(b).every((c) => c >= 0x30 && c <= 0x39) ? String.fromCharCode(...b) : keyIdHex(b);
  if (id.length !== 16) return keyIdHex(id);
  return `${ascii(id.subarray(0, 7))}-${keyIdHex(id.subarray(7, 9))}-${ascii(id.subarray(9, 12))}-${keyIdHex(id.subarray(12))}`;
}
