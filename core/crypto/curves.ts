// noble's curve arithmetic for every prime curve in the table (curve-params.ts): the six noble
// ships, and the Brainpool curves it lacks built from the table's parameters. Loaded by the pure
// backend, the PACE mapping and the simulators; the table alone is in curve-params.ts.
import { weierstrass, ecdsa, type ECDSA, type WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { brainpoolP256r1, brainpoolP384r1, brainpoolP512r1 } from '@noble/curves/misc.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { Curve } from './provider.ts';
import { CURVE_PARAMS } from './curve-params.ts';

export {
  ALL_CURVES,
  CURVE_PARAMS,
  curveByOid,
  curveByParams,
  type CurveParams,
  type PrimeCurveDomain,
} from './curve-params.ts';

const HASH_FOR_BYTES = (bytes: number) => (bytes <= 32 ? sha256 : bytes <= 48 ? sha384 : sha512);
// noble ships six of the eleven; the other five are built from the table above.
const ecdsas = new Map<Curve, ECDSA>([
  ['P-256', p256],
  ['P-384', p384],
  ['P-521', p521],
  ['brainpoolP256r1', brainpoolP256r1],
  ['brainpoolP384r1', brainpoolP384r1],
  ['brainpoolP512r1', brainpoolP512r1],
]);
const points = new Map<Curve, WeierstrassPointCons<bigint>>([...ecdsas].map(([c, e]) => [c, e.Point]));

/** noble's point constructor for the curve (built once from the table). */
export function curvePoint(c: Curve): WeierstrassPointCons<bigint> {
  let P = points.get(c);
  if (!P) {
    const k = CURVE_PARAMS[c];
    if (!k) throw new Error(`unknown curve ${String(c)}`);
    P = weierstrass({ p: k.p, n: k.n, h: k.h, a: k.a, b: k.b, Gx: k.gx, Gy: k.gy });
    points.set(c, P);
  }
  return P;
}

/** noble's ECDSA / ECDH over the curve. The hash given to noble is never used: we always pass a digest (prehash: false). */
export function curveEcdsa(c: Curve): ECDSA {
  let e = ecdsas.get(c);
  if (!e) {
    e = ecdsa(curvePoint(c), HASH_FOR_BYTES(CURVE_PARAMS[c].bytes));
    ecdsas.set(c, e);
  }
  return e;
}
