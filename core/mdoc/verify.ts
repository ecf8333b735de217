// DeviceResponse verification (ISO 18013-5 §9.3; docs/card-and-mdoc-facts.md "What the verifier
// checks"). The order follows Multipaz's MdocDocument.verify(): issuer signature and DS chain,
// docType, validity, device authentication, digests. Each stage (verify/*.ts) returns its checks and
// this file puts them in one list per document. EVERY check is reported: one that cannot run because
// an earlier structure is broken is reported as a failure that says so; a document is valid only when
// all its checks passed (fail closed), a response only when every document is.
//
// Speed: the response is decoded once; digests are taken over the #6.24 bytes as received
// (EmbeddedCbor.raw, no re-encoding); trusted roots were parsed once when the TrustStore was loaded;
// the crypto is injected (native in the host and the CLI).
//
// Privacy: `elements` holds only elements that were requested AND passed their digest check, and
// only for a document whose every check passed; everything else is dropped here, unseen. Elements
// that may carry the My Number (request/forbidden-elements.ts) are dropped whatever was requested,
// and their names are not repeated in details: only a count (`withheld`, warning my_number_withheld).
import { allPassed, type Check, type Warning } from '../check.ts';
import type { CborLimits } from '../cbor/decode.ts';
import type { CborValue } from '../cbor/model.ts';
import { CborError } from '../cbor/errors.ts';
import { CoseError } from '../cose/errors.ts';
import { KakuninCryptoError, type CryptoProvider } from '../crypto/provider.ts';
import { errorSummary } from '../errors.ts';
import type { TrustStore } from '../trust/trust-store.ts';
import { codeMessage, type MdocCheckCode } from './codes.ts';
import { parseDeviceResponse, rawDocType } from './device-response.ts';
import { MdocError } from './errors.ts';
import { parseSessionTranscript, type SessionTranscript } from './session-transcript.ts';
import { CheckList, fail, pass, type MdocCheck } from './verify/check-list.ts';
import { verifyDeviceAuth } from './verify/device-auth.ts';
import { readDocument, readIssuerSignedItems } from './verify/document.ts';
import { selectElements, type ElementRequest, type Elements } from './verify/element-selection.ts';
import { readIssuerAuth } from './verify/issuer-auth.ts';
import { docTypeChecks, verifyIssuerChain, type IssuerNames } from './verify/issuer-chain.ts';
import { msoValidity } from './verify/mso-validity.ts';
import { verifyValueDigests } from './verify/value-digests.ts';

export type { ElementRequest, Elements } from './verify/element-selection.ts';

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

export interface DocumentResult {
  docType: string;
  verdict: Verdict;
  elements: Elements;
  /** Every check, in reference order (codes are MdocCheckCode; typed as strings for callers). */
  checks: Check[];
  /** How the device authenticated, when the structure said. */
  deviceAuth?: 'signature' | 'mac';
  /** Who signed, for the audit log (certificate names, never holder data). */
  issuer?: IssuerNames;
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
const DOCUMENT_CHECKS: readonly MdocCheckCode[] = [
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
  'issuer_not_bound_to_doctype',
  'mso_not_yet_valid',
  'mso_expired',
  'device_key_invalid',
  'device_auth_failed',
  'unsupported_digest_algorithm',
  'namespace_unknown',
  'digest_id_unknown',
  'digest_mismatch',
];

/** Verify a DeviceResponse. Never throws: every failure is a check. */
export function verifyDeviceResponse(response: Uint8Array, opts: VerifyOptions): ResponseResult {
  const top = new CheckList();
  const documents: DocumentResult[] = [];
  const warnings: Warning[] = [];
  try {
    const transcript = readTranscript(opts.transcript);
    top.putAll(transcript.checks);
    const r = readResponse(response, opts.limits);
    top.putAll(r.checks);
    if (r.documentErrors)
      warnings.push({
        code: 'document_errors',
        detail: `the wallet could not return ${r.documentErrors} requested document(s)`,
      });
    r.documents.forEach((raw, i) => {
      const d = verifyDocument(raw, `documents[${i}]`, transcript.value, opts);
      documents.push(d);
      if (d.withheld)
        warnings.push({
          code: 'my_number_withheld',
          detail: `document ${i}: ${d.withheld} element(s) that may carry the My Number were dropped unread`,
        });
    });
  } catch (e) {
    // Defensive: a bug or an engine limit (e.g. stack) must still come out as a typed rejection.
    top.put(fail('internal_error', `verification aborted: ${errorSummary(e)}`.slice(0, 300)));
  }
  const checks = top.list;
  const errors: ErrorEntry[] = [];
  for (const c of checks) if (!c.ok) errors.push(errorEntry(c));
  for (let i = 0; i < documents.length; i++)
    for (const c of documents[i]!.checks) if (!c.ok) errors.push(errorEntry(c, i));
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

/** The SessionTranscript device authentication is checked against. */
function readTranscript(t: VerifyOptions['transcript']): { checks: MdocCheck[]; value?: SessionTranscript } {
  if (!t)
    return {
      checks: [fail('session_transcript_invalid', 'no SessionTranscript: device authentication cannot be checked')],
    };
  if (!(t instanceof Uint8Array)) return { checks: [pass('session_transcript_invalid')], value: t };
  try {
    return { checks: [pass('session_transcript_invalid')], value: parseSessionTranscript(t) };
  } catch (e) {
    if (!(e instanceof MdocError)) throw e;
    return { checks: [fail(e.code, e.message)] };
  }
}

/** The DeviceResponse envelope: structure, status, documents. */
function readResponse(
  response: Uint8Array,
  limits: VerifyOptions['limits'],
): { checks: MdocCheck[]; documents: CborValue[]; documentErrors?: number } {
  let parsed;
  try {
    parsed = parseDeviceResponse(response, limits);
  } catch (e) {
    if (!(e instanceof MdocError)) throw e;
    return { checks: [fail(e.code, e.message)], documents: [] };
  }
  return {
    checks: [
      pass('malformed_cbor'),
      parsed.status !== 0
        ? fail('response_status', `DeviceResponse.status is ${parsed.status}`)
        : pass('response_status'),
      parsed.documents.length === 0
        ? fail('no_documents', 'DeviceResponse holds no documents')
        : pass('no_documents', `${parsed.documents.length} document(s)`),
    ],
    documents: parsed.documents,
    ...(parsed.documentErrors.length ? { documentErrors: parsed.documentErrors.length } : {}),
  };
}

function verifyDocument(
  raw: CborValue,
  path: string,
  transcript: SessionTranscript | undefined,
  opts: VerifyOptions,
): DocumentResult {
  const c = new CheckList();
  const result: DocumentResult = { docType: rawDocType(raw), verdict: 'invalid', elements: {}, checks: [] };
  try {
    runStages(raw, path, transcript, opts, c, result);
  } catch (e) {
    if (e instanceof MdocError || e instanceof CoseError || e instanceof CborError) c.put(fail(e.code, e.message));
    else if (e instanceof KakuninCryptoError) c.put(fail('malformed_cbor', e.message));
    else c.put(fail('internal_error', `document check aborted: ${errorSummary(e)}`.slice(0, 300)));
    c.blocked('document check aborted');
  }
  result.checks = c.finish(DOCUMENT_CHECKS);
  result.verdict = allPassed(result.checks) ? 'valid' : 'invalid';
  if (result.verdict !== 'valid') result.elements = {};
  return result;
}

/** The stages in reference order; each returns its checks, and a stage that cannot run says why. */
function runStages(
  raw: CborValue,
  path: string,
  transcript: SessionTranscript | undefined,
  opts: VerifyOptions,
  c: CheckList,
  result: DocumentResult,
): void {
  const { crypto, now, trust } = opts;
  const read = readDocument(raw, path);
  c.putAll(read.checks);
  if (!read.doc) return c.blocked(read.blocked);
  const doc = read.doc;
  result.docType = doc.docType;
  result.deviceAuth = doc.deviceSigned.deviceAuth.kind;
  const { checks: itemChecks, items } = readIssuerSignedItems(doc, path);
  c.putAll(itemChecks);

  const auth = readIssuerAuth(doc);
  c.putAll(auth.checks);
  c.blocked(auth.blocked);

  const chain = auth.x5chain
    ? verifyIssuerChain({ ...auth, x5chain: auth.x5chain }, trust, now, crypto)
    : { checks: [], signed: false };
  c.putAll(chain.checks);
  if (chain.issuer) result.issuer = chain.issuer;
  if (!chain.signed) c.blocked('the issuer signature did not verify');

  const mso = auth.mso;
  if (!mso) return c.blocked('the MSO is missing or malformed');
  result.validity = {
    signed: mso.validityInfo.signed.toISOString(),
    validFrom: mso.validityInfo.validFrom.toISOString(),
    validUntil: mso.validityInfo.validUntil.toISOString(),
  };
  c.putAll(docTypeChecks(doc.docType, mso, chain.iaca, trust));
  c.putAll(msoValidity(mso.validityInfo, now, opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS));
  c.putAll(verifyDeviceAuth(doc, mso, transcript, crypto, opts.readerPrivateKey));

  const digests = verifyValueDigests(items, mso, crypto);
  c.putAll(digests.checks);
  if (!digests.verified) return c.blocked(digests.blocked);

  const selected = selectElements(digests.verified, doc.docType, opts.request);
  result.elements = selected.elements;
  if (selected.withheld) result.withheld = selected.withheld;
  if (selected.notReturned) result.notReturned = selected.notReturned;
}
