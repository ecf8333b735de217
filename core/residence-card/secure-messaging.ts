// Card-number authentication and the encryption-only secure messaging of the residence card and the
// special permanent resident certificate (在留カード等仕様書 §4.2.2-4.2.5; 2nd generation Appendix 2
// test vectors reproduced byte for byte in test/residence-card/secure-messaging.test.ts):
//   Kenc = Kmac = SHA-1(card number, 12 ASCII bytes)[0..16]
//   E.IFD = CBC(Kenc, IV 0, RND.IFD || RND.ICC || K.IFD), M.IFD = MAC(Kmac, E.IFD)
//     1st generation: 3DES (two keys) and ISO/IEC 9797-1 MAC algorithm 3 with padding method 2;
//     2nd generation: AES-128 and the first 8 bytes of AES-CMAC (RFC 4493).
//   KSenc = SHA-1((K.IFD xor K.ICC) || 00 00 00 01)[0..16]; only KSenc is used (no MAC, no counter).
import type { BlockCipher, CryptoProvider } from '../crypto/provider.ts';
import { CardError } from '../card/codes.ts';
import { concat, equal } from '../bytes.ts';
import { cmac } from '../crypto/cmac.ts';
import { pad as pad80, retailMac, unpad as unpad80 } from '../crypto/iso9797-1.ts';

export type RcGeneration = 1 | 2;
export type SmCrypto = Pick<CryptoProvider, 'sha1' | 'cbc'>;

const cipherOf = (g: RcGeneration): BlockCipher => (g === 1 ? 'DES-EDE' : 'AES-128');
const blockOf = (g: RcGeneration) => (g === 1 ? 8 : 16);

/** ISO/IEC 9797-1 padding method 2 (core/crypto/iso9797-1.ts), under the names this card's code uses. */
export { pad80, unpad80 };

export const CARD_NUMBER_RE = /^[A-Z]{2}[0-9]{8}[A-Z]{2}$/;

/** The 12 ASCII bytes of a card number that has passed CARD_NUMBER_RE (checked before any APDU). */
export function cardNumberBytes(cardNumber: string): Uint8Array {
  if (!CARD_NUMBER_RE.test(cardNumber)) throw new CardError('card_number_format');
  return Uint8Array.from(cardNumber, (c) => c.charCodeAt(0));
}

/** Kenc = Kmac (§4.2.2). */
export function cardNumberKey(cardNumber: string, crypto: SmCrypto): Uint8Array {
  return crypto.sha1(cardNumberBytes(cardNumber)).slice(0, 16);
}

/** The 8-byte MAC of MUTUAL AUTHENTICATE for the generation. */
export function authMac(g: RcGeneration, kmac: Uint8Array, data: Uint8Array, crypto: SmCrypto): Uint8Array {
  // 1st generation: MAC algorithm 3 with padding method 2; 2nd: AES-CMAC (RFC 4493) truncated.
  return g === 1 ? retailMac(crypto, kmac, pad80(data, 8)) : cmac(crypto, kmac, data).slice(0, 8);
}

/** MUTUAL AUTHENTICATE `00 82 00 00 28 <E.IFD || M.IFD> 00` for our nonce and key half. */
export function mutualAuthenticateCommand(
  g: RcGeneration,
  k: Uint8Array,
  rndIcc: Uint8Array,
  rndIfd: Uint8Array,
  kIfd: Uint8Array,
  crypto: SmCrypto,
): Uint8Array {
  const eIfd = crypto.cbc(cipherOf(g), 'encrypt', k, new Uint8Array(blockOf(g)), concat(rndIfd, rndIcc, kIfd));
  const mIfd = authMac(g, k, eIfd, crypto);
  return concat(Uint8Array.of(0x00, 0x82, 0x00, 0x00, 0x28), eIfd, mIfd, Uint8Array.of(0x00));
}

/**
 * Check the card's answer E.ICC || M.ICC: the MAC first, then both nonces inside; returns K.ICC.
 * Any mismatch means a card that does not know this card number (or a replayed answer).
 */
export function openMutualAuthenticateResponse(
  g: RcGeneration,
  k: Uint8Array,
  resp: Uint8Array,
  rndIcc: Uint8Array,
  rndIfd: Uint8Array,
  crypto: SmCrypto,
): Uint8Array {
  if (resp.length !== 40)
    throw new CardError('malformed_response', `MUTUAL AUTHENTICATE answered ${resp.length} bytes, expected 40`);
  const eIcc = resp.subarray(0, 32);
  if (!equal(authMac(g, k, eIcc, crypto), resp.subarray(32)))
    throw new CardError('card_authentication_failed', 'M.ICC does not verify'); // constant time: a MAC
  const plain = crypto.cbc(cipherOf(g), 'decrypt', k, new Uint8Array(blockOf(g)), eIcc);
  if (!equal(plain.subarray(0, 8), rndIcc) || !equal(plain.subarray(8, 16), rndIfd))
    throw new CardError('card_authentication_failed', 'nonces in E.ICC do not match');
  return plain.slice(16, 32);
}

/** KSenc (§4.2.4). */
export function sessionKey(kIfd: Uint8Array, kIcc: Uint8Array, crypto: SmCrypto): Uint8Array {
  const x = new Uint8Array(16);
  for (let i = 0; i < 16; i++) x[i] = kIfd[i]! ^ kIcc[i]!;
  return crypto.sha1(concat(x, Uint8Array.of(0, 0, 0, 1))).slice(0, 16);
}

/** VERIFY of the card number in SM: `08 20 00 86 13 86 11 01 <Enc(KSenc, number || 80 00 00 00)>`. */
export function verifyCardNumberCommand(
  g: RcGeneration,
  ksEnc: Uint8Array,
  cardNumber: string,
  crypto: SmCrypto,
): Uint8Array {
  const enc = crypto.cbc(
    cipherOf(g),
    'encrypt',
    ksEnc,
    new Uint8Array(blockOf(g)),
    pad80(cardNumberBytes(cardNumber), blockOf(g)),
  );
  return concat(Uint8Array.of(0x08, 0x20, 0x00, 0x86, 0x13, 0x86, 0x11, 0x01), enc);
}

/** SM READ BINARY of a whole EF by short identifier, extended length (§4.2.5, Appendix 2). */
export function smReadCommand(p1: number): Uint8Array {
  return Uint8Array.of(0x08, 0xb0, p1, 0x00, 0x00, 0x00, 0x04, 0x96, 0x02, 0x00, 0x00, 0x00, 0x00);
}

/** Decrypt `86 <len> 01 <ciphertext>` and strip the padding. */
export function openSmResponse(
  g: RcGeneration,
  ksEnc: Uint8Array,
  data: Uint8Array,
  crypto: SmCrypto,
  what: string,
): Uint8Array {
  if (data.length < 3 || data[0] !== 0x86)
    throw new CardError('malformed_response', `${what}: SM response does not start with 86`);
  let p = 1;
  let len = data[p++]!;
  if (len === 0x81) len = data[p++]!;
  else if (len === 0x82) {
    len = (data[p]! << 8) | data[p + 1]!;
    p += 2;
  } else if (len >= 0x80) throw new CardError('malformed_response', `${what}: SM length form ${len.toString(16)}`);
  if (p + len !== data.length)
    throw new CardError('malformed_response', `${what}: SM object of ${len} bytes in a response of ${data.length - p}`);
  if (data[p] !== 0x01)
    throw new CardError('malformed_response', `${what}: padding indicator ${String(data[p])}, expected 01`);
  const ct = data.subarray(p + 1);
  if (ct.length === 0 || ct.length % blockOf(g) !== 0)
    throw new CardError('malformed_response', `${what}: ciphertext of ${ct.length} bytes`);
  const plain = unpad80(crypto.cbc(cipherOf(g), 'decrypt', ksEnc, new Uint8Array(blockOf(g)), ct));
  if (!plain) throw new CardError('malformed_response', `${what}: no 80 padding after decryption`);
  return plain;
}

/** The card side of the same steps, for simulators: encrypt a file as the card answers it. */
export function sealSmResponse(g: RcGeneration, ksEnc: Uint8Array, plain: Uint8Array, crypto: SmCrypto): Uint8Array {
  const ct = crypto.cbc(cipherOf(g), 'encrypt', ksEnc, new Uint8Array(blockOf(g)), pad80(plain, blockOf(g)));
  const n = ct.length + 1;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat(Uint8Array.of(0x86, ...len, 0x01), ct);
}
