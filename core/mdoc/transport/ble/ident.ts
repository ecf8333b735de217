// BLE Ident (ISO 18013-5 §8.3.3.1.1.4): the mdoc reader's GATT service (central client mode) has a
// read-only Ident characteristic whose value is
//   HKDF-SHA256(IKM = EDeviceKeyBytes exactly as received, salt = empty, info = "BLEIdent", L = 16)
// so the holder can check that the peripheral it connected to is the reader it engaged with.
import type { CryptoProvider } from '../../../crypto/provider.ts';

const INFO = new TextEncoder().encode('BLEIdent');

export function bleIdent(crypto: CryptoProvider, eDeviceKeyBytes: Uint8Array): Uint8Array {
  return crypto.hkdf('SHA-256', eDeviceKeyBytes, new Uint8Array(0), INFO, 16);
}
