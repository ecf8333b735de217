// The audit entries of a transaction, built from its state and outcome: pure functions, so what the
// log gets is decided in one place and can be checked without a kiosk. Outcomes, check codes and
// names only: never an attribute value, a photo or a certificate (docs/audit-log.md).
import type { AuditEntry } from './audit-sink.ts';
import type { ReadOutcome } from './reader.ts';
import type { Transaction } from './transaction.ts';

export interface EntryContext {
  /** When the entry is written (the host's clock). */
  time: Date;
  /** Simulated readers (training mode). */
  training: boolean;
}

/** The entry of a finished read, written before its verdict is shown. */
export function outcomeEntry(tx: Transaction, outcome: ReadOutcome, at: EntryContext): AuditEntry {
  const c = outcome.credential;
  const entry: AuditEntry = {
    time: at.time,
    mode: tx.policy.name,
    reader: tx.reader.kind,
    outcome: outcome.verdict,
    checks: outcome.checks.map((x) => ({ code: x.code, ok: x.ok })),
    credentialType: c.type,
    requested: outcome.requested,
    intentToRetain: false,
    training: at.training,
  };
  if (outcome.error) entry.errorCode = outcome.error.code;
  if (c.docType) entry.docType = c.docType;
  if (c.issuerKeyId) entry.issuerKeyId = c.issuerKeyId;
  if (c.engagement) entry.engagement = c.engagement;
  if (c.transport) entry.transport = c.transport;
  if (c.readerAuth) entry.readerAuth = { signer: c.readerAuth.subject, fingerprint: c.readerAuth.fingerprint };
  entry.totalMs = at.time.getTime() - tx.startedAt;
  return entry;
}

/** Staff's answer to an 'unverified' verdict: the transaction's next row. */
export function staffAnswerEntry(tx: Transaction, confirmed: boolean, at: EntryContext): AuditEntry {
  const entry: AuditEntry = {
    time: at.time,
    mode: tx.policy.name,
    reader: tx.reader.kind,
    outcome: confirmed ? 'staff-confirmed' : 'staff-declined',
    checks: [],
    credentialType: tx.outcome?.credential.type ?? 'unknown',
    requested: [],
    intentToRetain: false,
    training: at.training,
  };
  if (tx.outcome?.credential.docType) entry.docType = tx.outcome.credential.docType;
  return entry;
}
