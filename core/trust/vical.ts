// VICAL (Verified Issuer Certificate Authority List, ISO/IEC 18013-5 Annex C; AAMVA publishes one):
// a COSE_Sign1 whose payload is
//   VICAL = { "version": tstr, "vicalProvider": tstr, "date": tdate, ? "vicalIssueID": uint,
//             ? "nextUpdate": tdate, "certificateInfos": [* CertificateInfo], ? "extensions": any }
//   CertificateInfo = { "certificate": bstr (IACA DER), "serialNumber": biguint, "ski": bstr,
//             "docType": [+ tstr], ? "issuingCountry", ? "issuingAuthority", ... }
// Its IACA entries are trusted ONLY if the COSE_Sign1 verifies against a certificate in
// DIR/vical-signers (the signer itself, or a certificate that one of them issued, carried in x5chain).
// An unverified VICAL contributes nothing.

import { decodeCbor, encodeCbor, CborError, Tagged, asArray, asBytes, asMap, asText, field, optField, type CborValue } from '../cbor/index.ts';
import type { CryptoProvider, Curve, HashAlg } from '../crypto/provider.ts';
import { bytesEqual, nameToString, parseCertificate, type Certificate } from '../x509/certificate.ts';
import { DerError } from '../x509/der.ts';
import { verifyCertificateSignature } from '../x509/signature.ts';
import type { TrustStore, VicalInfo } from './trust-store.ts';

/** COSE algorithms (RFC 9053 §2.1) a VICAL may be signed with, and the key curve each implies. */
const COSE_ALGS: Record<number, { curve: Curve; hash: HashAlg }> = {
  [-7]: { curve: 'P-256', hash: 'SHA-256' },
  [-35]: { curve: 'P-384', hash: 'SHA-384' },
  [-36]: { curve: 'P-521', hash: 'SHA-512' },
};
const HEADER_ALG = 1;
const HEADER_X5CHAIN = 33;

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
 * Verify a VICAL's COSE_Sign1 (RFC 9052 §4.4, Sig_structure "Signature1", empty external_aad) against
 * `signers`, then return its decoded payload. Throws VicalError.
 */
export function verifyVical(bytes: Uint8Array, signers: readonly Certificate[], crypto: CryptoProvider, now: Date): VicalVerified {
  let top: CborValue;
  try {
    top = decodeCbor(bytes, VICAL_LIMITS);
    // COSE_Sign1 may arrive tagged (18) or untagged.
    if (top instanceof Tagged) {
      if (top.tag !== 18) throw new VicalError('malformed_vical', `expected COSE_Sign1 (tag 18), found tag ${top.tag}`);
      top = top.value;
    }
    const arr = asArray(top, 'COSE_Sign1');
    if (arr.length !== 4) throw new VicalError('malformed_vical', 'COSE_Sign1 must have 4 elements');
    const protectedBytes = asBytes(arr[0], 'COSE_Sign1.protected');
    const unprotected = asMap(arr[1], 'COSE_Sign1.unprotected');
    const payload = asBytes(arr[2], 'COSE_Sign1.payload');
    const signature = asBytes(arr[3], 'COSE_Sign1.signature');
    const prot = protectedBytes.length ? asMap(decodeCbor(protectedBytes), 'protected') : new Map<CborValue, CborValue>();
    // alg only from the protected header (spec item 2).
    if (unprotected.has(HEADER_ALG)) throw new VicalError('malformed_vical', 'alg must not appear in the unprotected header');
    const algId = prot.get(HEADER_ALG);
    const alg = typeof algId === 'number' ? COSE_ALGS[algId] : undefined;
    if (!alg) throw new VicalError('malformed_vical', `unsupported or missing COSE alg ${String(algId)}`);

    // Candidate keys: the x5chain leaf if it is (or is issued by) a trusted signer; else each signer.
    const x5 = prot.get(HEADER_X5CHAIN) ?? unprotected.get(HEADER_X5CHAIN);
    let candidates: Certificate[];
    if (x5 !== undefined) {
      const leafDer = x5 instanceof Uint8Array ? x5 : asBytes(asArray(x5, 'x5chain')[0], 'x5chain[0]');
      const leaf = parseCertificate(leafDer);
      const direct = signers.find((s) => bytesEqual(s.der, leaf.der));
      if (direct) candidates = [direct];
      else {
        const issuer = signers.find((s) => bytesEqual(s.subject.der, leaf.issuer.der) && verifyCertificateSignature(leaf, s.publicKey, crypto).ok);
        if (!issuer) throw new VicalError('vical_signer_untrusted', `VICAL signer "${nameToString(leaf.subject)}" is not a vical signer and was not issued by one`);
        candidates = [leaf];
      }
    } else {
      candidates = [...signers];
    }
    if (candidates.length === 0) throw new VicalError('vical_signer_untrusted', 'no vical signer certificate is loaded');

    const toBeSigned = encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
    for (const c of candidates) {
      if (c.publicKey.kind !== 'ec' || c.publicKey.curve !== alg.curve) continue;
      if (now.getTime() < c.notBefore.getTime() || now.getTime() > c.notAfter.getTime()) continue;
      if (crypto.ecdsaVerify(alg.curve, alg.hash, c.publicKey.point, toBeSigned, signature)) {
        return { signer: c, vical: asMap(decodeCbor(payload, VICAL_LIMITS), 'VICAL') };
      }
    }
    throw new VicalError('vical_signature_invalid', 'VICAL signature does not verify with any valid vical signer key of the right curve');
  } catch (e) {
    if (e instanceof VicalError) throw e;
    if (e instanceof CborError || e instanceof DerError) throw new VicalError('malformed_vical', e.message);
    throw e;
  }
}

/** Verify a VICAL and add its IACA certificates to `store` (errors recorded there, naming `origin`). */
export function addVical(store: TrustStore, bytes: Uint8Array, signers: readonly Certificate[], origin: string): VicalInfo | null {
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
    const info: VicalInfo = { origin, provider: asText(field(m, 'vicalProvider', 'VICAL'), 'VICAL.vicalProvider'), signer: nameToString(v.signer.subject), entries: infos.length, accepted: 0 };
    const date = optField(m, 'date');
    if (date instanceof Tagged && typeof date.value === 'string') info.date = date.value;
    const issueId = optField(m, 'vicalIssueID');
    if (typeof issueId === 'number') info.issueId = issueId;
    const next = optField(m, 'nextUpdate');
    if (next instanceof Tagged && typeof next.value === 'string') {
      info.nextUpdate = next.value;
      const t = Date.parse(next.value);
      if (!Number.isNaN(t) && t < store.now.getTime()) store.warnings.push({ code: 'vical_stale', detail: `VICAL nextUpdate ${next.value} has passed`, file: origin });
    }
    infos.forEach((entry, i) => {
      const where = `${origin}#certificateInfos[${i}]`;
      try {
        const der = asBytes(field(asMap(entry, where), 'certificate', where), `${where}.certificate`);
        if (store.addRoot(der, 'iaca', where)) info.accepted++;
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
