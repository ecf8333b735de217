// DigestInfo values (RFC 8017 §9.2) as the My Number Card uses them.
//
// 1. The card's signing command takes a DigestInfo and adds the PKCS#1 v1.5 padding itself
//    (docs/card-and-mdoc-facts.md "Commands"): internal authentication sends the standard SHA-256
//    DigestInfo of our nonce.
// 2. The card-face signature DF28 (券面AP EF 0002) is NOT RSASSA-PKCS1-v1_5-SHA256 over the three
//    hashes: the issuer puts H1 ‖ H2 ‖ H3 (96 bytes) directly into a DigestInfo that names SHA-256
//    but holds a 96-byte OCTET STRING (115 bytes in all), and signs the type-1 block of that. A
//    verifier that hashes the 96 bytes again rejects every genuine card
//    (docs/card-and-mdoc-facts.md "Card-face signature DF28").
import { concat, hexBytes } from '../bytes.ts';

/** SEQUENCE { SEQUENCE { OID 2.16.840.1.101.3.4.2.1, NULL }, OCTET STRING (32) }: 19 bytes before the hash. */
export const SHA256_DIGEST_INFO_PREFIX = hexBytes('3031300d060960864801650304020105000420');

/** The same AlgorithmIdentifier with an OCTET STRING of 96 bytes: `30 71 … 04 60`, then H1 ‖ H2 ‖ H3. */
export const CARD_FACE_DIGEST_INFO_PREFIX = hexBytes('3071300d060960864801650304020105000460');

export function sha256DigestInfo(hash: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new RangeError('SHA-256 hash is 32 bytes');
  return concat(SHA256_DIGEST_INFO_PREFIX, hash);
}

/** DF28's 115-byte DigestInfo over the three SHA-256 values of the card face, in order. */
export function cardFaceDigestInfo(h1h2h3: Uint8Array): Uint8Array {
  if (h1h2h3.length !== 96) throw new RangeError('the card-face DigestInfo holds three SHA-256 values (96 bytes)');
  return concat(CARD_FACE_DIGEST_INFO_PREFIX, h1h2h3);
}

/**
 * EMSA-PKCS1-v1_5 steps 4-5 (RFC 8017 §9.2): `00 01 FF…FF 00 ‖ T`, exactly k bytes, with at least
 * eight FF bytes. Null when T does not fit. The verifier builds this one correct block and compares
 * it whole with what the RSA public operation gave: no parsing of the signer's padding.
 */
export function pkcs1Type1Block(k: number, t: Uint8Array): Uint8Array | null {
  if (k < t.length + 11) return null;
  const out = new Uint8Array(k);
  out[1] = 0x01;
  out.fill(0xff, 2, k - t.length - 1);
  out.set(t, k - t.length);
  return out;
}
