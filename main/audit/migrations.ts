// Schema migrations of the audit database, applied in order, each in its own transaction together
// with its row in schema_migrations (so a crash mid-migration leaves the previous version intact).
// Never edit a released migration: add a new one. test/audit/migrations.test.ts has one test each.
import type BetterSqlite3 from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit_chain',
    // One table for the chain. seq is the rowid (INTEGER PRIMARY KEY), so rows are stored and read
    // in chain order. Hashes are raw 32-byte blobs. The body is canonical JSON (core/audit/canonical.ts).
    sql: `
      CREATE TABLE audit_chain (
        seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
        kind      TEXT NOT NULL CHECK (kind IN ('entry', 'retention-cut')),
        time      TEXT NOT NULL CHECK (length(time) = 24),
        body      TEXT NOT NULL,
        prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
        hash      BLOB NOT NULL CHECK (length(hash) = 32)
      );
      CREATE INDEX audit_chain_time ON audit_chain (time);
    `,
  },
  {
    version: 2,
    name: 'head_and_checkpoints',
    // The head moves with every append (same transaction); checkpoints are written every N rows and
    // never change. Both let verification see a deleted tail (core/audit/hash-chain.ts).
    sql: `
      CREATE TABLE audit_head (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        seq  INTEGER NOT NULL,
        hash BLOB NOT NULL CHECK (length(hash) = 32)
      );
      CREATE TABLE audit_checkpoint (
        seq        INTEGER PRIMARY KEY,
        hash       BLOB NOT NULL CHECK (length(hash) = 32),
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'retention',
    // A retention cut deletes rows older than the retention period and records where the chain now
    // starts; the store's settings (retention days) live beside it.
    sql: `
      CREATE TABLE audit_retention_anchor (
        cut_seq       INTEGER PRIMARY KEY,
        first_seq     INTEGER NOT NULL,
        prev_hash     BLOB NOT NULL CHECK (length(prev_hash) = 32),
        deleted_count INTEGER NOT NULL,
        cutoff        TEXT NOT NULL
      );
      CREATE TABLE audit_settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'append_only_guard',
    // Rows are never updated: refuse it in the database too, so a bug elsewhere cannot rewrite history.
    // (Someone with raw write access can drop the trigger; the hash chain is what catches that.)
    sql: `
      CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
      BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
      CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
      BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
    `,
  },
  {
    version: 5,
    name: 'sealed_checkpoints_and_events',
    // Staff and system events join the chain (kind 'event'); SQLite cannot change a CHECK in place,
    // so the table is rebuilt with the same rows. Checkpoints gain their signed note and epoch, and
    // the epoch certificates that link those keys to the kiosk key are kept (docs/audit-log.md).
    sql: `
      CREATE TABLE audit_chain_v5 (
        seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
        kind      TEXT NOT NULL CHECK (kind IN ('entry', 'retention-cut', 'event')),
        time      TEXT NOT NULL CHECK (length(time) = 24),
        body      TEXT NOT NULL,
        prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
        hash      BLOB NOT NULL CHECK (length(hash) = 32)
      );
      INSERT INTO audit_chain_v5 (seq, kind, time, body, prev_hash, hash) SELECT seq, kind, time, body, prev_hash, hash FROM audit_chain;
      DROP TABLE audit_chain;
      ALTER TABLE audit_chain_v5 RENAME TO audit_chain;
      CREATE INDEX audit_chain_time ON audit_chain (time);
      CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
      BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
      ALTER TABLE audit_checkpoint ADD COLUMN note TEXT;
      ALTER TABLE audit_checkpoint ADD COLUMN epoch INTEGER;
      CREATE TABLE audit_epoch (
        epoch INTEGER PRIMARY KEY CHECK (epoch >= 1),
        note  TEXT NOT NULL
      );
      CREATE TRIGGER audit_epoch_no_update BEFORE UPDATE ON audit_epoch
      BEGIN SELECT RAISE(ABORT, 'epoch certificates are append-only'); END;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export class AuditSchemaError extends Error {
  override readonly name = 'AuditSchemaError';
}

export function schemaVersion(db: BetterSqlite3.Database): number {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!has) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Apply pending migrations up to `target` (default: all). Returns the versions applied. */
export function migrate(
  db: BetterSqlite3.Database,
  now: () => Date = () => new Date(),
  target = LATEST_VERSION,
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new AuditSchemaError(`audit database schema ${current} is newer than this program knows (${LATEST_VERSION})`);
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now().toISOString(),
      );
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}
