// Binds the audit store (main/audit/audit-store.ts: hash-chained SQLite, WAL, synchronous FULL,
// checkpoints signed with the kiosk's sealing key) to the host's AuditSink. The host's summary goes
// through buildAuditEntry (core/audit/audit-entry.ts), which keeps only codes, names and key ids.
import { buildAuditEntry, type AuditMode } from '../../core/audit/audit-entry.ts';
import type { AuditEventFields, AuditEventKind } from '../../core/audit/audit-event.ts';
import type { AuditRow } from '../api/contract.ts';
import { open, type AuditStore } from '../audit/audit-store.ts';
import { SealingKey, type AuditSealer } from '../audit/sealing-key.ts';
import type { AuditEntry, AuditSink } from './audit-sink.ts';

export class AuditStoreSink implements AuditSink {
  readonly description: string;
  /** seq and hash of the last row written (the demo prints them). */
  lastAppend: { seq: number; hash: string } | null = null;
  /** `sealer`: the key the store signs with, closed with the sink (null: an unsealed store). */
  constructor(readonly store: AuditStore, readonly sealer: AuditSealer | null = null) {
    this.description = `SQLite ${store.path}${sealer ? ` (sealed by kiosk ${sealer.kioskId})` : ''}`;
  }

  append(e: AuditEntry): void {
    const entry = buildAuditEntry({
      time: e.time,
      mode: e.mode as AuditMode,
      outcome: e.outcome,
      errorCode: e.errorCode ?? null,
      checks: e.checks,
      credentialType: e.credentialType === 'unknown' ? null : e.credentialType,
      docType: e.docType ?? null,
      issuerKeyId: e.issuerKeyId ?? null,
      requested: e.requested,
      intentToRetain: e.intentToRetain,
      engagement: e.engagement ?? null,
      transport: e.transport ?? null,
      durations: { totalMs: e.totalMs ?? 0 },
      training: e.training,
      readerAuth: e.readerAuth ?? null,
    });
    this.lastAppend = this.store.append(entry);
  }

  event<K extends AuditEventKind>(kind: K, fields: AuditEventFields<K>): void {
    this.store.event(kind, fields);
  }

  recent(limit: number): AuditRow[] {
    return this.store.recent(limit).map((r) => ({
      seq: r.seq,
      time: r.entry?.time ?? '(unreadable)',
      mode: r.entry?.mode ?? '',
      outcome: r.entry ? `${r.entry.outcome}${r.entry.training ? ' (training)' : ''}` : 'UNREADABLE ROW',
      credential: r.entry ? (r.entry.document ?? r.entry.credentialType ?? '') : '',
      checks: r.entry ? [r.entry.errorCode, ...r.entry.failedChecks.map((c) => `${c}:fail`)].filter(Boolean).join(' ') || `${r.entry.passedChecks.length} checks ok` : '',
    }));
  }

  /** With the kiosk's key the signed layer is checked too (the staff screen's "chain OK"). */
  verify(): boolean {
    return this.store.verify([], this.sealer ? { publicKey: this.sealer.publicKey } : {}).ok;
  }

  export(format: 'csv' | 'json'): string {
    return this.store.export(format);
  }

  prune(retentionDays: number, now: Date): void {
    this.store.prune(retentionDays, now);
    this.store.setRetentionDays(retentionDays);
  }

  seal(now: Date): void {
    this.store.sealIfDue(now);
  }

  noteClockJump(): void {
    this.store.noteClockJump();
  }

  newestTime(): string | null {
    return this.store.newestTime();
  }

  close(): void {
    try {
      this.store.close();
    } finally {
      this.sealer?.close();
    }
  }
}

/**
 * The audit store at `file`, sealed with the sealing key of the kiosk whose home is `home`
 * ($KAKUNIN_HOME/audit-key, made on first use). Without `home` the store is unsealed (tests).
 */
export async function openAuditSink(file: string, home?: string): Promise<AuditSink> {
  const sealer = home ? SealingKey.open(home) : null;
  try {
    return new AuditStoreSink(open(file, sealer ? { sealer } : {}), sealer);
  } catch (e) {
    sealer?.close();
    throw e;
  }
}
