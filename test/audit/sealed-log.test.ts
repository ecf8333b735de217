// The signed layer against the attacks that pass the hash chain alone (docs/audit-log.md "Threat
// model"). Each test reproduces the attack on the old, hash-only verification (it passes) and shows
// that verification with the kiosk's public key finds it, naming the first bad checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkpointText, logOrigin, parseCheckpointText } from '../../core/audit/checkpoint.ts';
import { parseSignedNote } from '../../core/audit/signed-note.ts';
import { AuditStore, type AuditReport } from '../../main/audit/audit-store.ts';
import { SealingKey } from '../../main/audit/sealing-key.ts';
import { deleteTail, editAndRehash, forgeCut, resignCheckpoints, sql } from './attacks.ts';
import { sampleEntry, tempDir } from './helpers.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);
/** The verifier's clock: nine days after the first row. */
const NOW = new Date(T0 + 9 * DAY);

interface Log {
  home: string;
  path: string;
  key: SealingKey;
  pub: Uint8Array;
  /** Append rows first..last as the kiosk does (a run: open, append, close = seal and ratchet). */
  run(first: number, last: number): void;
  verify(opts?: { external?: { seq: number; hash: Uint8Array }[]; now?: Date; signed?: boolean }): AuditReport;
  done(): void;
}

function sealedLog(runs: [number, number][] = [[1, 25]]): Log {
  const t = tempDir('kakunin-sealed-');
  const home = join(t.dir, 'home');
  let clock = T0;
  const now = () => new Date(clock);
  const key = SealingKey.open(home, { now });
  const path = join(t.dir, 'audit.sqlite');
  const log: Log = {
    home,
    path,
    key,
    pub: key.publicKey,
    run(first, last) {
      clock = T0 + first * MIN;
      const s = AuditStore.open(path, { sealer: key, checkpointEvery: 10, now });
      for (let i = first; i <= last; i++) {
        clock = T0 + i * MIN + 1000;
        s.append(sampleEntry(i, T0));
      }
      s.close();
    },
    verify(o = {}) {
      const s = AuditStore.open(path, { readOnly: true });
      try {
        return s.verify(o.external ?? [], o.signed === false ? {} : { publicKey: key.publicKey, now: o.now ?? NOW });
      } finally {
        s.close();
      }
    },
    done() {
      key.close();
      t.cleanup();
    },
  };
  for (const [a, b] of runs) log.run(a, b);
  return log;
}

function expectBroken(r: AuditReport, seq: number, reason: string, badCheckpoint: number | null): void {
  assert.equal(r.ok, false, 'the attack went unnoticed');
  assert.deepEqual({ seq: r.firstBroken!.seq, reason: r.firstBroken!.reason }, { seq, reason }, r.firstBroken!.detail);
  assert.equal(r.firstBadCheckpoint?.size ?? null, badCheckpoint, `first bad checkpoint (${r.firstBroken!.detail})`);
}

test('an untouched sealed log verifies with the kiosk key: every checkpoint signed, epochs linked to the key', () => {
  const log = sealedLog([
    [1, 25],
    [26, 40],
  ]);
  try {
    const r = log.verify();
    assert.equal(r.ok, true, r.firstBroken?.detail);
    assert.equal(r.signatures, 'checked');
    assert.equal(r.rows, 40);
    assert.equal(r.epochs, 2, 'each close ended an epoch');
    assert.equal(r.checkpoint?.size, 40);
    assert.equal(r.checkpoint?.epoch, 1);
    assert.equal(r.head?.seq, 40);
    const c = parseCheckpointText(parseSignedNote(r.checkpoint!.note!).text);
    assert.equal(c.size, 40);
    assert.equal(Buffer.from(c.head).toString('hex'), r.head!.hash);
  } finally {
    log.done();
  }
});

test('row edit + full rehash: passes the hash chain alone, broken at the first signed checkpoint after the edit', () => {
  const log = sealedLog();
  try {
    editAndRehash(log.path, 13, (b) => b.replace(/"outcome":"[a-z]+"/, '"outcome":"cancelled"'));
    assert.equal(log.verify({ signed: false }).ok, true, 'the old hole: an unkeyed chain rehashed end to end verifies');
    expectBroken(log.verify(), 20, 'edited', 20);
  } finally {
    log.done();
  }
});

test("checkpoints re-signed with another kiosk's key (or a whole log made by another kiosk) do not verify", () => {
  const log = sealedLog();
  const other = sealedLog();
  try {
    editAndRehash(log.path, 3, (b) => b.replace('"training":false', '"training":true'));
    resignCheckpoints(log.path, (seq, hash) => {
      const origin = logOrigin(other.key.kioskId, '0'.repeat(32));
      return other.key.sign(origin, (epoch) =>
        checkpointText({
          kioskId: other.key.kioskId,
          logId: '0'.repeat(32),
          size: seq,
          head: hash,
          time: new Date(T0).toISOString(),
          epoch,
          every: 10,
        }),
      );
    });
    // (A sealed log signs its first row at once, then every 10.)
    expectBroken(log.verify(), 1, 'signature', 1);
    // Another kiosk's genuine log, checked against this kiosk's key.
    const s = AuditStore.open(other.path, { readOnly: true });
    const r = s.verify([], { publicKey: log.pub, now: NOW });
    s.close();
    expectBroken(r, 1, 'signature', 1);
    assert.equal(other.verify().ok, true, 'it does verify under its own key');
  } finally {
    log.done();
    other.done();
  }
});

test('forged retention cut: passes the hash chain alone, broken under the key; an external head inside the pruned range is checked, not dropped', () => {
  const log = sealedLog();
  try {
    const h15 = log.verify({ signed: false });
    const s = AuditStore.open(log.path, { readOnly: true });
    const at = (seq: number) =>
      (s as unknown as { db: import('better-sqlite3').Database }).db
        .prepare('SELECT hash FROM audit_chain WHERE seq = ?')
        .get(seq) as { hash: Buffer };
    const noted15 = { seq: 15, hash: new Uint8Array(at(15).hash) };
    const noted20 = { seq: 20, hash: new Uint8Array(at(20).hash) };
    s.close();
    assert.equal(h15.ok, true);
    // Rows 1..20 (nine days old) "cut" as if older than 90 days.
    forgeCut(log.path, 21, new Date(NOW.getTime() - 91 * DAY).toISOString(), NOW.toISOString());
    assert.equal(log.verify({ signed: false }).ok, true, 'the old hole: a forged cut row re-anchors the chain');
    // External heads below the cut: the old code dropped them silently.
    const miss = log.verify({ signed: false, external: [noted15] });
    assert.deepEqual(
      [miss.ok, miss.firstBroken?.reason],
      [false, 'retention'],
      'nothing was kept at 15: cannot be confirmed',
    );
    const wrong = log.verify({ signed: false, external: [{ seq: 20, hash: new Uint8Array(32).fill(9) }] });
    assert.deepEqual(
      [wrong.ok, wrong.firstBroken?.seq, wrong.firstBroken?.reason],
      [false, 20, 'retention'],
      'disagrees with the kept checkpoint',
    );
    assert.equal(log.verify({ signed: false, external: [noted20] }).ok, true, 'the head the cut kept matches');
    // Under the key: checkpoint 1, kept from the deleted range, is newer than the cut's cutoff.
    expectBroken(log.verify(), 26, 'retention', 1);
  } finally {
    log.done();
  }
});

test('a forged cut that also deletes the kept checkpoints is not sealed by the kiosk', () => {
  const log = sealedLog();
  try {
    forgeCut(log.path, 21, new Date(NOW.getTime() - 91 * DAY).toISOString(), NOW.toISOString());
    sql(log.path, 'DELETE FROM audit_checkpoint WHERE seq < 21');
    const r = log.verify();
    assert.deepEqual(
      [r.ok, r.firstBroken?.seq, r.firstBroken?.reason],
      [false, 26, 'retention'],
      r.firstBroken?.detail,
    );
    assert.match(r.firstBroken!.detail, /not sealed/);
  } finally {
    log.done();
  }
});

test('clock-forward prune: the kiosk, its clock two years ahead, cuts everything; a verifier with a right clock finds it', () => {
  const log = sealedLog();
  try {
    const future = new Date(NOW.getTime() + 730 * DAY);
    const s = AuditStore.open(log.path, { sealer: log.key, checkpointEvery: 10, now: () => future });
    assert.equal(s.prune(365, future).deleted, 25, 'the kiosk itself cannot tell: its clock is all it has');
    s.close();
    assert.equal(log.verify({ signed: false }).ok, true, 'the hash chain alone sees a tidy cut');
    const r = log.verify();
    assert.equal(r.ok, false);
    assert.equal(r.firstBroken!.reason, 'time', r.firstBroken!.detail);
    assert.equal(r.firstBadCheckpoint?.size, 26, 'the checkpoint that sealed the cut, dated in the future');
    assert.equal(r.firstBadCheckpoint?.time, future.toISOString());
  } finally {
    log.done();
  }
});

test("deleted tail: rows only (named by the shutdown checkpoint), and rows + checkpoints + head (named by the next epoch's seal)", () => {
  const a = sealedLog();
  const b = sealedLog();
  try {
    deleteTail(a.path, 21, false);
    expectBroken(a.verify(), 21, 'truncated', 25);
    deleteTail(b.path, 21, true);
    assert.equal(b.verify({ signed: false }).ok, true, 'the old hole: no in-file anchor points past the new end');
    const r = b.verify();
    assert.deepEqual(
      [r.ok, r.firstBroken?.seq, r.firstBroken?.reason],
      [false, 21, 'truncated'],
      r.firstBroken?.detail,
    );
  } finally {
    a.done();
    b.done();
  }
});

test("a thief with the kiosk's current key cannot re-seal an earlier epoch", () => {
  const log = sealedLog([
    [1, 15],
    [16, 30],
    [31, 45],
  ]);
  try {
    assert.equal(log.key.epoch(), 3, 'three closed runs: epochs 0, 1, 2 are over');
    // Rewrite a row of epoch 0 and re-sign every checkpoint with what the thief holds (epoch 3).
    editAndRehash(log.path, 5, (b) =>
      b.replace(/"mode":"[a-z0-9-]+"/, '"mode":"identity"').replace('"training":false', '"training":true'),
    );
    const logId = parseCheckpointText(parseSignedNote(log.verify({ signed: false }).checkpoint!.note!).text).logId;
    const resign = (claimEpoch: number | null) =>
      resignCheckpoints(log.path, (seq, hash) => {
        const signed = log.key.sign(logOrigin(log.key.kioskId, logId), (epoch) =>
          checkpointText({
            kioskId: log.key.kioskId,
            logId,
            size: seq,
            head: hash,
            time: new Date(T0 + seq * MIN).toISOString(),
            epoch: claimEpoch ?? epoch,
            every: 10,
          }),
        );
        return { note: signed.note, epoch: claimEpoch ?? signed.epoch };
      });
    resign(null);
    // Every note now verifies (epoch 3 is certified), but epoch 1's certificate sealed head 15.
    expectBroken(log.verify(), 15, 'edited', 15);
    // Claiming the old epochs instead: the current key is not theirs.
    resign(0);
    expectBroken(log.verify(), 1, 'signature', 1);
    // Dropping the certificates that name the old heads breaks the way to the current key.
    resign(null);
    sql(log.path, 'DELETE FROM audit_epoch WHERE epoch < 3');
    expectBroken(log.verify(), 1, 'signature', 1);
  } finally {
    log.done();
  }
});

test('retention under the key: a real cut verifies; heads noted before it are checked against what it kept', () => {
  const log = sealedLog([
    [1, 25],
    [26, 40],
  ]);
  try {
    const s0 = AuditStore.open(log.path, { readOnly: true });
    const db = (s0 as unknown as { db: import('better-sqlite3').Database }).db;
    const hashAt = (seq: number) =>
      new Uint8Array((db.prepare('SELECT hash FROM audit_chain WHERE seq = ?').get(seq) as { hash: Buffer }).hash);
    const noted = { h10: { seq: 10, hash: hashAt(10) }, h13: { seq: 13, hash: hashAt(13) } };
    s0.close();
    // 90 days and 20 minutes after the first row: rows 1..20 are older than the minimum.
    const at = new Date(T0 + 90 * DAY + 20 * MIN + 30_000);
    const s = AuditStore.open(log.path, { sealer: log.key, checkpointEvery: 10, now: () => at });
    assert.deepEqual(s.prune(90, at), { deleted: 20, cutSeq: 41, firstSeq: 21 });
    s.close();
    const later = new Date(at.getTime() + DAY);
    const ok = log.verify({ now: later });
    assert.equal(ok.ok, true, ok.firstBroken?.detail);
    assert.equal(log.verify({ now: later, external: [noted.h10] }).ok, true, 'checkpoint 10 was kept');
    const wrong = log.verify({ now: later, external: [{ seq: 10, hash: noted.h13.hash }] });
    assert.deepEqual([wrong.ok, wrong.firstBroken?.reason], [false, 'retention']);
    const unkept = log.verify({ now: later, external: [noted.h13] });
    assert.deepEqual([unkept.ok, unkept.firstBroken?.reason], [false, 'retention'], 'nothing sealed was kept at 13');
    // The same log judged by a verifier whose clock says the cut came too early.
    const early = log.verify({ now: new Date(T0 + 60 * DAY) });
    assert.equal(early.ok, false);
  } finally {
    log.done();
  }
});

test('rows appended after the last seal: fewer than `every` pass unnoticed (the stated limit), `every` or more are unsealed', () => {
  const log = sealedLog();
  try {
    const s = AuditStore.open(log.path); // no key: as someone with the file only
    for (let i = 26; i <= 34; i++) s.append(sampleEntry(i, T0));
    s.close();
    assert.equal(log.verify().ok, true, 'nine rows after the shutdown seal: below the seal interval');
    const s2 = AuditStore.open(log.path);
    s2.append(sampleEntry(35, T0));
    s2.close();
    expectBroken(log.verify(), 35, 'unsealed', null);
  } finally {
    log.done();
  }
});

test('the periodic seal: an epoch that sealed something ends after its hour, an idle one does not', () => {
  const t = tempDir('kakunin-sealed-');
  try {
    let clock = T0;
    const now = () => new Date(clock);
    const key = SealingKey.open(join(t.dir, 'home'), { now, epochMs: 3_600_000 });
    const s = AuditStore.open(join(t.dir, 'a.sqlite'), { sealer: key, checkpointEvery: 10, now });
    for (let i = 1; i <= 3; i++) s.append(sampleEntry(i, T0)); // row 1 is signed at once
    assert.equal(s.sealIfDue(now()), false, 'not due yet');
    clock += 2 * 3_600_000;
    assert.equal(s.sealIfDue(now()), true, 'rows 2..3 sealed');
    assert.equal(key.epoch(), 1, 'and the epoch that signed them ended');
    clock += 2 * 3_600_000;
    assert.equal(s.sealIfDue(now()), false);
    assert.equal(key.epoch(), 1, 'nothing sealed since: no empty epoch');
    for (let i = 4; i <= 10; i++) s.append(sampleEntry(i, T0)); // checkpoint 10 at once, epoch 1 was due: it ends
    assert.equal(key.epoch(), 2);
    s.append(sampleEntry(11, T0));
    clock += 10 * 60_000;
    s.append(sampleEntry(20, T0)); // row 12, not a checkpoint
    for (let i = 13; i <= 20; i++) s.append(sampleEntry(i, T0)); // checkpoint 20 in epoch 2, not due
    assert.equal(key.epoch(), 2);
    clock += 2 * 3_600_000;
    assert.equal(s.sealIfDue(now()), false, 'the head is already sealed');
    assert.equal(key.epoch(), 3, 'but the epoch that sealed it ends on time');
    s.close();
    const ro = AuditStore.open(join(t.dir, 'a.sqlite'), { readOnly: true });
    assert.equal(ro.verify([], { publicKey: key.publicKey, now: now() }).ok, true);
    ro.close();
    key.close();
  } finally {
    t.cleanup();
  }
});
