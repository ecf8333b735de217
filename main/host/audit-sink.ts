// What the host hands the audit log after each transaction and on staff and system events, and the
// little it needs back for the staff screens. The real store is engineer H5a's main/audit/audit-store.ts (hash-chained SQLite);
// main/host/audit-store-adapter.ts binds it. The entry carries outcomes only: never attribute
// values, photos, certificates or numbers (docs/audit-log.md).
import { buildAuditEvent, type AuditEventFields, type AuditEventKind } from '../../core/audit/audit-event.ts';
import type { AuditRow } from '../api/contract.ts';

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
  recent(limit: number): Promise<AuditRow[]> | AuditRow[];
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
  close(): Promise<void> | void;
}

/** In-memory sink for unit tests of the orchestrator (it keeps the same privacy rule). */
export class MemoryAuditSink implements AuditSink {
  readonly description = 'memory (tests only)';
  readonly entries: AuditEntry[] = [];
  /** Events, validated like the store does (so a test sink keeps the same privacy rule). */
  readonly events: { kind: AuditEventKind; fields: Record<string, unknown> }[] = [];
  failNext = false;
  append(e: AuditEntry): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('simulated audit failure');
    }
    this.entries.push(structuredClone(e));
  }
  event<K extends AuditEventKind>(kind: K, fields: AuditEventFields<K>): void {
    const { v: _v, time: _t, event: _e, ...checked } = buildAuditEvent(kind, fields, new Date());
    this.events.push({ kind, fields: checked });
  }
  recent(limit: number): AuditRow[] {
    return this.entries.slice(-limit).reverse().map((e, i) => ({
      seq: this.entries.length - i,
      time: e.time.toISOString(),
      mode: e.mode,
      outcome: e.outcome,
      credential: e.docType ?? e.credentialType,
      checks: e.checks.map((c) => `${c.code}:${c.ok ? 'ok' : 'fail'}`).join(' '),
    }));
  }
  verify(): null {
    return null;
  }
  export(format: 'csv' | 'json'): string {
    if (format === 'json') return JSON.stringify(this.entries, null, 2);
    return ['time,mode,outcome', ...this.entries.map((e) => `${e.time.toISOString()},${e.mode},${e.outcome}`)].join('\n');
  }
  close(): void {}
}
