// Basic Access Control (ICAO Doc 9303-11 §4.3, key derivation §9.7.2, worked example App. D):
// document basic access keys from the MRZ, the mutual authentication (GET CHALLENGE + EXTERNAL
// AUTHENTICATE) and the session keys and SSC for 3DES secure messaging.
import { concat, equal } from '../bytes.ts';
import { decryptZeroIv, encryptZeroIv, kdf, mac, SUITE_3DES, type SymCrypto } from './cipher-suite.ts';
import { PassportError } from './codes.ts';
import { SecureMessaging, type CommandApdu } from './secure-messaging.ts';

export interface BacKeys {
  /** Kseed = SHA-1(MRZ_information)[0..16]. */
  seed: Uint8Array;
  kEnc: Uint8Array;
  kMac: Uint8Array;
}

/** §9.7.2 / App. D.1-D.2: Kenc = KDF(Kseed, 1), Kmac = KDF(Kseed, 2), two-key 3DES. */
export function bacKeys(crypto: SymCrypto, mrzInformation: string): BacKeys {
  const seed = crypto.digest('SHA-1', new TextEncoder().encode(mrzInformation)).slice(0, 16);
  return { seed, kEnc: kdf(crypto, SUITE_3DES, seed, 1), kMac: kdf(crypto, SUITE_3DES, seed, 2) };
}

export const GET_CHALLENGE: CommandApdu = { cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: 8 };

export interface BacTerminalState {
  rndIc: Uint8Array;
  rndIfd: Uint8Array;
  kIfd: Uint8Array;
}

/**
 * §4.3.3.1-2: EXTERNAL AUTHENTICATE with E.IFD = E(Kenc, RND.IFD || RND.IC || K.IFD) (3DES-CBC, IV 0,
 * no padding) and M.IFD = MAC(Kmac, E.IFD) (retail MAC, padding method 2); Le 28 (40 bytes back).
 */
export function externalAuthenticate(crypto: SymCrypto, keys: BacKeys, s: BacTerminalState): CommandApdu {
  const eIfd = encryptZeroIv(crypto, SUITE_3DES, keys.kEnc, concat(s.rndIfd, s.rndIc, s.kIfd));
  const mIfd = mac(crypto, SUITE_3DES, keys.kMac, eIfd);
  return { cla: 0x00, ins: 0x82, p1: 0x00, p2: 0x00, data: concat(eIfd, mIfd), le: 0x28 };
}

/**
 * Check the chip's answer E.IC || M.IC and derive secure messaging: the MAC must verify, the
 * decrypted R = RND.IC || RND.IFD || K.IC must echo both nonces, KSseed = K.IFD xor K.IC, SSC =
 * RND.IC[4..8] || RND.IFD[4..8] (§9.8.6.3).
 */
export function completeBac(
  crypto: SymCrypto,
  keys: BacKeys,
  s: BacTerminalState,
  response: Uint8Array,
): SecureMessaging {
  if (response.length !== 40)
    throw new PassportError('secure_messaging', `EXTERNAL AUTHENTICATE answered ${response.length} bytes, not 40`);
  const eIc = response.subarray(0, 32);
  const mIc = response.subarray(32);
  // Constant time: M.IC is a MAC under a key derived from the MRZ.
  if (!equal(mac(crypto, SUITE_3DES, keys.kMac, eIc), mIc))
    throw new PassportError('secure_messaging', "BAC: the chip's MAC (M.IC) does not verify");
  const r = decryptZeroIv(crypto, SUITE_3DES, keys.kEnc, eIc);
  if (!equal(r.subarray(0, 8), s.rndIc) || !equal(r.subarray(8, 16), s.rndIfd))
    throw new PassportError('secure_messaging', 'BAC: the chip did not echo our nonces');
  const kIc = r.subarray(16, 32);
  const seed = new Uint8Array(16);
  for (let i = 0; i < 16; i++) seed[i] = s.kIfd[i]! ^ kIc[i]!;
  const ssc = concat(s.rndIc.subarray(4, 8), s.rndIfd.subarray(4, 8));
  return new SecureMessaging(
    SUITE_3DES,
    kdf(crypto, SUITE_3DES, seed, 1),
    kdf(crypto, SUITE_3DES, seed, 2),
    ssc,
    crypto,
  );
}
