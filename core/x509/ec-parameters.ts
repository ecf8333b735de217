// EC domain parameters in a SubjectPublicKeyInfo (RFC 5480 §2.1.1, RFC 3279 §2.3.5 / ANSI X9.62
// ECParameters). RFC 5480 allows only a named curve, but ICAO documents write the parameters out:
// Doc 9303-11 §9.5.2 requires explicit ECParameters in DG14 and EF.CardSecurity, and CSCA / Document
// Signer certificates of several states carry them too. Explicit parameters are accepted only when
// they are exactly those of a curve we know (core/crypto/curves.ts): never a curve the document
// defines for itself.
import { curveByOid, curveByParams, CURVE_PARAMS } from '../crypto/curve-params.ts';
import type { Curve } from '../crypto/provider.ts';
import { DerError, DerReader, TAG, type DerNode } from './der.ts';

const PRIME_FIELD = '1.2.840.10045.1.1';
/** ICAO / BSI TR-03110: an AlgorithmIdentifier whose parameter is a Table 12 domain-parameter id. */
export const STANDARDIZED_DOMAIN_PARAMETERS = '0.4.0.127.0.7.1.2';

/** Doc 9303-11 §9.5.1 Table 12: standardized domain parameter ids of the elliptic curves. */
export const ICAO_CURVE_IDS: Readonly<Record<number, Curve>> = {
  8: 'P-192',
  9: 'brainpoolP192r1',
  10: 'P-224',
  11: 'brainpoolP224r1',
  12: 'P-256',
  13: 'brainpoolP256r1',
  14: 'brainpoolP320r1',
  15: 'P-384',
  16: 'brainpoolP384r1',
  17: 'brainpoolP512r1',
  18: 'P-521',
};

function toBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/**
 * The curve of an id-ecPublicKey AlgorithmIdentifier's parameters: a namedCurve OID, or explicit
 * ECParameters that equal a known curve. Throws DerError ('unsupported_certificate' for an unknown
 * curve, the reader's code for malformed input).
 */
export function curveFromParameters(r: DerReader): Curve {
  const tag = r.peekTag();
  if (tag === TAG.OID) {
    const oid = r.oid('namedCurve');
    const c = curveByOid(oid);
    if (!c) throw new DerError('unsupported_certificate', `unsupported EC curve ${oid}`);
    return c;
  }
  if (tag !== TAG.SEQUENCE)
    r.fail('EC parameters must be a named curve or explicit ECParameters (implicitCurve is not allowed)');
  const p = r.sequence('ECParameters');
  const version = p.smallUint('ECParameters.version', 3);
  if (version !== 1) p.fail(`ECParameters version ${version}`);
  const field = p.sequence('FieldID');
  const fieldType = field.oid('fieldType');
  if (fieldType !== PRIME_FIELD)
    throw new DerError('unsupported_certificate', `EC field ${fieldType} (only prime fields)`);
  const prime = toBig(field.integerBytes('prime-p'));
  field.end();
  const curve = p.sequence('Curve');
  const a = toBig(curve.octetString('a'));
  const b = toBig(curve.octetString('b'));
  if (!curve.atEnd()) curve.bitString('seed');
  curve.end();
  const base = p.octetString('base');
  const n = toBig(p.integerBytes('order'));
  const h = p.atEnd() ? undefined : toBig(p.integerBytes('cofactor'));
  p.end();
  const known = matchBase(prime, a, b, n, h, base);
  if (!known) throw new DerError('unsupported_certificate', 'explicit EC parameters that are not a known curve');
  return known;
}

/** The known curve with these p, a, b, n (and h) whose generator is `base` (uncompressed or compressed). */
function matchBase(
  p: bigint,
  a: bigint,
  b: bigint,
  n: bigint,
  h: bigint | undefined,
  base: Uint8Array,
): Curve | undefined {
  for (const name of Object.keys(CURVE_PARAMS) as Curve[]) {
    const k = CURVE_PARAMS[name];
    if (k.p !== p || k.a !== a || k.b !== b || k.n !== n || (h !== undefined && h !== k.h)) continue;
    const len = k.bytes;
    if (base.length === 1 + 2 * len && base[0] === 0x04) {
      if (
        curveByParams({ p, a, b, n, gx: toBig(base.subarray(1, 1 + len)), gy: toBig(base.subarray(1 + len)) }) === name
      )
        return name;
    } else if (base.length === 1 + len && (base[0] === 0x02 || base[0] === 0x03)) {
      if (toBig(base.subarray(1)) === k.gx && (base[0] & 1) === Number(k.gy & 1n)) return name;
    }
  }
  return undefined;
}

/** For a parameters node already read (e.g. when the caller needs the raw TLV too). */
export function curveFromParametersNode(node: DerNode, code: DerError['code']): Curve {
  const r = new DerReader(node.tlv, code, 'EC parameters');
  const c = curveFromParameters(r);
  r.end();
  return c;
}
