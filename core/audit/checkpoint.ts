// The texts the kiosk signs (docs/audit-log.md "Formats"). Both are signed notes (signed-note.ts).
//
// CHECKPOINT, in the layout of c2sp.org/tlog-checkpoint: origin, size, base64 hash, then extension
// lines. Our third line is the HEAD of the row hash chain (hash-chain.ts) at `size`, not an
// RFC 6962 Merkle root: the chain head commits to every earlier row just as a tree root does, but
// a generic tlog client cannot ask us for inclusion or consistency proofs.
//     kakunin.local/audit/<kiosk id>/<log id>
//     <size: the seq of the last row covered>
//     <base64 head hash>
//     time <ISO 8601 UTC>
//     epoch <sealing epoch>
//     every <rows between checkpoints>
//
// EPOCH CERTIFICATE: epoch n's public key, signed by epoch n-1's key (the forward-secure ratchet),
// with the heads this kiosk's logs had sealed when epoch n-1 ended.
//     kakunin.local/audit/<kiosk id>/epoch
//     <n>
//     <base64 32-byte Ed25519 public key of epoch n>
//     time <ISO 8601 UTC>
//     sealed <log id> <size> <base64 head hash>      (zero or more)
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Decode, base64Encode } from '../x509/pem.ts';
import { TIME_RE } from './audit-entry.ts';
import { toHex } from './canonical.ts';

export const AUDIT_NAME_PREFIX = 'kakunin.local/audit/';
/** At most this many sealed-log lines in one certificate; the kiosk ratchets early when it fills. */
export const MAX_SEALED_PER_EPOCH = 64;
export const MAX_CHECKPOINT_EVERY = 100_000;

export const KIOSK_ID_RE = /^[0-9a-f]{16}$/;
export const LOG_ID_RE = /^[0-9a-f]{32}$/;

export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

/** First 8 bytes of SHA-256 of the kiosk's epoch-0 public key, as hex: names the kiosk in every note. */
export function kioskIdOf(kioskPublicKey: Uint8Array): string {
  return toHex(sha256(kioskPublicKey).subarray(0, 8));
}

/** Key name of the kiosk's epoch certificates. */
export function kioskKeyName(kioskId: string): string {
  return `${AUDIT_NAME_PREFIX}${kioskId}`;
}

/** Origin line (and key name) of one log's checkpoints. */
export function logOrigin(kioskId: string, logId: string): string {
  return `${AUDIT_NAME_PREFIX}${kioskId}/${logId}`;
}

export interface Checkpoint {
  kioskId: string;
  logId: string;
  size: number;
  head: Uint8Array;
  time: string;
  epoch: number;
  every: number;
}

export interface SealedHead {
  logId: string;
  size: number;
  head: Uint8Array;
}

export interface EpochCertificate {
  kioskId: string;
  epoch: number;
  publicKey: Uint8Array;
  time: string;
  sealed: SealedHead[];
}

function decimal(s: string | undefined, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (s === undefined || !/^(?:0|[1-9][0-9]{0,15})$/.test(s))
    throw new CheckpointFormatError(`${what} is not a decimal number`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new CheckpointFormatError(`${what} is out of range`);
  return n;
}

function hash32(s: string | undefined, what: string): Uint8Array {
  const b = s === undefined ? null : base64Decode(s);
  if (!b || b.length !== 32 || /\s/.test(s!)) throw new CheckpointFormatError(`${what} is not 32 bytes of base64`);
  return b;
}

function instant(line: string | undefined): string {
  const m = /^time (.+)$/.exec(line ?? '');
  const t = m?.[1];
  if (!t || !TIME_RE.test(t) || Number.isNaN(Date.parse(t)) || new Date(t).toISOString() !== t)
    throw new CheckpointFormatError('time line is not an ISO 8601 UTC instant');
  return t;
}

function checkIds(kioskId: string, logId?: string): void {
  if (!KIOSK_ID_RE.test(kioskId)) throw new CheckpointFormatError('kiosk id must be 16 lowercase hex digits');
  if (logId !== undefined && !LOG_ID_RE.test(logId))
    throw new CheckpointFormatError('log id must be 32 lowercase hex digits');
}

export function checkpointText(c: Checkpoint): string {
  checkIds(c.kioskId, c.logId);
  if (!Number.isSafeInteger(c.size) || c.size < 1) throw new CheckpointFormatError('size must be a positive integer');
  if (c.head.length !== 32) throw new CheckpointFormatError('head must be 32 bytes');
  if (!TIME_RE.test(c.time)) throw new CheckpointFormatError('time must be ISO 8601 UTC');
  if (!Number.isSafeInteger(c.epoch) || c.epoch < 0)
    throw new CheckpointFormatError('epoch must be a non-negative integer');
  if (!Number.isSafeInteger(c.every) || c.every < 1 || c.every > MAX_CHECKPOINT_EVERY)
    throw new CheckpointFormatError('every is out of range');
  return `${logOrigin(c.kioskId, c.logId)}\n${c.size}\n${base64Encode(c.head)}\ntime ${c.time}\nepoch ${c.epoch}\nevery ${c.every}\n`;
}

export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length !== 7 || lines[6] !== '') throw new CheckpointFormatError('a checkpoint has exactly six lines');
  const m = /^kakunin\.local\/audit\/([0-9a-f]{16})\/([0-9a-f]{32})$/.exec(lines[0]!);
  if (!m) throw new CheckpointFormatError('origin line is not a Kakunin audit log');
  const eline = /^epoch (.*)$/.exec(lines[4]!);
  const everyLine = /^every (.*)$/.exec(lines[5]!);
  return {
    kioskId: m[1]!,
    logId: m[2]!,
    size: decimal(lines[1], 'size', 1),
    head: hash32(lines[2], 'head hash'),
    time: instant(lines[3]),
    epoch: decimal(eline?.[1], 'epoch', 0),
    every: decimal(everyLine?.[1], 'every', 1, MAX_CHECKPOINT_EVERY),
  };
}

export function epochCertificateText(c: EpochCertificate): string {
  checkIds(c.kioskId);
  if (!Number.isSafeInteger(c.epoch) || c.epoch < 1)
    throw new CheckpointFormatError('a certificate is for epoch 1 or later');
  if (c.publicKey.length !== 32) throw new CheckpointFormatError('public key must be 32 bytes');
  if (!TIME_RE.test(c.time)) throw new CheckpointFormatError('time must be ISO 8601 UTC');
  if (c.sealed.length > MAX_SEALED_PER_EPOCH)
    throw new CheckpointFormatError('too many sealed heads for one certificate');
  let out = `${kioskKeyName(c.kioskId)}/epoch\n${c.epoch}\n${base64Encode(c.publicKey)}\ntime ${c.time}\n`;
  for (const s of c.sealed) {
    checkIds(c.kioskId, s.logId);
    if (!Number.isSafeInteger(s.size) || s.size < 1 || s.head.length !== 32)
      throw new CheckpointFormatError('bad sealed head');
    out += `sealed ${s.logId} ${s.size} ${base64Encode(s.head)}\n`;
  }
  return out;
}

export function parseEpochCertificateText(text: string): EpochCertificate {
  const lines = text.split('\n');
  if (lines.length < 5 || lines[lines.length - 1] !== '')
    throw new CheckpointFormatError('an epoch certificate has at least four lines');
  const m = /^kakunin\.local\/audit\/([0-9a-f]{16})\/epoch$/.exec(lines[0]!);
  if (!m) throw new CheckpointFormatError('not a Kakunin epoch certificate');
  const sealed: SealedHead[] = [];
  for (const l of lines.slice(4, -1)) {
    const s = /^sealed ([0-9a-f]{32}) (\S+) (\S+)$/.exec(l);
    if (!s) throw new CheckpointFormatError('unknown line in an epoch certificate');
    sealed.push({ logId: s[1]!, size: decimal(s[2], 'sealed size', 1), head: hash32(s[3], 'sealed head') });
  }
  if (sealed.length > MAX_SEALED_PER_EPOCH) throw new CheckpointFormatError('too many sealed heads');
  return {
    kioskId: m[1]!,
    epoch: decimal(lines[1], 'epoch', 1),
    publicKey: hash32(lines[2], 'public key'),
    time: instant(lines[3]),
    sealed,
  };
}
