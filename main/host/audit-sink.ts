// What the host hands the audit log after each transaction and on staff and system events, and the
// little it needs back for the staff screens. The real store is main/audit/audit-store.ts
// (hash-chained SQLite); main/host/audit-store-adapter.ts binds it. The entry carries outcomes only:
// never attribute values, photos, certificates or numbers (docs/audit-log.md).
import { buildAuditEvent, type AuditEventFields, type AuditEventKind } from '../../core/audit/audit-event.ts';
import { buildAuditEntry, type AuditEntry as StoredEntry, type AuditMode } from '../../core/audit/audit-entry.ts';
import { summaryEntryOf, type SummaryEntry } from '../../core/audit/summary.ts';
import type { ExportRow } from '../audit/export.ts';

export interface AuditEntry {
  time: Date;
  mode: string;
  reader: 'card' | 'mdoc';
  outcome: 'valid' | 'invalid' | 'error' | 'unverified' | 'staff-confirmed' | 'staff-declined';
  /** Check codes with pass/fail, e.g. "mso_signature:ok". */
  checks: { code: string; ok: boolean }[];
  errorCode?: string;
  credentialType: string;
  docType?: string;
  issuerKeyId?: string;
  /** Element / file names asked for (names only). */
  requested: string[];
  intentToRetain: false;
  /** Simulated transaction (training/demo mode). */
  training: boolean;
  engagement?: 'qr' | 'nfc' | 'card';
  transport?: 'pcsc' | 'nfc' | 'ble-central' | 'ble-peripheral';
  /** Detected credential to outcome. */
  totalMs?: number;
  /** The kiosk signed its request (ISO 18013-5 §9.1.4) with this reader certificate. */
  readerAuth?: { signer: string; fingerprint: string };
}

export interface AuditSink {
  readonly description: string;
  append(e: AuditEntry): Promise<void> | void;
  /** A staff or system event (core/audit/audit-event.ts: adding a kind is one line there). */
  event<K extends AuditEventKind>(kind: K, fields: AuditEventFields<K>): Promise<void> | void;
  /** null when the store cannot tell. */
  verify(): Promise<boolean | null> | boolean | null;
  export(format: 'csv' | 'json'): Promise<string> | string;
  /** Throws when the cut is refused (the refusal is logged as an event first). */
  prune?(retentionDays: number, now: Date): Promise<void> | void;
  /** Called every minute: sign the head and end the key's epoch when the epoch has run its time. */
  seal?(now: Date): Promise<void> | void;
  /** The host saw the clock jump: retention cuts are refused until restart. */
  noteClockJump?(): void;
  /** The newest time the log holds (the start-up clock check); null when empty or unknown. */
  newestTime?(): string | null;
  /** The chain (and, with the kiosk key, its signed layer) with the first broken row; null when the store cannot tell. */
  verifyReport(): { ok: boolean; firstBroken: { seq: number; reason: string } | null } | null;
  /** Entries with time in [from, to) (ISO), oldest first, reduced for summaries and filters. */
  scan(from?: string, to?: string): Iterable<{ seq: number; entry: SummaryEntry }>;
  /** Whole entries by seq, schema-checked (a tampered row comes back with entry null). */
  rowsAt(seqs: readonly number[]): ExportRow[];
  /** Where the log is (staff screens), the newest checkpoint and the head (null when none). */
  readonly location: { kind: 'sqlite' | 'memory'; path: string | null };
  latestCheckpoint(): { seq: number; hash: string; createdAt: string } | null;
  head(): { seq: number; hash: string } | null;
  close(): Promise<void> | void;
}

/** The host's entry as the audit store keeps it (the same builder, so the same privacy rule). */
export function storedEntry(e: AuditEntry): StoredEntry {
  return buildAuditEntry({
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
}

/** In-memory sink for unit tests of the orchestrator (it keeps the same privacy rule). */
export class MemoryAuditSink implements AuditSink {
  readonly description = 'memory (tests only)';
  readonly location = { kind: 'memory' as const, path: null };
  readonly entries: AuditEntry[] = [];
  private readonly stored: StoredEntry[] = [];
  /** Events, validated like the store does (so a test sink keeps the same privacy rule). */
  readonly events: { kind: AuditEventKind; fields: Record<string, unknown> }[] = [];
  failNext = false;
  append(e: AuditEntry): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('simulated audit failure');
    }
    this.stored.push(storedEntry(e));
    this.entries.push(structuredClone(e));
  }
  *scan(from = '', to = '\uffff'): Generator<{ seq: number; entry: SummaryEntry }> {
    for (let i = 0; i < this.stored.length; i++) {
      const e = summaryEntryOf(this.stored[i]);
      if (e && e.time >= from && e.time < to) yield { seq: i + 1, entry: e };
    }
  }
  rowsAt(seqs: readonly number[]): ExportRow[] {
    return seqs
      .filter((s) => s >= 1 && s <= this.stored.length)
      .map((s) => ({ seq: s, hash: '', entry: this.stored[s - 1]! }));
  }
  latestCheckpoint(): null {
    return null;
  }
  head(): { seq: number; hash: string } | null {
    return this.stored.length ? { seq: this.stored.length, hash: '' } : null;
  }
  verifyReport(): null {
    return null;
  }
  event<K extends AuditEventKind>(kind: K, fields: AuditEventFields<K>): void {
    const { v: _v, time: _t, event: _e, ...checked } = buildAuditEvent(kind, fields, new Date());
    this.events.push({ kind, fields: checked });
  }
  verify(): null {
    return null;
  }
  export(format: 'csv' | 'json'): string {
    if (format === 'json') return JSON.stringify(this.entries, null, 2);
    return ['time,mode,outcome', ...this.entries.map((e) => `${e.time.toISOString()},${e.mode},${e.outcome}`)].join(
      '\n',
    );
  }
  close(): void {}
}
