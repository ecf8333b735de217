// Binds the audit store (main/audit/audit-store.ts: hash-chained SQLite, WAL, synchronous FULL,
// checkpoints signed with the kiosk's sealing key) to the host's AuditSink. The host's summary goes
// through buildAuditEntry (core/audit/audit-entry.ts), which keeps only codes, names and key ids.
import type { SummaryEntry } from '../../core/audit/summary.ts';
import type { AuditEventFields, AuditEventKind } from '../../core/audit/audit-event.ts';
import { open, type AuditStore } from '../audit/audit-store.ts';
import { SealingKey, type AuditSealer } from '../audit/sealing-key.ts';
import type { ExportRow } from '../audit/export.ts';
import { storedEntry, type AuditEntry, type AuditSink } from './audit-sink.ts';

export class AuditStoreSink implements AuditSink {
  readonly description: string;
  /** seq and hash of the last row written (the demo prints them). */
  lastAppend: { seq: number; hash: string } | null = null;
  /** `sealer`: the key the store signs with, closed with the sink (null: an unsealed store). */
  readonly location: { kind: 'sqlite'; path: string };
  constructor(
    readonly store: AuditStore,
    readonly sealer: AuditSealer | null = null,
  ) {
    this.location = { kind: 'sqlite', path: store.path };
    this.description = `SQLite ${store.path}${sealer ? ` (sealed by kiosk ${sealer.kioskId})` : ''}`;
  }

  append(e: AuditEntry): void {
    this.lastAppend = this.store.append(storedEntry(e));
  }

  event<K extends AuditEventKind>(kind: K, fields: AuditEventFields<K>): void {
    this.store.event(kind, fields);
  }

  /** With the kiosk's key the signed layer is checked too (the staff screen's "chain OK"). */
  verify(): boolean {
    return this.store.verify([], this.sealer ? { publicKey: this.sealer.publicKey } : {}).ok;
  }

  verifyReport(): { ok: boolean; firstBroken: { seq: number; reason: string } | null } {
    const r = this.store.verify([], this.sealer ? { publicKey: this.sealer.publicKey } : {});
    return { ok: r.ok, firstBroken: r.firstBroken ? { seq: r.firstBroken.seq, reason: r.firstBroken.reason } : null };
  }

  scan(from?: string, to?: string): Iterable<{ seq: number; entry: SummaryEntry }> {
    return this.store.scanEntries(from, to);
  }

  rowsAt(seqs: readonly number[]): ExportRow[] {
    return this.store.rowsAt(seqs);
  }

  latestCheckpoint(): { seq: number; hash: string; createdAt: string } | null {
    return this.store.latestCheckpoint();
  }

  head(): { seq: number; hash: string } | null {
    return this.store.head();
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
