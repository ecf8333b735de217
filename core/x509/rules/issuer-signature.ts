// Annex B chain: the DS certificate is signed by the IACA key (RFC 5280 §6.1.3 (a)(1)). The ECDSA
// hash must match the IACA key's curve (signature.ts, CURVE_HASH), and the DS must name the IACA as
// its issuer (RFC 5280 §6.1.3 (a)(4): issuer == subject of the issuing certificate, compared as bytes).

import type { X509Check } from '../codes.ts';
import type { CryptoProvider } from '../../crypto/provider.ts';
import { bytesEqual, type Certificate } from '../certificate.ts';
import { verifyCertificateSignature, type SignatureOutcome } from '../signature.ts';
import { fail, pass } from './context.ts';

export const CHAIN_SIGNATURE_INVALID = 'chain_signature_invalid';

export function checkIssuerSignature({
  ds,
  iaca,
  crypto,
}: {
  ds: Certificate;
  iaca: Certificate;
  crypto: CryptoProvider;
}): X509Check[] {
  const r = dsIssuedBy(ds, iaca, crypto);
  return [
    r.ok
      ? pass(CHAIN_SIGNATURE_INVALID, `DS signed by IACA (${ds.signatureAlgorithm.name})`)
      : fail(CHAIN_SIGNATURE_INVALID, r.reason),
  ];
}

// Not cached here: core/x509/chain.ts keeps, per trust store, the outcome for a DS certificate (keyed
// by the SHA-256 of its DER), so a DS that signs thousands of MSOs is proven under its IACA once.
export function dsIssuedBy(ds: Certificate, iaca: Certificate, crypto: CryptoProvider): SignatureOutcome {
  if (!bytesEqual(ds.issuer.der, iaca.subject.der))
    return { ok: false, reason: 'DS issuer name differs from the IACA subject name' };
  return verifyCertificateSignature(ds, iaca.publicKey, crypto);
}
