// ICAO CSCA master lists (Doc 9303-12 App. C / §9): CMS SignedData whose eContent (type
// 2.23.136.1.1.2) is CscaMasterList ::= SEQUENCE { version INTEGER (v0), certList SET OF Certificate },
// signed by a Master List Signer. A list's CSCAs are trusted ONLY when its signature verifies with a
// signer certificate that the operator already trusts: the signer itself is in DIR/masterlist-signers,
// or it was issued by a CSCA or signer the operator trusts (DIR/csca, DIR/masterlist-signers). A list
// that does not verify contributes nothing (this is how Japan's CSCA, carried in other states' lists,
// becomes trusted without MOFA publishing it).
import type { CryptoProvider } from '../crypto/provider.ts';
import { CMS_OID, parseSignedData, type SignerInfo } from '../x509/cms-signed-data.ts';
import { bytesEqual, nameAttribute, nameToString, parseCertificate, type Certificate } from '../x509/certificate.ts';
import { DerError, DerReader, TAG } from '../x509/der.ts';
import { verifyCertificateSignature, verifySignedBytes } from '../x509/signature.ts';
import { cscaCountry, type TrustedCsca } from './csca.ts';
import type { MasterListInfo, TrustStore } from './trust-store.ts';

export class MasterListError extends Error {
  constructor(
    readonly code: 'malformed_masterlist' | 'masterlist_signer_untrusted' | 'masterlist_signature_invalid',
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedMasterList {
  signer: Certificate;
  /** The certList entries, DER as listed. */
  certificates: Uint8Array[];
}

function sidMatches(si: SignerInfo, cert: Certificate): boolean {
  if (si.sid.kind === 'ski')
    return cert.subjectKeyIdentifier !== undefined && bytesEqual(cert.subjectKeyIdentifier, si.sid.ski);
  const serial = (b: Uint8Array) => (b.length > 1 && b[0] === 0 ? b.subarray(1) : b);
  return bytesEqual(cert.issuer.der, si.sid.issuer) && bytesEqual(serial(cert.serial), serial(si.sid.serial));
}

const inValidity = (c: Certificate, at: Date) =>
  at.getTime() >= c.notBefore.getTime() && at.getTime() <= c.notAfter.getTime();

/**
 * Verify a master list: the signer named by the SignerInfo must be carried in the list and trusted
 * (see the header), valid at `now`; the messageDigest must equal the hash of the eContent and the
 * signature over the signed attributes must verify. Throws MasterListError.
 */
export function verifyMasterList(
  bytes: Uint8Array,
  anchors: { signers: readonly Certificate[]; cscas: readonly TrustedCsca[] },
  crypto: CryptoProvider,
  now: Date,
): VerifiedMasterList {
  let sd;
  try {
    sd = parseSignedData(bytes, 'master list');
  } catch (e) {
    if (e instanceof DerError) throw new MasterListError('malformed_masterlist', e.message);
    throw e;
  }
  if (sd.eContentType !== CMS_OID.cscaMasterList)
    throw new MasterListError(
      'malformed_masterlist',
      `eContentType ${sd.eContentType} is not id-icao-cscaMasterList (2.23.136.1.1.2)`,
    );
  if (sd.signerInfos.length !== 1)
    throw new MasterListError('malformed_masterlist', `${sd.signerInfos.length} SignerInfos (expected one)`);
  const si = sd.signerInfos[0]!;
  const carried: Certificate[] = [];
  for (const der of sd.certificates) {
    try {
      carried.push(parseCertificate(der));
    } catch {
      // An unparseable extra certificate cannot be the signer; skip it.
    }
  }
  const signer = carried.find((c) => sidMatches(si, c)) ?? anchors.signers.find((c) => sidMatches(si, c));
  if (!signer)
    throw new MasterListError(
      'masterlist_signer_untrusted',
      'the master list signer certificate is not in the list nor in masterlist-signers/',
    );
  const direct = anchors.signers.some((s) => bytesEqual(s.der, signer.der));
  const issuer =
    direct ||
    [...anchors.signers, ...anchors.cscas.map((c) => c.cert)].some(
      (a) =>
        bytesEqual(a.subject.der, signer.issuer.der) &&
        inValidity(a, now) &&
        verifyCertificateSignature(signer, a.publicKey, crypto, 'icao').ok,
    );
  if (!issuer)
    throw new MasterListError(
      'masterlist_signer_untrusted',
      `master list signer "${nameToString(signer.subject)}" is not trusted and not issued by a trusted CSCA or master list signer`,
    );
  if (!inValidity(signer, now))
    throw new MasterListError(
      'masterlist_signer_untrusted',
      `master list signer "${nameToString(signer.subject)}" is not valid at ${now.toISOString()}`,
    );
  if (!si.messageDigest || si.contentType !== CMS_OID.cscaMasterList)
    throw new MasterListError('masterlist_signature_invalid', 'signed attributes lack contentType / messageDigest');
  const digest = crypto.digest(si.digestAlgorithm, sd.eContent);
  if (!bytesEqual(digest, si.messageDigest))
    throw new MasterListError(
      'masterlist_signature_invalid',
      'messageDigest does not equal the hash of the master list content',
    );
  const sig = verifySignedBytes(
    si.signedAttrsForSignature,
    si.signatureAlgorithm,
    si.signature,
    signer.publicKey,
    crypto,
    'icao',
  );
  if (!sig.ok) throw new MasterListError('masterlist_signature_invalid', `master list signature: ${sig.reason}`);
  return { signer, certificates: parseCscaMasterList(sd.eContent) };
}

/** CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }. */
export function parseCscaMasterList(der: Uint8Array): Uint8Array[] {
  try {
    const top = new DerReader(der, 'malformed_certificate', 'CscaMasterList');
    const s = top.sequence('CscaMasterList');
    top.end();
    const version = s.smallUint('version', 1);
    if (version !== 0) s.fail(`version ${version} (expected v0)`);
    const list = s.child(s.expect(TAG.SET, 'certList'), 'certList');
    s.end();
    const out: Uint8Array[] = [];
    while (!list.atEnd()) {
      if (out.length >= 20000) list.fail('more than 20000 certificates');
      out.push(list.expect(TAG.SEQUENCE, 'Certificate').tlv);
    }
    return out;
  } catch (e) {
    if (e instanceof DerError) throw new MasterListError('malformed_masterlist', e.message);
    throw e;
  }
}

/** Country of a DER certificate that failed to load, for the per-country count (best effort). */
function countryOfRaw(der: Uint8Array): string {
  try {
    return cscaCountry(parseCertificate(der)) ?? '??';
  } catch {
    return '??';
  }
}

/**
 * Verify a master list and add its CSCAs to `store` (self-signed ones first, then link certificates,
 * until no more can be added). Records a MasterListInfo and returns it; a list that does not verify
 * adds nothing and records the error.
 */
export function addMasterList(
  store: TrustStore,
  bytes: Uint8Array,
  anchors: { signers: readonly Certificate[]; cscas: readonly TrustedCsca[] },
  origin: string,
): MasterListInfo | null {
  let v: VerifiedMasterList;
  try {
    // Anchors are what the operator put in DIR/csca and DIR/masterlist-signers, never CSCAs that
    // arrived in another master list.
    v = verifyMasterList(bytes, anchors, store.crypto, store.now);
  } catch (e) {
    if (e instanceof MasterListError) {
      store.errors.push({ code: e.code, detail: e.message, file: origin });
      return null;
    }
    throw e;
  }
  store.validityWatch.push(v.signer);
  const info: MasterListInfo = {
    origin,
    signer: nameToString(v.signer.subject),
    signerCountry: nameAttribute(v.signer.subject, 'C')?.toUpperCase() ?? null,
    entries: v.certificates.length,
    countries: {},
  };
  const bump = (c: string, k: 'added' | 'refused' | 'duplicate') =>
    ((info.countries[c] ??= { added: 0, refused: 0, duplicate: 0 })[k] += 1);
  let pending = v.certificates.map((der, i) => ({ der, i }));
  for (let progress = true; progress && pending.length;) {
    progress = false;
    const next: typeof pending = [];
    for (const p of pending) {
      const r = store.addCsca(p.der, `${origin}#${p.i}`, { quiet: true });
      if (r && 'duplicate' in r) bump(countryOfRaw(p.der), 'duplicate');
      else if (r) {
        bump(r.country, 'added');
        progress = true;
      } else next.push(p);
    }
    pending = next;
  }
  for (const p of pending) bump(countryOfRaw(p.der), 'refused');
  store.masterLists.push(info);
  return info;
}
