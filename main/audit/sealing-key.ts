// The kiosk's audit sealing key, outside the database, in $KAKUNIN_HOME/audit-key/ (docs/audit-log.md
// "Keys"). Every audit log this kiosk writes (its own, and `kakunin demo` logs) is sealed with it.
//
//   sealing.key      0600. The CURRENT epoch's 32-byte Ed25519 seed, the epoch number, when it began,
//                    and the kiosk's epoch-0 public key. Exactly STATE_BYTES long, rewritten in place.
//   kiosk.pub.pem    The epoch-0 public key (`kakunin audit pubkey`): what a head office keeps.
//   epochs.jsonl     Epoch certificates (signed notes, checkpoint.ts), one JSON line each, append-only.
//   pending.jsonl    Heads sealed during the current epoch; listed in the next certificate.
//   lock.sqlite      An empty SQLite file whose write lock serialises processes (the kiosk and a CLI
//                    demo may share a home); the OS drops the lock when a holder dies.
//
// Forward security (the ratchet): seed[n+1] = SHA-256("KAKUNIN-AUDIT-RATCHET-1\n" || seed[n]).
// Before the seed moves on, epoch n's key signs a certificate for epoch n+1's public key (and the
// heads it sealed); then seed[n] is overwritten in place. Someone who takes the kiosk later holds
// seed[m] only, and a hash cannot be run backwards: no earlier epoch can be signed again.
// Erasure is best effort: the file is overwritten in place and the temporary copy zeroed before it
// is unlinked, but flash storage and copy-on-write file systems may keep old blocks, and the
// process's memory may hold copies until they are collected. The OS keyring is not used.
import Database from 'better-sqlite3';
import { createPrivateKey, createPublicKey, randomBytes, sign as nodeSign } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  epochCertificateText,
  kioskIdOf,
  kioskKeyName,
  MAX_SEALED_PER_EPOCH,
  parseEpochCertificateText,
  type SealedHead,
} from '../../core/audit/checkpoint.ts';
import { bytesEqual, toHex } from '../../core/audit/canonical.ts';
import type { StoredCertificate } from '../../core/audit/seal-verify.ts';
import { parseSignedNote, signNote } from '../../core/audit/signed-note.ts';
import { base64Decode, base64Encode, derToPem } from '../../core/x509/pem.ts';
import { errorText } from '../../core/errors.ts';

export const AUDIT_KEY_DIR = 'audit-key';

/** An epoch lasts at most this long while the kiosk writes; closing a log also ends it. */
export const DEFAULT_EPOCH_MS = 60 * 60_000;
const STATE_BYTES = 1024;
const RATCHET_DOMAIN = new TextEncoder().encode('KAKUNIN-AUDIT-RATCHET-1\n');
/** RFC 8410 §7: PKCS#8 and SubjectPublicKeyInfo headers of an Ed25519 key, followed by its 32 bytes. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/** What the audit store needs from a sealing key (tests may hand in another). */
export interface AuditSealer {
  readonly kioskId: string;
  /** The kiosk's epoch-0 public key. */
  readonly publicKey: Uint8Array;
  /** Sign the text the builder makes for the current epoch, under key name `name`. */
  sign(name: string, text: (epoch: number) => string): { epoch: number; note: string };
  /** Certificates of epochs after `after`, in order. */
  certificatesAfter(after: number): StoredCertificate[];
  /** A log sealed this head: the next epoch certificate will name it. */
  recordSealed(logId: string, size: number, head: Uint8Array): void;
  ratchetDue(now: Date): boolean;
  /** Did this epoch seal anything (so ending it protects something)? */
  hasPendingSeals(): boolean;
  /** End the current epoch: certify the next key, erase this one. */
  ratchet(now: Date): void;
  close(): void;
}

export class SealingKeyError extends Error {
  override readonly name = 'SealingKeyError';
}

interface State {
  v: 1;
  kiosk: string;
  epoch: number;
  seed: string;
  since: string;
}

function privateKeyOf(seed: Uint8Array) {
  const der = Buffer.concat([PKCS8_ED25519, seed]);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

export function ed25519PublicOf(seed: Uint8Array): Uint8Array {
  const jwk = createPublicKey(privateKeyOf(seed)).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(String(jwk.x), 'base64url'));
}

export function ed25519SignWith(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(nodeSign(null, message, privateKeyOf(seed)));
}

/** The next epoch's seed (the hash ratchet). */
export function ratchetSeed(seed: Uint8Array): Uint8Array {
  const m = new Uint8Array(RATCHET_DOMAIN.length + seed.length);
  m.set(RATCHET_DOMAIN, 0);
  m.set(seed, RATCHET_DOMAIN.length);
  const out = sha256(m);
  m.fill(0);
  return out;
}

export function auditPublicKeyPem(publicKey: Uint8Array): string {
  return derToPem(Buffer.concat([SPKI_ED25519, publicKey]), 'PUBLIC KEY');
}

/** The 32-byte key of an Ed25519 public key in PEM (SPKI), as `kakunin audit pubkey` prints it. */
export function readAuditPublicKey(pem: string): Uint8Array {
  let key;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new SealingKeyError(`not a public key in PEM: ${errorText(e)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new SealingKeyError(`the audit public key is Ed25519, this one is ${key.asymmetricKeyType ?? 'unknown'}`);
  return new Uint8Array(Buffer.from(String(key.export({ format: 'jwk' }).x), 'base64url'));
}

const b64 = (s: string, n: number): Uint8Array => {
  const b = base64Decode(s);
  if (!b || b.length !== n) throw new SealingKeyError('the sealing key file is damaged');
  return b;
};

/** A private file must be ours, a regular file, and readable by us alone. */
function checkPrivate(path: string, kind: 'file' | 'dir'): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink() || (kind === 'file' ? !st.isFile() : !st.isDirectory()))
    throw new SealingKeyError(`${path} must be a ${kind === 'file' ? 'regular file' : 'directory'}, not a link`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new SealingKeyError(`${path} belongs to another user (uid ${st.uid}); refusing to use it`);
  if ((st.mode & 0o077) !== 0) {
    chmodSync(path, kind === 'file' ? 0o600 : 0o700);
    process.stderr.write(
      `kakunin: ${path} was readable by others; its mode is now ${kind === 'file' ? '0600' : '0700'} (if others could read it, make a new audit key)\n`,
    );
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not every platform can fsync a directory */
  }
}

export interface SealingKeyOptions {
  epochMs?: number;
  now?: () => Date;
}

export class SealingKey implements AuditSealer {
  readonly kioskId: string;
  readonly publicKey: Uint8Array;
  readonly dir: string;
  private readonly epochMs: number;
  private readonly lock: Database.Database;
  private certCache: StoredCertificate[] = [];

  private constructor(home: string, opts: SealingKeyOptions) {
    this.dir = join(home, AUDIT_KEY_DIR);
    this.epochMs = opts.epochMs ?? DEFAULT_EPOCH_MS;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    checkPrivate(this.dir, 'dir');
    this.lock = new Database(join(this.dir, 'lock.sqlite'));
    try {
      this.lock.pragma('busy_timeout = 20000');
      const now = (opts.now ?? (() => new Date()))();
      const state = this.locked(() => this.loadOrCreate(now));
      this.publicKey = b64(state.kiosk, 32);
      this.kioskId = kioskIdOf(this.publicKey);
      const pemFile = join(this.dir, 'kiosk.pub.pem');
      if (!existsSync(pemFile)) writeFileSync(pemFile, auditPublicKeyPem(this.publicKey), { mode: 0o644 });
    } catch (e) {
      this.lock.close();
      throw e;
    }
  }

  /** The sealing key of the kiosk whose home is `home`; made on first use. */
  static open(home: string, opts: SealingKeyOptions = {}): SealingKey {
    return new SealingKey(home, opts);
  }

  publicKeyPem(): string {
    return auditPublicKeyPem(this.publicKey);
  }

  private locked<T>(fn: () => T): T {
    this.lock.exec('BEGIN IMMEDIATE');
    try {
      return fn();
    } finally {
      this.lock.exec('COMMIT');
    }
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  private parseState(bytes: Buffer | null): State | null {
    if (!bytes || bytes.length !== STATE_BYTES) return null;
    try {
      const j = JSON.parse(bytes.toString('utf8')) as State & { sum?: string };
      const { sum, ...s } = j;
      if (
        s.v !== 1 ||
        !Number.isSafeInteger(s.epoch) ||
        s.epoch < 0 ||
        typeof s.seed !== 'string' ||
        typeof s.kiosk !== 'string' ||
        typeof s.since !== 'string'
      )
        return null;
      if (sum !== toHex(sha256(new TextEncoder().encode(JSON.stringify(s))))) return null; // torn or edited
      b64(s.seed, 32);
      b64(s.kiosk, 32);
      return s;
    } catch {
      return null;
    }
  }

  private readFileOrNull(name: string): Buffer | null {
    const p = this.path(name);
    if (!existsSync(p)) return null;
    checkPrivate(p, 'file');
    return readFileSync(p);
  }

  private encodeState(s: State): Buffer {
    const core: State = { v: 1, kiosk: s.kiosk, epoch: s.epoch, seed: s.seed, since: s.since };
    const text = JSON.stringify({ ...core, sum: toHex(sha256(new TextEncoder().encode(JSON.stringify(core)))) });
    if (text.length > STATE_BYTES) throw new SealingKeyError('sealing key state too long');
    return Buffer.from(text.padEnd(STATE_BYTES, ' '), 'utf8');
  }

  /**
   * Replace the state: a durable copy first (sealing.key.new), then the old bytes are overwritten
   * in place, then the copy is zeroed and removed. A crash at any point leaves one whole state.
   */
  private writeState(s: State): void {
    const buf = this.encodeState(s);
    const next = this.path('sealing.key.new');
    const cur = this.path('sealing.key');
    const write = (p: string, flags: string, data: Buffer) => {
      const fd = openSync(p, flags, 0o600);
      try {
        writeSync(fd, data, 0, data.length, 0);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    };
    try {
      write(next, 'w', buf);
      fsyncDir(this.dir);
      write(cur, existsSync(cur) ? 'r+' : 'w', buf);
      write(next, 'r+', Buffer.alloc(STATE_BYTES));
      unlinkSync(next);
      fsyncDir(this.dir);
    } finally {
      buf.fill(0);
    }
  }

  private loadOrCreate(now: Date): State {
    const cur = this.parseState(this.readFileOrNull('sealing.key'));
    const next = this.parseState(this.readFileOrNull('sealing.key.new'));
    if (next && (!cur || next.epoch > cur.epoch)) {
      this.writeState(next); // finish a ratchet that a crash interrupted
      return next;
    }
    if (cur) {
      if (existsSync(this.path('sealing.key.new'))) this.writeState(cur); // zero and remove the leftover copy
      return cur;
    }
    if (existsSync(this.path('sealing.key')))
      throw new SealingKeyError(
        `${this.path('sealing.key')} is damaged: logs can no longer be sealed. Move ${this.dir} aside to make a new audit key, and give the head office the new public key.`,
      );
    if (existsSync(this.path('kiosk.pub.pem')) || existsSync(this.path('epochs.jsonl'))) {
      throw new SealingKeyError(
        `the audit sealing key in ${this.dir} is missing: logs can no longer be sealed. Move ${this.dir} aside to make a new audit key, and give the head office the new public key.`,
      );
    }
    const seed = randomBytes(32);
    const s: State = {
      v: 1,
      kiosk: base64Encode(ed25519PublicOf(seed)),
      epoch: 0,
      seed: base64Encode(seed),
      since: now.toISOString(),
    };
    seed.fill(0);
    this.writeState(s);
    writeFileSync(this.path('kiosk.pub.pem'), auditPublicKeyPem(b64(s.kiosk, 32)), { mode: 0o644 });
    return s;
  }

  private readState(): State {
    const s = this.parseState(this.readFileOrNull('sealing.key'));
    if (!s) throw new SealingKeyError(`${this.path('sealing.key')} is missing or damaged`);
    if (s.kiosk !== base64Encode(this.publicKey))
      throw new SealingKeyError("the sealing key was replaced by another kiosk's");
    return s;
  }

  sign(name: string, text: (epoch: number) => string): { epoch: number; note: string } {
    return this.locked(() => {
      const s = this.readState();
      const seed = b64(s.seed, 32);
      try {
        const note = signNote(text(s.epoch), [
          { name, publicKey: ed25519PublicOf(seed), sign: (m) => ed25519SignWith(seed, m) },
        ]);
        return { epoch: s.epoch, note };
      } finally {
        seed.fill(0);
      }
    });
  }

  /** Every certificate in epochs.jsonl (a torn last line, from a crash while appending, is skipped). */
  private readCertificates(): StoredCertificate[] {
    const p = this.path('epochs.jsonl');
    if (!existsSync(p)) return [];
    const out: StoredCertificate[] = [];
    for (const line of readFileSync(p, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const c = JSON.parse(line) as StoredCertificate;
        if (Number.isSafeInteger(c.epoch) && typeof c.note === 'string') out.push({ epoch: c.epoch, note: c.note });
      } catch {
        /* torn line */
      }
    }
    return out;
  }

  certificatesAfter(after: number): StoredCertificate[] {
    const last = this.certCache[this.certCache.length - 1];
    if (!last || last.epoch <= after) this.certCache = this.locked(() => this.readCertificates());
    return this.certCache.filter((c) => c.epoch > after);
  }

  private appendLine(name: string, line: string): void {
    const p = this.path(name);
    let prefix = '';
    if (existsSync(p)) {
      const b = readFileSync(p);
      if (b.length && b[b.length - 1] !== 0x0a) prefix = '\n';
    }
    const fd = openSync(p, 'a', name === 'epochs.jsonl' ? 0o644 : 0o600);
    try {
      writeSync(fd, prefix + line + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private readPending(): SealedHead[] {
    const p = this.path('pending.jsonl');
    if (!existsSync(p)) return [];
    const byLog = new Map<string, SealedHead>();
    for (const line of readFileSync(p, 'utf8').split('\n')) {
      try {
        const j = JSON.parse(line) as { log: string; size: number; head: string };
        const head = base64Decode(j.head);
        if (!/^[0-9a-f]{32}$/.test(j.log) || !Number.isSafeInteger(j.size) || j.size < 1 || !head || head.length !== 32)
          continue;
        const prev = byLog.get(j.log);
        if (!prev || prev.size < j.size) byLog.set(j.log, { logId: j.log, size: j.size, head });
      } catch {
        /* torn or empty line */
      }
    }
    return [...byLog.values()].slice(-MAX_SEALED_PER_EPOCH);
  }

  recordSealed(logId: string, size: number, head: Uint8Array): void {
    const full = this.locked(() => {
      this.appendLine('pending.jsonl', JSON.stringify({ log: logId, size, head: base64Encode(head) }));
      return this.readPending().length >= MAX_SEALED_PER_EPOCH;
    });
    if (full) this.ratchet(new Date());
  }

  hasPendingSeals(): boolean {
    return this.locked(() => this.readPending().length > 0);
  }

  ratchetDue(now: Date): boolean {
    const s = this.locked(() => this.readState());
    return now.getTime() - Date.parse(s.since) >= this.epochMs;
  }

  ratchet(now: Date): void {
    this.locked(() => {
      const s = this.readState();
      const seed = b64(s.seed, 32);
      const next = ratchetSeed(seed);
      try {
        const nextPub = ed25519PublicOf(next);
        const last = this.readCertificates().at(-1);
        let done = false;
        if (last && last.epoch === s.epoch + 1) {
          // A crash after the certificate and before the new state: the certificate stands.
          try {
            done = bytesEqual(parseEpochCertificateText(parseSignedNote(last.note).text).publicKey, nextPub);
          } catch {
            done = false;
          }
        }
        if (!done) {
          const text = epochCertificateText({
            kioskId: this.kioskId,
            epoch: s.epoch + 1,
            publicKey: nextPub,
            time: now.toISOString(),
            sealed: this.readPending(),
          });
          const note = signNote(text, [
            {
              name: kioskKeyName(this.kioskId),
              publicKey: ed25519PublicOf(seed),
              sign: (m) => ed25519SignWith(seed, m),
            },
          ]);
          this.appendLine('epochs.jsonl', JSON.stringify({ epoch: s.epoch + 1, note }));
        }
        this.writeState({ ...s, epoch: s.epoch + 1, seed: base64Encode(next), since: now.toISOString() });
        if (existsSync(this.path('pending.jsonl'))) writeFileSync(this.path('pending.jsonl'), '', { mode: 0o600 });
      } finally {
        seed.fill(0);
        next.fill(0);
      }
    });
  }

  /** The current epoch (tests and the CLI). */
  epoch(): number {
    return this.locked(() => this.readState()).epoch;
  }

  close(): void {
    if (this.lock.open) this.lock.close();
  }
}
