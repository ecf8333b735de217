// The CLI contract, exactly: `kakunin audit verify --db FILE [--json]` exits 0 intact, 1 broken,
// 2 usage, and prints {ok, rows, firstBroken: {seq, reason} | null, signatures, head, checkpoint,
// firstBadCheckpoint} with --json (without --pubkey: hash chain only, signatures "not checked");
// `kakunin audit export --db FILE --format csv|json` writes to stdout. Run as a real process
// through main/cli/kakunin.mjs (what `npx kakunin` runs). The signed layer (--pubkey, pubkey,
// checkpoint) is tested in sealed-cli.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CSV_COLUMNS } from '../../main/audit/export.ts';
import { filledStore, tamper, tempDir } from './helpers.ts';

const cli = join(import.meta.dirname, '..', '..', 'main', 'cli', 'kakunin.mjs');
const pick = (o: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
function kakunin(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * The same command in this process (start-up of a child costs a second or two on a busy box).
 * Output goes to buffers through run()'s io parameter: patching process.stdout here would swallow
 * the test runner's own reports, which travel over this process's stdout.
 */
async function kakuninHere(...args: string[]) {
  const { run } = await import('../../main/cli/commands/audit.ts');
  assert.equal(args[0], 'audit');
  let out = '';
  let err = '';
  const code = await run(args.slice(1), { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

test('audit verify: exit 0 and {ok:true, rows, firstBroken:null} on an intact log; 1 with the first broken link after tampering', async () => {
  const t = tempDir();
  try {
    const db = join(t.dir, 'audit.sqlite');
    filledStore(db, 25).close();
    const ok = kakunin('audit', 'verify', '--db', db, '--json');
    assert.equal(ok.code, 0, ok.err);
    const okJson = JSON.parse(ok.out);
    assert.deepEqual(pick(okJson, 'ok', 'rows', 'firstBroken', 'signatures'), {
      ok: true,
      rows: 25,
      firstBroken: null,
      signatures: 'not checked',
    });
    assert.equal(okJson.head.seq, 25);
    assert.match(okJson.head.hash, /^[0-9a-f]{64}$/);
    assert.equal(okJson.checkpoint.size, 20, 'the latest checkpoint (every 10 rows)');
    assert.equal(okJson.checkpoint.note, null, 'written without a key: unsigned');
    const human = await kakuninHere('audit', 'verify', '--db', db);
    assert.equal(human.code, 0);
    assert.match(human.out, /intact: 25 rows/);
    assert.match(human.out, /signatures NOT checked/);

    tamper(db, 'DELETE FROM audit_chain WHERE seq = 13');
    const broken = kakunin('audit', 'verify', '--db', db, '--json');
    assert.equal(broken.code, 1, broken.err);
    assert.deepEqual(pick(JSON.parse(broken.out), 'ok', 'rows', 'firstBroken'), {
      ok: false,
      rows: 24,
      firstBroken: { seq: 13, reason: 'deleted' },
    });
    assert.equal(JSON.parse(broken.out).firstBadCheckpoint.size, 20, 'the first checkpoint after the break');
    const brokenHuman = await kakuninHere('audit', 'verify', '--db', db);
    assert.equal(brokenHuman.code, 1);
    assert.match(brokenHuman.out, /BROKEN at seq 13: deleted/);
  } finally {
    t.cleanup();
  }
});

test('audit verify/export: usage errors exit 2 (no --db, missing file, not an audit db, bad format, unknown subcommand)', async () => {
  const t = tempDir();
  try {
    const plain = join(t.dir, 'plain.txt');
    spawnSync('sh', ['-c', `echo hello > ${plain}`]);
    for (const args of [
      ['audit'],
      ['audit', 'verify'],
      ['audit', 'verify', '--db'],
      ['audit', 'verify', '--db', join(t.dir, 'nope.sqlite')],
      ['audit', 'verify', '--db', plain],
      ['audit', 'verify', '--db', plain, '--bogus'],
      ['audit', 'export', '--db', join(t.dir, 'nope.sqlite'), '--format', 'csv'],
      ['audit', 'export', '--db', plain, '--format', 'xml'],
      ['audit', 'export', '--db', plain],
      ['audit', 'frobnicate', '--db', plain],
    ]) {
      const r = await kakuninHere(...args);
      assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.err}`);
      assert.match(r.err, /usage/);
    }
  } finally {
    t.cleanup();
  }
});

test('audit export: CSV with a header and one line per entry; JSON with the entries and the chain status', async () => {
  const t = tempDir();
  try {
    const db = join(t.dir, 'audit.sqlite');
    filledStore(db, 7).close();
    const csv = kakunin('audit', 'export', '--db', db, '--format', 'csv');
    assert.equal(csv.code, 0, csv.err);
    const lines = csv.out.trimEnd().split('\r\n');
    assert.equal(lines[0], CSV_COLUMNS.join(','));
    assert.equal(lines.length, 8);
    assert.match(lines[1]!, /^1,2026-01-01T00:01:00\.000Z,identity,valid,/);
    const json = await kakuninHere('audit', 'export', '--db', db, '--format', 'json');
    assert.equal(json.code, 0, json.err);
    const doc = JSON.parse(json.out);
    assert.equal(doc.entries.length, 7);
    assert.deepEqual(doc.chain, { ok: true, rows: 7, firstBroken: null });
    assert.equal(doc.entries[2].seq, 3);
    assert.equal(doc.entries[2].mode, 'age-over-20');
  } finally {
    t.cleanup();
  }
});

test('verify and export never write to the database (opened read-only)', async () => {
  const t = tempDir();
  try {
    const db = join(t.dir, 'audit.sqlite');
    filledStore(db, 3).close();
    const before = spawnSync('sha256sum', [db], { encoding: 'utf8' }).stdout;
    await kakuninHere('audit', 'verify', '--db', db);
    await kakuninHere('audit', 'export', '--db', db, '--format', 'json');
    assert.equal(spawnSync('sha256sum', [db], { encoding: 'utf8' }).stdout, before);
  } finally {
    t.cleanup();
  }
});

test('audit verify: a file damaged below the row level (malformed pages) exits 1, not a crash', async () => {
  const t = tempDir();
  try {
    const db = join(t.dir, 'audit.sqlite');
    filledStore(db, 200).close();
    const { openSync, writeSync, closeSync, statSync } = await import('node:fs');
    const size = statSync(db).size;
    const fd = openSync(db, 'r+');
    // Overwrite the middle of the file (b-tree pages of audit_chain) with garbage.
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const r = await kakuninHere('audit', 'verify', '--db', db, '--json');
    assert.equal(r.code, 1, r.err);
    assert.equal(JSON.parse(r.out).ok, false);
  } finally {
    t.cleanup();
  }
});

test('audit verify --expect-head: a head noted elsewhere catches even a tail rewritten with every in-file anchor', async () => {
  const t = tempDir();
  try {
    const db = join(t.dir, 'audit.sqlite');
    filledStore(db, 30).close();
    const first = await kakuninHere('audit', 'verify', '--db', db);
    const m = /head seq (\d+) hash ([0-9a-f]{64})/.exec(first.out);
    assert.ok(m, first.out);
    const noted = `${m[1]}:${m[2]}`;
    assert.equal((await kakuninHere('audit', 'verify', '--db', db, '--expect-head', noted)).code, 0);
    // The attack the in-file anchors cannot see (tamper.test.ts "known limit"):
    const db2 = new (await import('better-sqlite3')).default(db);
    const h25 = (db2.prepare('SELECT hash FROM audit_chain WHERE seq = 25').get() as { hash: Buffer }).hash;
    db2.exec('DELETE FROM audit_chain WHERE seq > 25; DELETE FROM audit_checkpoint WHERE seq > 25;');
    db2.prepare('UPDATE audit_head SET seq = 25, hash = ?').run(h25);
    db2.close();
    assert.equal((await kakuninHere('audit', 'verify', '--db', db)).code, 0, 'in-file anchors alone miss it');
    const r = await kakuninHere('audit', 'verify', '--db', db, '--json', '--expect-head', noted);
    assert.equal(r.code, 1);
    assert.deepEqual(pick(JSON.parse(r.out), 'ok', 'rows', 'firstBroken'), {
      ok: false,
      rows: 25,
      firstBroken: { seq: 26, reason: 'truncated' },
    });
    assert.equal((await kakuninHere('audit', 'verify', '--db', db, '--expect-head', '30:zz')).code, 2);
  } finally {
    t.cleanup();
  }
});
