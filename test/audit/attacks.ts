// What someone who owns the database file (not the kiosk's key) can do to it, as raw SQL: used by the
// sealed-log tests (store and CLI). Each attack leaves the hash chain self-consistent, so the
// hash-only verify of old passes it; only the signed layer (or a head noted elsewhere) finds it.
import Database from 'better-sqlite3';
import { canonicalJson, toHex } from '../../core/audit/canonical.ts';
import { rowHash } from '../../core/audit/hash-chain.ts';
import type { RetentionCutBody } from '../../core/audit/hash-chain.ts';

type Raw = { seq: number; kind: string; time: string; body: string; prev_hash: Buffer; hash: Buffer };

function open(path: string): Database.Database {
  const db = new Database(path);
  db.exec(
    'DROP TRIGGER IF EXISTS audit_chain_no_update; DROP TRIGGER IF EXISTS audit_checkpoint_no_update; DROP TRIGGER IF EXISTS audit_epoch_no_update;',
  );
  return db;
}

/** Re-link rows from `fromSeq` on (after an edit), and move the head and every checkpoint's hash column with them. */
function relink(db: Database.Database, fromSeq: number): void {
  const rows = db.prepare('SELECT * FROM audit_chain WHERE seq >= ? ORDER BY seq').all(fromSeq) as Raw[];
  const before = db.prepare('SELECT hash FROM audit_chain WHERE seq < ? ORDER BY seq DESC LIMIT 1').get(fromSeq) as
    { hash: Buffer } | undefined;
  let prev: Uint8Array = before ? before.hash : rows[0] ? rows[0].prev_hash : new Uint8Array(32);
  const upd = db.prepare('UPDATE audit_chain SET prev_hash = ?, hash = ? WHERE seq = ?');
  const cp = db.prepare('UPDATE audit_checkpoint SET hash = ? WHERE seq = ?');
  for (const r of rows) {
    const h = rowHash(prev, { seq: r.seq, kind: r.kind, time: r.time, body: r.body });
    upd.run(prev, h, r.seq);
    cp.run(h, r.seq);
    prev = h;
  }
  const last = rows[rows.length - 1];
  if (last) db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(last.seq, prev);
}

/** Change one row's body and re-hash everything after it (head and checkpoint hash columns too). */
export function editAndRehash(path: string, seq: number, edit: (body: string) => string): void {
  const db = open(path);
  try {
    const r = db.prepare('SELECT body FROM audit_chain WHERE seq = ?').get(seq) as { body: string };
    const body = edit(r.body);
    if (body === r.body) throw new Error('the edit changed nothing');
    db.prepare('UPDATE audit_chain SET body = ? WHERE seq = ?').run(body, seq);
    relink(db, seq);
  } finally {
    db.close();
  }
}

/**
 * A retention cut nobody made: rows below `firstSeq` deleted, a cut row appended with a plausible
 * body (cutoff `cutoff`, at `time`), and the anchor and head moved to match.
 */
export function forgeCut(path: string, firstSeq: number, cutoff: string, time: string): void {
  const db = open(path);
  try {
    const prevHash = (db.prepare('SELECT hash FROM audit_chain WHERE seq = ?').get(firstSeq - 1) as { hash: Buffer })
      .hash;
    const deleted = (db.prepare('SELECT COUNT(*) AS n FROM audit_chain WHERE seq < ?').get(firstSeq) as { n: number })
      .n;
    db.prepare('DELETE FROM audit_chain WHERE seq < ?').run(firstSeq);
    const head = db.prepare('SELECT seq, hash FROM audit_head').get() as { seq: number; hash: Buffer };
    const body: RetentionCutBody = { cutoff, deletedCount: deleted, firstSeq, prevHash: toHex(prevHash) };
    const row = { seq: head.seq + 1, kind: 'retention-cut', time, body: canonicalJson(body) };
    const h = rowHash(head.hash, row);
    db.prepare('INSERT INTO audit_chain VALUES (?, ?, ?, ?, ?, ?)').run(
      row.seq,
      row.kind,
      row.time,
      row.body,
      head.hash,
      h,
    );
    db.prepare('INSERT INTO audit_retention_anchor VALUES (?, ?, ?, ?, ?)').run(
      row.seq,
      firstSeq,
      prevHash,
      deleted,
      cutoff,
    );
    db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(row.seq, h);
  } finally {
    db.close();
  }
}

/**
 * Delete the rows from `fromSeq` on. `cover` also deletes the checkpoints there and rewinds the
 * head, so no in-file anchor of the hash chain points past the new end.
 */
export function deleteTail(path: string, fromSeq: number, cover: boolean): void {
  const db = open(path);
  try {
    db.prepare('DELETE FROM audit_chain WHERE seq >= ?').run(fromSeq);
    if (cover) {
      db.prepare('DELETE FROM audit_checkpoint WHERE seq >= ?').run(fromSeq);
      const last = db.prepare('SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1').get() as {
        seq: number;
        hash: Buffer;
      };
      db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(last.seq, last.hash);
    }
  } finally {
    db.close();
  }
}

/** Replace every checkpoint's note (re-signed by `resign`, e.g. with a thief's or another kiosk's key). */
export function resignCheckpoints(
  path: string,
  resign: (seq: number, hash: Uint8Array) => { note: string; epoch: number },
): void {
  const db = open(path);
  try {
    for (const c of db.prepare('SELECT seq, hash FROM audit_checkpoint WHERE note IS NOT NULL').all() as {
      seq: number;
      hash: Buffer;
    }[]) {
      const r = resign(c.seq, c.hash);
      db.prepare('UPDATE audit_checkpoint SET note = ?, epoch = ? WHERE seq = ?').run(r.note, r.epoch, c.seq);
    }
  } finally {
    db.close();
  }
}

/** Raw SQL, triggers dropped first. */
export function sql(path: string, ...statements: string[]): void {
  const db = open(path);
  try {
    for (const s of statements) db.exec(s);
  } finally {
    db.close();
  }
}
