// DeviceResponse verification (ISO 18013-5 §9.3; spec file "What the verifier must check").
// Reference order, after Multipaz's MdocDocument.verify(): issuer signature + DS chain, docType,
// validity, device authentication, digests. EVERY check runs and is reported (a check that cannot
// run because an earlier structure is broken is reported as a failure that says so); a document is
// valid only when all its checks passed (fail closed), a response only when every document is.
//
// Speed (issue 2 "design for speed"): the response is decoded once; digests are taken over the
// #6.24 bytes as received (EmbeddedCbor.raw, no re-encoding); trusted roots were parsed once when the
// TrustStore was loaded; the crypto is injected (native in the host and the CLI).
//
// Privacy: `elements` holds only elements that were requested AND passed their digest check, and
// only for a document whose every check passed; everything else is dropped here, unseen. Elements
// that may carry the My Number (request/forbidden-elements.ts) are dropped whatever was requested,
// and their names are not repeated in details: only a count (`withheld`, warning my_number_withheld).
import { allPassed, type Check, type Warning } from '../check.ts';
import type { CborLimits } from '../cbor/decode.ts';
import type { CborValue } from '../cbor/model.ts';
import { CoseError } from '../cose/errors.ts';
import { parseCoseKey, type VerificationKey } from '../cose/key.ts';
import { assertAlgMatchesKey, parseCoseSign1, sign1Algorithm, sign1X5Chain, verifySign1, type CoseSign1 } from '../cose/sign1.ts';
import type { SignatureAlgorithm } from '../cose/algorithms.ts';
import { KakuninCryptoError, type CryptoProvider } from '../crypto/provider.ts';
import type { TrustedRoot, TrustStore } from '../trust/trust-store.ts';
import { checkDocTypeBinding, ISSUER_NOT_BOUND } from '../trust/doctype-binding.ts';
import { verifyDsChain } from '../x509/chain.ts';
import { CborError } from '../cbor/errors.ts';
import { isForbiddenElement, withoutForbidden } from './request/forbidden-elements.ts';
import { codeMessage } from './codes.ts';
import { DEVICE_AUTH_FAILED, verifyDeviceAuthentication } from './device-authentication.ts';
import { parseDeviceResponse, parseDocument, rawDocType, type Document } from './device-response.ts';
import { MdocError } from './errors.ts';
import { parseIssuerSignedItem, type IssuerSignedItem } from './issuer-signed-item.ts';
import { DIGEST_ALGORITHMS, parseMobileSecurityObject, type MobileSecurityObject } from './mobile-security-object.ts';
import { parseSessionTranscript, type SessionTranscript } from './session-transcript.ts';

/** What the reader asked for: docType -> namespace -> element identifiers. */
export type ElementRequest = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface VerifyOptions {
  crypto: CryptoProvider;
  trust: TrustStore;
  /** The verification clock (the kiosk's clock, or the CLI's --at). */
  now: Date;
  /** SessionTranscriptBytes (raw file bytes, see session-transcript.ts) or an already parsed transcript. */
  transcript?: SessionTranscript | Uint8Array;
  /** Reader ephemeral private key, big-endian scalar: needed for deviceMac. */
  readerPrivateKey?: Uint8Array;
  /** When absent every disclosed element counts as requested. */
  request?: ElementRequest;
  /** Allowance for the MSO validity window (default 5 minutes): kiosk clocks drift. */
  clockSkewMs?: number;
  limits?: Partial<CborLimits>;
}

export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

export type Verdict = 'valid' | 'invalid';
export type Elements = Record<string, Record<string, CborValue>>;

export interface DocumentResult {
  docType: string;
  verdict: Verdict;
  elements: Elements;
  checks: Check[];
  /** How the device authenticated, when the structure said. */
  deviceAuth?: 'signature' | 'mac';
  /** Who signed, for the audit log (certificate names, never holder data). */
  issuer?: { dsSubject: string; iacaSubject?: string; iacaFingerprint?: string };
  validity?: { signed: string; validFrom: string; validUntil: string };
  /** Requested elements that are not in `elements` (absent, or dropped). Only with a request. */
  notReturned?: Record<string, string[]>;
  /** How many verified elements were dropped because they may carry the My Number. */
  withheld?: number;
}

export interface ErrorEntry {
  code: string;
  message: string;
  message_ja: string;
  detail?: string;
  /** Index into documents[], when the error belongs to one. */
  document?: number;
}

export interface ResponseResult {
  verdict: Verdict;
  documents: DocumentResult[];
  /** Response-level checks (structure, status, transcript). */
  checks: Check[];
  /** Every failed check, response-level and per document, with human messages. */
  errors: ErrorEntry[];
  warnings: Warning[];
}

/** The per-document checks that must be reported, in reference order (chain checks come from core/x509). */
const DOCUMENT_CHECKS = [
  'malformed_cbor',
  'malformed_cose',
  'x5chain_missing',
  'alg_not_in_protected_header',
  'alg_unsupported',
  'mso_malformed',
  'untrusted_chain',
  'alg_key_mismatch',
  'issuer_signature_invalid',
  'doc_type_mismatch',
  ISSUER_NOT_BOUND,
  'mso_not_yet_valid',
  'mso_expired',
  'device_key_invalid',
  DEVICE_AUTH_FAILED,
  'unsupported_digest_algorithm',
  'namespace_unknown',
  'digest_id_unknown',
  'digest_mismatch',
] as const;

/** Collects checks; each code once (first report wins), missing ones become "not evaluated" failures. */
class CheckList {
  readonly list: Check[] = [];
  private readonly seen = new Set<string>();
  private reasons: string[] = [];
  put(c: Check): void {
    if (this.seen.has(c.code)) {
      // A later failure of an already-passed code must not be lost (fail closed).
      if (!c.ok) {
        const i = this.list.findIndex((x) => x.code === c.code);
        if (this.list[i]!.ok) this.list[i] = c;
      }
      return;
    }
    this.seen.add(c.code);
    this.list.push(c);
  }
  pass(code: string, detail?: string): void {
    this.put(detail ? { code, ok: true, detail } : { code, ok: true });
  }
  fail(code: string, detail: string): void {
    this.put({ code, ok: false, detail });
  }
  /** Remember why later checks could not run. */
  blocked(reason: string): void {
    this.reasons.push(reason);
  }
  finish(expected: readonly string[]): Check[] {
    const why = this.reasons.length ? `not evaluated: ${this.reasons[0]}` : 'not evaluated';
    for (const code of expected) if (!this.seen.has(code)) this.fail(code, why);
    return this.list;
  }
}

/** Verify a DeviceResponse. Never throws: every failure is a check. */
export function verifyDeviceResponse(response: Uint8Array, opts: VerifyOptions): ResponseResult {
  const top = new CheckList();
  const documents: DocumentResult[] = [];
  const warnings: Warning[] = [];
  try {
    verifyInto(response, opts, top, documents, warnings);
  } catch (e) {
    // Defensive: a bug or an engine limit (e.g. stack) must still come out as a typed rejection.
    top.fail('internal_error', `verification aborted: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 300));
  }
  const checks = top.list;
  const errors: ErrorEntry[] = [];
  for (const c of checks) if (!c.ok) errors.push(errorEntry(c));
  for (let i = 0; i < documents.length; i++) for (const c of documents[i]!.checks) if (!c.ok) errors.push(errorEntry(c, i));
  let valid = documents.length > 0 && errors.length === 0;
  for (const d of documents) if (d.verdict !== 'valid') valid = false;
  return { verdict: valid ? 'valid' : 'invalid', documents, checks, errors, warnings };
}

function errorEntry(c: Check, document?: number): ErrorEntry {
  const m = codeMessage(c.code);
  const e: ErrorEntry = { code: c.code, message: m.en, message_ja: m.ja };
  if (c.detail) e.detail = c.detail;
  if (document !== undefined) e.document = document;
  return e;
}

function verifyInto(response: Uint8Array, opts: VerifyOptions, top: CheckList, documents: DocumentResult[], warnings: Warning[]): void {
  let transcript: SessionTranscript | undefined;
  if (opts.transcript instanceof Uint8Array) {
    try {
      transcript = parseSessionTranscript(opts.transcript);
      top.pass('session_transcript_invalid');
    } catch (e) {
      if (!(e instanceof MdocError)) throw e;
      top.fail(e.code, e.message);
    }
  } else if (opts.transcript) {
    transcript = opts.transcript;
    top.pass('session_transcript_invalid');
  } else {
    top.fail('session_transcript_invalid', 'no SessionTranscript: device authentication cannot be checked');
  }

  let parsed;
  try {
    parsed = parseDeviceResponse(response, opts.limits);
  } catch (e) {
    if (!(e instanceof MdocError)) throw e;
    top.fail(e.code, e.message);
    return;
  }
  top.pass('malformed_cbor');
  if (parsed.status !== 0) top.fail('response_status', `DeviceResponse.status is ${parsed.status}`);
  else top.pass('response_status');
  if (parsed.documents.length === 0) top.fail('no_documents', 'DeviceResponse holds no documents');
  else top.pass('no_documents', `${parsed.documents.length} document(s)`);
  if (parsed.documentErrors.length) {
    warnings.push({ code: 'document_errors', detail: `the wallet could not return ${parsed.documentErrors.length} requested document(s)` });
  }
  for (let i = 0; i < parsed.documents.length; i++) {
    const d = verifyDocument(parsed.documents[i]!, `documents[${i}]`, transcript, opts);
    documents.push(d);
    if (d.withheld) warnings.push({ code: 'my_number_withheld', detail: `document ${i}: ${d.withheld} element(s) that may carry the My Number were dropped unread` });
  }
}

function verifyDocument(raw: CborValue, path: string, transcript: SessionTranscript | undefined, opts: VerifyOptions): DocumentResult {
  const c = new CheckList();
  const result: DocumentResult = { docType: rawDocType(raw), verdict: 'invalid', elements: {}, checks: [] };
  try {
    verifyDocumentInto(raw, path, transcript, opts, c, result);
  } catch (e) {
    if (e instanceof MdocError || e instanceof CoseError || e instanceof CborError || e instanceof KakuninCryptoError) {
      c.fail((e as { code?: string }).code ?? 'malformed_cbor', e.message);
    } else {
      c.fail('internal_error', `document check aborted: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 300));
    }
    c.blocked('document check aborted');
  }
  result.checks = c.finish(DOCUMENT_CHECKS);
  result.verdict = allPassed(result.checks) ? 'valid' : 'invalid';
  if (result.verdict !== 'valid') result.elements = {};
  return result;
}

function verifyDocumentInto(raw: CborValue, path: string, transcript: SessionTranscript | undefined, opts: VerifyOptions, c: CheckList, result: DocumentResult): void {
  const { crypto, now } = opts;
  // ---- structure (item 1)
  let doc: Document;
  try {
    doc = parseDocument(raw, path);
  } catch (e) {
    if (!(e instanceof MdocError)) throw e;
    c.fail(e.code, e.message);
    c.blocked('the Document structure is malformed');
    return;
  }
  result.docType = doc.docType;
  result.deviceAuth = doc.deviceSigned.deviceAuth.kind;

  // Items: parse each (an unreadable item is a structural failure of the document).
  const items: { ns: string; item: IssuerSignedItem }[] = [];
  let itemFailure: MdocError | undefined;
  for (const [ns, list] of doc.issuerSigned.nameSpaces) {
    for (let j = 0; j < list.length; j++) {
      try {
        items.push({ ns, item: parseIssuerSignedItem(list[j]!, path, ns, j) });
      } catch (e) {
        if (!(e instanceof MdocError)) throw e;
        itemFailure ??= e;
      }
    }
  }
  if (itemFailure) {
    c.fail(itemFailure.code, itemFailure.message);
    c.fail('malformed_cbor', itemFailure.message);
  } else {
    c.pass('malformed_cbor');
  }

  // ---- issuerAuth (item 2)
  let sign1: CoseSign1 | undefined;
  try {
    sign1 = parseCoseSign1(doc.issuerSigned.issuerAuth, 'issuerAuth');
    c.pass('malformed_cose');
  } catch (e) {
    if (!(e instanceof CoseError)) throw e;
    c.fail(e.code === 'malformed_cose' ? 'malformed_cose' : e.code, e.message);
    c.blocked('issuerAuth is not a COSE_Sign1');
  }
  let x5chain: Uint8Array[] | undefined;
  let alg: SignatureAlgorithm | undefined;
  let mso: MobileSecurityObject | undefined;
  if (sign1) {
    try {
      x5chain = sign1X5Chain(sign1, 'issuerAuth');
      c.pass('x5chain_missing', `${x5chain.length} certificate(s)`);
    } catch (e) {
      if (!(e instanceof CoseError)) throw e;
      c.fail(e.code, e.message);
      if (e.code !== 'x5chain_missing') c.fail('x5chain_missing', 'x5chain is unusable');
    }
    try {
      alg = sign1Algorithm(sign1, 'issuerAuth');
      c.pass('alg_not_in_protected_header', alg.name);
      c.pass('alg_unsupported', alg.name);
    } catch (e) {
      if (!(e instanceof CoseError)) throw e;
      c.fail(e.code, e.message);
    }
    if (sign1.payload === null) {
      c.fail('mso_malformed', 'issuerAuth payload is detached: the MSO is missing');
    } else {
      try {
        mso = parseMobileSecurityObject(sign1.payload);
        c.pass('mso_malformed');
      } catch (e) {
        if (!(e instanceof MdocError)) throw e;
        c.fail(e.code, e.message);
        if (e.code !== 'mso_malformed') c.fail('mso_malformed', e.message);
      }
    }
  }

  // ---- DS chain (item 3) and issuer signature
  let issuerSigned = false;
  let chainIaca: TrustedRoot | undefined;
  if (x5chain) {
    const chain = verifyDsChain(x5chain, opts.trust, mso ? { at: now, signedAt: mso.validityInfo.signed, crypto } : { at: now, crypto });
    for (const ch of chain.checks) c.put(ch);
    if (chain.ds) {
      result.issuer = { dsSubject: chain.dsSubject! };
      if (chain.iaca) {
        result.issuer.iacaSubject = chain.iacaSubject!;
        result.issuer.iacaFingerprint = chain.iaca.fingerprint;
        chainIaca = chain.iaca;
      }
      if (sign1 && alg) {
        const key = chain.ds.publicKey as VerificationKey;
        try {
          assertAlgMatchesKey(alg, key, 'issuerAuth');
          c.pass('alg_key_mismatch', `${alg.name} with a ${key.kind === 'ec' ? key.curve : key.kind} DS key`);
          if (sign1.payload === null) {
            c.fail('issuer_signature_invalid', 'issuerAuth has no payload');
          } else if (verifySign1(sign1, key, crypto, { what: 'issuerAuth' })) {
            issuerSigned = true;
            c.pass('issuer_signature_invalid', 'MSO signature verified with the DS key');
          } else {
            c.fail('issuer_signature_invalid', 'the MSO signature does not verify with the DS certificate key');
          }
        } catch (e) {
          if (!(e instanceof CoseError)) throw e;
          c.fail(e.code, e.message);
        }
      }
    }
  }
  if (!issuerSigned) c.blocked('the issuer signature did not verify');

  if (!mso) {
    c.blocked('the MSO is missing or malformed');
    return;
  }
  result.validity = {
    signed: mso.validityInfo.signed.toISOString(),
    validFrom: mso.validityInfo.validFrom.toISOString(),
    validUntil: mso.validityInfo.validUntil.toISOString(),
  };

  // ---- docType (item 4), and whether the IACA may issue it (docs/trust.md "docType binding")
  if (mso.docType === doc.docType) c.pass('doc_type_mismatch', doc.docType);
  else c.fail('doc_type_mismatch', `Document says ${JSON.stringify(doc.docType)}, the signed MSO says ${JSON.stringify(mso.docType)}`);
  c.put(checkDocTypeBinding(mso.docType, chainIaca, opts.trust.docTypeBindings));

  // ---- validity (item 4), with clock-skew allowance
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const t = now.getTime();
  if (Number.isNaN(t)) {
    c.fail('mso_not_yet_valid', 'verification time is not a valid date');
    c.fail('mso_expired', 'verification time is not a valid date');
  } else {
    const vf = mso.validityInfo.validFrom.getTime();
    const vu = mso.validityInfo.validUntil.getTime();
    if (t + skew < vf) c.fail('mso_not_yet_valid', `valid from ${result.validity.validFrom}, now is ${now.toISOString()}`);
    else c.pass('mso_not_yet_valid', `valid from ${result.validity.validFrom}`);
    if (t - skew > vu) c.fail('mso_expired', `valid until ${result.validity.validUntil}, now is ${now.toISOString()}`);
    else c.pass('mso_expired', `valid until ${result.validity.validUntil}`);
  }

  // ---- device authentication (item 6)
  let deviceKey: VerificationKey | undefined;
  try {
    deviceKey = parseCoseKey(mso.deviceKey, crypto);
    c.pass('device_key_invalid', deviceKey.kind === 'ec' ? deviceKey.curve : deviceKey.kind);
  } catch (e) {
    if (!(e instanceof CoseError)) throw e;
    c.fail('device_key_invalid', e.message);
  }
  if (!deviceKey) {
    c.fail(DEVICE_AUTH_FAILED, 'not evaluated: the MSO device key is invalid');
  } else if (!transcript) {
    c.fail(DEVICE_AUTH_FAILED, 'not evaluated: no valid SessionTranscript');
  } else {
    const input = {
      deviceAuth: doc.deviceSigned.deviceAuth,
      deviceKey,
      transcript,
      docType: doc.docType,
      deviceNameSpaces: doc.deviceSigned.nameSpaces,
      crypto,
      ...(opts.readerPrivateKey ? { readerPrivateKey: opts.readerPrivateKey } : {}),
    };
    for (const ch of verifyDeviceAuthentication(input)) c.put(ch);
  }

  // ---- digests (item 5)
  const hash = DIGEST_ALGORITHMS[mso.digestAlgorithm];
  if (!hash) {
    c.fail('unsupported_digest_algorithm', `digestAlgorithm ${JSON.stringify(mso.digestAlgorithm.slice(0, 32))} is not SHA-256/384/512`);
    c.blocked('unsupported digest algorithm');
    return;
  }
  c.pass('unsupported_digest_algorithm', mso.digestAlgorithm);
  const verified: { ns: string; item: IssuerSignedItem }[] = [];
  const unknownNs: string[] = [];
  const unknownId: string[] = [];
  const mismatch: string[] = [];
  for (const it of items) {
    const digests = mso.valueDigests.get(it.ns);
    if (!digests) {
      if (!unknownNs.includes(it.ns)) unknownNs.push(it.ns);
      continue;
    }
    const expected = digests.get(it.item.digestID);
    if (!expected) {
      unknownId.push(`${it.ns}/${shownName(it.item.elementIdentifier)} (digestID ${it.item.digestID})`);
      continue;
    }
    if (bytesEqual(crypto.digest(hash, it.item.bytes.raw), expected)) verified.push(it);
    else mismatch.push(`${it.ns}/${shownName(it.item.elementIdentifier)} (digestID ${it.item.digestID})`);
  }
  if (unknownNs.length) c.fail('namespace_unknown', `not in the MSO: ${list(unknownNs)}`);
  else c.pass('namespace_unknown');
  if (unknownId.length) c.fail('digest_id_unknown', `no MSO digest for ${list(unknownId)}`);
  else c.pass('digest_id_unknown');
  if (mismatch.length) c.fail('digest_mismatch', `digest differs for ${list(mismatch)}`);
  else c.pass('digest_mismatch', `${verified.length} element(s) match their signed digests`);

  // ---- what may be shown (item 7): requested AND digest-verified (and, in verifyDocument, only when valid)
  const req = opts.request ? opts.request[doc.docType] ?? {} : undefined;
  const elements: Elements = {};
  let withheld = 0;
  for (const { ns, item } of verified) {
    if (isForbiddenElement(item.elementIdentifier)) {
      withheld++;
      continue;
    }
    if (req && !(req[ns] ?? []).includes(item.elementIdentifier)) continue;
    if (!hasOwn(elements, ns)) setOwn(elements, ns, {});
    const bucket = elements[ns]!;
    if (!hasOwn(bucket, item.elementIdentifier)) setOwn(bucket, item.elementIdentifier, withoutForbidden(item.elementValue));
  }
  result.elements = elements;
  if (withheld) result.withheld = withheld;
  if (req) {
    const missing: Record<string, string[]> = {};
    for (const [ns, names] of Object.entries(req)) {
      for (const n of names) {
        if (isForbiddenElement(n)) continue; // never returned, by rule: counted in `withheld`, not named
        if (!hasOwn(elements, ns) || !hasOwn(elements[ns]!, n)) {
          if (!hasOwn(missing, ns)) setOwn(missing, ns, []);
          missing[ns]!.push(n);
        }
      }
    }
    result.notReturned = missing;
  }
}

/** An element name for a check detail: a name that may carry the My Number is not repeated. */
function shownName(name: string): string {
  return isForbiddenElement(name) ? '(withheld: may carry the My Number)' : name;
}

function list(xs: string[]): string {
  return xs.length > 5 ? `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more` : xs.join(', ');
}

// Names come from the wire: "__proto__" must become an ordinary own property, never a prototype.
function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}
function setOwn(o: object, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else (o as Record<string, unknown>)[k] = v;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
