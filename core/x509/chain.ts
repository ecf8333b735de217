// DS -> IACA chain verification (ISO/IEC 18013-5 §9.3.3 and Annex B; docs/card-and-mdoc-facts.md
// "Annex B profile we enforce").
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
import type { X509Check, X509CheckCode } from './codes.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import type { TrustStore, TrustedRoot } from '../trust/trust-store.ts';
import { MAX_CERTIFICATE_BYTES, nameToString, parseCertificate, type Certificate } from './certificate.ts';
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

export interface ChainResult<C extends string = string> {
  checks: Check<C>[];
  /** The parsed DS certificate (its key verifies the MSO), when it parsed. */
  ds?: Certificate;
  /** The trusted IACA the DS chains to, when one was found and its signature verified. */
  iaca?: TrustedRoot;
  /** nameToString(ds.subject) and nameToString(iaca.cert.subject), for reports (computed once; set
   *  whenever `ds`, respectively `iaca`, is). */
  dsSubject?: string;
  iacaSubject?: string;
}

/** Certificates in x5chain are a few hundred bytes to 2 KiB; more than a handful is hostile. */
const MAX_X5CHAIN = 8;

/** The chain's checks with their typed codes (core/mdoc keeps them typed). */
export function checkDsChain(
  x5chain: readonly Uint8Array[],
  trust: TrustStore,
  opts: ChainOptions,
): ChainResult<X509CheckCode> {
  if (x5chain.length === 0) return { checks: [fail(UNTRUSTED_CHAIN, 'x5chain holds no certificate')] };
  if (x5chain.length > MAX_X5CHAIN)
    return { checks: [fail(UNTRUSTED_CHAIN, `x5chain holds ${x5chain.length} certificates (limit ${MAX_X5CHAIN})`)] };

  const e = dsEntry(x5chain[0]!, trust, opts.crypto);
  if (!e.ok)
    return {
      checks: [
        fail(MALFORMED_CERTIFICATE, `DS certificate: ${e.message}`),
        fail(UNTRUSTED_CHAIN, 'DS certificate could not be parsed'),
      ],
    };
  const ds = e.entry;
  const issuer = issuerOf(ds, trust, opts.crypto);
  const iaca = issuer.iaca;

  // The cached checks, then the time-dependent ones computed here, always in this order.
  const checks: X509Check[] = [PASS_MALFORMED_CERTIFICATE];
  append(checks, issuer.chainChecks);
  append(checks, ds.staticChecks);
  const validity: { ds: Certificate; at: Date; signedAt?: Date } = { ds: ds.cert, at: opts.at };
  if (opts.signedAt) validity.signedAt = opts.signedAt;
  append(checks, checkDsValidity(validity));
  checks.push(ds.unknownCritical);
  if (iaca) {
    append(checks, issuer.country);
    append(checks, iaca.profileChecks);
    append(checks, checkIacaValidity({ iaca: iaca.cert, at: opts.at }));
  } else {
    append(checks, NO_IACA);
  }
  const result: ChainResult<X509CheckCode> = { checks, ds: ds.cert, dsSubject: ds.subject };
  if (iaca) {
    result.iaca = iaca;
    result.iacaSubject = issuer.iacaSubject!;
  }
  return result;
}

/** The same, with the codes as plain strings (for callers that compare them with strings). */
export const verifyDsChain: (x5chain: readonly Uint8Array[], trust: TrustStore, opts: ChainOptions) => ChainResult =
  checkDsChain;

// ---- what depends only on the DS certificate's bytes and the trust store, computed once ----------
//
// Why a cache: a kiosk sees the same few Document Signers over and over (one DS signs thousands of
// MSOs), and parsing the DS, evaluating its Annex B profile and proving it under an IACA is most of
// the non-crypto work of a verification. Why it is safe: everything kept here is a pure function of
//  - the DS certificate's DER (the key is the DER itself, one char a byte, so two certificates share
//    an entry only when their bytes are equal; the certificate is parsed from a private copy, so a
//    caller reusing its buffer cannot change a cached certificate), and
//  - the trusted IACAs (the issuer part is recomputed whenever trust.iacaGeneration changes), and
//  - the crypto backend (part of the key).
// What depends on the clock (DS validity at `at` and at the MSO's `signed`, IACA validity at `at`)
// is NOT cached: it is evaluated on every call, above. The cache lives with the TrustStore (a new
// store starts empty) and is bounded, so hostile input cannot grow it.

interface IssuerPart {
  generation: number;
  iaca?: TrustedRoot;
  iacaSubject?: string;
  /** untrusted_chain and chain_signature_invalid. */
  chainChecks: readonly X509Check[];
  /** country_mismatch, when an IACA was found. */
  country: readonly X509Check[];
}

interface DsPart {
  cert: Certificate;
  subject: string;
  /** ds_key_usage_invalid, ds_eku_invalid. */
  staticChecks: readonly X509Check[];
  unknownCritical: X509Check;
  issuer?: IssuerPart;
}

const DS_ENTRIES_PER_STORE = 64;
const dsEntries = new WeakMap<TrustStore, Map<string, DsPart>>();

// Check objects kept here are shared by every result that reports them, like TrustedRoot.profileChecks:
// results are read, never edited (CheckList replaces a check, it does not modify one).
const PASS_MALFORMED_CERTIFICATE: X509Check = pass(MALFORMED_CERTIFICATE);
const NO_IACA_WHY = 'not evaluated: no trusted IACA';
const NO_IACA: readonly X509Check[] = [
  fail(COUNTRY_MISMATCH, NO_IACA_WHY),
  fail(IACA_PROFILE_INVALID, NO_IACA_WHY),
  fail(IACA_NOT_YET_VALID, NO_IACA_WHY),
  fail(IACA_EXPIRED, NO_IACA_WHY),
];

function dsEntry(
  der: Uint8Array,
  trust: TrustStore,
  crypto: CryptoProvider,
): { ok: true; entry: DsPart } | { ok: false; message: string } {
  let cache = dsEntries.get(trust);
  let key: string | undefined;
  // Oversized input is refused by parseCertificate; it is not worth a key. The key is the bytes, not a
  // digest of them: building the string costs less than a SHA-256 (native or pure), and an exact key
  // needs no argument about collisions. Bounded: at most 64 entries of at most 16 KiB each.
  if (der.length <= MAX_CERTIFICATE_BYTES) {
    key = crypto.name + ':' + bytesKey(der);
    const hit = cache?.get(key);
    if (hit) return { ok: true, entry: hit };
  }
  let cert: Certificate;
  try {
    cert = parseCertificate(der.slice());
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    return { ok: false, message: e.message };
  }
  const entry: DsPart = {
    cert,
    subject: nameToString(cert.subject),
    staticChecks: [...checkDsKeyUsage({ ds: cert }), ...checkDsExtendedKeyUsage({ ds: cert })],
    unknownCritical: checkUnknownCriticalExtensions(cert, 'DS')[0]!,
  };
  if (key !== undefined) {
    if (!cache) dsEntries.set(trust, (cache = new Map()));
    if (cache.size >= DS_ENTRIES_PER_STORE) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
  }
  return { ok: true, entry };
}

/** The trusted IACA that issued the DS (RFC 5280 §6.1.3: name match, then the signature decides). */
function issuerOf(ds: DsPart, trust: TrustStore, crypto: CryptoProvider): IssuerPart {
  const generation = trust.iacaGeneration;
  if (ds.issuer && ds.issuer.generation === generation) return ds.issuer;
  const cert = ds.cert;
  const candidates = trust.findIacaIssuers(cert);
  let iaca: TrustedRoot | undefined;
  let sigFailure: string | undefined;
  for (const cand of candidates) {
    const r = dsIssuedBy(cert, cand.cert, crypto);
    if (r.ok) {
      iaca = cand;
      break;
    }
    sigFailure ??= r.reason;
  }
  let issuer: IssuerPart;
  if (iaca) {
    const iacaSubject = iaca.subjectText ?? nameToString(iaca.cert.subject);
    issuer = {
      generation,
      iaca,
      iacaSubject,
      chainChecks: [
        pass(UNTRUSTED_CHAIN, `DS chains to trusted IACA "${iacaSubject}" (${iaca.fingerprint.slice(0, 16)}…)`),
        signedByIaca(cert.signatureAlgorithm.name),
      ],
      country: checkDsCountryMatchesIaca({ ds: cert, iaca: iaca.cert }),
    };
  } else if (candidates.length) {
    issuer = {
      generation,
      chainChecks: [
        fail(
          UNTRUSTED_CHAIN,
          `DS names trusted issuer "${nameToString(cert.issuer)}" but no trusted IACA key verifies its signature`,
        ),
        fail(CHAIN_SIGNATURE_INVALID, sigFailure ?? 'signature does not verify'),
      ],
      country: [],
    };
  } else {
    issuer = {
      generation,
      chainChecks: [
        fail(UNTRUSTED_CHAIN, `no trusted IACA with subject "${nameToString(cert.issuer)}"`),
        fail(CHAIN_SIGNATURE_INVALID, NO_IACA_WHY),
      ],
      country: [],
    };
  }
  ds.issuer = issuer;
  return issuer;
}

// chain_signature_invalid passed: the detail names the algorithm only, so one Check per algorithm
// (at most the seven of certificate.ts) serves every result.
const SIGNED_BY_IACA = new Map<string, X509Check>();
function signedByIaca(alg: string): X509Check {
  let c = SIGNED_BY_IACA.get(alg);
  if (!c) SIGNED_BY_IACA.set(alg, (c = pass(CHAIN_SIGNATURE_INVALID, `DS signed by the IACA (${alg})`)));
  return c;
}

/** push(...from) without the spread (this runs on every verification). */
function append(to: X509Check[], from: readonly X509Check[]): void {
  for (let i = 0; i < from.length; i++) to.push(from[i]!);
}

/** Bytes as a string, one char a byte (a Map key; cheaper than hex), in slices that stay far below apply's argument limit. */
function bytesKey(b: Uint8Array): string {
  if (b.length <= KEY_SLICE) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = '';
  for (let i = 0; i < b.length; i += KEY_SLICE)
    s += String.fromCharCode.apply(null, b.subarray(i, i + KEY_SLICE) as unknown as number[]);
  return s;
}
const KEY_SLICE = 4096;
