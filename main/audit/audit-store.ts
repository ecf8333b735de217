// The audit log on disk: better-sqlite3, WAL journal, synchronous FULL. An append is one IMMEDIATE
// transaction (row + head + checkpoint), so when append() returns the row is durable: with
// synchronous=FULL SQLite fsyncs the WAL at every commit (https://sqlite.org/pragma.html#pragma_synchronous),
// and test/audit/crash-safety.test.ts SIGKILLs a writer 50 times to hold us to it.
//
// Layout (main/audit/migrations.ts): audit_chain (seq, kind, time, body, prev_hash, hash),
// audit_head, audit_checkpoint (with its signed note), audit_epoch (epoch certificates),
// audit_retention_anchor, audit_settings, schema_migrations. The chain and its anchors are
// explained in core/audit/hash-chain.ts, the canonical row encoding in core/audit/canonical.ts, and
// the signed layer (checkpoints signed with the kiosk's ratcheting key, kept outside this file,
// main/audit/sealing-key.ts) in docs/audit-log.md. Entries and events are validated before they are
// written: there is no column that could hold a value, photo, certificate or number.
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import type { AuditEntry } from '../../core/audit/audit-entry.ts';
import { buildAuditEvent, type AuditEventFields, type AuditEventKind } from '../../core/audit/audit-event.ts';
import { canonicalJson, toHex } from '../../core/audit/canonical.ts';
import { checkpointText, logOrigin } from '../../core/audit/checkpoint.ts';
import {
  linkRow,
  verifyChain,
  type BreakReason,
  type ChainPoint,
  type ChainReport,
  type ChainRow,
  type RetentionAnchor,
  type RetentionCutBody,
  type RowKind,
} from '../../core/audit/hash-chain.ts';
import {
  MAX_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
  retentionRefusal,
  type RetentionRefusal,
} from '../../core/audit/retention-rules.ts';
import {
  prunedHeadProblems,
  verifySeals,
  type CheckpointSummary,
  type SealProblem,
  type SealReport,
} from '../../core/audit/seal-verify.ts';
import { nodeCrypto } from '../crypto/node-crypto.ts';
import { parseAuditEntry } from './audit-entry-schema.ts';
import { AuditSchemaError, LATEST_VERSION, migrate, schemaVersion } from './migrations.ts';
import { exportCsv, exportJson, type ExportRow } from './export.ts';
import type { AuditSealer } from './sealing-key.ts';
import { summaryEntryOf, type SummaryEntry } from '../../core/audit/summary.ts';

export { AuditEntryRejected } from './audit-entry-schema.ts';
export { AuditEventRejected } from '../../core/audit/audit-event.ts';
export { AuditSchemaError } from './migrations.ts';

export interface AuditStoreOptions {
  /** Open for inspection only (CLI verify/export): no migrations, no writes. */
  readOnly?: boolean;
  /** A checkpoint row every N appends. */
  checkpointEvery?: number;
  now?: () => Date;
  /**
   * The kiosk's sealing key: checkpoints are signed and epochs ratchet (docs/audit-log.md). Without
   * one, checkpoints are unsigned (as before) and `audit verify --pubkey` reports the log unsealed.
   * The store does not own it: whoever opened it closes it.
   */
  sealer?: AuditSealer;
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

/** A retention cut the store refused; the refusal itself is in the chain as an event. */
export class RetentionRefused extends Error {
  override readonly name = 'RetentionRefused';
  constructor(
    readonly reason: RetentionRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface StoreVerifyOptions {
  /** The kiosk's epoch-0 public key: check every signed checkpoint and epoch certificate. */
  publicKey?: Uint8Array;
  /** The verifier's clock (retention and "signed in the future" rules). */
  now?: Date;
}

export type CheckpointInfo = Omit<CheckpointSummary, 'epoch'> & { epoch: number | null };

/** verifyChain's report, plus what the signed layer found and what a head office keeps. */
export interface AuditReport extends ChainReport {
  signatures: 'checked' | 'not checked';
  /** The head the file records (seq and hash of the last row). */
  head: AppendResult | null;
  /** The latest checkpoint (signed, when signatures were checked). */
  checkpoint: CheckpointInfo | null;
  /** The first checkpoint that no longer holds, when the log is broken. */
  firstBadCheckpoint: CheckpointInfo | null;
  /** Epoch certificates that verified (0 when signatures were not checked). */
  epochs: number;
}

interface StoredCheckpointRow {
  seq: number;
  hash: Uint8Array;
  createdAt: string;
  note: string | null;
  epoch: number | null;
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
  private readonly sealer: AuditSealer | null;
  private readonly stmts;
  /** This log's id (audit_settings 'log_id'): in every checkpoint's origin line. */
  private logId: string | null;
  /** The checkpoint the last transaction signed, to record with the sealer once it committed. */
  private justSealed: ChainPoint | null = null;
  /** A clock jump was seen in this run: retention cuts are refused until restart. */
  private clockJumped = false;
  /** The log holds a signed checkpoint (read at open, set by the first signature). */
  private signedOnce = false;

  private constructor(path: string, opts: AuditStoreOptions) {
    this.path = path;
    this.readOnly = opts.readOnly === true;
    this.checkpointEvery = opts.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (!Number.isInteger(this.checkpointEvery) || this.checkpointEvery < 1)
      throw new RangeError('checkpointEvery must be a positive integer');
    this.now = opts.now ?? (() => new Date());
    this.sealer = this.readOnly ? null : (opts.sealer ?? null);
    this.db = new Database(path, { readonly: this.readOnly, fileMustExist: this.readOnly });
    try {
      this.db.pragma('busy_timeout = 5000');
      if (this.readOnly) {
        const v = schemaVersion(this.db);
        if (v < 1) throw new AuditSchemaError(`${path} is not a Kakunin audit database`);
        if (v > LATEST_VERSION)
          throw new AuditSchemaError(`audit database schema ${v} is newer than this program knows (${LATEST_VERSION})`);
      } else {
        const mode = this.db.pragma('journal_mode = WAL', { simple: true });
        if (String(mode).toLowerCase() !== 'wal')
          throw new AuditSchemaError(`cannot switch ${path} to WAL (journal_mode is ${String(mode)})`);
        this.db.pragma('synchronous = FULL');
        migrate(this.db, this.now);
      }
    } catch (e) {
      this.db.close();
      throw e;
    }
    const db = this.db;
    const v5 = schemaVersion(db) >= 5;
    this.stmts = {
      head: db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1'),
      setHead: db.prepare(
        'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
      ),
      insert: db.prepare('INSERT INTO audit_chain (seq, kind, time, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)'),
      checkpoint: db.prepare(
        v5
          ? 'INSERT INTO audit_checkpoint (seq, hash, created_at, note, epoch) VALUES (?, ?, ?, ?, ?)'
          : 'INSERT INTO audit_checkpoint (seq, hash, created_at) VALUES (?, ?, ?)',
      ),
      checkpoints: db.prepare(
        v5
          ? 'SELECT seq, hash, created_at, note, epoch FROM audit_checkpoint ORDER BY seq'
          : 'SELECT seq, hash, created_at, NULL AS note, NULL AS epoch FROM audit_checkpoint ORDER BY seq',
      ),
      lastCheckpoint: db.prepare('SELECT MAX(seq) AS seq FROM audit_checkpoint'),
      certificates: v5 ? db.prepare('SELECT epoch, note FROM audit_epoch ORDER BY epoch') : null,
      maxEpoch: v5 ? db.prepare('SELECT MAX(epoch) AS e FROM audit_epoch') : null,
      insertCertificate: v5 ? db.prepare('INSERT OR IGNORE INTO audit_epoch (epoch, note) VALUES (?, ?)') : null,
      anchor: db.prepare(
        'SELECT cut_seq, first_seq, prev_hash FROM audit_retention_anchor ORDER BY cut_seq DESC LIMIT 1',
      ),
      rows: db.prepare('SELECT seq, kind, time, body, prev_hash, hash FROM audit_chain ORDER BY seq'),
      rowsRaw: db.prepare('SELECT seq, kind, time, body, prev_hash, hash FROM audit_chain ORDER BY seq').raw(true),
      rowsDesc: db.prepare(
        "SELECT seq, kind, time, body, prev_hash, hash FROM audit_chain WHERE kind = 'entry' ORDER BY seq DESC LIMIT ?",
      ),
      cuts: db.prepare("SELECT seq, time, body FROM audit_chain WHERE kind = 'retention-cut' ORDER BY seq"),
      lastSeq: db.prepare('SELECT MAX(seq) AS seq FROM audit_chain'),
      newestTime: db.prepare('SELECT MAX(time) AS t FROM audit_chain'),
      entriesBetween: db
        .prepare("SELECT seq, body FROM audit_chain WHERE kind = 'entry' AND time >= ? AND time < ? ORDER BY seq")
        .raw(true),
      rowAt: db.prepare(
        "SELECT seq, kind, time, body, prev_hash, hash FROM audit_chain WHERE seq = ? AND kind = 'entry'",
      ),
      latestCheckpoint: db.prepare('SELECT seq, hash, created_at FROM audit_checkpoint ORDER BY seq DESC LIMIT 1'),
      hashAt: db.prepare('SELECT hash FROM audit_chain WHERE seq = ?'),
      firstRecent: db.prepare('SELECT MIN(seq) AS seq FROM audit_chain WHERE time >= ? AND seq >= ?'),
      countBelow: db.prepare('SELECT COUNT(*) AS n FROM audit_chain WHERE seq < ?'),
      deleteBelow: db.prepare('DELETE FROM audit_chain WHERE seq < ?'),
      insertAnchor: db.prepare(
        'INSERT INTO audit_retention_anchor (cut_seq, first_seq, prev_hash, deleted_count, cutoff) VALUES (?, ?, ?, ?, ?)',
      ),
      getSetting: db.prepare('SELECT value FROM audit_settings WHERE key = ?'),
      setSetting: db.prepare(
        'INSERT INTO audit_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      deleteSetting: db.prepare('DELETE FROM audit_settings WHERE key = ?'),
    };
    this.logId = this.setting('log_id');
    this.signedOnce =
      v5 && db.prepare('SELECT 1 FROM audit_checkpoint WHERE note IS NOT NULL LIMIT 1').get() !== undefined;
    if (this.sealer) {
      try {
        this.bindSealer(this.sealer);
      } catch (e) {
        this.db.close();
        throw e;
      }
    }
  }

  static open(path: string, opts: AuditStoreOptions = {}): AuditStore {
    return new AuditStore(path, opts);
  }

  private setting(key: string): string | null {
    const r = this.stmts.getSetting.get(key) as { value: string } | undefined;
    return r ? r.value : null;
  }

  /**
   * A log is sealed by one kiosk for its whole life: the first sealer names it (a random log id) and
   * binds it to its kiosk id; another kiosk's key is refused rather than mixing two keys in one log.
   * Rows a crash left unsealed are sealed now.
   */
  private bindSealer(sealer: AuditSealer): void {
    const bound = this.setting('kiosk_id');
    if (bound !== null && bound !== sealer.kioskId) {
      throw new AuditSchemaError(
        `${this.path} is sealed by another kiosk's key (${bound}, this kiosk is ${sealer.kioskId})`,
      );
    }
    if (bound === null || this.logId === null) {
      this.db
        .transaction(() => {
          if (this.setting('log_id') === null) this.stmts.setSetting.run('log_id', randomBytes(16).toString('hex'));
          this.stmts.setSetting.run('kiosk_id', sealer.kioskId);
        })
        .immediate();
      this.logId = this.setting('log_id');
    }
    this.sealNow();
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
    // A sealed log signs its first row at once, so no genuine log ever has rows and no signature.
    if (row.seq % this.checkpointEvery === 0 || (this.sealer !== null && !this.signedOnce)) this.writeCheckpoint(row);
    return row;
  }

  /**
   * A checkpoint at `p` (inside a transaction), signed when the store has a sealer: the signed note
   * (core/audit/checkpoint.ts) goes into the same row, and the certificates that link its epoch's
   * key to the kiosk key are copied in first, so the file always holds what verifies it.
   */
  private writeCheckpoint(p: ChainPoint): void {
    const last = (this.stmts.lastCheckpoint.get() as { seq: number | null }).seq;
    if (last !== null && last >= p.seq) return;
    const time = this.now().toISOString();
    if (!this.sealer || !this.logId) {
      if (this.stmts.insertCertificate) this.stmts.checkpoint.run(p.seq, p.hash, time, null, null);
      else this.stmts.checkpoint.run(p.seq, p.hash, time);
      return;
    }
    const { kioskId } = this.sealer;
    const logId = this.logId;
    const { epoch, note } = this.sealer.sign(logOrigin(kioskId, logId), (e) =>
      checkpointText({ kioskId, logId, size: p.seq, head: p.hash, time, epoch: e, every: this.checkpointEvery }),
    );
    this.storeCertificates(epoch);
    this.stmts.checkpoint.run(p.seq, p.hash, time, note, epoch);
    this.justSealed = { seq: p.seq, hash: p.hash };
    this.signedOnce = true;
  }

  /** Copy the kiosk's epoch certificates this file lacks, up to `upTo` (inside a transaction). */
  private storeCertificates(upTo = Number.MAX_SAFE_INTEGER): void {
    if (!this.sealer || !this.stmts.maxEpoch || !this.stmts.insertCertificate) return;
    const have = (this.stmts.maxEpoch.get() as { e: number | null }).e ?? 0;
    if (have >= upTo) return;
    for (const c of this.sealer.certificatesAfter(have)) {
      if (c.epoch > upTo) break;
      this.stmts.insertCertificate.run(c.epoch, c.note);
    }
  }

  /** Run `fn` in an IMMEDIATE transaction; afterwards tell the sealer what it sealed. */
  private write<T>(fn: () => T): T {
    this.justSealed = null;
    let r: T;
    try {
      r = this.db.transaction(fn).immediate();
    } catch (e) {
      // Rolled back: whatever was signed in it is gone too.
      this.justSealed = null;
      this.signedOnce =
        this.stmts.insertCertificate !== null &&
        this.db.prepare('SELECT 1 FROM audit_checkpoint WHERE note IS NOT NULL LIMIT 1').get() !== undefined;
      throw e;
    }
    this.afterCommit();
    return r;
  }

  private afterCommit(forceRatchet = false): void {
    const sealed = this.justSealed;
    this.justSealed = null;
    if (!this.sealer || !this.logId) return;
    if (sealed) this.sealer.recordSealed(this.logId, sealed.seq, sealed.hash);
    if (forceRatchet || (sealed && this.sealer.ratchetDue(this.now()))) this.ratchet();
  }

  /** End the sealer's epoch (the key that signed so far is erased) and keep its certificate here. */
  private ratchet(): void {
    if (!this.sealer) return;
    this.sealer.ratchet(this.now());
    this.db.transaction(() => this.storeCertificates()).immediate();
  }

  /**
   * Validate (AuditEntrySchema: throws AuditEntryRejected, naming fields, never values) and append.
   * When this returns, the entry is on disk.
   */
  append(entry: AuditEntry | unknown): AppendResult {
    if (this.readOnly) throw new Error('audit store is open read-only');
    const e = parseAuditEntry(entry);
    const body = canonicalJson(e);
    const row = this.write(() => this.appendRow('entry', e.time, body));
    return { seq: row.seq, hash: toHex(row.hash) };
  }

  /**
   * Append a staff or system event (core/audit/audit-event.ts; throws AuditEventRejected, naming
   * fields and rules, never values).
   */
  event<K extends AuditEventKind>(kind: K, fields: AuditEventFields<K>, time: Date = this.now()): AppendResult {
    if (this.readOnly) throw new Error('audit store is open read-only');
    const body = buildAuditEvent(kind, fields, time);
    const row = this.write(() => this.appendRow('event', body.time, canonicalJson(body)));
    return { seq: row.seq, hash: toHex(row.hash) };
  }

  /** Sign a checkpoint at the head now, if rows follow the last one. Returns whether it did. */
  sealNow(): boolean {
    if (this.readOnly || !this.sealer) return false;
    let did = false;
    this.write(() => {
      const head = this.readHead();
      const last = (this.stmts.lastCheckpoint.get() as { seq: number | null }).seq ?? 0;
      if (head && head.seq > last) {
        this.writeCheckpoint(head);
        did = true;
      }
    });
    return did;
  }

  /**
   * The periodic seal (the host calls it every minute): when the sealer's epoch has run its time,
   * sign the head and end the epoch, so rows never stay under a live key for long.
   */
  sealIfDue(now: Date = this.now()): boolean {
    if (this.readOnly || !this.sealer || !this.sealer.ratchetDue(now)) return false;
    // Sealing the head ends the due epoch (afterCommit). An idle kiosk does not end empty epochs
    // (no certificate an hour for nothing), but one that sealed something ends on time anyway.
    const sealed = this.sealNow();
    if (!sealed && this.sealer.hasPendingSeals()) this.ratchet();
    return sealed;
  }

  /** A clock jump was seen (the host's clock watch): refuse retention cuts until restart. */
  noteClockJump(): void {
    this.clockJumped = true;
  }

  /** The last row's seq and hash (null for an empty log). Print it somewhere else to anchor the log. */
  head(): AppendResult | null {
    const h = this.readHead();
    return h ? { seq: h.seq, hash: toHex(h.hash) } : null;
  }

  /** The newest time any row holds (the staff clock check). */
  newestTime(): string | null {
    return (this.stmts.newestTime.get() as { t: string | null }).t;
  }

  /** The latest signed checkpoint note, for a head office to keep (`kakunin audit checkpoint`). */
  latestSignedCheckpoint(): string | null {
    const cps = this.stmts.checkpoints.all() as { note: string | null }[];
    for (let i = cps.length - 1; i >= 0; i--) if (cps[i]!.note) return cps[i]!.note;
    return null;
  }

  private readCheckpoints(): StoredCheckpointRow[] {
    return (
      this.stmts.checkpoints.all() as {
        seq: number;
        hash: Uint8Array;
        created_at: string;
        note: string | null;
        epoch: number | null;
      }[]
    ).map((c) => ({
      seq: c.seq,
      hash: bytes(c.hash),
      createdAt: String(c.created_at),
      note: typeof c.note === 'string' ? c.note : null,
      epoch: typeof c.epoch === 'number' ? c.epoch : null,
    }));
  }

  /**
   * Verify the whole log in one read snapshot. `external` are heads noted outside this file
   * (`audit verify --expect-head SEQ:HASH`): they act as checkpoints nobody with access to the file
   * can delete; below a retention cut they must match what the cut kept. With `publicKey` the
   * signed layer is checked too (core/audit/seal-verify.ts): every checkpoint and epoch certificate.
   */
  verify(external: readonly ChainPoint[] = [], opts: StoreVerifyOptions = {}): AuditReport {
    return this.db
      .transaction((): AuditReport => {
        const head = this.readHead();
        const anchor = this.readAnchor();
        const firstSeq = anchor ? anchor.firstSeq : 1;
        const cps = this.readCheckpoints();
        let seal: SealReport | null = null;
        if (opts.publicKey) {
          seal = verifySeals({
            kioskPublicKey: opts.publicKey,
            logId: this.setting('log_id'),
            certificates: this.stmts.certificates
              ? (this.stmts.certificates.all() as { epoch: number; note: string }[]).map((c) => ({
                  epoch: c.epoch,
                  note: String(c.note),
                }))
              : [],
            checkpoints: cps,
            cuts: (this.stmts.cuts.all() as { seq: number; time: string; body: string }[]).map((c) => ({
              seq: c.seq,
              time: String(c.time),
              body: String(c.body),
            })),
            anchor,
            lastSeq: (this.stmts.lastSeq.get() as { seq: number | null }).seq ?? 0,
            now: opts.now ?? new Date(),
            verify: (k, m, sig) => nodeCrypto.ed25519Verify(k, m, sig),
          });
        }
        const points = seal ? seal.points : cps.map((c) => ({ seq: c.seq, hash: c.hash }));
        const kept = seal
          ? seal.pruned
          : new Map(cps.filter((c) => c.seq < firstSeq).map((c) => [c.seq, c.hash] as const));
        const stmt = this.stmts.rowsRaw;
        const rows = (function* () {
          // Arrays, not objects: a third faster on long logs (verify runs before every retention cut).
          for (const [seq, kind, time, body, prev_hash, hash] of stmt.iterate() as Iterable<unknown[]>) {
            yield toChainRow({ seq, kind, time, body, prev_hash, hash });
          }
        })();
        const chain = verifyChain(rows, { head, anchor, checkpoints: [...points, ...external], sha256: nodeSha256 });
        const problems: SealProblem[] = [...(seal?.problems ?? []), ...prunedHeadProblems(external, anchor, kept)];
        return combineReport(chain, problems, seal, cps, head);
      })
      .deferred();
  }

  /** Most recent entries, newest first (staff screen). Rows that fail validation are reported as unreadable. */
  recent(limit: number): ExportRow[] {
    return (this.stmts.rowsDesc.all(limit) as RawRow[]).map((r) => toExportRow(toChainRow(r)));
  }

  /**
   * Entries with time in [from, to), oldest first, reduced to what summaries and filters read
   * (core/audit/summary.ts). Rows whose body does not even parse are skipped here: the chain
   * status on the same screen reports them.
   */
  *scanEntries(from = '', to = '\uffff'): Generator<{ seq: number; entry: SummaryEntry }> {
    for (const [seq, body] of this.stmts.entriesBetween.iterate(from, to) as Iterable<[number, string]>) {
      let e: SummaryEntry | null;
      try {
        e = summaryEntryOf(JSON.parse(body));
      } catch {
        e = null;
      }
      if (e) yield { seq, entry: e };
    }
  }

  /** Whole entries by seq, schema-checked as for export (a tampered row comes back unreadable). */
  rowsAt(seqs: readonly number[]): ExportRow[] {
    const out: ExportRow[] = [];
    for (const s of seqs) {
      const r = this.stmts.rowAt.get(s) as RawRow | undefined;
      if (r) out.push(toExportRow(toChainRow(r)));
    }
    return out;
  }

  /** The newest checkpoint row (seq, hash, when written), or null. */
  latestCheckpoint(): { seq: number; hash: string; createdAt: string } | null {
    const c = this.stmts.latestCheckpoint.get() as { seq: number; hash: Uint8Array; created_at: string } | undefined;
    return c ? { seq: c.seq, hash: toHex(bytes(c.hash)), createdAt: c.created_at } : null;
  }

  private exportRows(): { rows: ExportRow[]; cuts: RetentionCutBody[] } {
    return this.db
      .transaction(() => {
        const rows: ExportRow[] = [];
        for (const r of this.stmts.rows.iterate() as Iterable<RawRow>) {
          const c = toChainRow(r);
          if (c.kind === 'entry') rows.push(toExportRow(c));
        }
        const cuts: RetentionCutBody[] = [];
        for (const c of this.stmts.cuts.all() as { seq: number; body: string }[]) {
          try {
            const b = JSON.parse(c.body) as RetentionCutBody;
            cuts.push({
              cutoff: String(b.cutoff),
              deletedCount: Number(b.deletedCount),
              firstSeq: Number(b.firstSeq),
              prevHash: String(b.prevHash)
                .replace(/[^0-9a-f]/g, '')
                .slice(0, 64),
            });
          } catch {
            /* an unreadable cut row: verify reports it */
          }
        }
        return { rows, cuts };
      })
      .deferred();
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
    const v = this.setting('retention_days');
    return v === null ? null : Number(v);
  }

  /** Staff cannot keep rows for less than MIN_RETENTION_DAYS (core/audit/retention-rules.ts). */
  setRetentionDays(days: number | null): void {
    if (days === null) {
      this.stmts.deleteSetting.run('retention_days');
      return;
    }
    if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
      throw new RangeError(`retention days must be an integer from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}`);
    }
    this.stmts.setSetting.run('retention_days', String(days));
  }

  /** Apply the stored retention setting (no-op when none is set). */
  applyRetention(now: Date = this.now()): RetentionResult | null {
    const days = this.getRetentionDays();
    return days === null ? null : this.prune(days, now);
  }

  /** Refuse a cut: the refusal goes into the chain, then the caller gets RetentionRefused. */
  private refuse(reason: RetentionRefusal, days: number, now: Date, detail: string): never {
    this.event(
      'retention_refused',
      { reason, days: Math.min(MAX_RETENTION_DAYS, Math.max(1, Math.trunc(Number(days)) || 1)) },
      now,
    );
    throw new RetentionRefused(reason, `retention refused (${reason}): ${detail}`);
  }

  /**
   * Delete rows older than `retentionDays` before `now`, without breaking verification: the oldest
   * kept row's predecessor hash is recorded as the new anchor, and a 'retention-cut' row stating the
   * same is appended to the chain. Only a prefix is deleted (up to the first row at or after the
   * cutoff), so a clock that went backwards never deletes a recent row. Refused, and the refusal
   * logged, for less than the minimum retention, a clock behind the log or one that jumped in this
   * run, and a chain that does not verify (retention must not launder tampering). Checkpoints are
   * kept: with the head sealed just before the cut and the cut sealed at once, they are the sealed
   * heads of what the cut removed (docs/audit-log.md "Retention").
   */
  prune(retentionDays: number, now: Date = this.now()): RetentionResult {
    if (this.readOnly) throw new Error('audit store is open read-only');
    const refusal = retentionRefusal(retentionDays, now, this.newestTime(), this.clockJumped);
    if (refusal === 'below_minimum')
      this.refuse(refusal, retentionDays, now, `the minimum retention is ${MIN_RETENTION_DAYS} days`);
    if (refusal)
      this.refuse(
        refusal,
        retentionDays,
        now,
        refusal === 'clock_behind_log'
          ? 'the clock is behind the newest audit row'
          : 'the clock jumped while the kiosk ran; restart with a correct clock',
      );
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
    let broken: string | null = null;
    const r = this.write((): RetentionResult => {
      const head = this.readHead();
      const anchor = this.readAnchor();
      const firstSeq = anchor ? anchor.firstSeq : 1;
      if (!head) return { deleted: 0, cutSeq: null, firstSeq };
      const recent = (this.stmts.firstRecent.get(cutoff, firstSeq) as { seq: number | null }).seq;
      const lastOld = recent === null ? head.seq : recent - 1;
      if (lastOld < firstSeq) return { deleted: 0, cutSeq: null, firstSeq }; // nothing old: no need to verify
      const report = this.verify([], this.sealer ? { publicKey: this.sealer.publicKey, now } : {});
      if (!report.ok) {
        const b = report.firstBroken!;
        broken = `audit chain is broken at seq ${b.seq} (${b.reason}); retention refused`;
        return { deleted: 0, cutSeq: null, firstSeq };
      }
      this.writeCheckpoint(head); // the sealed head of everything before the cut
      const prevHash = bytes((this.stmts.hashAt.get(lastOld) as { hash: Uint8Array }).hash);
      const newFirst = lastOld + 1;
      const deleted = (this.stmts.countBelow.get(newFirst) as { n: number }).n;
      this.stmts.deleteBelow.run(newFirst);
      const body: RetentionCutBody = { cutoff, deletedCount: deleted, firstSeq: newFirst, prevHash: toHex(prevHash) };
      const cut = this.appendRow('retention-cut', now.toISOString(), canonicalJson(body));
      this.stmts.insertAnchor.run(cut.seq, newFirst, prevHash, deleted, cutoff);
      this.writeCheckpoint(cut); // the cut itself, sealed at once
      return { deleted, cutSeq: cut.seq, firstSeq: newFirst };
    });
    if (broken !== null) {
      this.event(
        'retention_refused',
        { reason: 'chain_broken', days: Math.min(MAX_RETENTION_DAYS, retentionDays) },
        now,
      );
      throw new Error(broken);
    }
    return r;
  }

  /** Seal the head, end the epoch (at shutdown the key that signed this run is erased), close. */
  close(): void {
    if (!this.db.open) return;
    try {
      if (this.sealer && !this.readOnly) {
        this.sealNow();
        this.afterCommit(true);
      }
    } finally {
      this.db.close();
    }
  }
}

/** One report from the chain's first break and the signed layer's problems: the earliest wins. */
function combineReport(
  chain: ChainReport,
  problems: readonly SealProblem[],
  seal: SealReport | null,
  cps: readonly StoredCheckpointRow[],
  head: ChainPoint | null,
): AuditReport {
  const info = (c: StoredCheckpointRow): CheckpointInfo => ({
    size: c.seq,
    hash: toHex(c.hash),
    time: c.createdAt,
    epoch: c.epoch,
    note: c.note,
  });
  const fromSummary = (s: CheckpointSummary): CheckpointInfo => ({ ...s });
  let first: { seq: number; reason: BreakReason; detail: string; checkpoint: CheckpointSummary | null } | null =
    chain.firstBroken ? { ...chain.firstBroken, checkpoint: null } : null;
  for (const p of problems) if (!first || p.seq < first.seq) first = p;
  let bad: CheckpointInfo | null = null;
  if (first) {
    if (first.checkpoint) bad = fromSummary(first.checkpoint);
    else if (first.reason !== 'unsealed') {
      // The first checkpoint at or after the break: a verified one, or the table's (which holds
      // the ones that failed to verify too), whichever comes first.
      const s = seal?.sealed.find((c) => c.size >= first!.seq);
      const c = cps.find((x) => x.seq >= first!.seq);
      bad = s && (!c || s.size <= c.seq) ? fromSummary(s) : c ? info(c) : null;
    }
  }
  const latest = seal
    ? seal.latest
      ? fromSummary(seal.latest)
      : null
    : cps.length
      ? info(cps[cps.length - 1]!)
      : null;
  return {
    ...chain,
    ok: first === null,
    firstBroken: first ? { seq: first.seq, reason: first.reason, detail: first.detail } : null,
    signatures: seal ? 'checked' : 'not checked',
    head: head ? { seq: head.seq, hash: toHex(head.hash) } : null,
    checkpoint: latest,
    firstBadCheckpoint: bad,
    epochs: seal ? seal.epochs : 0,
  };
}

function toExportRow(c: ChainRow): ExportRow {
  let entry: AuditEntry | null;
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
