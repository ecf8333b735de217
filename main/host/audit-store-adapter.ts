// Binds engineer H5a's audit store (main/audit/audit-store.ts: hash-chained SQLite, WAL,
// synchronous FULL) to the host's AuditSink. The host's summary goes through H5a's
// buildAuditEntry (core/audit/audit-entry.ts), which keeps only codes, names and key ids.
import { buildAuditEntry, type AuditMode } from '../../core/audit/audit-entry.ts';
import type { AuditRow } from '../api/contract.ts';
import { open, type AuditStore } from '../audit/audit-store.ts';
import type { AuditEntry, AuditSink } from './audit-sink.ts';

export class AuditStoreSink implements AuditSink {
  readonly description: string;
  /** seq and hash of the last row written (the demo prints them). */
  lastAppend: { seq: number; hash: string } | null = null;
  constructor(readonly store: AuditStore) {
    this.description = `SQLite ${store.path}`;
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

  verify(): boolean {
    return this.store.verify().ok;
  }

  export(format: 'csv' | 'json'): string {
    return this.store.export(format);
  }

  prune(retentionDays: number, now: Date): void {
    this.store.setRetentionDays(retentionDays);
    this.store.prune(retentionDays, now);
  }

  close(): void {
    this.store.close();
  }
}

export async function openAuditSink(file: string): Promise<AuditSink> {
  return new AuditStoreSink(open(file));
}
