// The symmetric algorithms of BAC, PACE and Chip Authentication (ICAO Doc 9303-11 §9.7.1, §9.8.6,
// §9.8.7): two-key 3DES with the retail MAC, or AES-128/192/256 with CMAC. One object carries the
// choice so key derivation, secure messaging and the PACE token agree on it.
import type { BlockCipher, CryptoProvider } from '../crypto/provider.ts';
import { concat } from '../card/ber-tlv.ts';
import { cmac } from '../crypto/cmac.ts';
import { pad, retailMac } from '../crypto/iso9797-1.ts';

export interface CipherSuite {
  cipher: '3DES' | 'AES';
  /** Key length in bytes: 16 for 3DES (K1 K2), 16/24/32 for AES. */
  keyLength: 16 | 24 | 32;
}

export const SUITE_3DES: CipherSuite = { cipher: '3DES', keyLength: 16 };
export const SUITE_AES128: CipherSuite = { cipher: 'AES', keyLength: 16 };

export type SymCrypto = Pick<CryptoProvider, 'digest' | 'cbc'>;

export const blockSize = (s: CipherSuite): 8 | 16 => (s.cipher === 'AES' ? 16 : 8);

/** The provider's name for the suite's block cipher (3DES here is always two-key, K1 K2 K1). */
export const blockCipherOf = (s: CipherSuite): BlockCipher =>
  s.cipher === 'AES' ? (`AES-${s.keyLength * 8}` as BlockCipher) : 'DES-EDE';

/** 9303-11 §9.7.1: KDF(K, c) = H(K || c as 32-bit big endian), H = SHA-1 for 3DES and AES-128, SHA-256 above. */
export function kdf(crypto: SymCrypto, suite: CipherSuite, secret: Uint8Array, counter: number): Uint8Array {
  const c = Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
  const h = crypto.digest(suite.keyLength === 16 ? 'SHA-1' : 'SHA-256', concat(secret, c));
  const key = h.slice(0, suite.keyLength);
  // §9.7.1.1: adjusting the DES parity bits is optional; it changes no cipher output (DES ignores
  // them) but makes the keys byte-identical to the worked example of App. D.1.
  return suite.cipher === '3DES' ? adjustDesParity(key) : key;
}

/** Set each byte's least significant bit so the byte has odd parity (FIPS 46-3 key format). */
export function adjustDesParity(key: Uint8Array): Uint8Array {
  const out = key.slice();
  for (let i = 0; i < out.length; i++) {
    const b = out[i]! & 0xfe;
    let ones = 0;
    for (let x = b; x; x >>= 1) ones += x & 1;
    out[i] = b | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}

/** E(K, S): CBC, IV 0, no padding (nonce, BAC challenge, PACE: §4.3.3.1, §4.4.3.3). */
export function encryptZeroIv(crypto: SymCrypto, suite: CipherSuite, key: Uint8Array, data: Uint8Array): Uint8Array {
  return crypto.cbc(blockCipherOf(suite), 'encrypt', key, new Uint8Array(blockSize(suite)), data);
}
export function decryptZeroIv(crypto: SymCrypto, suite: CipherSuite, key: Uint8Array, data: Uint8Array): Uint8Array {
  return crypto.cbc(blockCipherOf(suite), 'decrypt', key, new Uint8Array(blockSize(suite)), data);
}

/**
 * MAC(K, M) of §4.4.3.4 and §4.3.3.2: retail MAC with padding method 2 (3DES), or CMAC truncated to
 * 8 bytes (AES, which pads internally). For the secure-messaging MAC over already padded data use
 * macPadded.
 */
export function mac(crypto: SymCrypto, suite: CipherSuite, key: Uint8Array, data: Uint8Array): Uint8Array {
  return suite.cipher === 'AES' ? cmac(crypto, key, data).slice(0, 8) : retailMac(crypto, key, pad(data, 8));
}

/** The SM MAC (§9.8.6.2, §9.8.7.2): `data` is already padded by the secure-messaging layer. */
export function macPadded(crypto: SymCrypto, suite: CipherSuite, key: Uint8Array, data: Uint8Array): Uint8Array {
  return suite.cipher === 'AES' ? cmac(crypto, key, data).slice(0, 8) : retailMac(crypto, key, data);
}
