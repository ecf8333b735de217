// VICAL (Verified Issuer Certificate Authority List, ISO/IEC 18013-5 Annex C; AAMVA publishes one):
// a COSE_Sign1 whose payload is
//   VICAL = { "version": tstr, "vicalProvider": tstr, "date": tdate, ? "vicalIssueID": uint,
//             ? "nextUpdate": tdate, "certificateInfos": [* CertificateInfo], ? "extensions": any }
//   CertificateInfo = { "certificate": bstr (IACA DER), "serialNumber": biguint, "ski": bstr,
//             "docType": [+ tstr], ? "issuingCountry", ? "issuingAuthority", ... }
// Its IACA entries are trusted ONLY if the COSE_Sign1 verifies against a certificate in
// DIR/vical-signers (the signer itself, or a certificate that one of them issued, carried in x5chain).
// An unverified VICAL contributes nothing.

import {
  decodeCbor,
  CborError,
  Tagged,
  asArray,
  asBytes,
  asMap,
  asText,
  field,
  optField,
  type CborValue,
} from '../cbor/index.ts';
import { CoseError, HEADER, parseCoseSign1, sign1Algorithm, sign1X5Chain, verifySign1 } from '../cose/index.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { bytesEqual, nameToString, parseCertificate, type Certificate } from '../x509/certificate.ts';
import { DerError } from '../x509/der.ts';
import { verifyCertificateSignature } from '../x509/signature.ts';
import type { TrustStore, VicalInfo } from './trust-store.ts';

/** A VICAL lists every IACA of a region; a few thousand entries at most. */
const VICAL_LIMITS = { maxTotalBytes: 4 * 1024 * 1024, maxItems: 200_000, maxDepth: 16 };

export class VicalError extends Error {
  constructor(
    readonly code: 'malformed_vical' | 'vical_signature_invalid' | 'vical_signer_untrusted',
    message: string,
  ) {
    super(message);
  }
}

export interface VicalVerified {
  signer: Certificate;
  vical: Map<CborValue, CborValue>;
}

/**
 * Verify a VICAL's COSE_Sign1 (core/cose: alg from the protected header only, bound to the key's
 * curve) against `signers`, then return its decoded payload. Throws VicalError.
 */
export function verifyVical(
  bytes: Uint8Array,
  signers: readonly Certificate[],
  crypto: CryptoProvider,
  now: Date,
): VicalVerified {
  try {
    const sign1 = parseCoseSign1(decodeCbor(bytes, VICAL_LIMITS), 'VICAL COSE_Sign1');
    sign1Algorithm(sign1, 'VICAL COSE_Sign1'); // refuses alg missing / unprotected / unsupported up front
    if (sign1.payload === null) throw new VicalError('malformed_vical', 'VICAL COSE_Sign1 has a detached payload');

    // Candidate keys: the x5chain leaf if it is (or was issued by) a trusted signer; else each signer.
    const hasX5 = sign1.unprotected.has(HEADER.x5chain) || sign1.protected.has(HEADER.x5chain);
    let candidates: Certificate[];
    if (hasX5) {
      const leaf = parseCertificate(sign1X5Chain(sign1, 'VICAL COSE_Sign1')[0]!);
      const direct = signers.find((s) => bytesEqual(s.der, leaf.der));
      if (direct) candidates = [direct];
      else {
        // A signer vouches for another certificate only while it is valid and only as a CA
        // (RFC 5280 §4.2.1.9 cA, §4.2.1.3 keyCertSign): an expired or end-entity signer vouches for nothing.
        const t = now.getTime();
        const issuer = signers.find(
          (s) =>
            bytesEqual(s.subject.der, leaf.issuer.der) &&
            s.basicConstraints?.cA === true &&
            (!s.keyUsage || s.keyUsage.has('keyCertSign')) &&
            t >= s.notBefore.getTime() &&
            t <= s.notAfter.getTime() &&
            verifyCertificateSignature(leaf, s.publicKey, crypto).ok,
        );
        if (!issuer)
          throw new VicalError(
            'vical_signer_untrusted',
            `VICAL signer "${nameToString(leaf.subject)}" is not a vical signer and was not issued by a valid CA among them`,
          );
        candidates = [leaf];
      }
    } else {
      candidates = [...signers];
    }
    if (candidates.length === 0)
      throw new VicalError('vical_signer_untrusted', 'no vical signer certificate is loaded');

    for (const c of candidates) {
      if (now.getTime() < c.notBefore.getTime() || now.getTime() > c.notAfter.getTime()) continue;
      try {
        if (verifySign1(sign1, c.publicKey, crypto, { what: 'VICAL COSE_Sign1' })) {
          return { signer: c, vical: asMap(decodeCbor(sign1.payload, VICAL_LIMITS), 'VICAL') };
        }
      } catch (e) {
        // A signer whose key does not fit the alg (alg_key_mismatch) is simply not the signer.
        if (!(e instanceof CoseError && e.code === 'alg_key_mismatch')) throw e;
      }
    }
    throw new VicalError(
      'vical_signature_invalid',
      'VICAL signature does not verify with any currently valid vical signer key',
    );
  } catch (e) {
    if (e instanceof VicalError) throw e;
    if (e instanceof CborError || e instanceof DerError || e instanceof CoseError)
      throw new VicalError('malformed_vical', e.message);
    throw e;
  }
}

/** Verify a VICAL and add its IACA certificates to `store` (errors recorded there, naming `origin`). */
export function addVical(
  store: TrustStore,
  bytes: Uint8Array,
  signers: readonly Certificate[],
  origin: string,
): VicalInfo | null {
  let v: VicalVerified;
  try {
    v = verifyVical(bytes, signers, store.crypto, store.now);
  } catch (e) {
    if (!(e instanceof VicalError)) throw e;
    store.errors.push({ code: e.code, detail: e.message, file: origin });
    return null;
  }
  try {
    const m = v.vical;
    const infos = asArray(field(m, 'certificateInfos', 'VICAL'), 'VICAL.certificateInfos');
    const info: VicalInfo = {
      origin,
      provider: asText(field(m, 'vicalProvider', 'VICAL'), 'VICAL.vicalProvider'),
      signer: nameToString(v.signer.subject),
      entries: infos.length,
      accepted: 0,
    };
    const date = optField(m, 'date');
    if (date instanceof Tagged && typeof date.value === 'string') info.date = date.value;
    const issueId = optField(m, 'vicalIssueID');
    if (typeof issueId === 'number') info.issueId = issueId;
    const next = optField(m, 'nextUpdate');
    if (next instanceof Tagged && typeof next.value === 'string') {
      info.nextUpdate = next.value;
      const t = Date.parse(next.value);
      if (!Number.isNaN(t) && t < store.now.getTime())
        store.warnings.push({ code: 'vical_stale', detail: `VICAL nextUpdate ${next.value} has passed`, file: origin });
    }
    infos.forEach((entry, i) => {
      const where = `${origin}#certificateInfos[${i}]`;
      try {
        const m = asMap(entry, where);
        const der = asBytes(field(m, 'certificate', where), `${where}.certificate`);
        // CertificateInfo.docType (Annex C): the IACA is vouched for these docTypes only.
        const docTypes = asArray(field(m, 'docType', where), `${where}.docType`).map((d, j) =>
          asText(d, `${where}.docType[${j}]`),
        );
        if (docTypes.length === 0) throw new CborError('malformed_cbor', `${where}.docType is empty`);
        const root = store.addRoot(der, 'iaca', where);
        if (root) {
          root.docTypes = docTypes;
          info.accepted++;
        }
      } catch (e) {
        if (!(e instanceof CborError)) throw e;
        store.errors.push({ code: 'malformed_vical', detail: e.message, file: where });
      }
    });
    store.vicals.push(info);
    return info;
  } catch (e) {
    if (!(e instanceof CborError)) throw e;
    store.errors.push({ code: 'malformed_vical', detail: e.message, file: origin });
    return null;
  }
}
