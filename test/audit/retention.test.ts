// Retention (docs/audit-log.md "Retention"): old rows are deleted without breaking verification,
// the cut itself is part of the chain, tampering around the cut is still seen, and a cut below the
// minimum retention or on a clock that cannot be trusted is refused and logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditStore, RetentionRefused } from '../../main/audit/audit-store.ts';
import { MIN_RETENTION_DAYS } from '../../core/audit/retention-rules.ts';
import { sampleEntry, tamper, tempDir, verifyFile } from './helpers.ts';

// sampleEntry(i) is at 2026-01-01 + i minutes; "now" below makes rows 1..40 older than 90 days.
const DAYS = MIN_RETENTION_DAYS;
const NOW = new Date(Date.UTC(2026, 0, 1) + DAYS * 86_400_000 + 40 * 60_000 + 30_000);

function withStore(fn: (path: string, s: AuditStore) => void): void {
  const t = tempDir();
  const path = join(t.dir, 'audit.sqlite');
  const s = AuditStore.open(path, { checkpointEvery: 10 });
  try {
    for (let i = 1; i <= 60; i++) s.append(sampleEntry(i));
    fn(path, s);
  } finally {
    s.close();
    t.cleanup();
  }
}

test('prune deletes the old prefix, appends a retention-cut row, and the chain verifies from the cut', () => {
  withStore((path, s) => {
    const r = s.prune(DAYS, NOW);
    assert.deepEqual(r, { deleted: 40, cutSeq: 61, firstSeq: 41 });
    const v = s.verify();
    assert.equal(v.ok, true, v.firstBroken?.detail);
    assert.equal(v.rows, 21); // rows 41..60 and the cut row 61
    s.append(sampleEntry(61));
    assert.equal(s.verify().ok, true);
    // Pruning again with nothing old enough changes nothing.
    assert.deepEqual(s.prune(DAYS, NOW), { deleted: 0, cutSeq: null, firstSeq: 41 });
    const db = new Database(path, { readonly: true });
    assert.equal((db.prepare('SELECT MIN(seq) AS m FROM audit_chain').get() as { m: number }).m, 41);
    // Checkpoints of the deleted range stay: they are the sealed heads of what the cut removed.
    assert.deepEqual(
      (db.prepare('SELECT seq FROM audit_checkpoint ORDER BY seq').all() as { seq: number }[]).map((x) => x.seq),
      [10, 20, 30, 40, 50, 60, 61],
    );
    db.close();
    assert.equal(JSON.parse(s.export('json')).retentionCuts[0].deletedCount, 40);
  });
});

test('a second cut re-anchors again; deleting every row by retention still verifies', () => {
  withStore((_path, s) => {
    s.prune(DAYS, NOW);
    const later = new Date(NOW.getTime() + 365 * 86_400_000);
    const r = s.prune(DAYS, later);
    assert.equal(r.firstSeq, 62);
    assert.equal(r.cutSeq, 62);
    const v = s.verify();
    assert.equal(v.ok, true, v.firstBroken?.detail);
    assert.equal(v.rows, 1);
  });
});

test('the stored retention setting drives applyRetention', () => {
  withStore((_path, s) => {
    assert.equal(s.applyRetention(NOW), null);
    s.setRetentionDays(DAYS);
    assert.equal(s.getRetentionDays(), DAYS);
    assert.equal(s.applyRetention(NOW)?.deleted, 40);
    assert.throws(() => s.setRetentionDays(0), RangeError);
    assert.throws(() => s.setRetentionDays(DAYS - 1), RangeError, 'staff cannot set less than the minimum');
  });
});

test('after a cut: deleting a kept row, deleting the anchor, or forging the anchor is detected', () => {
  withStore((path, s) => {
    s.prune(DAYS, NOW);
    tamper(path, 'DELETE FROM audit_chain WHERE seq = 45');
    const r = verifyFile(path);
    assert.deepEqual([r.firstBroken?.seq, r.firstBroken?.reason], [45, 'deleted']);
  });
  withStore((path, s) => {
    s.prune(DAYS, NOW);
    tamper(path, 'DELETE FROM audit_retention_anchor');
    const r = verifyFile(path);
    assert.deepEqual([r.firstBroken?.seq, r.firstBroken?.reason], [1, 'deleted']);
  });
  withStore((path, s) => {
    // More rows deleted than the cut says, anchor moved to match the new first row: the cut row
    // in the chain still names 41 and the old prev hash.
    s.prune(DAYS, NOW);
    const db = new Database(path);
    const h = (db.prepare('SELECT hash FROM audit_chain WHERE seq = 49').get() as { hash: Buffer }).hash;
    db.prepare('DELETE FROM audit_chain WHERE seq < 50').run();
    db.prepare('UPDATE audit_retention_anchor SET first_seq = 50, prev_hash = ?').run(h);
    db.close();
    const r = verifyFile(path);
    assert.deepEqual([r.firstBroken?.seq, r.firstBroken?.reason], [61, 'edited']);
  });
});

test('retention refuses to run on a broken chain (it must not launder tampering)', () => {
  withStore((path, s) => {
    tamper(path, 'DELETE FROM audit_chain WHERE seq = 5');
    assert.throws(() => s.prune(DAYS, NOW), /broken at seq 5 \(deleted\); retention refused/);
    assert.equal(verifyFile(path).firstBroken?.seq, 5);
  });
});

test('retention never deletes a recent row even when an older-looking row follows it (clock set back)', () => {
  const t = tempDir();
  const path = join(t.dir, 'a.sqlite');
  const s = AuditStore.open(path);
  try {
    const now = new Date(Date.UTC(2026, 5, 1));
    s.append(sampleEntry(1));
    s.append(sampleEntry(2, Date.UTC(2026, 4, 25))); // recent
    s.append(sampleEntry(3)); // clock went back: looks old
    const r = s.prune(DAYS, now);
    assert.equal(r.deleted, 1); // only row 1, the prefix before the first recent row
    assert.equal(s.verify().ok, true);
  } finally {
    s.close();
    t.cleanup();
  }
});

/** The events the chain holds, as {event, ...fields}. */
function events(path: string): Record<string, unknown>[] {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare("SELECT body FROM audit_chain WHERE kind = 'event' ORDER BY seq").all() as { body: string }[]
    ).map((r) => JSON.parse(r.body));
  } finally {
    db.close();
  }
}

test('a cut below the minimum retention is refused, deletes nothing, and the refusal is in the chain', () => {
  withStore((path, s) => {
    for (const days of [1, 30, DAYS - 1]) {
      assert.throws(
        () => s.prune(days, NOW),
        (e: unknown) => e instanceof RetentionRefused && e.reason === 'below_minimum',
      );
    }
    const db = new Database(path, { readonly: true });
    assert.equal((db.prepare('SELECT MIN(seq) AS m FROM audit_chain').get() as { m: number }).m, 1, 'nothing deleted');
    db.close();
    assert.deepEqual(
      events(path).map((e) => [e.event, e.reason, e.days]),
      [
        ['retention_refused', 'below_minimum', 1],
        ['retention_refused', 'below_minimum', 30],
        ['retention_refused', 'below_minimum', DAYS - 1],
      ],
    );
    assert.equal(s.verify().ok, true);
  });
});

test('a cut on a clock behind the newest row, or after a clock jump in this run, is refused and logged', () => {
  withStore((path, s) => {
    // The newest row is at 2026-01-01 01:00; a "now" of 2025 is a clock that went back.
    assert.throws(
      () => s.prune(DAYS, new Date(Date.UTC(2025, 11, 1))),
      (e: unknown) => e instanceof RetentionRefused && e.reason === 'clock_behind_log',
    );
    s.noteClockJump();
    assert.throws(
      () => s.prune(DAYS, NOW),
      (e: unknown) => e instanceof RetentionRefused && e.reason === 'clock_jumped',
    );
    assert.deepEqual(
      events(path).map((e) => e.reason),
      ['clock_behind_log', 'clock_jumped'],
    );
    assert.equal(verifyFile(path).rows, 62, 'sixty entries and two refusals, nothing deleted');
  });
});
