// ISO/IEC 9797-1 as the card protocols use it (ICAO Doc 9303-11 §9.8.6; the residence card's 1st
// generation, 在留カード等仕様書 §4.2.2): padding method 2 ('80' then '00' up to the block size; the
// same as ISO/IEC 7816-4 padding) and MAC algorithm 3, the "retail MAC" (DES-CBC with key Ka over
// every block, then the last result decrypted with Kb and encrypted with Ka).
import type { CryptoProvider } from './provider.ts';

/** Padding method 2: always adds at least one byte ('80'), so it can be removed unambiguously. */
export function pad(data: Uint8Array, blockSize: number): Uint8Array {
  const n = data.length + 1;
  const out = new Uint8Array(Math.ceil(n / blockSize) * blockSize);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Remove padding method 2, or null when the data does not end in '80' followed by '00' bytes. */
export function unpad(data: Uint8Array): Uint8Array | null {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0x00) i--;
  if (i < 0 || data[i] !== 0x80) return null;
  return data.subarray(0, i);
}

/**
 * MAC algorithm 3 with DES, IV 0, output 8 bytes, over `padded` (a non-empty multiple of 8 bytes;
 * the caller pads, as secure messaging does). `key` is Ka || Kb (16 bytes).
 */
export function retailMac(crypto: Pick<CryptoProvider, 'cbc'>, key: Uint8Array, padded: Uint8Array): Uint8Array {
  if (key.length !== 16) throw new Error('retail MAC key is Ka || Kb, 16 bytes');
  if (padded.length === 0 || padded.length % 8 !== 0)
    throw new Error('retail MAC input must be padded to whole 8-byte blocks');
  const ka = key.subarray(0, 8);
  const last = padded.subarray(padded.length - 8);
  // Single DES over all blocks but the last, then the output transformation as one two-key 3DES
  // (E_Ka(D_Kb(E_Ka(H ^ last)))) with the chained value as IV: the same function, one call each.
  const h =
    padded.length > 8
      ? crypto.cbc('DES', 'encrypt', ka, new Uint8Array(8), padded.subarray(0, padded.length - 8)).subarray(-8)
      : new Uint8Array(8);
  return crypto.cbc('DES-EDE', 'encrypt', key, h, last);
}
