// The audit entry: one row per transaction, recording what happened and never who it happened to
// (docs/architecture.md "Audit": time, mode, outcome, check codes, credential type / docType, issuer
// key id, requested element names, intent-to-retain; never attribute values, photos, certificates or
// numbers). Privacy is by construction: there is no field that could hold a value. Every string
// field is an enum, an identifier from a narrow charset, or a fixed-length hex key id, and the
// rules below refuse anything shaped like personal data even there (digit runs such as a 12-digit
// My Number or a 19800217 birth date, long base64/hex blobs, non-ASCII text such as a name).
//
// The rules live here (pure TS) so the builder and the store share them; the zod schema that the
// store runs before every append is main/audit/audit-entry-schema.ts (core may not import zod:
// docs/architecture.md "Layers").
import { POLICY_NAMES } from '../policy/policy.ts';

export const AUDIT_ENTRY_VERSION = 1 as const;

/** The counter presets (docs/architecture.md "Audit"), accepted beside policy names. */
export const COUNTER_PRESETS = ['convenience-store', 'event-gate', 'counter-identity'] as const;
export const AUDIT_MODES = [...POLICY_NAMES, ...COUNTER_PRESETS] as const;
export type AuditMode = (typeof AUDIT_MODES)[number];

// 'unverified': every check that could run passed but staff must confirm (an issuer anchor not
// installed, facts only in a signed image); 'staff-confirmed' / 'staff-declined': the staff's answer
// to it, written as the next row of the same transaction.
export const AUDIT_OUTCOMES = [
  'valid',
  'invalid',
  'error',
  'cancelled',
  'unverified',
  'staff-confirmed',
  'staff-declined',
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const CREDENTIAL_TYPES = [
  'mdoc',
  'mynumber-card',
  'driving-licence',
  'residence-card',
  'special-permanent-resident-certificate',
  'passport',
] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** How the holder engaged: QR code or NFC handover (mdoc, ISO 18013-5 §8.2), or a card on the reader. */
export const ENGAGEMENTS = ['qr', 'nfc', 'card'] as const;
export type Engagement = (typeof ENGAGEMENTS)[number];

/** Data retrieval: PC/SC (card APDUs), NFC (§8.3.3.1.2), BLE in either role (§8.3.3.1.1). */
export const TRANSPORTS = ['pcsc', 'nfc', 'ble-central', 'ble-peripheral'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** Longest duration we record; longer ones are clamped. Keeps every number at <= 6 digits. */
export const MAX_DURATION_MS = 600_000;
export const MAX_LIST = 64;

// --- identifier rules -------------------------------------------------------------------------

/** ISO 8601 UTC with milliseconds, exactly Date.prototype.toISOString's shape. */
export const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Check and error codes: lower snake case, e.g. "mso_signature", "ef0003_digest". */
export const CODE_RE = /^[a-z][a-z0-9_]{0,63}$/;
/** docType (reverse DNS, e.g. "org.iso.18013.5.1.mDL") or card type/generation ("jp.mynumber-card.gen1"). */
export const DOCUMENT_RE = /^[a-z][a-z0-9]*(?:[._-][A-Za-z0-9]+){0,12}$/;
export const DOCUMENT_MAX = 64;
/** Element names, optionally namespaced: "org.iso.18013.5.1:age_over_20", "card:birth_date", "portrait". */
export const ELEMENT_RE = /^(?:[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+){0,8}:)?[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const ELEMENT_MAX = 128;
/**
 * The ISSUER's key: a DS certificate's SubjectKeyIdentifier (RFC 5280 §4.2.1.2 method 1: SHA-1,
 * 40 hex) or SHA-256 of the issuer public key / SPKI (64 hex), lowercase. Nothing else, so the
 * field cannot carry a holder number or a blob (see issuerKeyIdFromKey for the 64-hex form).
 */
export const ISSUER_KEY_ID_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The KIOSK's own reader authentication certificate (ISO 18013-5 §9.1.4), when a request was signed:
 * its SHA-256 fingerprint (64 hex) and its subject DN, which names the operator, never a holder. The
 * subject is kept only as printable ASCII without long digit runs (a DN in another script is stored
 * as "unrecognized"; the fingerprint still identifies the certificate).
 */
export const READER_SIGNER_RE = /^[\x20-\x7e]{1,200}$/;
export const READER_FINGERPRINT_RE = /^[0-9a-f]{64}$/;

export interface AuditReaderAuth {
  signer: string;
  fingerprint: string;
}

/**
 * Why a string shaped as an identifier might still be personal data. Returns a reason or null.
 * Applied to every free identifier (codes, document, element names), not to enums or key ids.
 */
export function personalDataShape(s: string): string | null {
  if (/[^\x20-\x7e]/.test(s)) return 'non-ASCII text (names and addresses are not identifiers)';
  // 6+ digits in a row: My Number (12), card numbers, birth dates (19800217), phone numbers.
  if (/\d{6,}/.test(s)) return 'a run of 6 or more digits';
  // Dates in the common separator styles (1980-02-17, 1980/2/17, 1980.02.17; era style S55.2.17).
  // Anchored on digit boundaries so a namespace such as "org.iso.18013.5.1" is not a date.
  if (/(?<![0-9])(?:1[89]|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}(?![0-9])/.test(s)) return 'a date';
  if (/(?<![A-Za-z0-9])[MTSHR]\d{1,2}[-/.]\d{1,2}[-/.]\d{1,2}(?![0-9])/.test(s)) return 'an era date';
  // Blobs (base64 or hex of photos, certificates, keys): judged on each unbroken run of
  // base64 characters. Real identifiers break words with "_", "." or ":" and are short.
  for (const run of s.match(/[A-Za-z0-9+/=]+/g) ?? []) {
    if (run.length > 20) return 'a long unbroken alphanumeric run (blob)';
    if (run.length >= 12 && /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run)) return 'a base64-like run';
    if (run.length >= 16 && /^[0-9a-fA-F]+$/.test(run) && /[0-9]/.test(run) && /[a-fA-F]/.test(run))
      return 'a hex-like run';
  }
  return null;
}

// --- the entry --------------------------------------------------------------------------------

export interface AuditDurations {
  /** Engagement to verdict. */
  totalMs: number;
  /** Reading (APDUs or the mdoc session), when measured. */
  readMs: number | null;
  /** Verification of what was read, when measured. */
  verifyMs: number | null;
}

export interface AuditEntry {
  v: typeof AUDIT_ENTRY_VERSION;
  time: string;
  mode: AuditMode;
  outcome: AuditOutcome;
  /** Why an 'invalid' / 'error' / 'cancelled' outcome happened, as a code; null for 'valid'. */
  errorCode: string | null;
  failedChecks: string[];
  passedChecks: string[];
  /** null when no credential was identified (e.g. cancelled before a tap). */
  credentialType: CredentialType | null;
  /** mdoc docType or the card's type/generation. */
  document: string | null;
  issuerKeyId: string | null;
  requestedElements: string[];
  intentToRetain: boolean;
  engagement: Engagement | null;
  transport: Transport | null;
  durations: AuditDurations;
  /** A simulated (training/demo) transaction. */
  training: boolean;
  /** The request was signed with the kiosk's reader certificate (null: unauthenticated request). */
  readerAuth: AuditReaderAuth | null;
}

/** The field names of AuditEntry, for the privacy test that no field can carry a value. */
export const AUDIT_ENTRY_FIELDS = [
  'v',
  'time',
  'mode',
  'outcome',
  'errorCode',
  'failedChecks',
  'passedChecks',
  'credentialType',
  'document',
  'issuerKeyId',
  'requestedElements',
  'intentToRetain',
  'engagement',
  'transport',
  'durations',
  'training',
  'readerAuth',
] as const satisfies readonly (keyof AuditEntry)[];

// --- building an entry from a transaction summary ----------------------------------------------

/** What the host knows after a transaction. Loose on purpose: the builder makes it safe. */
export interface TransactionSummary {
  time: Date;
  mode: string;
  outcome: AuditOutcome;
  errorCode?: string | null;
  checks: readonly { code: string; ok: boolean }[];
  credentialType?: string | null;
  docType?: string | null;
  /** Card type/generation when the credential is a card. */
  cardType?: string | null;
  issuerKeyId?: string | null;
  requested?: readonly string[];
  intentToRetain?: boolean;
  engagement?: Engagement | null;
  transport?: Transport | null;
  durations?: Partial<AuditDurations>;
  training?: boolean;
  readerAuth?: { signer: string; fingerprint: string } | null;
}

/** Replacement for an identifier that failed the rules: the row is still written, the value is not. */
export const REDACTED_CODE = 'redacted_code';
export const UNRECOGNIZED_DOCUMENT = 'unrecognized';

export class AuditEntryError extends Error {
  override readonly name = 'AuditEntryError';
}

function safeIdentifier(s: unknown, re: RegExp, max: number): string | null {
  if (typeof s !== 'string' || s.length > max || !re.test(s) || personalDataShape(s) !== null) return null;
  return s;
}

function clampMs(n: unknown): number | null {
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  return Math.min(MAX_DURATION_MS, Math.max(0, Math.round(n)));
}

function uniqSorted(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort().slice(0, MAX_LIST);
}

/**
 * Build a privacy-safe entry from what the host knows. Unsafe identifiers (a hostile phone's
 * docType, a malformed key id) are replaced, never copied: an audit row must be written for every
 * transaction (fail closed: no verdict without its audit entry), so the builder degrades the field
 * rather than refusing the row. Mode and outcome are not degraded: they come from our own code, and
 * a wrong one is a programming error.
 */
export function buildAuditEntry(t: TransactionSummary): AuditEntry {
  if (!(t.time instanceof Date) || Number.isNaN(t.time.getTime()))
    throw new AuditEntryError('time must be a valid Date');
  if (!(AUDIT_MODES as readonly string[]).includes(t.mode))
    throw new AuditEntryError(`unknown audit mode "${t.mode.slice(0, 40)}"`);
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(t.outcome)) throw new AuditEntryError('unknown outcome');
  const code = (c: string) => safeIdentifier(c, CODE_RE, 64) ?? REDACTED_CODE;
  const credentialType = (CREDENTIAL_TYPES as readonly string[]).includes(t.credentialType ?? '')
    ? (t.credentialType as CredentialType)
    : null;
  const docSource =
    credentialType !== null && credentialType !== 'mdoc' ? (t.cardType ?? t.docType) : (t.docType ?? t.cardType);
  const document =
    docSource == null ? null : (safeIdentifier(docSource, DOCUMENT_RE, DOCUMENT_MAX) ?? UNRECOGNIZED_DOCUMENT);
  const keyId = typeof t.issuerKeyId === 'string' ? t.issuerKeyId.toLowerCase() : null;
  return {
    v: AUDIT_ENTRY_VERSION,
    time: t.time.toISOString(),
    mode: t.mode as AuditMode,
    outcome: t.outcome,
    errorCode: t.errorCode == null ? null : code(t.errorCode),
    failedChecks: uniqSorted(t.checks.filter((c) => !c.ok).map((c) => code(c.code))),
    passedChecks: uniqSorted(t.checks.filter((c) => c.ok).map((c) => code(c.code))),
    credentialType,
    document,
    issuerKeyId: keyId !== null && ISSUER_KEY_ID_RE.test(keyId) && !/^\d+$/.test(keyId) ? keyId : null,
    // An element name that fails the rules is dropped (the request came from our policy; a
    // failing name would be a bug, and a name is never worth a value leak).
    requestedElements: uniqSorted(
      (t.requested ?? []).filter((e) => safeIdentifier(e, ELEMENT_RE, ELEMENT_MAX) !== null),
    ),
    intentToRetain: t.intentToRetain === true,
    engagement: t.engagement ?? null,
    transport: t.transport ?? null,
    durations: {
      totalMs: clampMs(t.durations?.totalMs) ?? 0,
      readMs: clampMs(t.durations?.readMs),
      verifyMs: clampMs(t.durations?.verifyMs),
    },
    training: t.training === true,
    readerAuth: readerAuthOf(t.readerAuth),
  };
}

function readerAuthOf(r: TransactionSummary['readerAuth']): AuditReaderAuth | null {
  if (!r || typeof r.fingerprint !== 'string') return null;
  const fingerprint = r.fingerprint.toLowerCase();
  if (!READER_FINGERPRINT_RE.test(fingerprint)) return null;
  const signer =
    typeof r.signer === 'string' && READER_SIGNER_RE.test(r.signer) && !/\d{6,}/.test(r.signer)
      ? r.signer
      : UNRECOGNIZED_DOCUMENT;
  return { signer, fingerprint };
}

/**
 * The 64-hex issuer key id: SHA-256 of the issuer's public key bytes (SPKI DER, or the card
 * signer's RSA modulus). The digest is passed in (CryptoProvider.digest) to keep core pure.
 */
export function issuerKeyIdFromKey(digest: (data: Uint8Array) => Uint8Array, keyBytes: Uint8Array): string {
  let s = '';
  for (const b of digest(keyBytes)) s += b.toString(16).padStart(2, '0');
  return s;
}
