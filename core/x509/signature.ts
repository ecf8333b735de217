// Verifying an X.509 signature (RFC 5280 §4.1.1.3: over the DER of tbsCertificate) with the
// injected CryptoProvider. Shared by the chain rule (DS signed by IACA), the trust store (roots
// are self-signed) and the VICAL signer check.

import type { CryptoProvider, Curve, HashAlg } from '../crypto/provider.ts';
import { DerError } from './der.ts';
import { ecdsaDerToRaw, type Certificate, type PublicKeyInfo } from './certificate.ts';
import { errorText } from '../errors.ts';

/**
 * The ECDSA hash that belongs to each curve. COSE pairs them the same way (ES256/P-256,
 * ES384/P-384, ES512/P-521), and the mdoc issuers we know follow it for certificates; a
 * mismatched pair is refused so a weak hash cannot be paired with a strong key (spec item 2).
 */
export const CURVE_HASH: Record<Curve, HashAlg> = {
  'P-192': 'SHA-256',
  'P-224': 'SHA-224',
  'P-256': 'SHA-256',
  'P-384': 'SHA-384',
  'P-521': 'SHA-512',
  brainpoolP192r1: 'SHA-256',
  brainpoolP224r1: 'SHA-224',
  brainpoolP256r1: 'SHA-256',
  brainpoolP320r1: 'SHA-384',
  brainpoolP384r1: 'SHA-384',
  brainpoolP512r1: 'SHA-512',
};

export type SignatureOutcome = { ok: true } | { ok: false; reason: string };

/** Does `issuerKey` verify `cert`'s signature? Never throws. */
export function verifyCertificateSignature(
  cert: Certificate,
  issuerKey: PublicKeyInfo,
  crypto: CryptoProvider,
  ecdsaHash: 'curve' | 'icao' = 'curve',
): SignatureOutcome {
  return verifySignedBytes(cert.tbs, cert.signatureAlgorithm, cert.signature, issuerKey, crypto, ecdsaHash);
}

export function verifySignedBytes(
  data: Uint8Array,
  alg: Certificate['signatureAlgorithm'],
  signature: Uint8Array,
  key: PublicKeyInfo,
  crypto: CryptoProvider,
  /**
   * 'curve' (default): the ECDSA hash must be the one COSE pairs with the curve. 'icao': any SHA-2
   * hash, as ICAO Doc 9303-12 profiles do not bind hash to curve (e.g. brainpoolP384r1 with SHA-256);
   * SHA-1 is refused either way (certificate.ts does not accept it).
   */
  ecdsaHash: 'curve' | 'icao' = 'curve',
): SignatureOutcome {
  try {
    switch (alg.kind) {
      case 'ecdsa': {
        if (key.kind !== 'ec') return { ok: false, reason: `${alg.name} signature but issuer key is ${key.kind}` };
        if (ecdsaHash === 'curve' && CURVE_HASH[key.curve] !== alg.hash)
          return {
            ok: false,
            reason: `${alg.name} does not match the issuer's ${key.curve} key (expected ${CURVE_HASH[key.curve]})`,
          };
        const raw = ecdsaDerToRaw(signature, key.curve);
        return crypto.ecdsaVerify(key.curve, alg.hash, key.point, data, raw)
          ? { ok: true }
          : { ok: false, reason: 'ECDSA signature does not verify' };
      }
      case 'ed25519':
        if (key.kind !== 'ed25519') return { ok: false, reason: `Ed25519 signature but issuer key is ${key.kind}` };
        return crypto.ed25519Verify(key.key, data, signature)
          ? { ok: true }
          : { ok: false, reason: 'Ed25519 signature does not verify' };
      case 'rsa-pkcs1':
        if (key.kind !== 'rsa') return { ok: false, reason: `${alg.name} signature but issuer key is ${key.kind}` };
        return crypto.rsaPkcs1Verify(alg.hash, { n: key.n, e: key.e }, data, signature)
          ? { ok: true }
          : { ok: false, reason: 'RSA signature does not verify' };
      case 'rsa-pss':
        if (key.kind !== 'rsa') return { ok: false, reason: `${alg.name} signature but issuer key is ${key.kind}` };
        return crypto.rsaPssVerify(alg.hash, { n: key.n, e: key.e }, data, signature, alg.saltLength)
          ? { ok: true }
          : { ok: false, reason: 'RSASSA-PSS signature does not verify' };
      default: {
        const never: never = alg;
        return { ok: false, reason: `unsupported algorithm ${(never as { name: string }).name}` };
      }
    }
  } catch (e) {
    if (e instanceof DerError) return { ok: false, reason: e.message };
    return { ok: false, reason: `signature check failed: ${errorText(e)}` };
  }
}
