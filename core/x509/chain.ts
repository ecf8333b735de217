// DS -> IACA chain verification (ISO/IEC 18013-5 §9.3.3 and Annex B; spec item 3).
//
// Annex B fixes the chain at two certificates: the Document Signer in x5chain[0], and the IACA root
// from the kiosk's own trust store. So there is no path building: the issuer is looked up among the
// trusted IACAs by subject name (+ AKI/SKI hint) and proven by signature. Any further certificates in
// x5chain (some issuers append their IACA) are never used: a root that arrives inside the message is
// attacker-controlled and would prove nothing.
//
// Fail closed: every check is reported; when no trusted IACA is found the IACA-dependent checks are
// still listed, as failures that say they could not be evaluated.

import type { Check } from '../check.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import type { TrustStore, TrustedRoot } from '../trust/trust-store.ts';
import { nameToString, parseCertificate, type Certificate } from './certificate.ts';
import { DerError } from './der.ts';
import { fail, pass } from './rules/context.ts';
import { checkDsCountryMatchesIaca, COUNTRY_MISMATCH } from './rules/ds-country-matches-iaca.ts';
import { checkDsExtendedKeyUsage } from './rules/ds-extended-key-usage.ts';
import { checkDsKeyUsage } from './rules/ds-key-usage.ts';
import { checkDsValidity } from './rules/ds-validity.ts';
import { IACA_PROFILE_INVALID } from './rules/iaca-basic-constraints.ts';
import { checkIacaValidity, IACA_EXPIRED, IACA_NOT_YET_VALID } from './rules/iaca-validity.ts';
import { CHAIN_SIGNATURE_INVALID, dsIssuedBy } from './rules/issuer-signature.ts';
import { checkUnknownCriticalExtensions } from './rules/unknown-critical-extension.ts';

export const UNTRUSTED_CHAIN = 'untrusted_chain';
export const MALFORMED_CERTIFICATE = 'malformed_certificate';

export interface ChainOptions {
  at: Date;
  /** MSO validityInfo.signed: the DS must have been valid then too. */
  signedAt?: Date;
  crypto: CryptoProvider;
}

export interface ChainResult {
  checks: Check[];
  /** The parsed DS certificate (its key verifies the MSO), when it parsed. */
  ds?: Certificate;
  /** The trusted IACA the DS chains to, when one was found and its signature verified. */
  iaca?: TrustedRoot;
}

/** Certificates in x5chain are a few hundred bytes to 2 KiB; more than a handful is hostile. */
const MAX_X5CHAIN = 8;

export function verifyDsChain(x5chain: readonly Uint8Array[], trust: TrustStore, opts: ChainOptions): ChainResult {
  if (x5chain.length === 0) return { checks: [fail(UNTRUSTED_CHAIN, 'x5chain holds no certificate')] };
  if (x5chain.length > MAX_X5CHAIN) return { checks: [fail(UNTRUSTED_CHAIN, `x5chain holds ${x5chain.length} certificates (limit ${MAX_X5CHAIN})`)] };

  let ds: Certificate;
  try {
    ds = parseCertificate(x5chain[0]!);
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    return { checks: [fail(MALFORMED_CERTIFICATE, `DS certificate: ${e.message}`), fail(UNTRUSTED_CHAIN, 'DS certificate could not be parsed')] };
  }

  const checks: Check[] = [pass(MALFORMED_CERTIFICATE)];
  const candidates = trust.findIacaIssuers(ds);
  let iaca: TrustedRoot | undefined;
  let sigFailure: string | undefined;
  for (const cand of candidates) {
    const r = dsIssuedBy(ds, cand.cert, opts.crypto);
    if (r.ok) {
      iaca = cand;
      break;
    }
    sigFailure ??= r.reason;
  }

  if (iaca) {
    checks.push(pass(UNTRUSTED_CHAIN, `DS chains to trusted IACA "${nameToString(iaca.cert.subject)}" (${iaca.fingerprint.slice(0, 16)}…)`));
    checks.push(pass(CHAIN_SIGNATURE_INVALID, `DS signed by the IACA (${ds.signatureAlgorithm.name})`));
  } else if (candidates.length) {
    checks.push(fail(UNTRUSTED_CHAIN, `DS names trusted issuer "${nameToString(ds.issuer)}" but no trusted IACA key verifies its signature`));
    checks.push(fail(CHAIN_SIGNATURE_INVALID, sigFailure ?? 'signature does not verify'));
  } else {
    checks.push(fail(UNTRUSTED_CHAIN, `no trusted IACA with subject "${nameToString(ds.issuer)}"`));
    checks.push(fail(CHAIN_SIGNATURE_INVALID, 'not evaluated: no trusted IACA'));
  }

  // DS profile (Annex B): evaluated whatever the chain outcome, so every failure is reported.
  checks.push(...checkDsKeyUsage({ ds }));
  checks.push(...checkDsExtendedKeyUsage({ ds }));
  const validity: { ds: Certificate; at: Date; signedAt?: Date } = { ds, at: opts.at };
  if (opts.signedAt) validity.signedAt = opts.signedAt;
  checks.push(...checkDsValidity(validity));
  checks.push(...checkUnknownCriticalExtensions(ds, 'DS'));

  if (iaca) {
    checks.push(...checkDsCountryMatchesIaca({ ds, iaca: iaca.cert }));
    checks.push(...iaca.profileChecks);
    checks.push(...checkIacaValidity({ iaca: iaca.cert, at: opts.at }));
  } else {
    const why = 'not evaluated: no trusted IACA';
    checks.push(fail(COUNTRY_MISMATCH, why), fail(IACA_PROFILE_INVALID, why), fail(IACA_NOT_YET_VALID, why), fail(IACA_EXPIRED, why));
  }
  const result: ChainResult = { checks, ds };
  if (iaca) result.iaca = iaca;
  return result;
}
