// The signed audit log's CLI contract, on logs made by `kakunin demo` (docs/audit-log.md):
//   npx kakunin audit pubkey                                  the kiosk's public key (PEM, $KAKUNIN_HOME)
//   npx kakunin audit verify --db FILE --pubkey FILE [--json] exit 0 intact, 1 broken, 2 usage
//   npx kakunin audit checkpoint --db FILE                    the latest signed note
// and the evidence: a demo log is intact; after a row edit + full rehash, a forged retention cut,
// a clock-forward prune and a deleted tail it is broken, with the first bad checkpoint named; a
// whole demo log made under another KAKUNIN_HOME does not verify under the first kiosk's key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { SealingKey } from '../../main/audit/sealing-key.ts';
import { deleteTail, editAndRehash, forgeCut } from './attacks.ts';
import { tempDir } from './helpers.ts';

const cli = join(import.meta.dirname, '..', '..', 'main', 'cli', 'kakunin.mjs');
function kakunin(home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KAKUNIN_HOME: home },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A copy of `db` to attack, so each attack starts from the intact demo log. */
function copyOf(db: string, name: string): string {
  const to = db.replace(/\.sqlite$/, `-${name}.sqlite`);
  copyFileSync(db, to);
  if (existsSync(db + '-wal')) copyFileSync(db + '-wal', to + '-wal');
  return to;
}

test(
  "demo logs under the kiosk key: pubkey, verify --pubkey --json, checkpoint; four attacks broken with the bad checkpoint named; another home's log refused",
  { timeout: 180_000 },
  () => {
    const t = tempDir('kakunin-sealed-cli-');
    try {
      const homeA = join(t.dir, 'kiosk-a');
      const homeB = join(t.dir, 'kiosk-b');
      const db = join(t.dir, 'demo.sqlite');
      const demo = kakunin(homeA, 'demo', '--transactions', '20', '--db', db, '--json');
      assert.equal(demo.code, 0, demo.err);
      assert.equal(JSON.parse(demo.out).audit.signatures, 'checked');

      // The public key: from $KAKUNIN_HOME, the same one the demo sealed with, stable across calls.
      const pub = kakunin(homeA, 'audit', 'pubkey');
      assert.equal(pub.code, 0, pub.err);
      assert.match(pub.out, /^-----BEGIN PUBLIC KEY-----\n.+\n-----END PUBLIC KEY-----\n$/s);
      assert.equal(pub.out, readFileSync(join(homeA, 'audit-key', 'kiosk.pub.pem'), 'utf8'));
      assert.equal(kakunin(homeA, 'audit', 'pubkey').out, pub.out);
      const pemA = join(t.dir, 'a.pem');
      writeFileSync(pemA, pub.out);
      const ossl = spawnSync('openssl', ['pkey', '-pubin', '-in', pemA, '-noout', '-text'], { encoding: 'utf8' });
      if (ossl.status !== null && ossl.error === undefined)
        assert.match(ossl.stdout, /ED25519 Public-Key/, 'OpenSSL reads the PEM as an Ed25519 key');

      const intact = kakunin(homeA, 'audit', 'verify', '--db', db, '--pubkey', pemA, '--json');
      console.log(`# intact: ${intact.out.trim()}`);
      assert.equal(intact.code, 0, intact.err);
      const j = JSON.parse(intact.out);
      assert.deepEqual(
        [j.ok, j.rows, j.firstBroken, j.signatures, j.firstBadCheckpoint],
        [true, 22, null, 'checked', null],
        'start + 20 transactions + stop',
      );
      assert.equal(j.head.seq, 22);
      assert.equal(j.checkpoint.size, 22);
      assert.equal(j.checkpoint.hash, j.head.hash, 'the shutdown checkpoint seals the head');

      // The note a head office keeps, and handing it back.
      const cp = kakunin(homeA, 'audit', 'checkpoint', '--db', db);
      assert.equal(cp.code, 0, cp.err);
      assert.equal(cp.out, j.checkpoint.note);
      assert.match(
        cp.out,
        /^kakunin\.local\/audit\/[0-9a-f]{16}\/[0-9a-f]{32}\n22\n[A-Za-z0-9+/]{43}=\ntime .+\nepoch \d+\nevery 100\n\n\u2014 kakunin\.local\/audit\/\S+ \S+\n$/,
      );
      const kept = join(t.dir, 'kept.note');
      writeFileSync(kept, cp.out);
      assert.equal(
        kakunin(homeA, 'audit', 'verify', '--db', db, '--pubkey', pemA, '--expect-checkpoint', kept).code,
        0,
      );

      const attacks: [string, (f: string) => void, string][] = [
        [
          'row edit + full rehash',
          (f) => editAndRehash(f, 5, (b) => b.replace(/"outcome":"[a-z]+"/, '"outcome":"cancelled"')),
          'edited',
        ],
        [
          'forged retention cut',
          (f) => forgeCut(f, 11, new Date(Date.now() - 91 * 86_400_000).toISOString(), new Date().toISOString()),
          'retention',
        ],
        [
          'clock-forward prune',
          (f) => {
            const future = new Date(Date.now() + 730 * 86_400_000);
            const key = SealingKey.open(homeA, { now: () => future });
            const s = AuditStore.open(f, { sealer: key, now: () => future });
            assert.equal(s.prune(365, future).deleted, 22);
            s.close();
            key.close();
          },
          'time',
        ],
        ['deleted tail', (f) => deleteTail(f, 18, true), 'truncated'],
      ];
      for (const [name, attack, reason] of attacks) {
        const f = copyOf(db, name.replace(/\W+/g, '-'));
        attack(f);
        const plain = kakunin(homeA, 'audit', 'verify', '--db', f, '--json');
        const r = kakunin(homeA, 'audit', 'verify', '--db', f, '--pubkey', pemA, '--json');
        console.log(`# ${name}: ${r.out.trim()}`);
        assert.equal(r.code, 1, `${name}: ${r.out}${r.err}`);
        const o = JSON.parse(r.out);
        assert.equal(o.ok, false);
        assert.equal(o.firstBroken.reason, reason, name);
        assert.ok(
          o.firstBadCheckpoint && Number.isInteger(o.firstBadCheckpoint.size),
          `${name}: the first bad checkpoint is named`,
        );
        assert.equal(plain.code, 0, `${name} passes the hash chain alone (the hole the key closes)`);
        assert.equal(JSON.parse(plain.out).signatures, 'not checked');
        const human = kakunin(homeA, 'audit', 'verify', '--db', f, '--pubkey', pemA);
        assert.match(human.out, new RegExp(`BROKEN at seq \\d+: ${reason} .*first bad checkpoint: \\d+ \\(epoch \\d+`));
      }

      // A whole new demo log made under another KAKUNIN_HOME: valid under its own key, not under A's.
      const dbB = join(t.dir, 'other.sqlite');
      assert.equal(kakunin(homeB, 'demo', '--transactions', '3', '--db', dbB).code, 0);
      const other = kakunin(homeA, 'audit', 'verify', '--db', dbB, '--pubkey', pemA, '--json');
      console.log(`# other KAKUNIN_HOME: ${other.out.trim()}`);
      assert.equal(other.code, 1);
      assert.equal(JSON.parse(other.out).firstBroken.reason, 'signature');
      const pemB = join(t.dir, 'b.pem');
      writeFileSync(pemB, kakunin(homeB, 'audit', 'pubkey').out);
      assert.notEqual(readFileSync(pemB, 'utf8'), pub.out);
      assert.equal(kakunin(homeA, 'audit', 'verify', '--db', dbB, '--pubkey', pemB).code, 0);
      // A's demo log again, against B's key.
      assert.equal(kakunin(homeA, 'audit', 'verify', '--db', db, '--pubkey', pemB).code, 1);
    } finally {
      t.cleanup();
    }
  },
);

test('audit pubkey / checkpoint / verify --pubkey: usage errors exit 2; a log without signatures has no checkpoint to print', () => {
  const t = tempDir('kakunin-sealed-cli-');
  try {
    const home = join(t.dir, 'home');
    const db = join(t.dir, 'plain.sqlite');
    const s = AuditStore.open(db);
    s.close();
    const notKey = join(t.dir, 'not-a-key.pem');
    writeFileSync(notKey, 'hello\n');
    for (const args of [
      ['audit', 'pubkey', '--db', db],
      ['audit', 'checkpoint'],
      ['audit', 'checkpoint', '--db', db, '--json'],
      ['audit', 'verify', '--db', db, '--pubkey'],
      ['audit', 'verify', '--db', db, '--pubkey', join(t.dir, 'missing.pem')],
      ['audit', 'verify', '--db', db, '--pubkey', notKey],
      ['audit', 'verify', '--db', db, '--expect-checkpoint', notKey],
      ['audit', 'export', '--db', db, '--format', 'csv', '--pubkey', notKey],
    ]) {
      const r = kakunin(home, ...args);
      assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.err}`);
    }
    const none = kakunin(home, 'audit', 'checkpoint', '--db', db);
    assert.equal(none.code, 1);
    assert.match(none.err, /no signed checkpoint/);
  } finally {
    t.cleanup();
  }
});
