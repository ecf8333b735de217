// The kiosk's audit sealing key (main/audit/sealing-key.ts, docs/audit-log.md "Keys"): made on first
// use outside the database with mode 0600, the same key on every open, a hash ratchet whose old
// seed is gone from the key directory after each step, each epoch certified by the one before,
// and a crash at any step of a ratchet leaving one whole key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseEpochCertificateText, kioskKeyName } from '../../core/audit/checkpoint.ts';
import { parseSignedNote, verifyNote } from '../../core/audit/signed-note.ts';
import {
  AUDIT_KEY_DIR,
  ed25519PublicOf,
  ratchetSeed,
  readAuditPublicKey,
  SealingKey,
  SealingKeyError,
} from '../../main/audit/sealing-key.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { tempDir } from './helpers.ts';

const verify = (k: Uint8Array, m: Uint8Array, s: Uint8Array) => nodeCrypto.ed25519Verify(k, m, s);

function withHome(fn: (home: string, dir: string) => void): void {
  const t = tempDir('kakunin-key-');
  try {
    fn(t.dir, join(t.dir, AUDIT_KEY_DIR));
  } finally {
    t.cleanup();
  }
}

/** The current seed, read from the state file the way an attacker with the disk would. */
function seedOnDisk(dir: string): Buffer {
  const s = JSON.parse(readFileSync(join(dir, 'sealing.key'), 'utf8')) as { seed: string };
  return Buffer.from(s.seed, 'base64');
}

/** Every byte in the key directory, to look for a seed in any plain form. */
function dirBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
}

test('first use makes the key: directory 0700, sealing.key 0600, the PEM is the key, the same key on reopen', () => {
  withHome((home, dir) => {
    const k = SealingKey.open(home);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'sealing.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'sealing.key')).size, 1024);
    const pem = readFileSync(join(dir, 'kiosk.pub.pem'), 'utf8');
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    assert.deepEqual(readAuditPublicKey(pem), k.publicKey);
    assert.equal(k.publicKeyPem(), pem);
    assert.deepEqual(ed25519PublicOf(seedOnDisk(dir)), k.publicKey, 'epoch 0 signs with the kiosk key itself');
    k.close();
    const again = SealingKey.open(home);
    assert.deepEqual(again.publicKey, k.publicKey);
    assert.equal(again.kioskId, k.kioskId);
    again.close();
  });
});

test('the ratchet is SHA-256("KAKUNIN-AUDIT-RATCHET-1\\n" || seed), computed here independently', () => {
  const seed = Buffer.alloc(32, 0x5a);
  const expected = createHash('sha256').update('KAKUNIN-AUDIT-RATCHET-1\n').update(seed).digest();
  assert.deepEqual(Buffer.from(ratchetSeed(seed)), expected);
});

test('a ratchet certifies the next key with the current one, then erases the current seed from the key directory', () => {
  withHome((home, dir) => {
    const k = SealingKey.open(home);
    const seeds = [seedOnDisk(dir)];
    for (let i = 1; i <= 3; i++) {
      k.ratchet(new Date(Date.UTC(2026, 0, i)));
      seeds.push(seedOnDisk(dir));
      assert.equal(k.epoch(), i);
      assert.deepEqual(seeds[i], Buffer.from(ratchetSeed(seeds[i - 1]!)));
    }
    // Each certificate verifies under the previous epoch's public key and names the next.
    const lines = readFileSync(join(dir, 'epochs.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { epoch: number; note: string });
    assert.deepEqual(
      lines.map((l) => l.epoch),
      [1, 2, 3],
    );
    let pub = k.publicKey;
    for (const l of lines) {
      const note = parseSignedNote(l.note);
      assert.ok(verifyNote(note, kioskKeyName(k.kioskId), pub, verify), `certificate ${l.epoch}`);
      const cert = parseEpochCertificateText(note.text);
      assert.equal(cert.epoch, l.epoch);
      assert.deepEqual(cert.publicKey, ed25519PublicOf(seeds[l.epoch]!));
      pub = cert.publicKey;
    }
    // The old seeds are nowhere in the directory (raw, base64 or hex); the current one is.
    const bytes = dirBytes(dir);
    const forms = (s: Buffer) => [s, Buffer.from(s.toString('base64')), Buffer.from(s.toString('hex'))];
    for (const old of seeds.slice(0, 3))
      for (const f of forms(old)) assert.equal(bytes.includes(f), false, 'an erased seed is still on disk');
    assert.ok(bytes.includes(Buffer.from(seeds[3]!.toString('base64'))), 'positive control: the current seed is found');
    assert.equal(existsSync(join(dir, 'sealing.key.new')), false);
    k.close();
  });
});

test('signing uses the current epoch; a second instance on the same home follows a ratchet made by the first', () => {
  withHome((home) => {
    const a = SealingKey.open(home);
    const b = SealingKey.open(home);
    assert.equal(b.sign('x.example/log', () => 'text\n').epoch, 0);
    a.ratchet(new Date());
    const s = b.sign('x.example/log', (e) => `epoch ${e}\n`);
    assert.equal(s.epoch, 1);
    assert.match(s.note, /^epoch 1\n\n\u2014 x\.example\/log /);
    assert.deepEqual(
      b.certificatesAfter(0).map((c) => c.epoch),
      [1],
    );
    a.close();
    b.close();
  });
});

test('a crash in the middle of a ratchet leaves one whole key (every step of the write)', () => {
  withHome((home, dir) => {
    const k = SealingKey.open(home);
    const before = readFileSync(join(dir, 'sealing.key'));
    k.ratchet(new Date(Date.UTC(2026, 0, 1)));
    const after = readFileSync(join(dir, 'sealing.key'));
    k.close();
    const certs = () => readFileSync(join(dir, 'epochs.jsonl'), 'utf8').trim().split('\n').length;
    // 1. Killed after the new copy was written, before the old file was overwritten.
    writeFileSync(join(dir, 'sealing.key'), before, { mode: 0o600 });
    writeFileSync(join(dir, 'sealing.key.new'), after, { mode: 0o600 });
    let r = SealingKey.open(home);
    assert.equal(r.epoch(), 1, 'the newer copy wins');
    assert.equal(existsSync(join(dir, 'sealing.key.new')), false);
    assert.deepEqual(readFileSync(join(dir, 'sealing.key')), after);
    r.close();
    // 2. Killed while overwriting in place (a torn file) with the copy intact.
    const torn = Buffer.from(after);
    torn.fill(0x20, 100, 400);
    writeFileSync(join(dir, 'sealing.key'), torn, { mode: 0o600 });
    writeFileSync(join(dir, 'sealing.key.new'), after, { mode: 0o600 });
    r = SealingKey.open(home);
    assert.equal(r.epoch(), 1);
    r.close();
    // 3. Killed after the certificate was appended, before the state moved: the next ratchet
    //    reuses that certificate instead of issuing a second one for the same epoch.
    writeFileSync(join(dir, 'sealing.key'), before, { mode: 0o600 });
    r = SealingKey.open(home);
    assert.equal(r.epoch(), 0);
    r.ratchet(new Date(Date.UTC(2026, 0, 2)));
    assert.equal(r.epoch(), 1);
    assert.equal(certs(), 1, 'no duplicate certificate');
    assert.deepEqual(
      seedOnDisk(dir),
      Buffer.from((JSON.parse(after.toString('utf8')) as { seed: string }).seed, 'base64'),
      'the certified key',
    );
    r.close();
  });
});

test('a key file readable by others is made private (and said so); a link, or a lost key, is refused', () => {
  withHome((home, dir) => {
    SealingKey.open(home).close();
    chmodSync(join(dir, 'sealing.key'), 0o644);
    SealingKey.open(home).close();
    assert.equal(statSync(join(dir, 'sealing.key')).mode & 0o777, 0o600);
    // A symbolic link in place of the key (pointing at a copy someone else controls).
    renameSync(join(dir, 'sealing.key'), join(home, 'elsewhere.key'));
    symlinkSync(join(home, 'elsewhere.key'), join(dir, 'sealing.key'));
    assert.throws(
      () => SealingKey.open(home),
      (e: unknown) => e instanceof SealingKeyError && /not a link/.test((e as Error).message),
    );
    // The key gone while its public half and certificates remain: never silently make a new one.
    unlinkSync(join(dir, 'sealing.key'));
    writeFileSync(join(dir, 'epochs.jsonl'), '');
    assert.throws(
      () => SealingKey.open(home),
      (e: unknown) =>
        e instanceof SealingKeyError &&
        /missing/.test((e as Error).message) &&
        /Move .* aside/.test((e as Error).message),
    );
  });
});

test('readAuditPublicKey takes an Ed25519 PEM and refuses anything else', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  assert.throws(() => readAuditPublicKey(String(publicKey.export({ type: 'spki', format: 'pem' }))), /Ed25519/);
  assert.throws(() => readAuditPublicKey('not a key'), SealingKeyError);
});
