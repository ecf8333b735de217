// The audit log on disk: better-sqlite3, WAL journal, synchronous FULL. An append is one IMMEDIATE
// transaction (row + head + checkpoint), so when append() returns the row is durable: with
// synchronous=FULL SQLite fsyncs the WAL at every commit (https://sqlite.org/pragma.html#pragma_synchronous),
// and test/audit/crash-safety.test.ts SIGKILLs a writer 50 times to hold us to it.
//
// Layout (main/audit/migrations.ts): audit_chain (seq, kind, time, body, prev_hash, hash),
// audit_head, audit_checkpoint, audit_retention_anchor, audit_settings, schema_migrations.
// The chain and its anchors are explained in core/audit/hash-chain.ts; the canonical row encoding
// in core/audit/canonical.ts. Entries are validated by main/audit/audit-entry-schema.ts before
// they are written: there is no column that could hold a value, photo, certificate or number.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../core/audit/audit-entry.ts';
import { canonicalJson, toHex } from '../../core/audit/canonical.ts';
import {
  linkRow,
  verifyChain,
  type ChainPoint,
  type ChainReport,
  type ChainRow,
  type RetentionAnchor,
  type RetentionCutBody,
  type RowKind,
} from '../../core/audit/hash-chain.ts';
import { parseAuditEntry } from './audit-entry-schema.ts';
import { AuditSchemaError, LATEST_VERSION, migrate, schemaVersion } from './migrations.ts';
import { exportCsv, exportJson, type ExportRow } from './export.ts';

export { AuditEntryRejected } from './audit-entry-schema.ts';
export { AuditSchemaError } from './migrations.ts';

export interface AuditStoreOptions {
  /** Open for inspection only (CLI verify/export): no migrations, no writes. */
  readOnly?: boolean;
  /** A checkpoint row every N appends. */
  checkpointEvery?: number;
  now?: () => Date;
}

export const DEFAULT_CHECKPOINT_EVERY = 100;

/** Node's SHA-256 (OpenSSL): same digest as core's default, faster for many small rows. */
export const nodeSha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();

interface RawRow {
  seq: unknown;
  kind: unknown;
  time: unknown;
  body: unknown;
  prev_hash: unknown;
  hash: unknown;
}

function bytes(x: unknown): Uint8Array {
  return x instanceof Uint8Array ? x : new Uint8Array(0);
}

/** A row as read back: columns may have been tampered with, so coerce without trusting. */
function toChainRow(r: RawRow): ChainRow {
  return {
    seq: typeof r.seq === 'number' ? r.seq : Number(r.seq),
    kind: String(r.kind),
    time: String(r.time),
    body: String(r.body),
    prevHash: bytes(r.prev_hash),
    hash: bytes(r.hash),
  };
}

export interface AppendResult {
  seq: number;
  hash: string;
}

export interface RetentionResult {
  deleted: number;
  /** seq of the 'retention-cut' row, null when nothing was old enough. */
  cutSeq: number | null;
  firstSeq: number;
}

export class AuditStore {
  readonly path: string;
  readonly readOnly: boolean;
  private readonly db: Database.Database;
  private readonly checkpointEvery: number;
  private readonly now: () => Date;
  private readonly stmts;

  private constructor(path: string, opts: AuditStoreOptions) {
    this.path = path;
    this.readOnly = opts.readOnly === true;
    this.checkpointEvery = opts.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (!Number.isInteger(this.checkpointEvery) || this.checkpointEvery < 1) throw new RangeError('checkpointEvery must be a positive integer');
    this.now = opts.now ?? (() => new Date());
    this.db = new Database(path, { readonly: this.readOnly, fileMustExist: this.readOnly });
    try {
      this.db.pragma('busy_timeout = 5000');
      if (this.readOnly) {
        const v = schemaVersion(this.db);
        if (v < 1) throw new AuditSchemaError(`${path} is not a Kakunin audit database`);
        if (v > LATEST_VERSION) throw new AuditSchemaError(`audit database schema ${v} is newer than this program knows (${LATEST_VERSION})`);
      } else {
        const mode = this.db.pragma('journal_mode = WAL', { simple: true });
        if (String(mode).toLowerCase() !== 'wal') throw new AuditSchemaError(`cannot switch ${path} to WAL (journal_mode is ${String(mode)})`);
        this.db.pragma('synchronous = FULL');
        migrate(this.db, this.now);
      }
    } catch (e) {
      this.db.close();
      throw e;
    }
    const db = this.db;
    this.stmts = {
      head: db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1'),
      setHead: db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash'),
      insert: db.prepare('INSERT INTO audit_chain (seq, kind, time, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)'),
      checkpoint: db.prepare('INSERT INTO audit_checkpoint (seq, hash, created_at) VALUES (?, ?, ?)'),
      checkpoints: db.prepare('SELECT seq, hash FROM audit_checkpoint ORDER BY seq'),
      anchor: db.prepare('SELECT cut_seq, first_seq, prev_hash FROM audit_retention_anchor ORDER BY cut_seq DESC LIMIT 1'),
      rows: db.prepare('SELECT seq, kind, time, body, prev_hash, hash FROM audit_chain ORDER BY seq'),
      rowsRaw: db.prepare('SELECT seq, kind, time, body, prev_hash, hash FROM audit_chain ORDER BY seq').raw(true),
      rowsDesc: db.prepare("SELECT seq, kind, time, body, prev_hash, hash FROM audit_chain WHERE kind = 'entry' ORDER BY seq DESC LIMIT ?"),
      cuts: db.prepare("SELECT seq, body FROM audit_chain WHERE kind = 'retention-cut' ORDER BY seq"),
      hashAt: db.prepare('SELECT hash FROM audit_chain WHERE seq = ?'),
      firstRecent: db.prepare('SELECT MIN(seq) AS seq FROM audit_chain WHERE time >= ? AND seq >= ?'),
      countBelow: db.prepare('SELECT COUNT(*) AS n FROM audit_chain WHERE seq < ?'),
      deleteBelow: db.prepare('DELETE FROM audit_chain WHERE seq < ?'),
      deleteCheckpointsBelow: db.prepare('DELETE FROM audit_checkpoint WHERE seq < ?'),
      insertAnchor: db.prepare('INSERT INTO audit_retention_anchor (cut_seq, first_seq, prev_hash, deleted_count, cutoff) VALUES (?, ?, ?, ?, ?)'),
      getSetting: db.prepare('SELECT value FROM audit_settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO audit_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      deleteSetting: db.prepare('DELETE FROM audit_settings WHERE key = ?'),
    };
  }

  static open(path: string, opts: AuditStoreOptions = {}): AuditStore {
    return new AuditStore(path, opts);
  }

  private readHead(): ChainPoint | null {
    const h = this.stmts.head.get() as { seq: number; hash: Uint8Array } | undefined;
    return h ? { seq: h.seq, hash: bytes(h.hash) } : null;
  }

  private readAnchor(): RetentionAnchor | null {
    const a = this.stmts.anchor.get() as { cut_seq: number; first_seq: number; prev_hash: Uint8Array } | undefined;
    return a ? { cutSeq: a.cut_seq, firstSeq: a.first_seq, prevHash: bytes(a.prev_hash) } : null;
  }

  /** Append one row of `kind` onto the head; call inside an IMMEDIATE transaction. */
  private appendRow(kind: RowKind, time: string, body: string): ChainRow {
    const head = this.readHead();
    const row = linkRow(head, { seq: head ? head.seq + 1 : 1, kind, time, body }, nodeSha256);
    this.stmts.insert.run(row.seq, row.kind, row.time, row.body, row.prevHash, row.hash);
    this.stmts.setHead.run(row.seq, row.hash);
    if (row.seq % this.checkpointEvery === 0) this.stmts.checkpoint.run(row.seq, row.hash, this.now().toISOString());
    return row;
  }

  /**
   * Validate (AuditEntrySchema: throws AuditEntryRejected, naming fields, never values) and append.
   * When this returns, the entry is on disk.
   */
  append(entry: AuditEntry | unknown): AppendResult {
    if (this.readOnly) throw new Error('audit store is open read-only');
    const e = parseAuditEntry(entry);
    const body = canonicalJson(e);
    const row = this.db.transaction(() => this.appendRow('entry', e.time, body)).immediate();
    return { seq: row.seq, hash: toHex(row.hash) };
  }

  /** The last row's seq and hash (null for an empty log). Print it somewhere else to anchor the log. */
  head(): AppendResult | null {
    const h = this.readHead();
    return h ? { seq: h.seq, hash: toHex(h.hash) } : null;
  }

  /**
   * Verify the whole chain in one read snapshot. `external` are heads noted outside this file
   * (`audit verify --expect-head SEQ:HASH`): they act as checkpoints nobody with access to the file
   * can delete, which closes the "rewrite the tail and every in-file anchor" gap.
   */
  verify(external: readonly ChainPoint[] = []): ChainReport {
    return this.db.transaction(() => {
      const head = this.readHead();
      const anchor = this.readAnchor();
      const checkpoints = (this.stmts.checkpoints.all() as { seq: number; hash: Uint8Array }[]).map((c) => ({ seq: c.seq, hash: bytes(c.hash) }));
      checkpoints.push(...external);
      const stmt = this.stmts.rowsRaw;
      const rows = (function* () {
        // Arrays, not objects: a third faster on long logs (verify runs before every retention cut).
        for (const [seq, kind, time, body, prev_hash, hash] of stmt.iterate() as Iterable<unknown[]>) {
          yield toChainRow({ seq, kind, time, body, prev_hash, hash });
        }
      })();
      return verifyChain(rows, { head, anchor, checkpoints, sha256: nodeSha256 });
    }).deferred();
  }

  /** Most recent entries, newest first (staff screen). Rows that fail validation are reported as unreadable. */
  recent(limit: number): ExportRow[] {
    return (this.stmts.rowsDesc.all(limit) as RawRow[]).map((r) => toExportRow(toChainRow(r)));
  }

  private exportRows(): { rows: ExportRow[]; cuts: RetentionCutBody[] } {
    return this.db.transaction(() => {
      const rows: ExportRow[] = [];
      for (const r of this.stmts.rows.iterate() as Iterable<RawRow>) {
        const c = toChainRow(r);
        if (c.kind === 'entry') rows.push(toExportRow(c));
      }
      const cuts: RetentionCutBody[] = [];
      for (const c of this.stmts.cuts.all() as { seq: number; body: string }[]) {
        try {
          const b = JSON.parse(c.body) as RetentionCutBody;
          cuts.push({ cutoff: String(b.cutoff), deletedCount: Number(b.deletedCount), firstSeq: Number(b.firstSeq), prevHash: String(b.prevHash).replace(/[^0-9a-f]/g, '').slice(0, 64) });
        } catch {
          /* an unreadable cut row: verify reports it */
        }
      }
      return { rows, cuts };
    }).deferred();
  }

  /** CSV (RFC 4180) or JSON of every entry; only schema-valid fields can appear (see export.ts). */
  export(format: 'csv' | 'json'): string {
    const { rows, cuts } = this.exportRows();
    if (format === 'csv') return exportCsv(rows);
    if (format === 'json') return exportJson(rows, cuts, this.verify());
    throw new RangeError(`unknown export format ${String(format)}`);
  }

  // --- retention ------------------------------------------------------------------------------

  getRetentionDays(): number | null {
    const r = this.stmts.getSetting.get('retention_days') as { value: string } | undefined;
    return r ? Number(r.value) : null;
  }

  setRetentionDays(days: number | null): void {
    if (days === null) {
      this.stmts.deleteSetting.run('retention_days');
      return;
    }
    if (!Number.isInteger(days) || days < 1 || days > 36500) throw new RangeError('retention days must be an integer from 1 to 36500');
    this.stmts.setSetting.run('retention_days', String(days));
  }

  /** Apply the stored retention setting (no-op when none is set). */
  applyRetention(now: Date = this.now()): RetentionResult | null {
    const days = this.getRetentionDays();
    return days === null ? null : this.prune(days, now);
  }

  /**
   * Delete rows older than `retentionDays` before `now`, without breaking verification: the oldest
   * kept row's predecessor hash is recorded as the new anchor, and a 'retention-cut' row stating the
   * same is appended to the chain. Only a prefix is deleted (up to the first row at or after the
   * cutoff), so a clock that went backwards never deletes a recent row. Refuses to run on a chain
   * that does not verify: retention must not launder tampering.
   */
  prune(retentionDays: number, now: Date = this.now()): RetentionResult {
    if (this.readOnly) throw new Error('audit store is open read-only');
    if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new RangeError('retention days must be a positive integer');
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
    return this.db.transaction((): RetentionResult => {
      const head = this.readHead();
      const anchor = this.readAnchor();
      const firstSeq = anchor ? anchor.firstSeq : 1;
      if (!head) return { deleted: 0, cutSeq: null, firstSeq };
      const recent = (this.stmts.firstRecent.get(cutoff, firstSeq) as { seq: number | null }).seq;
      const lastOld = recent === null ? head.seq : recent - 1;
      if (lastOld < firstSeq) return { deleted: 0, cutSeq: null, firstSeq }; // nothing old: no need to verify
      const report = this.verify();
      if (!report.ok) {
        const b = report.firstBroken!;
        throw new Error(`audit chain is broken at seq ${b.seq} (${b.reason}); retention refused`);
      }
      const prevHash = bytes((this.stmts.hashAt.get(lastOld) as { hash: Uint8Array }).hash);
      const newFirst = lastOld + 1;
      const deleted = (this.stmts.countBelow.get(newFirst) as { n: number }).n;
      this.stmts.deleteBelow.run(newFirst);
      this.stmts.deleteCheckpointsBelow.run(newFirst);
      const body: RetentionCutBody = { cutoff, deletedCount: deleted, firstSeq: newFirst, prevHash: toHex(prevHash) };
      const cut = this.appendRow('retention-cut', now.toISOString(), canonicalJson(body));
      this.stmts.insertAnchor.run(cut.seq, newFirst, prevHash, deleted, cutoff);
      return { deleted, cutSeq: cut.seq, firstSeq: newFirst };
    }).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toExportRow(c: ChainRow): ExportRow {
  let entry: AuditEntry | null = null;
  try {
    entry = parseAuditEntry(JSON.parse(c.body));
  } catch {
    entry = null; // tampered or unreadable: never echo its content
  }
  return { seq: c.seq, hash: toHex(c.hash), entry };
}

/** The brief's API: open(path) -> store with append/verify/export/close. */
export function open(path: string, opts: AuditStoreOptions = {}): AuditStore {
  return AuditStore.open(path, opts);
}
