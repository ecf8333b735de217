// Device authentication (ISO 18013-5 §9.1.3): proves the response came from the device holding the
// key the issuer signed into the MSO, in THIS session (the SessionTranscript binds it to the
// engagement and the reader's ephemeral key, so a recorded response cannot be replayed).
//   DeviceAuthentication = ["DeviceAuthentication", SessionTranscript, DocType, DeviceNameSpacesBytes]
//   DeviceAuthenticationBytes = #6.24(bstr .cbor DeviceAuthentication)   (the detached payload)
//   deviceSignature: COSE_Sign1 by deviceKey (§9.1.3.6)
//   deviceMac: COSE_Mac0, HMAC-SHA256 with EMacKey = HKDF-SHA256(ECDH(reader ephemeral private,
//              deviceKey), salt = SHA-256(SessionTranscriptBytes), info "EMacKey", 32) (§9.1.3.5)
import { equal } from '../bytes.ts';
import { checkMaker, type Check } from '../check.ts';
import { encodeCbor } from '../cbor/encode.ts';
import { EmbeddedCbor } from '../cbor/model.ts';
import { CoseError } from '../cose/errors.ts';
import type { VerificationKey } from '../cose/key.ts';
import { parseCoseMac0, verifyMac0 } from '../cose/mac0.ts';
import { parseCoseSign1, verifySign1 } from '../cose/sign1.ts';
import { CURVE_BYTES, KakuninCryptoError, type CryptoProvider } from '../crypto/provider.ts';
import type { DeviceAuth } from './device-response.ts';
import type { SessionTranscript } from './session-transcript.ts';

const TEXT = new TextEncoder();

/**
 * DeviceAuthenticationBytes, assembled from the parts exactly as received: the SessionTranscript's
 * own encoding and DeviceNameSpacesBytes are copied in verbatim (re-encoding them could change a byte
 * and break the signature, or worse, make two encodings verify).
 */
const LABEL = encodeCbor('DeviceAuthentication');

export function deviceAuthenticationBytes(
  transcript: SessionTranscript,
  docType: string,
  deviceNameSpaces: EmbeddedCbor,
): Uint8Array {
  // Written straight into the #6.24 wrapper (this runs for every response; the generic encoder and
  // an intermediate copy cost more than the rest): d8 18 <bstr head> 84 <label> <transcript> <docType> <DeviceNameSpacesBytes>.
  const dt = TEXT.encode(docType);
  const dtHead = cborHead(3, dt.length);
  const contentLength =
    1 + LABEL.length + transcript.content.length + dtHead.length + dt.length + deviceNameSpaces.raw.length;
  const bstrHead = cborHead(2, contentLength);
  const out = new Uint8Array(2 + bstrHead.length + contentLength);
  out[0] = 0xd8;
  out[1] = 0x18;
  out.set(bstrHead, 2);
  let o = 2 + bstrHead.length;
  out[o++] = 0x84; // array(4)
  out.set(LABEL, o);
  o += LABEL.length;
  out.set(transcript.content, o);
  o += transcript.content.length;
  out.set(dtHead, o);
  o += dtHead.length;
  out.set(dt, o);
  o += dt.length;
  out.set(deviceNameSpaces.raw, o);
  return out;
}

/** A CBOR head with the shortest argument (RFC 8949 §4.2.1), as encodeCbor writes it. */
function cborHead(major: number, n: number): Uint8Array {
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >>> 8, n & 0xff);
  return Uint8Array.of(m | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** EMacKey (§9.1.3.5). Throws KakuninCryptoError on a bad key. */
export function deriveEMacKey(
  crypto: CryptoProvider,
  devicePoint: VerificationKey & { kind: 'ec' },
  readerPrivateKey: Uint8Array,
  transcript: SessionTranscript,
): Uint8Array {
  const z = crypto.ecdh(devicePoint.curve, readerPrivateKey, devicePoint.point);
  return crypto.hkdf('SHA-256', z, crypto.digest('SHA-256', transcript.bytes), TEXT.encode('EMacKey'), 32);
}

export const DEVICE_AUTH_FAILED = 'device_auth_failed';
export const READER_KEY_REQUIRED = 'reader_key_required';

export interface DeviceAuthInput {
  deviceAuth: DeviceAuth;
  deviceKey: VerificationKey;
  transcript: SessionTranscript;
  docType: string;
  deviceNameSpaces: EmbeddedCbor;
  crypto: CryptoProvider;
  /** Reader's ephemeral private key (big-endian scalar): needed for deviceMac only. */
  readerPrivateKey?: Uint8Array;
}

type DeviceAuthCheck = Check<typeof DEVICE_AUTH_FAILED | typeof READER_KEY_REQUIRED>;
const { pass, fail } = checkMaker<typeof DEVICE_AUTH_FAILED | typeof READER_KEY_REQUIRED>();

/** Returns the device-auth checks (device_auth_failed, plus reader_key_required for deviceMac). Never throws. */
export function verifyDeviceAuthentication(i: DeviceAuthInput): DeviceAuthCheck[] {
  const payload = deviceAuthenticationBytes(i.transcript, i.docType, i.deviceNameSpaces);
  try {
    if (i.deviceAuth.kind === 'signature') {
      const s = parseCoseSign1(i.deviceAuth.value, 'deviceSignature');
      // §9.1.3.6: the payload is detached (nil). A wallet that embeds it must embed exactly ours:
      // never verify over a payload the sender chose.
      if (s.payload !== null && !equal(s.payload, payload)) {
        return [
          fail(DEVICE_AUTH_FAILED, "deviceSignature: embedded payload is not this session's DeviceAuthenticationBytes"),
        ];
      }
      const ok = verifySign1(s.payload === null ? s : { ...s, payload: null }, i.deviceKey, i.crypto, {
        detachedPayload: payload,
        what: 'deviceSignature',
      });
      return [
        ok
          ? pass(DEVICE_AUTH_FAILED, 'deviceSignature verified with the MSO device key over this session transcript')
          : fail(
              DEVICE_AUTH_FAILED,
              'deviceSignature does not verify (other key, other session transcript, or altered DeviceNameSpaces)',
            ),
      ];
    }
    const m = parseCoseMac0(i.deviceAuth.value, 'deviceMac');
    if (i.deviceKey.kind !== 'ec') return [fail(DEVICE_AUTH_FAILED, 'deviceMac needs an EC device key for ECDH')];
    if (!i.readerPrivateKey) {
      return [
        fail(READER_KEY_REQUIRED, 'deviceMac: the reader ephemeral private key is needed to derive EMacKey'),
        fail(DEVICE_AUTH_FAILED, 'deviceMac not evaluated: no reader key'),
      ];
    }
    if (i.readerPrivateKey.length !== CURVE_BYTES[i.deviceKey.curve]) {
      return [
        fail(
          READER_KEY_REQUIRED,
          `reader key must be a ${CURVE_BYTES[i.deviceKey.curve]}-byte ${i.deviceKey.curve} scalar`,
        ),
        fail(DEVICE_AUTH_FAILED, 'deviceMac not evaluated: reader key does not fit the device key curve'),
      ];
    }
    if (m.payload !== null && !equal(m.payload, payload)) {
      return [
        pass(READER_KEY_REQUIRED, 'reader key supplied'),
        fail(DEVICE_AUTH_FAILED, "deviceMac: embedded payload is not this session's DeviceAuthenticationBytes"),
      ];
    }
    const key = deriveEMacKey(i.crypto, i.deviceKey, i.readerPrivateKey, i.transcript);
    const ok = verifyMac0(m.payload === null ? m : { ...m, payload: null }, key, i.crypto, {
      detachedPayload: payload,
      what: 'deviceMac',
    });
    return [
      pass(READER_KEY_REQUIRED, 'reader key supplied'),
      ok
        ? pass(DEVICE_AUTH_FAILED, 'deviceMac verified with EMacKey from the MSO device key and the reader key')
        : fail(
            DEVICE_AUTH_FAILED,
            'deviceMac does not verify (other key, other session transcript, or altered DeviceNameSpaces)',
          ),
    ];
  } catch (e) {
    if (e instanceof CoseError || e instanceof KakuninCryptoError)
      return [fail(DEVICE_AUTH_FAILED, `${e.message}${e instanceof CoseError ? ` (${e.code})` : ''}`)];
    throw e;
  }
}
