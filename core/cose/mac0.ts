// COSE_Mac0 (RFC 9052 §6.2) for ISO 18013-5 deviceMac (§9.1.3.5): alg 5 (HMAC 256/256, RFC 9053
// §3.1) from the protected header only, detached payload DeviceAuthenticationBytes, key EMacKey.
import { equal } from '../bytes.ts';
import { encodeCbor } from '../cbor/encode.ts';
import { Tagged, type CborMap, type CborValue } from '../cbor/model.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { HEADER, macAlgorithm, type MacAlgorithm } from './algorithms.ts';
import { CoseError } from './errors.ts';
import { parseHeaders, protectedAlg, type CoseHeaders } from './headers.ts';
import { toBeSigned } from './sign1.ts';

export const COSE_MAC0_TAG = 17;

export interface CoseMac0 extends CoseHeaders {
  payload: Uint8Array | null;
  tag: Uint8Array;
}

export function parseCoseMac0(v: CborValue, what = 'COSE_Mac0'): CoseMac0 {
  if (v instanceof Tagged) {
    if (v.tag !== COSE_MAC0_TAG) throw new CoseError('malformed_cose', `${what}: unexpected tag ${v.tag}`);
    v = v.value;
  }
  if (!Array.isArray(v) || v.length !== 4) throw new CoseError('malformed_cose', `${what}: not a 4-element array`);
  const [p, u, payload, tag] = v;
  const h = parseHeaders(p, u, what);
  if (!(payload instanceof Uint8Array) && payload !== null)
    throw new CoseError('malformed_cose', `${what}: payload is neither bstr nor nil`);
  if (!(tag instanceof Uint8Array)) throw new CoseError('malformed_cose', `${what}: tag is not a byte string`);
  return { protectedRaw: h.protectedRaw, protected: h.protected, unprotected: h.unprotected, payload, tag };
}

export function mac0Algorithm(m: CoseHeaders, what = 'COSE_Mac0'): MacAlgorithm {
  const id = protectedAlg(m, what);
  const alg = macAlgorithm(id);
  if (!alg) throw new CoseError('alg_unsupported', `${what}: alg ${id} is not HMAC 256/256 (5)`);
  return alg;
}

/** MAC_structure (RFC 9052 §6.3) with empty external_aad. */
export function macStructure0(protectedRaw: Uint8Array, payload: Uint8Array): Uint8Array {
  return toBeSigned(MAC0, protectedRaw, payload);
}
const MAC0 = Uint8Array.of(0x84, 0x64, ...new TextEncoder().encode('MAC0'));

/** Throws CoseError for structural problems; returns false when the tag does not match. */
export function verifyMac0(
  m: CoseMac0,
  key: Uint8Array,
  crypto: CryptoProvider,
  opts: { detachedPayload?: Uint8Array; what?: string } = {},
): boolean {
  const what = opts.what ?? 'COSE_Mac0';
  const alg = mac0Algorithm(m, what);
  let payload: Uint8Array;
  if (opts.detachedPayload !== undefined) {
    if (m.payload !== null) throw new CoseError('malformed_cose', `${what}: payload must be nil when detached`);
    payload = opts.detachedPayload;
  } else if (m.payload === null) {
    throw new CoseError('payload_missing', `${what}: payload is detached but none was supplied`);
  } else {
    payload = m.payload;
  }
  const expected = crypto.hmac(alg.hash, key, macStructure0(m.protectedRaw, payload));
  return equal(expected.subarray(0, alg.tagLength), m.tag); // constant time: the tag is secret-keyed
}

/** Builds an untagged COSE_Mac0 with alg 5 protected (the virtual wallet and the test issuer). */
export function buildMac0(
  crypto: CryptoProvider,
  key: Uint8Array,
  payload: Uint8Array,
  opts: { detached?: boolean; protectedHeaders?: CborMap; unprotectedHeaders?: CborMap } = {},
): CborValue[] {
  const prot = opts.protectedHeaders ?? new Map([[HEADER.alg, 5]]);
  const protectedRaw = prot.size ? encodeCbor(prot) : new Uint8Array(0);
  const tag = crypto.hmac('SHA-256', key, macStructure0(protectedRaw, payload));
  return [protectedRaw, opts.unprotectedHeaders ?? new Map(), opts.detached ? null : payload, tag];
}
