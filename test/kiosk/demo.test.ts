// `kakunin demo --transactions N --db FILE --json`: the exact CLI contract, the audit rows it
// leaves, and no personal data in the database file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from '../../main/audit/audit-store.ts';
import { DEMO_CYCLE } from '../../main/cli/commands/demo.ts';

const root = join(import.meta.dirname, '..', '..');
// The demo seals its log with the kiosk's key in $KAKUNIN_HOME: a private home, never the tester's.
const home = mkdtempSync(join(tmpdir(), 'kakunin-demo-home-'));
process.on('exit', () => rmSync(home, { recursive: true, force: true }));
const cli = (args: string[]) =>
  spawnSync(process.execPath, [join(root, 'main', 'cli', 'kakunin.mjs'), ...args], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, KAKUNIN_HOME: home },
  });

test('demo runs N mixed transactions through the host, prints JSON outcomes and audits each one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-demo-test-'));
  const db = join(dir, 'audit.sqlite');
  const N = DEMO_CYCLE.length + 3;
  const r = cli(['demo', '--transactions', String(N), '--db', db, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.transactions.length, N);
  assert.equal(out.summary.total, N);
  assert.ok(out.summary.valid > 0 && out.summary.invalid > 0 && out.summary.error > 0, JSON.stringify(out.summary));
  assert.deepEqual(Object.keys(out.summary.modes).sort(), ['age-over-20', 'entrance', 'identity']);
  for (const m of Object.values(out.summary.modes)) assert.ok((m as number) > 0);
  const readers = new Set(out.transactions.map((t: { reader: string }) => t.reader));
  assert.deepEqual([...readers].sort(), ['card', 'mdoc']);
  // Specific outcomes for specific scenarios (not just "something happened").
  const by = (s: string) => out.transactions.find((t: { scenario: string }) => t.scenario === s);
  assert.equal(by('phone:qr').verdict, 'valid', 'real mdoc verification of the virtual wallet');
  assert.ok(
    by('phone:qr').checks.some(
      (c: { code: string }) => c.code === 'issuer_signature_invalid' || c.code.includes('signature'),
    ),
    'phone checks come from core/mdoc',
  );
  assert.equal(by('phone:tamper').verdict, 'invalid', 'element altered after issuance');
  assert.equal(by('phone:stale').verdict, 'invalid', 'expired MSO');
  assert.equal(by('phone:walk-away').verdict, 'error');
  assert.equal(by('card-tampered').verdict, 'invalid');
  assert.equal(by('card-pulled').errorCode, 'card_removed');
  assert.equal(by('card-pin').verdict, 'valid', 'wrong PIN then right PIN');
  assert.equal(
    out.transactions.filter((t: { scenario: string }) => t.scenario === 'card-pin')[1].errorCode,
    'pin_one_try_left',
  );
  // Each transaction has its own audit row, in order after the start event, and the log verifies
  // with the kiosk's key (start + N entries + stop).
  assert.deepEqual(
    out.transactions.map((t: { audit: { seq: number } }) => t.audit.seq),
    Array.from({ length: N }, (_, i) => i + 2),
  );
  assert.equal(out.audit.chainOk, true);
  assert.equal(out.audit.signatures, 'checked');
  assert.equal(out.audit.rows, N + 2);
  const store = open(db, { readOnly: true });
  const rows = store.recent(1000).filter((x) => x.entry);
  assert.equal(rows.length, N);
  assert.ok(
    rows.every((x) => x.entry!.training === true),
    'rows say training',
  );
  assert.equal(store.verify().ok, true);
  store.close();
  // No personal data anywhere in the database files (WAL included): the sample holders' names,
  // birth dates in any format, addresses, 照合番号B, and the photo.
  const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
  const personal = [
    '見本',
    '花子',
    '太郎',
    '1990-04-01',
    '19900401',
    '2010-05-05',
    '20100505',
    '霞が関',
    '中之島',
    '55021720352285',
    'data:image',
    'PHN2Zy',
  ];
  for (const needle of personal) assert.equal(bytes.includes(Buffer.from(needle, 'utf8')), false, `found ${needle}`);
  // The same needles for stdout: a bare '1990' would also match inside a random audit hash or a timing.
  for (const needle of personal)
    assert.ok(!r.stdout.includes(needle), `stdout carries outcomes only (found ${needle})`);
  rmSync(dir, { recursive: true, force: true });
});

test('demo usage errors exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-demo-test-'));
  for (const args of [
    [],
    ['--transactions', '3'],
    ['--db', join(dir, 'x')],
    ['--transactions', 'x', '--db', join(dir, 'x')],
    ['--transactions', '0', '--db', join(dir, 'x')],
    ['--transactions', '2', '--db', join(dir, 'x'), '--bogus'],
  ]) {
    const r = cli(['demo', ...args]);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /usage: kakunin demo/);
  }
  rmSync(dir, { recursive: true, force: true });
});

test('demo without --json prints one line per transaction and a summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-demo-test-'));
  const r = cli(['demo', '--transactions', '4', '--db', join(dir, 'a.sqlite')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 5);
  assert.match(r.stdout, /4 transactions: .* chain verifies/);
  rmSync(dir, { recursive: true, force: true });
});
