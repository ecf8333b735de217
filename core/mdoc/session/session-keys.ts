// Session key derivation (ISO 18013-5 §9.1.1.5):
//   ZAB = ECDH(own ephemeral private key, peer ephemeral public key)
//   SKReader = HKDF-SHA256(ZAB, salt = SHA-256(SessionTranscriptBytes), info "SKReader", 32)
//   SKDevice = HKDF-SHA256(ZAB, salt = SHA-256(SessionTranscriptBytes), info "SKDevice", 32)
import { KakuninCryptoError, type Curve, type CryptoProvider, type EcPoint } from '../../crypto/provider.ts';
import { SessionError } from './errors.ts';

const INFO_SK_READER = new TextEncoder().encode('SKReader');
const INFO_SK_DEVICE = new TextEncoder().encode('SKDevice');

export interface SessionKeys {
  /** Encrypts reader -> mdoc messages. */
  skReader: Uint8Array;
  /** Encrypts mdoc -> reader messages. */
  skDevice: Uint8Array;
}

export function deriveSessionKeys(
  crypto: CryptoProvider,
  curve: Curve,
  ownPrivateKey: Uint8Array,
  peerPublicKey: EcPoint,
  sessionTranscriptBytes: Uint8Array,
): SessionKeys {
  if (!crypto.isValidPoint(curve, peerPublicKey))
    throw new SessionError('session_key_invalid', `peer ephemeral key is not a point on ${curve}`);
  let zab: Uint8Array;
  try {
    zab = crypto.ecdh(curve, ownPrivateKey, peerPublicKey);
  } catch (e) {
    if (e instanceof KakuninCryptoError) throw new SessionError('session_key_invalid', e.message);
    throw e;
  }
  const salt = crypto.digest('SHA-256', sessionTranscriptBytes);
  const keys = {
    skReader: crypto.hkdf('SHA-256', zab, salt, INFO_SK_READER, 32),
    skDevice: crypto.hkdf('SHA-256', zab, salt, INFO_SK_DEVICE, 32),
  };
  zab.fill(0);
  return keys;
}
