// CMAC with AES (NIST SP 800-38B §6.1 subkeys, §6.2 MAC generation; RFC 4493 for AES-128), built
// on the provider's AES so both backends share one definition. ICAO uses it for AES secure messaging
// and the PACE authentication token (Doc 9303-11 §9.8.7.2, §4.4.3.4), the 2nd-generation residence
// card for MUTUAL AUTHENTICATE (在留カード等仕様書 §4.2.3), both truncated to 8 bytes.
import type { BlockCipher, CryptoProvider } from './provider.ts';

const RB = 0x87;

function shiftLeft(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = ((b[i]! << 1) | (i < 15 ? b[i + 1]! >> 7 : 0)) & 0xff;
  if (b[0]! & 0x80) out[15] ^= RB;
  return out;
}

/** The full 16-byte CMAC tag of `data` under an AES key (16, 24 or 32 bytes). */
export function cmac(crypto: Pick<CryptoProvider, 'cbc'>, key: Uint8Array, data: Uint8Array): Uint8Array {
  const aes = `AES-${key.length * 8}` as BlockCipher; // a wrong length fails in the provider's checks
  const zero = new Uint8Array(16);
  const l = crypto.cbc(aes, 'encrypt', key, zero, zero);
  const k1 = shiftLeft(l);
  const k2 = shiftLeft(k1);
  const complete = data.length > 0 && data.length % 16 === 0;
  const n = complete ? data.length : (Math.floor(data.length / 16) + 1) * 16;
  const m = new Uint8Array(n);
  m.set(data);
  if (!complete) m[data.length] = 0x80;
  const k = complete ? k1 : k2;
  for (let i = 0; i < 16; i++) m[n - 16 + i] ^= k[i]!;
  return crypto.cbc(aes, 'encrypt', key, zero, m).slice(n - 16);
}
