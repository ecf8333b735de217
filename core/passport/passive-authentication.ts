// Passive authentication (ICAO Doc 9303-11 §5.1.1; the certificate profile of Doc 9303-12): the SOD's
// signature with the Document Signer key, the DS certificate under a trusted CSCA of the issuing
// state, the hashes of every data group read, and the country codes agreeing. Each step is a Check
// (core/check.ts). Without any CSCA for the issuing state the chain cannot be judged: no chain check
// runs, `cscaMissing` says why, and the reader turns that into `unverified` (staff confirm).
import type { CryptoProvider } from '../crypto/provider.ts';
import type { TrustedCsca } from '../trust/csca.ts';
import {
  bytesEqual,
  findExtension,
  nameAttribute,
  nameToString,
  parseCertificate,
  type Certificate,
} from '../x509/certificate.ts';
import { DerError, DerReader, ctx } from '../x509/der.ts';
import { verifyCertificateSignature, verifySignedBytes } from '../x509/signature.ts';
import type { SignerInfo } from '../x509/cms-signed-data.ts';
import { alpha2ForMrzCode, displayMrzCode } from './country-codes.ts';
import { failCheck, passCheck, type PassportCheck } from './codes.ts';
import type { Sod } from './sod.ts';
import { errorText } from '../errors.ts';

/** The data groups the kiosk reads, each with its hash check (`passport.dg<n>_hash`). */
export type HashedDataGroup = 1 | 2 | 14 | 15;

export interface PassiveAuthInput {
  sod: Sod;
  /** Data group number -> the whole file as read (tag, length, value). */
  dataGroups: ReadonlyMap<HashedDataGroup, Uint8Array>;
  /** DG1's issuing state, as in the MRZ ("JPN", "D<<"). */
  issuingState: string;
  cscas: readonly TrustedCsca[];
  crypto: CryptoProvider;
  at: Date;
}

export interface PassiveAuthResult {
  checks: PassportCheck[];
  ds?: Certificate;
  csca?: TrustedCsca;
  /** Data groups whose hash matched the SOD. */
  verified: Set<number>;
  /** Set when no CSCA of the issuing state is trusted (and the DS chains to none): why the chain was not judged. */
  cscaMissing?: string;
}

const OID_PRIVATE_KEY_USAGE_PERIOD = '2.5.29.16';

/** PrivateKeyUsagePeriod (RFC 3280 §4.2.1.4): SEQUENCE { notBefore [0] GeneralizedTime OPTIONAL, notAfter [1] ... }. */
export function privateKeyUsagePeriod(cert: Certificate): { notBefore?: Date; notAfter?: Date } | null {
  const ext = findExtension(cert, OID_PRIVATE_KEY_USAGE_PERIOD);
  if (!ext) return null;
  const r = new DerReader(ext.value, 'malformed_certificate', 'PrivateKeyUsagePeriod');
  const s = r.sequence('PrivateKeyUsagePeriod');
  r.end();
  const out: { notBefore?: Date; notAfter?: Date } = {};
  const time = (tag: number) => {
    const n = s.optional(tag);
    if (!n) return undefined;
    const t = String.fromCharCode(...n.value);
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(t);
    if (!m) return s.fail(`PrivateKeyUsagePeriod time ${t}`);
    return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  };
  const nb = time(ctx(0));
  const na = time(ctx(1));
  s.end();
  if (nb) out.notBefore = nb;
  if (na) out.notAfter = na;
  return out;
}

function signerMatches(si: SignerInfo, cert: Certificate): boolean {
  if (si.sid.kind === 'ski')
    return cert.subjectKeyIdentifier !== undefined && bytesEqual(cert.subjectKeyIdentifier, si.sid.ski);
  const serial = (b: Uint8Array) => (b.length > 1 && b[0] === 0 ? b.subarray(1) : b);
  return bytesEqual(cert.issuer.der, si.sid.issuer) && bytesEqual(serial(cert.serial), serial(si.sid.serial));
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

export function passiveAuthentication(o: PassiveAuthInput): PassiveAuthResult {
  const sd = o.sod.signedData;
  const si = sd.signerInfos[0]!;
  // DG hashes first: they need no certificate (§5.1.1 step 5).
  const { checks, verified } = dataGroupHashes(o);
  const digest = sodMessageDigest(o, si);
  checks.push(digest.check);
  const found = documentSigner(sd.certificates, si);
  if ('failed' in found) {
    checks.push(found.failed);
    return { checks, verified };
  }
  const ds = found.ds;
  checks.push(sodSignature(o, si, ds, digest.ok), dsValidity(ds, si, o.at));
  const chain = chainToCsca(o, ds);
  checks.push(...chain.checks);
  const agreement = countryConsistency(ds, chain);
  if (agreement) checks.push(agreement);
  const result: PassiveAuthResult = { checks, ds, verified };
  if (chain.csca) result.csca = chain.csca;
  if (chain.cscaMissing) result.cscaMissing = chain.cscaMissing;
  return result;
}

/** Each data group read against its hash in the LDS Security Object. */
function dataGroupHashes(o: PassiveAuthInput): { checks: PassportCheck[]; verified: Set<number> } {
  const checks: PassportCheck[] = [];
  const verified = new Set<number>();
  const lso = o.sod.lso;
  for (const [dg, bytes] of [...o.dataGroups].sort((a, b) => a[0] - b[0])) {
    const code = `passport.dg${dg}_hash` as const;
    const want = lso.hashes.get(dg);
    if (!want) checks.push(failCheck(code, `DG${dg} was read but the SOD lists no hash for it`));
    else if (!bytesEqual(o.crypto.digest(lso.hashAlgorithm, bytes), want))
      checks.push(failCheck(code, `${lso.hashAlgorithm} of DG${dg} differs from the SOD: the data group was altered`));
    else {
      checks.push(passCheck(code, lso.hashAlgorithm));
      verified.add(dg);
    }
  }
  return { checks, verified };
}

/** The SOD's own integrity: contentType and messageDigest signed attributes (RFC 5652 §5.4). */
function sodMessageDigest(o: PassiveAuthInput, si: SignerInfo): { check: PassportCheck; ok: boolean } {
  const sd = o.sod.signedData;
  const ok =
    si.messageDigest !== undefined &&
    si.contentType === sd.eContentType &&
    bytesEqual(o.crypto.digest(si.digestAlgorithm, sd.eContent), si.messageDigest);
  const check = ok
    ? passCheck('passport.sod_message_digest', si.digestAlgorithm)
    : failCheck(
        'passport.sod_message_digest',
        si.messageDigest
          ? 'messageDigest (or contentType) does not match the LDS Security Object'
          : 'the SOD has no signed messageDigest attribute',
      );
  return { check, ok };
}

/** The Document Signer certificate the SignerInfo names (§5.1.1 step 1: carried in the SOD). */
function documentSigner(
  certificates: readonly Uint8Array[],
  si: SignerInfo,
): { ds: Certificate } | { failed: PassportCheck } {
  for (const der of certificates) {
    try {
      const c = parseCertificate(der);
      if (signerMatches(si, c)) return { ds: c };
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
      return { failed: failCheck('passport.ds_chain', `DS certificate: ${e.message}`) };
    }
  }
  return { failed: failCheck('passport.sod_signature', 'the SOD carries no certificate matching its SignerInfo') };
}

/** The SignerInfo's signature by the DS key; it counts only when the signed attributes cover the LSO. */
function sodSignature(o: PassiveAuthInput, si: SignerInfo, ds: Certificate, digestOk: boolean): PassportCheck {
  const sig = verifySignedBytes(
    si.signedAttrsForSignature,
    si.signatureAlgorithm,
    si.signature,
    ds.publicKey,
    o.crypto,
    'icao',
  );
  return sig.ok && digestOk
    ? passCheck('passport.sod_signature', si.signatureAlgorithm.name)
    : failCheck(
        'passport.sod_signature',
        sig.ok ? 'not checked: the signed attributes do not cover the LDS Security Object' : sig.reason,
      );
}

/** The DS at the time of the check, and its private key in use when the SOD was signed (best
 *  practice 3; signingTime, when the SOD has it, stands for the issue date). */
function dsValidity(ds: Certificate, si: SignerInfo, at: Date): PassportCheck {
  const dsProblems: string[] = [];
  if (at < ds.notBefore || at > ds.notAfter)
    dsProblems.push(`the DS certificate is valid ${iso(ds.notBefore)} .. ${iso(ds.notAfter)}, not at ${iso(at)}`);
  if (ds.keyUsage && !ds.keyUsage.has('digitalSignature'))
    dsProblems.push('the DS certificate key usage lacks digitalSignature');
  let pkup: ReturnType<typeof privateKeyUsagePeriod> = null;
  try {
    pkup = privateKeyUsagePeriod(ds);
  } catch (e) {
    dsProblems.push(`PrivateKeyUsagePeriod: ${errorText(e)}`);
  }
  const signedAt = si.signingTime;
  if (signedAt) {
    if (signedAt < ds.notBefore || signedAt > ds.notAfter)
      dsProblems.push(`the SOD was signed at ${iso(signedAt)}, outside the DS certificate's validity`);
    if (pkup?.notAfter && signedAt > pkup.notAfter)
      dsProblems.push(
        `the SOD was signed at ${iso(signedAt)}, after the DS private key usage period ended (${iso(pkup.notAfter)})`,
      );
    if (pkup?.notBefore && signedAt < pkup.notBefore)
      dsProblems.push(
        `the SOD was signed at ${iso(signedAt)}, before the DS private key usage period began (${iso(pkup.notBefore)})`,
      );
  }
  return dsProblems.length
    ? failCheck('passport.ds_validity', dsProblems.join('; '))
    : passCheck(
        'passport.ds_validity',
        `valid ${iso(ds.notBefore)} .. ${iso(ds.notAfter)}${signedAt ? `; signed ${iso(signedAt)}` : '; the SOD states no signing time'}`,
      );
}

interface ChainOutcome {
  checks: PassportCheck[];
  csca?: TrustedCsca;
  cscaMissing?: string;
  /** DG1's issuing state as ISO 3166 alpha-2 (null when it has none) and as shown to staff. */
  country: string | null;
  shown: string;
  /** Trusted CSCAs of the issuing state. */
  ofCountry: readonly TrustedCsca[];
}

/** DS -> CSCA (Doc 9303-12 §5): issuer name equal to a trusted CSCA's subject, signature by its key.
 *  No CSCA of the issuing state at all: no chain check, and cscaMissing says why. */
function chainToCsca(o: PassiveAuthInput, ds: Certificate): ChainOutcome {
  const checks: PassportCheck[] = [];
  const country = alpha2ForMrzCode(o.issuingState);
  const shown = displayMrzCode(o.issuingState);
  const named = o.cscas.filter((c) => bytesEqual(c.cert.subject.der, ds.issuer.der));
  const aki = ds.authorityKeyIdentifier;
  const ordered = aki
    ? [...named.filter((c) => c.cert.subjectKeyIdentifier && bytesEqual(c.cert.subjectKeyIdentifier, aki)), ...named]
    : named;
  let csca: TrustedCsca | undefined;
  let sigWhy: string | undefined;
  for (const c of ordered) {
    const r = verifyCertificateSignature(ds, c.cert.publicKey, o.crypto, 'icao');
    if (r.ok) {
      csca = c;
      break;
    }
    sigWhy ??= r.reason;
  }
  const ofCountry = country ? o.cscas.filter((c) => c.country === country) : [];
  const out: ChainOutcome = { checks, country, shown, ofCountry };
  if (!csca && ofCountry.length === 0) {
    out.cscaMissing = country
      ? `no CSCA of ${shown} (${country}) is installed: the Document Signer cannot be traced to the issuing state`
      : `issuing state ${shown} has no country code a CSCA could carry`;
  } else {
    checks.push(passCheck('passport.csca_known', `${ofCountry.length} CSCA(s) of ${country ?? shown}`));
    checks.push(
      csca
        ? passCheck(
            'passport.ds_chain',
            `DS "${nameToString(ds.subject)}" signed by CSCA "${csca.subjectText}" (${csca.fingerprint.slice(0, 16)}…)`,
          )
        : failCheck(
            'passport.ds_chain',
            named.length
              ? `the DS names a trusted CSCA but its signature does not verify: ${sigWhy ?? 'signature'}`
              : `the DS issuer "${nameToString(ds.issuer)}" is not a trusted CSCA`,
          ),
    );
  }
  if (csca) {
    out.csca = csca;
    checks.push(
      o.at < csca.cert.notBefore || o.at > csca.cert.notAfter
        ? failCheck(
            'passport.csca_validity',
            `the CSCA is valid ${iso(csca.cert.notBefore)} .. ${iso(csca.cert.notAfter)}, not at ${iso(o.at)}`,
          )
        : passCheck('passport.csca_validity'),
    );
  }
  return out;
}

/** Country codes: DG1 issuing state, DS subject C, CSCA subject C (best practice 2). Judged when a
 *  CSCA of the state is trusted; without one only a plain disagreement between DG1 and the DS fails. */
function countryConsistency(ds: Certificate, chain: ChainOutcome): PassportCheck | null {
  const { csca, country, shown, ofCountry } = chain;
  const dsC = nameAttribute(ds.subject, 'C')?.toUpperCase();
  const parts = [`DG1 ${shown}${country ? ` (${country})` : ''}`, `DS ${dsC ?? '(none)'}`];
  if (csca) parts.push(`CSCA ${csca.country}`);
  const agree = country !== null && dsC === country && (!csca || csca.country === country);
  if (csca || ofCountry.length)
    return agree
      ? passCheck('passport.country_consistency', parts.join(', '))
      : failCheck('passport.country_consistency', `issuing state differs: ${parts.join(', ')}`);
  if (dsC !== undefined && country !== null && dsC !== country)
    return failCheck('passport.country_consistency', `issuing state differs: ${parts.join(', ')}`);
  return null;
}
