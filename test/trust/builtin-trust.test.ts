// The built-in public anchors: the project's own copies (resources/builtin-trust) are exactly the
// published ones, carry the published fingerprints, are always loaded, list with their origin, and
// cannot be shadowed by a file that claims their subject or key id with other bytes unless staff
// replace them on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PINNED_CARD_FACE_KEYS, PINNED_ROOTS } from '../../core/trust/pinned-roots.ts';
import { trustReadiness } from '../../core/trust/readiness.ts';
import { pemToDer } from '../../core/x509/pem.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { BUILTIN_TRUST_DIR, loadTrust } from '../../main/trust/trust-sources.ts';
import { REAL_DIR, ROOT } from '../x509/support.ts';
import { withVirtualReader } from '../support/pcscd.ts';

const NOW = new Date('2026-12-07T00:00:00Z');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const der = (file: string, label?: string) => pemToDer(readFileSync(file, 'utf8'), label);

/** Fingerprints as the published README lists them (colon hex for certificates, plain hex for keys). */
function publishedFingerprints(): { certs: string[]; keys: string[] } {
  const md = readFileSync(join(REAL_DIR, 'README.md'), 'utf8');
  const certs = [...md.matchAll(/((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/g)].map((m) =>
    m[1]!.replace(/:/g, '').toLowerCase(),
  );
  const keys = [...md.matchAll(/\| ([0-9a-f]{32})\.pem \|[^\n]*?\| ([0-9a-f]{64}) \|/g)].map((m) => m[2]!);
  return { certs, keys };
}

function kakunin(home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'main', 'cli', 'kakunin.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, KAKUNIN_HOME: home },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('built-in files are the published anchors byte for byte (DER), with the published fingerprints', () => {
  const pairs: [string, string, string | undefined][] = [
    ['iaca/jlis-mnc-mdoc-iaca.pem', 'jlis-mnc-mdoc-iaca.pem', undefined],
    ...['jpki-auth-ca-2015', 'jpki-auth-ca-2023', 'jpki-sign-ca-2015', 'jpki-sign-ca-2023'].map(
      (n) => [`jpki/${n}.pem`, `${n}.pem`, undefined] as [string, string, undefined],
    ),
    ...readdirSync(join(REAL_DIR, 'card-face')).map(
      (n) => [`card-face/${n}`, `card-face/${n}`, 'PUBLIC KEY'] as [string, string, string],
    ),
  ];
  assert.equal(pairs.length, 8);
  const ours = new Set<string>();
  for (const sub of ['iaca', 'jpki', 'card-face'])
    for (const n of readdirSync(join(BUILTIN_TRUST_DIR, sub))) ours.add(`${sub}/${n}`);
  assert.deepEqual([...ours].sort(), pairs.map((p) => p[0]).sort(), 'no other file is built in');
  const pub = publishedFingerprints();
  assert.equal(pub.certs.length, 5);
  assert.equal(pub.keys.length, 3);
  for (const [mine, theirs, label] of pairs) {
    const a = der(join(BUILTIN_TRUST_DIR, mine), label);
    assert.deepEqual(a, der(join(REAL_DIR, theirs), label), mine);
    assert.ok((label ? pub.keys : pub.certs).includes(sha(a)), `${mine}: fingerprint ${sha(a)} is the published one`);
  }
  // The pinned tables in core say the same.
  assert.deepEqual(PINNED_ROOTS.map((r) => r.sha256).sort(), pub.certs.sort());
  assert.deepEqual(PINNED_CARD_FACE_KEYS.map((k) => k.spkiSha256).sort(), [...pub.keys].sort());
});

test('fresh KAKUNIN_HOME: trust list --json lists every built-in with origin, fingerprint, expiry; 2015 JPKI roots expired; the three My Number readinesses ready, passports not (no CSCA is built in)', () => {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-home-'));
  const r = kakunin(home, 'trust', 'list', '--json', '--at', NOW.toISOString());
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const pub = publishedFingerprints();
  assert.equal(out.anchors.length, 8);
  assert.ok(out.anchors.every((a: { origin: string }) => a.origin === 'built-in'));
  assert.deepEqual(
    out.anchors
      .filter((a: { kind: string }) => a.kind !== 'card-face')
      .map((a: { fingerprint: string }) => a.fingerprint)
      .sort(),
    [...pub.certs].sort(),
  );
  assert.deepEqual(
    out.anchors
      .filter((a: { kind: string }) => a.kind === 'card-face')
      .map((a: { fingerprint: string }) => a.fingerprint)
      .sort(),
    [...pub.keys].sort(),
  );
  const status = Object.fromEntries(
    out.roots.map((x: { file: string; status: string }) => [x.file.split('/').pop(), x.status]),
  );
  assert.deepEqual(status, {
    'jlis-mnc-mdoc-iaca.pem': 'valid',
    'jpki-auth-ca-2015.pem': 'expired',
    'jpki-auth-ca-2023.pem': 'valid',
    'jpki-sign-ca-2015.pem': 'expired',
    'jpki-sign-ca-2023.pem': 'valid',
  });
  assert.deepEqual(
    out.anchors
      .filter((a: { kind: string }) => a.kind === 'card-face')
      .map((a: { keyId: string }) => a.keyId)
      .sort(),
    PINNED_CARD_FACE_KEYS.map((k) => k.keyId).sort(),
  );
  assert.deepEqual(
    out.ready.map((x: { id: string; ready: boolean }) => [x.id, x.ready]),
    [
      ['mynumber-card', true],
      ['mynumber-iphone', true],
      ['jpki', true],
      ['passport', false],
    ],
  );
  assert.deepEqual(out.errors, []);
  assert.deepEqual(out.warnings, [], 'expired built-ins are listed as expired, not warned about');
  const human = kakunin(home, 'trust', 'list', '--at', NOW.toISOString());
  assert.match(human.stdout, /\[x\] ready for My Number Card \(card\)/);
  assert.match(human.stdout, /\[jpki, built-in, EXPIRED\]/);
  // Without the built-ins the same home is ready for nothing, and says what is missing.
  const none = JSON.parse(kakunin(home, 'trust', 'list', '--json', '--no-builtin-trust').stdout);
  assert.equal(none.anchors.length, 0);
  assert.ok(none.ready.every((x: { ready: boolean; missing: string[] }) => !x.ready && x.missing.length > 0));
});

test('readiness counts only anchors usable now: the J-LIS IACA after 2030-05-28, or only the 2015 JPKI roots, is not ready', () => {
  const later = loadTrust({ builtin: true, dirs: [] }, { crypto: nodeCrypto, now: new Date('2031-01-01T00:00:00Z') });
  const r = Object.fromEntries(trustReadiness(later, new Date('2031-01-01T00:00:00Z')).map((x) => [x.id, x]));
  assert.equal(r['mynumber-iphone']!.ready, false);
  assert.match(r['mynumber-iphone']!.missing[0]!, /not valid now/);
  assert.equal(r.jpki!.ready, true, 'the 2023 root is valid until 2033');
  assert.equal(r['mynumber-card']!.ready, true);
});

test('a card-face key file with a built-in key id and other bytes is refused; --replace-builtin replaces it on purpose, recorded', () => {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-home-'));
  const id = PINNED_CARD_FACE_KEYS.find((k) => k.signs === 'card-face AP')!.keyId;
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const f = join(home, 'rotated.pem');
  writeFileSync(f, pem);
  // Dropped into the DIR by hand: the loader refuses it and keeps the built-in key.
  mkdirSync(join(home, 'trust', 'card-face'), { recursive: true });
  writeFileSync(join(home, 'trust', 'card-face', `${id}.pem`), pem);
  const store = loadTrust({ builtin: true, dirs: [{ path: join(home, 'trust') }] }, { crypto: nodeCrypto, now: NOW });
  assert.ok(
    store.errors.some((e) => e.code === 'builtin_conflict' && e.file?.endsWith(`${id}.pem`)),
    JSON.stringify(store.errors),
  );
  assert.equal(store.cardFaceKeys.get(id)!.source, 'built-in');
  assert.equal(store.cardFaceKeys.get(id)!.fingerprint, PINNED_CARD_FACE_KEYS.find((k) => k.keyId === id)!.spkiSha256);
  // Through import: refused without the flag, nothing approved.
  const dir = join(home, 'trust2');
  const refused = kakunin(home, 'trust', 'import', '--trust', dir, '--kind', 'card-face', '--key-id', id, f, '--json');
  assert.equal(refused.status, 1);
  assert.equal(JSON.parse(refused.stdout).error.code, 'builtin_conflict');
  assert.ok(!existsSync(join(dir, 'card-face', `${id}.pem`)));
  // With --replace-builtin: written, approved beside the DIR, and the loader uses the new key.
  const ok = kakunin(
    home,
    'trust',
    'import',
    '--trust',
    dir,
    '--kind',
    'card-face',
    '--key-id',
    id,
    '--replace-builtin',
    f,
    '--json',
  );
  assert.equal(ok.status, 0, ok.stderr);
  const j = JSON.parse(ok.stdout);
  assert.equal(j.replacedBuiltin.builtin, id);
  const approvals = JSON.parse(readFileSync(join(dir, 'builtin-replacements.json'), 'utf8'));
  assert.equal(approvals.approved[0].sha256, j.fingerprint);
  const after = loadTrust({ builtin: true, dirs: [{ path: dir }] }, { crypto: nodeCrypto, now: NOW });
  assert.deepEqual(after.errors, []);
  assert.equal(after.cardFaceKeys.get(id)!.source, 'imported');
  assert.equal(after.cardFaceKeys.get(id)!.fingerprint, j.fingerprint);
  assert.ok(after.warnings.some((w) => w.code === 'builtin_replaced'));
});

test("trust import --replace-builtin into the kiosk's own DIR is written to its sealed audit log (and the log still verifies)", () => {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-home-'));
  const id = PINNED_CARD_FACE_KEYS.find((k) => k.signs === 'text AP')!.keyId;
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const f = join(home, 'rotated.pem');
  writeFileSync(f, publicKey.export({ type: 'spki', format: 'pem' }) as string);
  const r = kakunin(home, 'trust', 'import', '--kind', 'card-face', '--key-id', id, '--replace-builtin', f);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /audit: +recorded in the kiosk audit log/);
  const db = join(home, 'audit.sqlite');
  const rows = new Database(db, { readonly: true })
    .prepare("SELECT body FROM audit_chain WHERE kind = 'event' ORDER BY seq")
    .all() as { body: string }[];
  const events = rows.map((x) => JSON.parse(x.body) as { event: string; fingerprint?: string });
  assert.deepEqual(
    events.map((e) => e.event),
    ['trust_imported', 'trust_builtin_replaced'],
    JSON.stringify(events),
  );
  assert.ok(!rows.some((x) => x.body.includes('BEGIN PUBLIC KEY')), 'no key material in the log');
  const pub = join(home, 'kiosk.pub.pem');
  writeFileSync(pub, kakunin(home, 'audit', 'pubkey').stdout);
  const v = kakunin(home, 'audit', 'verify', '--db', db, '--pubkey', pub, '--json');
  assert.equal(v.status, 0, v.stdout + v.stderr);
  // An import into another DIR (e.g. a test folder) is not a staff action on this kiosk: no log.
  const other = mkdtempSync(join(tmpdir(), 'kakunin-home-'));
  assert.equal(
    kakunin(
      other,
      'trust',
      'import',
      '--trust',
      join(other, 'x'),
      '--kind',
      'card-face',
      '--key-id',
      'a1'.repeat(16),
      f,
    ).status,
    0,
  );
  assert.ok(!existsSync(join(other, 'audit.sqlite')));
});

test('a root claiming the J-LIS IACA subject with other bytes is refused; with --replace-builtin it stands beside the built-in', () => {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-home-'));
  // Same subject as the built-in, our own key: made by openssl, another tool than ours.
  const key = join(home, 'k.pem');
  const crt = join(home, 'lookalike.pem');
  const gen = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '3650',
      '-sha384',
      '-subj',
      '/C=JP/O=Japan Agency for Local Authority Information Systems/CN=mncmdocRootCA',
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(gen.status, 0, gen.stderr);
  const dir = join(home, 'trust');
  const refused = kakunin(home, 'trust', 'import', '--kind', 'iaca', crt, '--json');
  assert.equal(refused.status, 1);
  assert.match(JSON.parse(refused.stdout).error.code, /pinned_fingerprint_mismatch|builtin_conflict/);
  assert.ok(!existsSync(join(dir, 'iaca')));
  const ok = kakunin(home, 'trust', 'import', '--kind', 'iaca', '--replace-builtin', crt, '--json');
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(JSON.parse(ok.stdout).replacedBuiltin);
  const list = JSON.parse(kakunin(home, 'trust', 'list', '--json').stdout);
  const iacas = list.anchors.filter((a: { kind: string }) => a.kind === 'iaca');
  assert.deepEqual(iacas.map((a: { origin: string }) => a.origin).sort(), ['built-in', 'imported']);
  assert.deepEqual(list.errors, []);
  // Without the approval file the same DIR is refused again (the approval is what lets it in).
  writeFileSync(join(dir, 'builtin-replacements.json'), JSON.stringify({ approved: [] }));
  const again = JSON.parse(kakunin(home, 'trust', 'list', '--json').stdout);
  assert.ok(
    again.errors.some(
      (e: { code: string }) => e.code === 'pinned_fingerprint_mismatch' || e.code === 'builtin_conflict',
    ),
  );
});

test(
  'read-card --simulate card still verifies with the project test keys: built-ins plus resources/test-trust',
  { skip: process.env.KAKUNIN_PCSCD === '1' ? false : 'needs pcscd with vpcd (test/run.mjs starts one as root)' },
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'kakunin-home-'));
    // A vpcd slot of its own: other test files use the same pcscd at the same time.
    const r = await withVirtualReader(async ({ readerName }) =>
      kakunin(
        home,
        'read-card',
        '--reader',
        readerName,
        '--check-number',
        '55021720352285',
        '--policy',
        'age-over-20',
        '--trust',
        'resources/test-trust',
        '--at',
        '2026-11-22T10:00:00+09:00',
        '--json',
        '--simulate',
        'card',
      ),
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).verdict, 'valid');
  },
);
