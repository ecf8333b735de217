// No personal data appears in the database file: its bytes are scanned for the test holders'
// names, birth dates and numbers. Transactions of holders with known names, birth
// dates, My Numbers, addresses, portraits and issuer certificates go through the audit path the
// host uses (buildAuditEntry -> AuditStore.append), together with attempts to smuggle the same data
// straight into append() and into staff events; the log is sealed with a kiosk key as the kiosk seals
// it. Then the database, -wal and -shm bytes (and the key directory) are scanned for every one of
// them in UTF-8, UTF-16LE/BE, Shift_JIS, EUC-JP, and the numbers also as BCD and binary integers.
// A positive control proves the scanner finds each needle when it is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { buildAuditEntry } from '../../core/audit/audit-entry.ts';
import { AuditStore, nodeSha256 } from '../../main/audit/audit-store.ts';
import { SealingKey } from '../../main/audit/sealing-key.ts';
import { tempDir } from './helpers.ts';

// --- legacy Japanese encoders, built by inverting the platform's (ICU) decoders ------------------
function legacyEncoder(
  label: string,
  leads: [number, number],
  trails: [number, number],
): (s: string) => Uint8Array | null {
  const dec = new TextDecoder(label, { fatal: true });
  const map = new Map<string, number[]>();
  for (let a = leads[0]; a <= leads[1]; a++) {
    for (let b = trails[0]; b <= trails[1]; b++) {
      try {
        const ch = dec.decode(Uint8Array.of(a, b));
        if ([...ch].length === 1 && !map.has(ch)) map.set(ch, [a, b]);
      } catch {
        /* not a character */
      }
    }
  }
  return (s) => {
    const out: number[] = [];
    for (const ch of s) {
      if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
      else if (map.has(ch)) out.push(...map.get(ch)!);
      else return null;
    }
    return Uint8Array.from(out);
  };
}
const sjis = legacyEncoder('shift_jis', [0x81, 0x9f], [0x40, 0xfc]);
const sjisHigh = legacyEncoder('shift_jis', [0xe0, 0xef], [0x40, 0xfc]);
const eucjp = legacyEncoder('euc-jp', [0xa1, 0xfe], [0xa1, 0xfe]);
const toSjis = (s: string) => sjis(s) ?? sjisHigh(s);

function utf16(s: string, le: boolean): Uint8Array {
  const b = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) (le ? b.writeUInt16LE : b.writeUInt16BE).call(b, s.charCodeAt(i), i * 2);
  return b;
}
function bcd(digits: string): Uint8Array {
  const d = digits.length % 2 ? '0' + digits : digits;
  return Uint8Array.from(d.match(/../g)!.map((p) => parseInt(p, 16)));
}
function intBytes(n: bigint): Uint8Array[] {
  const be8 = Buffer.alloc(8);
  be8.writeBigUInt64BE(n);
  const le8 = Buffer.alloc(8);
  le8.writeBigUInt64LE(n);
  const minimal = be8.subarray(be8.findIndex((x) => x !== 0));
  return [be8, le8, minimal]; // SQLite stores integers big-endian in 1-8 bytes
}

interface Needle {
  label: string;
  bytes: Uint8Array;
}

/** Every encoding of a piece of text we could plausibly find. */
function textNeedles(label: string, s: string): Needle[] {
  const out: Needle[] = [
    { label: `${label} utf-8`, bytes: new TextEncoder().encode(s) },
    { label: `${label} utf-16le`, bytes: utf16(s, true) },
    { label: `${label} utf-16be`, bytes: utf16(s, false) },
  ];
  if (/[^\x00-\x7f]/.test(s)) {
    const sj = toSjis(s);
    const eu = eucjp(s);
    assert.ok(sj && eu, `test setup: cannot encode ${label} in Shift_JIS / EUC-JP`);
    out.push({ label: `${label} shift_jis`, bytes: sj }, { label: `${label} euc-jp`, bytes: eu });
  }
  return out;
}
function numberNeedles(label: string, digits: string): Needle[] {
  return [
    ...textNeedles(label, digits),
    { label: `${label} bcd`, bytes: bcd(digits) },
    ...intBytes(BigInt(digits)).map((b, i) => ({ label: `${label} int#${i}`, bytes: b })),
  ];
}
/** Windows of a binary value (a photo, a certificate): any 16 bytes of it would be a leak. */
function blobNeedles(label: string, b: Uint8Array): Needle[] {
  const out: Needle[] = [];
  for (let i = 0; i + 16 <= b.length; i += 64) out.push({ label: `${label} @${i}`, bytes: b.subarray(i, i + 16) });
  out.push({
    label: `${label} base64`,
    bytes: new TextEncoder().encode(Buffer.from(b.subarray(0, 30)).toString('base64')),
  });
  out.push({ label: `${label} hex`, bytes: new TextEncoder().encode(Buffer.from(b.subarray(0, 16)).toString('hex')) });
  return out;
}

/**
 * Deterministic "random" bytes (SHA-256 in counter mode): with fixed bytes and a fixed clock the
 * files are the same on every run (up to SQLite's WAL salts), so a short needle (4 bytes, e.g. a
 * birth date stored as a SQLite integer) cannot match by chance on one run in a thousand.
 */
function randomBytes(n: number, seed = 'kakunin'): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i * 32 < n; i++)
    out.set(
      createHash('sha256')
        .update(`${seed}/${n}/${i}`)
        .digest()
        .subarray(0, Math.min(32, n - i * 32)),
      i * 32,
    );
  return out;
}

interface Holder {
  name: string;
  kana: string;
  romaji: string;
  birth: string; // YYYY-MM-DD
  myNumber: string;
  address: string;
  checkB: string; // 照合番号B: birth YYMMDD + expiry YYYY + check digits
  portrait: Uint8Array;
  dsCertificate: Uint8Array;
}

const HOLDERS: Holder[] = [
  {
    name: '山田 太郎',
    kana: 'ヤマダ タロウ',
    romaji: 'YAMADA TARO',
    birth: '1980-02-17',
    myNumber: '123456789012',
    address: '東京都千代田区千代田一丁目1番1号',
    checkB: '80021720301234',
    portrait: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(2000)]),
    dsCertificate: Uint8Array.from([0x30, 0x82, 0x02, 0x10, ...randomBytes(524)]),
  },
  {
    name: '佐藤 花子',
    kana: 'サトウ ハナコ',
    romaji: 'SATO HANAKO',
    birth: '1995-12-03',
    myNumber: '987654321098',
    address: '大阪府大阪市北区梅田三丁目',
    checkB: '95120320291111',
    portrait: Uint8Array.from([0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, ...randomBytes(3000)]),
    dsCertificate: Uint8Array.from([0x30, 0x82, 0x03, 0x00, ...randomBytes(768)]),
  },
];

function needlesOf(h: Holder): Needle[] {
  const [y, m, d] = h.birth.split('-');
  const era = Number(y) >= 1989 ? `H${Number(y) - 1988}` : `S${Number(y) - 1925}`;
  return [
    ...textNeedles('name', h.name),
    ...textNeedles('name (no space)', h.name.replace(' ', '')),
    ...textNeedles('family name', h.name.split(' ')[0]!),
    ...textNeedles('kana', h.kana),
    ...textNeedles('romaji', h.romaji),
    ...textNeedles('romaji lower', h.romaji.toLowerCase()),
    ...textNeedles('address', h.address),
    ...textNeedles('birth date', h.birth),
    ...textNeedles('birth date slashes', `${y}/${Number(m)}/${Number(d)}`),
    ...textNeedles('birth date kanji', `${y}年${Number(m)}月${Number(d)}日`),
    ...textNeedles('birth date era', `${era}.${Number(m)}.${Number(d)}`),
    ...numberNeedles('birth date compact', `${y}${m}${d}`),
    ...numberNeedles('my number', h.myNumber),
    ...numberNeedles('check number B', h.checkB),
    ...blobNeedles('portrait', h.portrait),
    ...blobNeedles('DS certificate', h.dsCertificate),
  ];
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(
    Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength),
  );
}

function scan(files: string[], needles: Needle[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    for (const n of needles) if (indexOf(bytes, n.bytes) >= 0) found.push(`${n.label} in ${f.split('/').pop()}`);
  }
  return found;
}

/** What a reader hands the host, values included: the audit path must keep only the outcome. */
function transactionOf(h: Holder, i: number) {
  const card = i % 2 === 0;
  return {
    time: new Date(Date.UTC(2026, 10, 22, 9, i)),
    mode: (['age-over-20', 'identity', 'entrance'] as const)[i % 3]!,
    outcome: (['valid', 'invalid', 'error', 'cancelled'] as const)[i % 4]!,
    errorCode: i % 4 === 0 ? null : 'mso_expired',
    checks: [
      { code: 'mso_signature', ok: true },
      { code: 'mso_validity', ok: i % 4 === 0 },
    ],
    credentialType: card ? 'mynumber-card' : 'mdoc',
    docType: card ? null : 'org.iso.18013.5.1.mDL',
    cardType: card ? 'jp.mynumber-card.gen1' : null,
    issuerKeyId: createHashHex(h.dsCertificate),
    requested: [
      'org.iso.18013.5.1:age_over_20',
      'org.iso.18013.5.1:family_name',
      'org.iso.18013.5.1:portrait',
      'org.iso.18013.5.1:birth_date',
    ],
    engagement: card ? ('card' as const) : ('qr' as const),
    transport: card ? ('pcsc' as const) : ('nfc' as const),
    durations: { totalMs: 1500 + i, readMs: 900, verifyMs: 8 },
    // The values themselves ride along, as they would in a careless host's outcome object.
    attributes: {
      family_name: h.name.split(' ')[0],
      given_name: h.name.split(' ')[1],
      birth_date: h.birth,
      resident_address: h.address,
      age_over_20: true,
    },
    portrait: h.portrait,
    certificate: h.dsCertificate,
    myNumber: h.myNumber,
  };
}
/** The issuer key id the readers record: SHA-256 of the issuer key material (here: the certificate). */
function createHashHex(b: Uint8Array): string {
  return Buffer.from(nodeSha256(b)).toString('hex');
}

test('the scanner finds every needle when it IS in a database file (positive control)', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'control.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (b BLOB, n INTEGER)');
    const needles = needlesOf(HOLDERS[0]!);
    const ins = db.prepare('INSERT INTO t VALUES (?, NULL)');
    for (const n of needles) ins.run(Buffer.from(n.bytes));
    db.prepare('INSERT INTO t VALUES (NULL, ?)').run(BigInt(HOLDERS[0]!.myNumber));
    const files = [path, path + '-wal', path + '-shm'];
    const found = new Set(scan(files, needles).map((s) => s.replace(/ in .*$/, '')));
    assert.deepEqual(
      needles.filter((n) => !found.has(n.label)).map((n) => n.label),
      [],
    );
    db.close();
  } finally {
    t.cleanup();
  }
});

test('no holder name, birth date, number, address, photo or certificate reaches the audit database, -wal or -shm', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'audit.sqlite');
    const files = [path, path + '-wal', path + '-shm'];
    // Sealed as the kiosk seals it: signed checkpoints in the file, the key and its epoch
    // certificates in the home, all scanned below.
    const key = SealingKey.open(join(t.dir, 'home'), { now: () => new Date(Date.UTC(2026, 10, 22, 12)) });
    const keyDir = join(t.dir, 'home', 'audit-key');
    const store = AuditStore.open(path, {
      checkpointEvery: 5,
      now: () => new Date(Date.UTC(2026, 10, 22, 12)),
      sealer: key,
    });
    let appended = 0;
    let refused = 0;
    for (const [hi, h] of HOLDERS.entries()) {
      for (let i = 0; i < 12; i++) {
        store.append(buildAuditEntry(transactionOf(h, hi * 12 + i)));
        appended++;
      }
      // Smuggling attempts straight into append(): every one must be refused.
      const base = buildAuditEntry(transactionOf(h, 0));
      const attempts: unknown[] = [
        { ...base, name: h.name },
        { ...base, attributes: { birth_date: h.birth } },
        { ...base, document: `jp.${h.romaji.toLowerCase().replace(' ', '.')}.${h.myNumber}` },
        { ...base, errorCode: h.myNumber },
        { ...base, failedChecks: [h.name] },
        { ...base, requestedElements: [`org.iso.18013.5.1:${h.birth}`] },
        {
          ...base,
          issuerKeyId:
            Buffer.from(h.dsCertificate.subarray(0, 32)).toString('hex') + Buffer.from(h.myNumber).toString('hex'),
        },
        { ...base, durations: { totalMs: Number(h.myNumber), readMs: null, verifyMs: null } },
        { ...base, durations: { totalMs: Number(h.birth.replace(/-/g, '')), readMs: null, verifyMs: null } },
        { ...base, document: Buffer.from(h.portrait.subarray(0, 40)).toString('base64') },
      ];
      for (const a of attempts) {
        assert.throws(() => store.append(a));
        refused++;
      }
      // Staff and system events: the legitimate ones, and the same data pushed into their fields.
      store.event('kiosk_start', { bootId: null, runId: '0123456789abcdef' });
      store.event('settings_changed', { fields: ['mode', 'retentionDays'] });
      store.event('mode_changed', { from: 'age-over-20', to: 'identity' });
      store.event('clock_jump', { direction: 'back', seconds: Number(h.myNumber) }); // clamped to 99999, not stored
      const smuggle: [string, Record<string, unknown>][] = [
        ['mode_changed', { from: 'age-over-20', to: h.name }],
        ['retention_refused', { reason: h.myNumber, days: 90 }],
        ['retention_refused', { reason: 'below_minimum', days: Number(h.birth.replace(/-/g, '')) }],
        ['settings_changed', { fields: [h.romaji.replace(' ', '_')] }],
        ['audit_exported', { format: h.birth }],
        ['staff_unlocked', { who: h.name }],
        ['trust_imported', { kind: 'iaca', fingerprint: Buffer.from(h.myNumber).toString('hex') }],
      ];
      for (const [kind, fields] of smuggle) {
        assert.throws(
          () => store.event(kind as 'mode_changed', fields as never),
          `${kind} ${Object.keys(fields).join()}`,
        );
        refused++;
      }
    }
    // Retention and verification write too: run them before scanning.
    assert.equal(store.verify([], { publicKey: key.publicKey, now: new Date(Date.UTC(2026, 10, 23)) }).ok, true);
    const needles = HOLDERS.flatMap(needlesOf);
    const keyFiles = () => readdirSync(keyDir).map((f) => join(keyDir, f));
    // While open (the WAL holds the recent pages) ...
    assert.ok(existsSync(path + '-wal'), 'the WAL file exists while the store is open');
    assert.deepEqual(scan(files, needles), []);
    store.close();
    key.close();
    // ... and after close (checkpointed into the main file), with the key directory.
    assert.deepEqual(scan([...files, ...keyFiles()], needles), []);
    // The exports carry nothing either.
    const ro = AuditStore.open(path, { readOnly: true });
    const exported = new TextEncoder().encode(ro.export('csv') + ro.export('json'));
    ro.close();
    assert.deepEqual(
      needles.filter((n) => indexOf(exported, n.bytes) >= 0).map((n) => n.label),
      [],
    );
    assert.equal(appended, 24);
    assert.equal(refused, 34);
  } finally {
    t.cleanup();
  }
});

test('a doctored row carrying a name is exported as "unreadable", never echoed (export re-validates)', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'audit.sqlite');
    const store = AuditStore.open(path);
    for (let i = 0; i < 3; i++) store.append(buildAuditEntry(transactionOf(HOLDERS[0]!, i)));
    store.close();
    const db = new Database(path);
    db.exec('DROP TRIGGER audit_chain_no_update');
    db.prepare("UPDATE audit_chain SET body = json_set(body, '$.document', ?) WHERE seq = 2").run(HOLDERS[0]!.name);
    db.close();
    const ro = AuditStore.open(path, { readOnly: true });
    const csv = ro.export('csv');
    const json = JSON.parse(ro.export('json'));
    ro.close();
    assert.doesNotMatch(csv, /山田/);
    assert.match(csv.split('\r\n')[2]!, /^2,,,unreadable,/);
    assert.equal(json.entries[1].unreadable, true);
    assert.equal(json.entries[1].document, undefined);
    assert.deepEqual(json.chain.firstBroken, { seq: 2, reason: 'edited' });
  } finally {
    t.cleanup();
  }
});
