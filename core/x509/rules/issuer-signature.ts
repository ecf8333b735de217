// Annex B chain: the DS certificate is signed by the IACA key (RFC 5280 §6.1.3 (a)(1)). The ECDSA
// hash must match the IACA key's curve (signature.ts, CURVE_HASH), and the DS must name the IACA as
// its issuer (RFC 5280 §6.1.3 (a)(4): issuer == subject of the issuing certificate, compared as bytes).

import type { Check } from '../../check.ts';
import type { CryptoProvider } from '../../crypto/provider.ts';
import { bytesEqual, type Certificate } from '../certificate.ts';
import { toHex } from '../pem.ts';
import { verifyCertificateSignature, type SignatureOutcome } from '../signature.ts';
import { fail, pass } from './context.ts';

export const CHAIN_SIGNATURE_INVALID = 'chain_signature_invalid';

export function checkIssuerSignature({ ds, iaca, crypto }: { ds: Certificate; iaca: Certificate; crypto: CryptoProvider }): Check[] {
  const r = dsIssuedBy(ds, iaca, crypto);
  return [r.ok ? pass(CHAIN_SIGNATURE_INVALID, `DS signed by IACA (${ds.signatureAlgorithm.name})`) : fail(CHAIN_SIGNATURE_INVALID, r.reason)];
}

// A small cache of DS certificates already proven under an IACA. The same DS signs thousands of
// MSOs; proving its certificate every time doubles the ECDSA work of a verification (the benchmark
// holds us within 1.5x of bare signature checks). A hit requires the whole DS DER to be byte-identical
// to the one that verified under this very IACA certificate object with this backend, so the answer
// is exactly what verifying again would give.
const DS_CACHE_LIMIT = 64;
const dsCache = new WeakMap<Certificate, Map<string, Uint8Array>>();

export function dsIssuedBy(ds: Certificate, iaca: Certificate, crypto: CryptoProvider): SignatureOutcome {
  if (!bytesEqual(ds.issuer.der, iaca.subject.der)) return { ok: false, reason: 'DS issuer name differs from the IACA subject name' };
  let cache = dsCache.get(iaca);
  const key = `${crypto.name}:${toHex(ds.signature)}`;
  const hit = cache?.get(key);
  if (hit && bytesEqual(hit, ds.der)) return { ok: true };
  const r = verifyCertificateSignature(ds, iaca.publicKey, crypto);
  if (r.ok) {
    if (!cache) dsCache.set(iaca, (cache = new Map()));
    if (cache.size >= DS_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, ds.der.slice());
  }
  return r;
}
