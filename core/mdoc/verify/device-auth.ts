// Stage 5, device authentication (item 6 of "What the verifier checks",
// docs/card-and-mdoc-facts.md "Device authentication"): the device key the issuer put in the MSO
// signed or MACed this session's DeviceAuthenticationBytes (core/mdoc/device-authentication.ts).
import { CoseError } from '../../cose/errors.ts';
import { parseCoseKey, type VerificationKey } from '../../cose/key.ts';
import type { CryptoProvider } from '../../crypto/provider.ts';
import { verifyDeviceAuthentication } from '../device-authentication.ts';
import type { Document } from '../device-response.ts';
import type { MobileSecurityObject } from '../mobile-security-object.ts';
import type { SessionTranscript } from '../session-transcript.ts';
import { fail, pass, type MdocCheck } from './check-list.ts';

export function verifyDeviceAuth(
  doc: Document,
  mso: MobileSecurityObject,
  transcript: SessionTranscript | undefined,
  crypto: CryptoProvider,
  readerPrivateKey?: Uint8Array,
): MdocCheck[] {
  let deviceKey: VerificationKey;
  try {
    deviceKey = parseCoseKey(mso.deviceKey, crypto);
  } catch (e) {
    if (!(e instanceof CoseError)) throw e;
    return [
      fail('device_key_invalid', e.message),
      fail('device_auth_failed', 'not evaluated: the MSO device key is invalid'),
    ];
  }
  const keyCheck = pass('device_key_invalid', deviceKey.kind === 'ec' ? deviceKey.curve : deviceKey.kind);
  if (!transcript) return [keyCheck, fail('device_auth_failed', 'not evaluated: no valid SessionTranscript')];
  const input = {
    deviceAuth: doc.deviceSigned.deviceAuth,
    deviceKey,
    transcript,
    docType: doc.docType,
    deviceNameSpaces: doc.deviceSigned.nameSpaces,
    crypto,
    ...(readerPrivateKey ? { readerPrivateKey } : {}),
  };
  return [keyCheck, ...verifyDeviceAuthentication(input)];
}
