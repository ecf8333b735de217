// COSE_Sign1 (RFC 9052 §4.2) with the ISO 18013-5 rules: alg only from the protected header and
// bound to the key's curve (§9.1.3.6), x5chain (RFC 9360, label 33) carrying the DS certificate
// first, detached payloads (deviceSignature signs DeviceAuthenticationBytes, §9.1.3.4).
import { decodeCbor } from '../cbor/decode.ts';
import { encodeCbor } from '../cbor/encode.ts';
import { CborError } from '../cbor/errors.ts';
import { Tagged, type CborMap, type CborValue } from '../cbor/model.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { HEADER, signatureAlgorithm, type SignatureAlgorithm } from './algorithms.ts';
import { CoseError } from './errors.ts';
import { parseHeaders, protectedAlg, type CoseHeaders } from './headers.ts';
import type { VerificationKey } from './key.ts';

export const COSE_SIGN1_TAG = 18;

export interface CoseSign1 extends CoseHeaders {
  /** null when detached. A view into the received bytes (no copy). */
  payload: Uint8Array | null;
  signature: Uint8Array;
}

/** Most certificates we take from an x5chain; Annex B chains are DS (-> IACA), so 1-2 in practice. */
export const MAX_X5CHAIN = 8;

/** Parse a decoded COSE_Sign1 (untagged array as in mdoc, or tag 18). Throws CoseError. */
export function parseCoseSign1(v: CborValue, what = 'COSE_Sign1'): CoseSign1 {
  if (v instanceof Tagged) {
    if (v.tag !== COSE_SIGN1_TAG) throw new CoseError('malformed_cose', `${what}: unexpected tag ${v.tag}`);
    v = v.value;
  }
  if (!Array.isArray(v) || v.length !== 4) throw new CoseError('malformed_cose', `${what}: not a 4-element array`);
  const [p, u, payload, signature] = v;
  const h = parseHeaders(p, u, what);
  if (!(payload instanceof Uint8Array) && payload !== null)
    throw new CoseError('malformed_cose', `${what}: payload is neither bstr nor nil`);
  if (!(signature instanceof Uint8Array))
    throw new CoseError('malformed_cose', `${what}: signature is not a byte string`);
  return { protectedRaw: h.protectedRaw, protected: h.protected, unprotected: h.unprotected, payload, signature };
}

export function decodeCoseSign1(bytes: Uint8Array, what = 'COSE_Sign1'): CoseSign1 {
  let v: CborValue;
  try {
    v = decodeCbor(bytes);
  } catch (e) {
    if (e instanceof CborError) throw new CoseError('malformed_cose', `${what}: ${e.message}`);
    throw e;
  }
  return parseCoseSign1(v, what);
}

/** The signature algorithm, from the protected header only. Throws CoseError. */
export function sign1Algorithm(s: CoseHeaders, what = 'COSE_Sign1'): SignatureAlgorithm {
  const id = protectedAlg(s, what);
  const alg = signatureAlgorithm(id);
  if (!alg) throw new CoseError('alg_unsupported', `${what}: alg ${id} is not ES256, ES384, ES512 or EdDSA`);
  return alg;
}

/**
 * x5chain (RFC 9360 §2): one bstr, or an array of bstr, leaf (DS) first. ISO 18013-5 §9.1.2.4 puts
 * it in the unprotected header; it is accepted in the protected one too (RFC 9360 allows both).
 */
export function sign1X5Chain(s: CoseHeaders, what = 'COSE_Sign1'): Uint8Array[] {
  const v = s.unprotected.get(HEADER.x5chain) ?? s.protected.get(HEADER.x5chain);
  if (v === undefined) throw new CoseError('x5chain_missing', `${what}: no x5chain (label 33)`);
  if (v instanceof Uint8Array) return [v];
  if (Array.isArray(v) && v.length > 0 && v.length <= MAX_X5CHAIN && v.every((c) => c instanceof Uint8Array))
    return v as Uint8Array[];
  throw new CoseError('malformed_cose', `${what}: x5chain must be a bstr or 1-${MAX_X5CHAIN} bstrs`);
}

/** Throws alg_key_mismatch unless the key is the kind (and curve) the alg names. */
export function assertAlgMatchesKey(alg: SignatureAlgorithm, key: VerificationKey, what = 'COSE_Sign1'): void {
  if (alg.kind === 'ecdsa') {
    if (key.kind !== 'ec')
      throw new CoseError('alg_key_mismatch', `${what}: ${alg.name} needs an EC key, got ${key.kind}`);
    if (key.curve !== alg.curve)
      throw new CoseError('alg_key_mismatch', `${what}: ${alg.name} needs ${alg.curve}, key is ${key.curve}`);
  } else if (key.kind !== 'ed25519') {
    throw new CoseError('alg_key_mismatch', `${what}: EdDSA needs an Ed25519 key, got ${key.kind}`);
  }
}

/** Sig_structure for COSE_Sign1 (RFC 9052 §4.4), with empty external_aad (ISO 18013-5 uses none). */
export function sigStructure1(protectedRaw: Uint8Array, payload: Uint8Array): Uint8Array {
  return toBeSigned(SIGNATURE1, protectedRaw, payload);
}

// ["Signature1" | "MAC0", bstr protected, h'', bstr payload], written straight into one buffer: this
// runs for every signature checked, and the generic encoder's chunk list costs more than the rest.
const SIGNATURE1 = Uint8Array.of(0x84, 0x6a, ...new TextEncoder().encode('Signature1'));

/** @internal shared with mac0.ts: `prefix` is the array head and the context string, already encoded. */
export function toBeSigned(prefix: Uint8Array, protectedRaw: Uint8Array, payload: Uint8Array): Uint8Array {
  const ph = bstrHead(protectedRaw.length);
  const bh = bstrHead(payload.length);
  const out = new Uint8Array(prefix.length + ph.length + protectedRaw.length + 1 + bh.length + payload.length);
  let o = 0;
  out.set(prefix, o);
  o += prefix.length;
  out.set(ph, o);
  o += ph.length;
  out.set(protectedRaw, o);
  o += protectedRaw.length;
  out[o++] = 0x40; // external_aad: empty bstr
  out.set(bh, o);
  o += bh.length;
  out.set(payload, o);
  return out;
}

function bstrHead(n: number): Uint8Array {
  if (n < 24) return Uint8Array.of(0x40 | n);
  if (n < 0x100) return Uint8Array.of(0x58, n);
  if (n < 0x10000) return Uint8Array.of(0x59, n >>> 8, n & 0xff);
  return Uint8Array.of(0x5a, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function payloadFor(s: CoseSign1, detached: Uint8Array | undefined, what: string): Uint8Array {
  if (detached !== undefined) {
    if (s.payload !== null) throw new CoseError('malformed_cose', `${what}: payload must be nil when detached`);
    return detached;
  }
  if (s.payload === null) throw new CoseError('payload_missing', `${what}: payload is detached but none was supplied`);
  return s.payload;
}

/**
 * Verify the signature with `key`. Throws CoseError for structural problems (alg, key mismatch,
 * payload); returns false when the signature itself does not verify.
 */
export function verifySign1(
  s: CoseSign1,
  key: VerificationKey,
  crypto: CryptoProvider,
  opts: { detachedPayload?: Uint8Array; what?: string } = {},
): boolean {
  const what = opts.what ?? 'COSE_Sign1';
  const alg = sign1Algorithm(s, what);
  assertAlgMatchesKey(alg, key, what);
  const tbs = sigStructure1(s.protectedRaw, payloadFor(s, opts.detachedPayload, what));
  if (alg.kind === 'ecdsa')
    return crypto.ecdsaVerify(alg.curve, alg.hash, (key as { point: Uint8Array }).point, tbs, s.signature);
  return crypto.ed25519Verify((key as { key: Uint8Array }).key, tbs, s.signature);
}

// ---- signing (test issuer, virtual wallet) ----

export interface Sign1Input {
  protectedHeaders: CborMap;
  unprotectedHeaders?: CborMap;
  payload: Uint8Array;
  /** Leave the payload out of the structure (nil) but sign over it. */
  detached?: boolean;
  /** Produces the signature over the Sig_structure bytes (lets callers sign with any key type). */
  sign: (toBeSigned: Uint8Array) => Uint8Array;
}

/** Builds a COSE_Sign1 as the untagged 4-element array ISO 18013-5 uses. */
export function buildSign1(input: Sign1Input): CborValue[] {
  const protectedRaw = input.protectedHeaders.size ? encodeCbor(input.protectedHeaders) : new Uint8Array(0);
  const signature = input.sign(sigStructure1(protectedRaw, input.payload));
  return [protectedRaw, input.unprotectedHeaders ?? new Map(), input.detached ? null : input.payload, signature];
}

/** ECDSA COSE_Sign1 with alg in the protected header and optional x5chain, the ordinary case. */
export function signSign1Ecdsa(
  crypto: CryptoProvider,
  alg: SignatureAlgorithm & { kind: 'ecdsa' },
  privateKey: Uint8Array,
  payload: Uint8Array,
  opts: { x5chain?: Uint8Array[]; detached?: boolean } = {},
): CborValue[] {
  const unprotected: CborMap = new Map();
  if (opts.x5chain?.length)
    unprotected.set(HEADER.x5chain, opts.x5chain.length === 1 ? opts.x5chain[0]! : opts.x5chain);
  return buildSign1({
    protectedHeaders: new Map([[HEADER.alg, alg.id]]),
    unprotectedHeaders: unprotected,
    payload,
    detached: opts.detached,
    sign: (tbs) => crypto.ecdsaSign(alg.curve, alg.hash, privateKey, tbs),
  });
}
