// COSE_Key (RFC 9052 §7, RFC 9053 §7.1 EC2 and §7.2 OKP) as ISO 18013-5 uses it for
// MSO.deviceKeyInfo.deviceKey and the session keys (§9.1.5.2). Only the public part is read.
// A key is accepted only if its curve is known, its coordinates have the curve's exact length and
// the point is on the curve: an off-curve device key would make ECDH and signature checks
// meaningless (invalid-curve attacks).
import { CborError } from '../cbor/errors.ts';
import type { CborMap, CborValue } from '../cbor/model.ts';
import { CURVE_BYTES, type Curve, type CryptoProvider } from '../crypto/provider.ts';
import { CoseError } from './errors.ts';

/** A public key COSE verification accepts; structurally the same as core/x509's PublicKeyInfo. */
export type VerificationKey =
  | { kind: 'ec'; curve: Curve; point: Uint8Array }
  | { kind: 'ed25519'; key: Uint8Array }
  | { kind: 'rsa'; n: Uint8Array; e: Uint8Array };

export const KTY = { OKP: 1, EC2: 2 } as const;
export const KEY_PARAM = { kty: 1, kid: 2, alg: 3, crv: -1, x: -2, y: -3, d: -4 } as const;
const EC2_CURVES = new Map<number, Curve>([
  [1, 'P-256'],
  [2, 'P-384'],
  [3, 'P-521'],
]);
const CRV_ED25519 = 6;

export function coseCurveId(curve: Curve): number {
  return curve === 'P-256' ? 1 : curve === 'P-384' ? 2 : 3;
}

function bad(msg: string): never {
  throw new CoseError('cose_key_invalid', msg);
}

/**
 * Parse a COSE_Key into a public key. Throws CoseError('cose_key_invalid') on anything wrong:
 * unknown kty or curve, missing or wrongly sized coordinates, compressed points (ISO 18013-5
 * keys are uncompressed; refusing the other form keeps one code path), off-curve points.
 */
export function parseCoseKey(v: CborValue, crypto: CryptoProvider): VerificationKey {
  if (!(v instanceof Map)) bad('COSE_Key is not a map');
  const m = v as CborMap;
  const kty = m.get(KEY_PARAM.kty);
  const crv = m.get(KEY_PARAM.crv);
  const x = m.get(KEY_PARAM.x);
  if (kty === KTY.EC2) {
    const curve = typeof crv === 'number' ? EC2_CURVES.get(crv) : undefined;
    if (!curve) bad(`unsupported EC2 curve ${String(crv)}`);
    const n = CURVE_BYTES[curve];
    const y = m.get(KEY_PARAM.y);
    if (!(x instanceof Uint8Array) || x.length !== n) bad(`x must be a ${n}-byte string for ${curve}`);
    if (typeof y === 'boolean') bad('compressed points are not accepted');
    if (!(y instanceof Uint8Array) || y.length !== n) bad(`y must be a ${n}-byte string for ${curve}`);
    const point = new Uint8Array(1 + 2 * n);
    point[0] = 0x04;
    point.set(x, 1);
    point.set(y, 1 + n);
    if (!crypto.isValidPoint(curve, point)) bad(`the point is not on ${curve}`);
    return { kind: 'ec', curve, point };
  }
  if (kty === KTY.OKP) {
    if (crv !== CRV_ED25519) bad(`unsupported OKP curve ${String(crv)}`);
    if (!(x instanceof Uint8Array) || x.length !== 32) bad('Ed25519 x must be 32 bytes');
    return { kind: 'ed25519', key: x };
  }
  return bad(`unsupported kty ${String(kty)}`);
}

/** Like parseCoseKey, for callers that have the encoded key; CBOR errors become cose_key_invalid. */
export function parseCoseKeyOrThrow(decode: () => CborValue, crypto: CryptoProvider): VerificationKey {
  let v: CborValue;
  try {
    v = decode();
  } catch (e) {
    if (e instanceof CborError) bad(`COSE_Key is not valid CBOR: ${e.message}`);
    throw e;
  }
  return parseCoseKey(v, crypto);
}

/** COSE_Key for an EC public point (uncompressed SEC1), as wallets and the test issuer write it. */
export function ecPublicCoseKey(curve: Curve, point: Uint8Array): CborMap {
  const n = CURVE_BYTES[curve];
  return new Map<CborValue, CborValue>([
    [KEY_PARAM.kty, KTY.EC2],
    [KEY_PARAM.crv, coseCurveId(curve)],
    [KEY_PARAM.x, point.slice(1, 1 + n)],
    [KEY_PARAM.y, point.slice(1 + n)],
  ]);
}

export function ed25519PublicCoseKey(key: Uint8Array): CborMap {
  return new Map<CborValue, CborValue>([
    [KEY_PARAM.kty, KTY.OKP],
    [KEY_PARAM.crv, CRV_ED25519],
    [KEY_PARAM.x, key.slice()],
  ]);
}
