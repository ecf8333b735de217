// COSE header buckets (RFC 9052 §3): the protected bucket is a bstr holding an encoded map (kept
// as received because it is signed), the unprotected bucket a plain map. Shared by COSE_Sign1 and
// COSE_Mac0.
import { decodeCbor } from '../cbor/decode.ts';
import { CborError } from '../cbor/errors.ts';
import type { CborMap, CborValue } from '../cbor/model.ts';
import { HEADER } from './algorithms.ts';
import { CoseError } from './errors.ts';

export interface CoseHeaders {
  /** The protected bucket's bstr content exactly as received: it goes into Sig_structure / MAC_structure. */
  protectedRaw: Uint8Array;
  protected: CborMap;
  unprotected: CborMap;
}

/** Header labels this implementation understands (for `crit`, RFC 9052 §3.1). */
const UNDERSTOOD = new Set<CborValue>([HEADER.alg, HEADER.crit, HEADER.contentType, HEADER.kid, HEADER.x5chain]);

const PROTECTED_HEADER_CBOR = Object.freeze({ maxDepth: 8, maxItems: 1000, allowNonMinimalHeads: true });

export function parseHeaders(protectedBucket: CborValue, unprotectedBucket: CborValue, what: string): CoseHeaders {
  if (!(protectedBucket instanceof Uint8Array))
    throw new CoseError('malformed_cose', `${what}: protected header is not a byte string`);
  let prot: CborMap = new Map();
  if (protectedBucket.length > 0) {
    let v: CborValue;
    try {
      // Lenient heads as in core/mdoc (MDOC_CBOR): the bucket is signed as received, never re-encoded.
      v = decodeCbor(protectedBucket, PROTECTED_HEADER_CBOR);
    } catch (e) {
      if (e instanceof CborError) throw new CoseError('malformed_cose', `${what}: protected header: ${e.message}`);
      throw e;
    }
    if (!(v instanceof Map)) throw new CoseError('malformed_cose', `${what}: protected header is not a map`);
    prot = v;
  }
  if (!(unprotectedBucket instanceof Map))
    throw new CoseError('malformed_cose', `${what}: unprotected header is not a map`);
  // RFC 9052 §3: a label must not occur in both buckets (two readers could pick different values).
  for (const k of unprotectedBucket.keys()) {
    if (prot.has(k)) throw new CoseError('malformed_cose', `${what}: header label ${String(k)} is in both buckets`);
  }
  // RFC 9052 §3.1 crit: protected only; every listed label must be understood.
  if (unprotectedBucket.has(HEADER.crit)) throw new CoseError('malformed_cose', `${what}: crit must be protected`);
  const crit = prot.get(HEADER.crit);
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0)
      throw new CoseError('malformed_cose', `${what}: crit must be a non-empty array`);
    for (const l of crit) {
      if (!UNDERSTOOD.has(l))
        throw new CoseError('malformed_cose', `${what}: critical header ${String(l)} is not understood`);
    }
  }
  return { protectedRaw: protectedBucket, protected: prot, unprotected: unprotectedBucket };
}

/**
 * The `alg` parameter, read ONLY from the protected bucket (RFC 9052 §3.1: alg "SHOULD be
 * protected"; ISO 18013-5 §9.1.3.6 / §9.1.2.4 require it there). An alg that is present only in
 * the unprotected bucket is refused: an attacker can change it without breaking the signature.
 */
export function protectedAlg(h: CoseHeaders, what: string): number {
  const alg = h.protected.get(HEADER.alg);
  if (alg === undefined) {
    const where = h.unprotected.has(HEADER.alg) ? 'only in the unprotected header' : 'missing';
    throw new CoseError('alg_not_in_protected_header', `${what}: alg is ${where}`);
  }
  if (typeof alg !== 'number' || !Number.isInteger(alg))
    throw new CoseError('alg_unsupported', `${what}: alg ${String(alg)} is not an integer`);
  return alg;
}
