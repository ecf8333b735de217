// Issue #5: "`npx kakunin audit verify --db FILE` reports the first broken link after any edit,
// insert or deletion". Each test builds a 30-row log (checkpoints every 10), tampers with it through
// raw SQL as someone with write access to the file would, and checks the seq and reason reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { rowHash } from '../../core/audit/hash-chain.ts';
import { canonicalJson } from '../../core/audit/canonical.ts';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { filledStore, sampleEntry, tamper, tempDir, verifyFile } from './helpers.ts';

const N = 30;

function withLog(fn: (path: string) => void): void {
  const t = tempDir();
  try {
    const path = join(t.dir, 'audit.sqlite');
    filledStore(path, N).close();
    fn(path);
  } finally {
    t.cleanup();
  }
}

function expectBreak(path: string, seq: number, reason: string): void {
  const r = verifyFile(path);
  assert.equal(r.ok, false, 'tampering went unnoticed');
  assert.deepEqual({ seq: r.firstBroken!.seq, reason: r.firstBroken!.reason }, { seq, reason }, r.firstBroken!.detail);
}

type Raw = { seq: number; kind: string; time: string; body: string; prev_hash: Buffer; hash: Buffer };
function rawRow(path: string, seq: number): Raw {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM audit_chain WHERE seq = ?').get(seq) as Raw;
  } finally {
    db.close();
  }
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('an untouched log verifies: every row, head and checkpoint agree', () => {
  withLog((path) => {
    const r = verifyFile(path);
    assert.equal(r.ok, true, r.firstBroken?.detail);
    assert.equal(r.rows, N);
    assert.equal(r.lastVerified?.seq, N);
  });
});

test('edited: a changed outcome in the body is reported at that row', () => {
  withLog((path) => {
    tamper(
      path,
      `UPDATE audit_chain SET body = replace(body, '"outcome":"invalid"', '"outcome":"valid"') WHERE seq = 18`,
    );
    assert.match(rawRow(path, 18).body, /"outcome":"valid"/);
    expectBreak(path, 18, 'edited');
  });
});

test('edited: a changed time column, hash column or prev_hash column is reported at that row', () => {
  withLog((path) => {
    tamper(path, `UPDATE audit_chain SET time = '2026-01-01T00:00:00.000Z' WHERE seq = 7`);
    expectBreak(path, 7, 'edited');
  });
  withLog((path) => {
    tamper(path, `UPDATE audit_chain SET hash = randomblob(32) WHERE seq = 7`);
    expectBreak(path, 7, 'edited');
  });
  withLog((path) => {
    tamper(path, `UPDATE audit_chain SET prev_hash = randomblob(32) WHERE seq = 7`);
    expectBreak(path, 7, 'edited');
  });
});

test('edited: a row changed AND re-hashed is caught where the next row no longer links to it', () => {
  withLog((path) => {
    const r = rawRow(path, 12);
    const body = r.body.replace(/"mode":"[a-z0-9-]+"/, '"mode":"identity"');
    assert.notEqual(body, r.body);
    const h = rowHash(r.prev_hash, { seq: 12, kind: r.kind, time: r.time, body });
    tamper(path, `UPDATE audit_chain SET body = '${body}', hash = x'${hex(h)}' WHERE seq = 12`);
    expectBreak(path, 12, 'edited');
  });
});

test('edited: a chain re-hashed from a row to the end (head too) still disagrees with the next checkpoint', () => {
  withLog((path) => {
    const db = new Database(path);
    db.exec('DROP TRIGGER audit_chain_no_update');
    let prev = (db.prepare('SELECT hash FROM audit_chain WHERE seq = 14').get() as { hash: Buffer }).hash as Uint8Array;
    for (let seq = 15; seq <= N; seq++) {
      const r = db.prepare('SELECT * FROM audit_chain WHERE seq = ?').get(seq) as Raw;
      const body = seq === 15 ? r.body.replace('"training":false', '"training":true') : r.body;
      const h = rowHash(prev, { seq, kind: r.kind, time: r.time, body });
      db.prepare('UPDATE audit_chain SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(body, prev, h, seq);
      prev = h;
    }
    db.prepare('UPDATE audit_head SET hash = ? WHERE id = 1').run(prev);
    db.close();
    expectBreak(path, 20, 'edited');
  });
});

test('inserted: a forged row appended past the head, with or without a correct link', () => {
  withLog((path) => {
    tamper(
      path,
      `INSERT INTO audit_chain VALUES (31, 'entry', '2026-02-01T00:00:00.000Z', '{}', randomblob(32), randomblob(32))`,
    );
    expectBreak(path, 31, 'inserted');
  });
  withLog((path) => {
    const last = rawRow(path, 30);
    const body = canonicalJson(sampleEntry(99));
    const time = '2026-02-01T00:00:00.000Z';
    const h = rowHash(last.hash, { seq: 31, kind: 'entry', time, body });
    tamper(
      path,
      `INSERT INTO audit_chain VALUES (31, 'entry', '${time}', '${body}', x'${hex(last.hash)}', x'${hex(h)}')`,
    );
    expectBreak(path, 31, 'inserted');
  });
});

test('inserted: a forged row slipped into the middle with the rest renumbered (careful or careless forger)', () => {
  for (const careful of [true, false]) {
    withLog((path) => {
      const before = rawRow(path, 11);
      const body = canonicalJson(sampleEntry(77));
      const time = before.time;
      const h = careful ? rowHash(before.hash, { seq: 12, kind: 'entry', time, body }) : new Uint8Array(32).fill(7);
      tamper(
        path,
        'UPDATE audit_chain SET seq = seq + 1000000 WHERE seq >= 12',
        'UPDATE audit_chain SET seq = seq - 1000000 + 1 WHERE seq > 1000000',
        `INSERT INTO audit_chain VALUES (12, 'entry', '${time}', '${body}', x'${hex(before.hash)}', x'${hex(h)}')`,
        'UPDATE audit_head SET seq = seq + 1',
      );
      expectBreak(path, 12, 'inserted');
    });
  }
});

test('deleted: a middle row removed is reported at its seq', () => {
  withLog((path) => {
    tamper(path, 'DELETE FROM audit_chain WHERE seq = 17');
    expectBreak(path, 17, 'deleted');
  });
  withLog((path) => {
    tamper(path, 'DELETE FROM audit_chain WHERE seq = 1');
    expectBreak(path, 1, 'deleted');
  });
});

test('deleted: a middle row removed and the rest renumbered to close the gap', () => {
  withLog((path) => {
    tamper(
      path,
      'DELETE FROM audit_chain WHERE seq = 17',
      'UPDATE audit_chain SET seq = seq + 1000000 WHERE seq > 17',
      'UPDATE audit_chain SET seq = seq - 1000000 - 1 WHERE seq > 1000000',
      'UPDATE audit_head SET seq = seq - 1',
    );
    expectBreak(path, 17, 'deleted');
  });
});

test('truncated: the tail deleted (head left) and the tail deleted with the head rewound (a checkpoint remains)', () => {
  withLog((path) => {
    tamper(path, 'DELETE FROM audit_chain WHERE seq > 25');
    expectBreak(path, 26, 'truncated');
  });
  withLog((path) => {
    const r25 = rawRow(path, 25);
    tamper(
      path,
      'DELETE FROM audit_chain WHERE seq > 25',
      `UPDATE audit_head SET seq = 25, hash = x'${hex(r25.hash)}'`,
    );
    expectBreak(path, 26, 'truncated');
  });
});

test('known limit: a tail deleted together with the head AND every checkpoint past it is not detectable in-file', () => {
  // Documented in core/audit/hash-chain.ts: every anchor lives in the same file. A head noted
  // elsewhere closes it (`audit verify --expect-head`, test/audit/cli.test.ts). The test pins the
  // in-file limit so nobody believes otherwise.
  withLog((path) => {
    const r25 = rawRow(path, 25);
    tamper(
      path,
      'DELETE FROM audit_chain WHERE seq > 25',
      'DELETE FROM audit_checkpoint WHERE seq > 25',
      `UPDATE audit_head SET seq = 25, hash = x'${hex(r25.hash)}'`,
    );
    assert.equal(verifyFile(path).ok, true);
  });
});

test('edited: the head row removed while rows remain', () => {
  withLog((path) => {
    tamper(path, 'DELETE FROM audit_head');
    expectBreak(path, N, 'edited');
  });
});

test('reordered: two rows swapped by seq (adjacent and far apart) or by content', () => {
  withLog((path) => {
    tamper(
      path,
      'UPDATE audit_chain SET seq = 1000000 WHERE seq = 12',
      'UPDATE audit_chain SET seq = 12 WHERE seq = 13',
      'UPDATE audit_chain SET seq = 13 WHERE seq = 1000000',
    );
    expectBreak(path, 12, 'reordered');
  });
  withLog((path) => {
    tamper(
      path,
      'UPDATE audit_chain SET seq = 1000000 WHERE seq = 12',
      'UPDATE audit_chain SET seq = 12 WHERE seq = 19',
      'UPDATE audit_chain SET seq = 19 WHERE seq = 1000000',
    );
    expectBreak(path, 12, 'reordered');
  });
  withLog((path) => {
    const a = rawRow(path, 12);
    const b = rawRow(path, 13);
    tamper(
      path,
      `UPDATE audit_chain SET time = '${b.time}', body = '${b.body}' WHERE seq = 12`,
      `UPDATE audit_chain SET time = '${a.time}', body = '${a.body}' WHERE seq = 13`,
    );
    expectBreak(path, 12, 'reordered');
  });
});

test('the database refuses UPDATE of audit rows (append-only trigger) before any hash is needed', () => {
  withLog((path) => {
    const db = new Database(path);
    try {
      assert.throws(() => db.exec(`UPDATE audit_chain SET body = '{}' WHERE seq = 3`), /append-only/);
    } finally {
      db.close();
    }
    assert.equal(verifyFile(path).ok, true);
  });
});

test('appending after tampering does not heal it: the break is still reported', () => {
  withLog((path) => {
    tamper(path, 'DELETE FROM audit_chain WHERE seq = 9');
    const s = AuditStore.open(path);
    s.append(sampleEntry(40));
    s.close();
    expectBreak(path, 9, 'deleted');
  });
});

test('edited: a column the encoding refuses (a newline in time) is reported, never thrown', () => {
  withLog((path) => {
    tamper(path, `UPDATE audit_chain SET time = '2026-01-01T00:00:00.00' || char(10) || 'Z' WHERE seq = 4`);
    expectBreak(path, 4, 'edited');
  });
});

test('two writers on one file (kiosk and a second process) interleave appends without forking the chain', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'audit.sqlite');
    const a = AuditStore.open(path);
    const b = AuditStore.open(path);
    for (let i = 1; i <= 20; i++) (i % 3 ? a : b).append(sampleEntry(i));
    a.close();
    b.close();
    const r = verifyFile(path);
    assert.equal(r.ok, true, r.firstBroken?.detail);
    assert.equal(r.rows, 20);
  } finally {
    t.cleanup();
  }
});
