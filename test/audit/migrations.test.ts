// One test per audit schema migration (main/audit/migrations.ts), plus the upgrade path: a database
// left at an older version is brought up to date with its rows intact and still verifying.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion, AuditSchemaError } from '../../main/audit/migrations.ts';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { canonicalJson } from '../../core/audit/canonical.ts';
import { linkRow, type ChainPoint } from '../../core/audit/hash-chain.ts';
import { sampleEntry, tempDir } from './helpers.ts';

const FIXED = () => new Date(Date.UTC(2026, 0, 1));

function atVersion(v: number): Database.Database {
  const db = new Database(':memory:');
  migrate(db, FIXED, v);
  assert.equal(schemaVersion(db), v);
  return db;
}
const tables = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
const h32 = Buffer.alloc(32, 1);

test('migrations are numbered 1..N without gaps and each is recorded in schema_migrations', () => {
  assert.deepEqual(
    MIGRATIONS.map((m) => m.version),
    Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1),
  );
  const db = atVersion(LATEST_VERSION);
  const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
  assert.deepEqual(
    rows,
    MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: '2026-01-01T00:00:00.000Z' })),
  );
  assert.deepEqual(migrate(db, FIXED), [], 'migrate is idempotent');
  db.close();
});

test('migration 1 (audit_chain): the chain table and its constraints', () => {
  const db = atVersion(1);
  assert.ok(tables(db).includes('audit_chain'));
  const ins = db.prepare('INSERT INTO audit_chain (seq, kind, time, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)');
  ins.run(1, 'entry', '2026-01-01T00:00:00.000Z', '{}', h32, h32);
  assert.throws(() => ins.run(2, 'note', '2026-01-01T00:00:00.000Z', '{}', h32, h32), /CHECK/); // unknown kind
  assert.throws(() => ins.run(3, 'entry', '2026-01-01T00:00:00.000Z', '{}', Buffer.alloc(31), h32), /CHECK/); // short hash
  assert.throws(() => ins.run(0, 'entry', '2026-01-01T00:00:00.000Z', '{}', h32, h32), /CHECK/); // seq from 1
  assert.throws(() => ins.run(1, 'entry', '2026-01-01T00:00:00.000Z', '{}', h32, h32), /UNIQUE|PRIMARY/); // seq unique
  assert.ok(!tables(db).includes('audit_head'), 'version 1 stops here');
  db.close();
});

test('migration 2 (head_and_checkpoints): a single head row and checkpoints', () => {
  const db = atVersion(2);
  assert.ok(tables(db).includes('audit_head') && tables(db).includes('audit_checkpoint'));
  db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, 5, ?)').run(h32);
  assert.throws(() => db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (2, 6, ?)').run(h32), /CHECK/);
  db.prepare('INSERT INTO audit_checkpoint (seq, hash, created_at) VALUES (100, ?, ?)').run(h32, 'x');
  assert.throws(
    () => db.prepare('INSERT INTO audit_checkpoint (seq, hash, created_at) VALUES (100, ?, ?)').run(h32, 'x'),
    /UNIQUE|PRIMARY/,
  );
  db.close();
});

test('migration 3 (retention): the anchor and settings tables', () => {
  const db = atVersion(3);
  assert.ok(tables(db).includes('audit_retention_anchor') && tables(db).includes('audit_settings'));
  db.prepare('INSERT INTO audit_retention_anchor VALUES (61, 41, ?, 40, ?)').run(h32, '2026-01-01T00:00:00.000Z');
  assert.throws(
    () => db.prepare('INSERT INTO audit_retention_anchor VALUES (62, 41, ?, 40, ?)').run(Buffer.alloc(3), 'x'),
    /CHECK/,
  );
  db.prepare("INSERT INTO audit_settings VALUES ('retention_days', '90')").run();
  db.close();
});

test('migration 4 (append_only_guard): UPDATE of chain rows and checkpoints is refused, DELETE (retention) is not', () => {
  const db = atVersion(4);
  db.prepare('INSERT INTO audit_chain VALUES (1, ?, ?, ?, ?, ?)').run(
    'entry',
    '2026-01-01T00:00:00.000Z',
    '{}',
    h32,
    h32,
  );
  db.prepare('INSERT INTO audit_checkpoint VALUES (1, ?, ?)').run(h32, 'x');
  assert.throws(() => db.exec('UPDATE audit_chain SET body = \'{"x":1}\''), /append-only/);
  assert.throws(() => db.exec('UPDATE audit_checkpoint SET seq = 2'), /append-only/);
  db.exec('DELETE FROM audit_chain');
  db.close();
});

/** Rows 1..n written as the code of `version` wrote them (chain, head, checkpoint every 2). */
function legacyLog(path: string, version: number, n: number): void {
  const db = new Database(path);
  migrate(db, FIXED, version);
  let prev: ChainPoint | null = null;
  for (let i = 1; i <= n; i++) {
    const e = sampleEntry(i);
    const row = linkRow(prev, { seq: i, kind: 'entry', time: e.time, body: canonicalJson(e) });
    db.prepare('INSERT INTO audit_chain (seq, kind, time, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(
      row.seq,
      row.kind,
      row.time,
      row.body,
      row.prevHash,
      row.hash,
    );
    db.prepare(
      'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
    ).run(row.seq, row.hash);
    if (i % 2 === 0)
      db.prepare('INSERT INTO audit_checkpoint (seq, hash, created_at) VALUES (?, ?, ?)').run(
        row.seq,
        row.hash,
        e.time,
      );
    prev = { seq: row.seq, hash: row.hash };
  }
  db.close();
}

test('migration 5 (sealed_checkpoints_and_events): event rows allowed, rows kept through the rebuild, signed checkpoints and append-only epoch certificates', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'v4.sqlite');
    legacyLog(path, 4, 5);
    const db = new Database(path);
    assert.throws(
      () =>
        db
          .prepare('INSERT INTO audit_chain VALUES (6, ?, ?, ?, ?, ?)')
          .run('event', '2026-01-01T00:00:00.000Z', '{}', h32, h32),
      /CHECK/,
      'version 4 has no event rows',
    );
    const before = db.prepare('SELECT * FROM audit_chain ORDER BY seq').all();
    assert.deepEqual(migrate(db, FIXED), [5]);
    assert.deepEqual(
      db.prepare('SELECT * FROM audit_chain ORDER BY seq').all(),
      before,
      'the rebuild keeps every row byte for byte',
    );
    db.prepare('INSERT INTO audit_chain VALUES (6, ?, ?, ?, ?, ?)').run(
      'event',
      '2026-01-01T00:00:00.000Z',
      '{}',
      h32,
      h32,
    );
    assert.throws(
      () => db.exec("UPDATE audit_chain SET body = '{}' WHERE seq = 6"),
      /append-only/,
      'the guard is back on the rebuilt table',
    );
    db.prepare('INSERT INTO audit_checkpoint (seq, hash, created_at, note, epoch) VALUES (6, ?, ?, ?, ?)').run(
      h32,
      'x',
      'note',
      3,
    );
    db.prepare('INSERT INTO audit_epoch (epoch, note) VALUES (1, ?)').run('certificate');
    assert.throws(() => db.exec("UPDATE audit_epoch SET note = 'forged'"), /append-only/);
    assert.throws(() => db.prepare('INSERT INTO audit_epoch (epoch, note) VALUES (0, ?)').run('x'), /CHECK/);
    assert.ok(
      db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'audit_chain_time'").get(),
      'the time index is back',
    );
    db.close();
  } finally {
    t.cleanup();
  }
});

test('upgrade: a log left at version 3 gains migrations 4 and 5 on open, keeps its rows and still verifies', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'old.sqlite');
    legacyLog(path, 3, 5);
    const v3 = new Database(path, { readonly: true });
    assert.equal(schemaVersion(v3), 3);
    v3.close();
    const s2 = AuditStore.open(path);
    s2.append(sampleEntry(6));
    assert.equal(s2.verify().ok, true);
    s2.close();
    const db2 = new Database(path, { readonly: true });
    assert.equal(schemaVersion(db2), LATEST_VERSION);
    assert.ok(tables(db2).includes('audit_chain_no_update'));
    assert.equal((db2.prepare('SELECT COUNT(*) AS n FROM audit_chain').get() as { n: number }).n, 6);
    db2.close();
  } finally {
    t.cleanup();
  }
});

test('a database from a newer program is refused, not silently downgraded', () => {
  const db = atVersion(LATEST_VERSION);
  db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(LATEST_VERSION + 1, 'future', 'x');
  assert.throws(() => migrate(db, FIXED), AuditSchemaError);
  db.close();
});

test('the store runs WAL with synchronous FULL', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'a.sqlite');
    const s = AuditStore.open(path);
    s.append(sampleEntry(1));
    // synchronous is per connection: read it from the store's own connection.
    const db = (s as unknown as { db: Database.Database }).db;
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2); // 2 = FULL
    s.close();
  } finally {
    t.cleanup();
  }
});
