// Retention (issue #5 "retention period setting"): old rows are deleted without breaking
// verification, the cut itself is part of the chain, and tampering around the cut is still seen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { sampleEntry, tamper, tempDir, verifyFile } from './helpers.ts';

// sampleEntry(i) is at 2026-01-01 + i minutes; "now" below makes rows 1..40 older than one day.
const NOW = new Date(Date.UTC(2026, 0, 2) + 40 * 60_000 + 30_000);

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
    const r = s.prune(1, NOW);
    assert.deepEqual(r, { deleted: 40, cutSeq: 61, firstSeq: 41 });
    const v = s.verify();
    assert.equal(v.ok, true, v.firstBroken?.detail);
    assert.equal(v.rows, 21); // rows 41..60 and the cut row 61
    s.append(sampleEntry(61));
    assert.equal(s.verify().ok, true);
    // Pruning again with nothing old enough changes nothing.
    assert.deepEqual(s.prune(1, NOW), { deleted: 0, cutSeq: null, firstSeq: 41 });
    const db = new Database(path, { readonly: true });
    assert.equal((db.prepare('SELECT MIN(seq) AS m FROM audit_chain').get() as { m: number }).m, 41);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM audit_checkpoint WHERE seq < 41').get() as { n: number }).n, 0);
    db.close();
    assert.equal(JSON.parse(s.export('json')).retentionCuts[0].deletedCount, 40);
  });
});

test('a second cut re-anchors again; deleting every row by retention still verifies', () => {
  withStore((_path, s) => {
    s.prune(1, NOW);
    const later = new Date(NOW.getTime() + 365 * 86_400_000);
    const r = s.prune(30, later);
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
    s.setRetentionDays(1);
    assert.equal(s.getRetentionDays(), 1);
    assert.equal(s.applyRetention(NOW)?.deleted, 40);
    assert.throws(() => s.setRetentionDays(0), RangeError);
  });
});

test('after a cut: deleting a kept row, deleting the anchor, or forging the anchor is detected', () => {
  withStore((path, s) => {
    s.prune(1, NOW);
    tamper(path, 'DELETE FROM audit_chain WHERE seq = 45');
    const r = verifyFile(path);
    assert.deepEqual([r.firstBroken?.seq, r.firstBroken?.reason], [45, 'deleted']);
  });
  withStore((path, s) => {
    s.prune(1, NOW);
    tamper(path, 'DELETE FROM audit_retention_anchor');
    const r = verifyFile(path);
    assert.deepEqual([r.firstBroken?.seq, r.firstBroken?.reason], [1, 'deleted']);
  });
  withStore((path, s) => {
    // More rows deleted than the cut says, anchor moved to match the new first row: the cut row
    // in the chain still names 41 and the old prev hash.
    s.prune(1, NOW);
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
    assert.throws(() => s.prune(1, NOW), /broken at seq 5 \(deleted\); retention refused/);
    assert.equal(verifyFile(path).firstBroken?.seq, 5);
  });
});

test('retention never deletes a recent row even when an older-looking row follows it (clock set back)', () => {
  const t = tempDir();
  const path = join(t.dir, 'a.sqlite');
  const s = AuditStore.open(path);
  try {
    s.append(sampleEntry(1));
    s.append(sampleEntry(2, Date.UTC(2026, 0, 10))); // recent
    s.append(sampleEntry(3)); // clock went back: looks old
    const r = s.prune(1, new Date(Date.UTC(2026, 0, 10, 12)));
    assert.equal(r.deleted, 1); // only row 1, the prefix before the first recent row
    assert.equal(s.verify().ok, true);
  } finally {
    s.close();
    t.cleanup();
  }
});
