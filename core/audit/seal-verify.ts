// Verification of the signed layer over the hash chain (docs/audit-log.md "Verification"), given
// only the kiosk's epoch-0 public key (`kakunin audit pubkey`) and what the database holds.
//
// 1. Epoch certificates, in order from 1: certificate n must be signed by epoch n-1's key (epoch 0
//    is the kiosk key). This yields every epoch's public key. Keys are erased as the kiosk moves on,
//    so nobody, the kiosk's later owner included, can sign for an epoch that has ended.
// 2. Checkpoints: each signed note must verify under its epoch's key, name this kiosk and this log,
//    and agree with its table row; epochs never go back; none is dated in the verifier's future.
//    Their (size, head) pairs become points the hash chain must pass through (hash-chain.ts).
// 3. Sealed heads in the certificates (this log's heads when an epoch ended) must still hold: in
//    the rows, or, below a retention cut, in the checkpoints the cut kept.
// 4. Retention cuts: each must be sealed (a signed checkpoint at the cut row and one just before
//    it), must not have deleted rows younger than the minimum by its own clock or the verifier's,
//    and no checkpoint it kept may be newer than its cutoff when rows after it were deleted.
// 5. At most `every - 1` rows may follow the last signed checkpoint (the kiosk signs one every
//    `every` rows, in the same transaction as the row).
// The caller (main/audit/audit-store.ts) runs the chain over the rows with these points and picks
// the first problem of all.
import {
  parseCheckpointText,
  parseEpochCertificateText,
  kioskIdOf,
  kioskKeyName,
  logOrigin,
  type Checkpoint,
} from './checkpoint.ts';
import { bytesEqual, toHex } from './canonical.ts';
import type { BreakReason, ChainPoint, RetentionAnchor, RetentionCutBody } from './hash-chain.ts';
import { CLOCK_SLACK_MS, cutProblem, parseCutBody } from './retention-rules.ts';
import { parseSignedNote, verifyNote, type Ed25519Verify } from './signed-note.ts';
import { errorText } from '../errors.ts';

/** How far in the verifier's future a checkpoint may be dated (clocks of two machines differ). */
export const FUTURE_SLACK_MS = 60 * 60_000;

export interface StoredCheckpoint {
  seq: number;
  hash: Uint8Array;
  /** The signed note; null for checkpoints written before the log was signed. */
  note: string | null;
}

export interface StoredCertificate {
  epoch: number;
  note: string;
}

export interface CutRow {
  seq: number;
  time: string;
  body: string;
}

export interface SealInputs {
  kioskPublicKey: Uint8Array;
  logId: string | null;
  certificates: readonly StoredCertificate[];
  /** Every checkpoint the file keeps, in seq order (retention keeps them all). */
  checkpoints: readonly StoredCheckpoint[];
  cuts: readonly CutRow[];
  anchor: RetentionAnchor | null;
  /** seq of the last row present (0 when none). */
  lastSeq: number;
  now: Date;
  verify: Ed25519Verify;
}

export interface CheckpointSummary {
  size: number;
  hash: string;
  time: string;
  epoch: number;
  /** The signed note; null for a head known only from an epoch certificate. */
  note: string | null;
}

export interface SealProblem {
  /** The row where it shows. */
  seq: number;
  reason: BreakReason;
  detail: string;
  /** The checkpoint at fault, when one is. */
  checkpoint: CheckpointSummary | null;
}

export interface SealReport {
  problems: SealProblem[];
  /** Verified (seq, head) points at or after the first kept row: the chain must pass through them. */
  points: ChainPoint[];
  /** Verified heads below the first kept row (kept by retention), by seq. */
  pruned: Map<number, Uint8Array>;
  /** Signed checkpoints that verified, in seq order. */
  signed: CheckpointSummary[];
  /** Every sealed head: the signed checkpoints and the heads epoch certificates name, in seq order. */
  sealed: CheckpointSummary[];
  latest: CheckpointSummary | null;
  /** Epoch certificates that verified. */
  epochs: number;
}

const summary = (c: Checkpoint, note: string): CheckpointSummary => ({
  size: c.size,
  hash: toHex(c.head),
  time: c.time,
  epoch: c.epoch,
  note,
});

export function verifySeals(inp: SealInputs): SealReport {
  const problems: SealProblem[] = [];
  const kioskId = kioskIdOf(inp.kioskPublicKey);
  const firstSeq = inp.anchor ? inp.anchor.firstSeq : 1;
  const epochs = verifyEpochCertificates(inp, kioskId);
  const cps = verifyCheckpoints(inp, kioskId, epochs, firstSeq, problems);
  const { certBroken } = epochs;
  if (certBroken) {
    const user = cps.signed.find((s) => s.epoch >= certBroken.epoch);
    problems.push({
      seq: user ? user.size : Math.max(1, inp.lastSeq),
      reason: 'signature',
      detail: certBroken.detail,
      checkpoint: user ?? null,
    });
  }
  const sealed = checkSealedHeads(epochs.sealedHeads, cps, inp.anchor, firstSeq, problems);
  checkRetentionCuts(inp.cuts, cps.signed, inp.now, problems);
  checkUnsealedTail(inp.lastSeq, cps, epochs.sealedHeads.length > 0, firstSeq, problems);
  problems.sort((a, b) => a.seq - b.seq);
  const { points, pruned, signed } = cps;
  return {
    problems,
    points,
    pruned,
    signed,
    sealed,
    latest: signed[signed.length - 1] ?? null,
    epochs: epochs.pubs.length - 1,
  };
}

interface SealedHead {
  epoch: number;
  size: number;
  head: Uint8Array;
  time: string;
}

interface EpochChain {
  /** Every verified epoch's public key, epoch 0 (the kiosk key) first. */
  pubs: Uint8Array[];
  /** This log's heads the verified certificates sealed. */
  sealedHeads: SealedHead[];
  /** The first certificate missing or not verifying: the epochs from it on have no key. */
  certBroken: { epoch: number; detail: string } | null;
}

/** Step 1, the epoch key chain: certificate n must be signed by epoch n-1's key, in order from 1. */
function verifyEpochCertificates(inp: SealInputs, kioskId: string): EpochChain {
  const pubs: Uint8Array[] = [inp.kioskPublicKey];
  const sealedHeads: SealedHead[] = [];
  for (const c of [...inp.certificates].sort((a, b) => a.epoch - b.epoch)) {
    if (c.epoch !== pubs.length)
      return {
        pubs,
        sealedHeads,
        certBroken: { epoch: pubs.length, detail: `epoch certificate ${pubs.length} is missing` },
      };
    try {
      const note = parseSignedNote(c.note);
      if (!verifyNote(note, kioskKeyName(kioskId), pubs[c.epoch - 1]!, inp.verify)) throw new Error('signature');
      const cert = parseEpochCertificateText(note.text);
      if (cert.kioskId !== kioskId || cert.epoch !== c.epoch) throw new Error('names another kiosk or epoch');
      pubs.push(cert.publicKey);
      for (const s of cert.sealed)
        if (s.logId === inp.logId) sealedHeads.push({ epoch: c.epoch, size: s.size, head: s.head, time: cert.time });
    } catch {
      return {
        pubs,
        sealedHeads,
        certBroken: {
          epoch: c.epoch,
          detail: `epoch certificate ${c.epoch} does not verify under epoch ${c.epoch - 1}'s key`,
        },
      };
    }
  }
  return { pubs, sealedHeads, certBroken: null };
}

interface CheckpointWalk {
  points: ChainPoint[];
  pruned: Map<number, Uint8Array>;
  signed: CheckpointSummary[];
  lastSigned: Checkpoint | null;
  /** A checkpoint after the last good one failed: that failure, not the unsealed tail, is the news. */
  failedSince: boolean;
}

/**
 * Step 2, the checkpoints: each signed note verifies under its epoch's key, names this kiosk and this
 * log, agrees with its row; epochs never go back; none is dated in the verifier's future.
 */
function verifyCheckpoints(
  inp: SealInputs,
  kioskId: string,
  epochs: EpochChain,
  firstSeq: number,
  problems: SealProblem[],
): CheckpointWalk {
  const w: CheckpointWalk = { points: [], pruned: new Map(), signed: [], lastSigned: null, failedSince: false };
  let lastEpoch = -1;
  for (const cp of inp.checkpoints) {
    const bad = (reason: BreakReason, detail: string, c: CheckpointSummary | null = null) => {
      problems.push({ seq: cp.seq, reason, detail, checkpoint: c });
      w.failedSince = true;
    };
    if (cp.note === null) {
      if (w.lastSigned) bad('signature', `checkpoint ${cp.seq} has no signature, though the log was signed before it`);
      else if (cp.seq >= firstSeq) w.points.push({ seq: cp.seq, hash: cp.hash });
      continue;
    }
    const c = openCheckpoint(cp, cp.note, kioskId, epochs, inp, bad);
    if (!c) continue;
    const s = summary(c, cp.note);
    if (inp.logId === null || c.logId !== inp.logId) {
      bad('signature', `checkpoint ${cp.seq} belongs to another log`, s);
      continue;
    }
    if (c.size !== cp.seq || !bytesEqual(c.head, cp.hash))
      bad('edited', `checkpoint row ${cp.seq} disagrees with its signed note`, s);
    if (c.epoch < lastEpoch)
      bad('signature', `checkpoint ${c.size} is in epoch ${c.epoch}, after a checkpoint of epoch ${lastEpoch}`, s);
    if (Date.parse(c.time) > inp.now.getTime() + FUTURE_SLACK_MS)
      bad('time', `checkpoint ${c.size} is dated ${c.time}, in the future of this verifier's clock`, s);
    lastEpoch = Math.max(lastEpoch, c.epoch);
    w.lastSigned = c;
    w.failedSince = false;
    w.signed.push(s);
    if (c.size >= firstSeq) w.points.push({ seq: c.size, hash: c.head });
    else w.pruned.set(c.size, c.head);
  }
  return w;
}

/** A checkpoint's signed note, verified under its epoch's key for this kiosk; null (reported through `bad`) when it does not. */
function openCheckpoint(
  cp: StoredCheckpoint,
  text: string,
  kioskId: string,
  epochs: EpochChain,
  inp: SealInputs,
  bad: (reason: BreakReason, detail: string, c?: CheckpointSummary | null) => void,
): Checkpoint | null {
  const { pubs, certBroken } = epochs;
  try {
    const note = parseSignedNote(text);
    const c = parseCheckpointText(note.text);
    if (c.kioskId !== kioskId) {
      bad('signature', `checkpoint ${cp.seq} was signed for another kiosk (${c.kioskId})`, summary(c, text));
      return null;
    }
    if (c.epoch >= pubs.length) {
      bad(
        'signature',
        certBroken && certBroken.epoch <= c.epoch
          ? `checkpoint ${cp.seq}: ${certBroken.detail}`
          : `checkpoint ${cp.seq} names epoch ${c.epoch}, which has no certificate`,
        summary(c, text),
      );
      return null;
    }
    if (!verifyNote(note, logOrigin(kioskId, c.logId), pubs[c.epoch]!, inp.verify)) {
      bad('signature', `checkpoint ${cp.seq} does not verify under epoch ${c.epoch}'s key`, summary(c, text));
      return null;
    }
    return c;
  } catch (e) {
    bad('signature', `checkpoint ${cp.seq} is not a valid signed checkpoint (${errorText(e)})`);
    return null;
  }
}

/**
 * Step 3, heads the certificates sealed. Each came from a signed checkpoint of this log, which the
 * log keeps for ever (retention too): it must still be there, and the chain must pass it. Returns
 * every sealed head in seq order.
 */
function checkSealedHeads(
  sealedHeads: readonly SealedHead[],
  w: CheckpointWalk,
  anchor: RetentionAnchor | null,
  firstSeq: number,
  problems: SealProblem[],
): CheckpointSummary[] {
  const sealed: CheckpointSummary[] = [...w.signed];
  for (const h of sealedHeads) {
    const named: CheckpointSummary = {
      size: h.size,
      hash: toHex(h.head),
      time: h.time,
      epoch: h.epoch - 1,
      note: null,
    };
    sealed.push(named);
    const own = w.signed.find((s) => s.size === h.size);
    if (!own)
      problems.push({
        seq: h.size,
        reason: 'deleted',
        detail: `the checkpoint at ${h.size}, sealed by epoch ${h.epoch}'s certificate, is missing`,
        checkpoint: named,
      });
    else if (own.hash !== named.hash)
      problems.push({
        seq: h.size,
        reason: 'edited',
        detail: `checkpoint ${h.size} disagrees with epoch ${h.epoch}'s seal`,
        checkpoint: own,
      });
    if (h.size >= firstSeq) w.points.push({ seq: h.size, hash: h.head });
    else {
      const kept = w.pruned.get(h.size) ?? (anchor && h.size === firstSeq - 1 ? anchor.prevHash : null);
      if (kept && !bytesEqual(kept, h.head))
        problems.push({
          seq: h.size,
          reason: 'edited',
          detail: `the head kept at ${h.size} disagrees with epoch ${h.epoch}'s seal`,
          checkpoint: named,
        });
    }
  }
  sealed.sort((a, b) => a.size - b.size);
  return sealed;
}

/**
 * Step 4, retention cuts (retention-rules.ts): each within its own rules, and one made while the log
 * was signed must be sealed on both sides and must not have deleted rows after a checkpoint newer
 * than its cutoff.
 */
function checkRetentionCuts(
  cuts: readonly CutRow[],
  signed: readonly CheckpointSummary[],
  now: Date,
  problems: SealProblem[],
): void {
  const firstSignedSize = signed[0]?.size ?? Infinity;
  for (const cut of cuts) {
    const body = parseCutBody(cut.body);
    const at = signed.find((s) => s.size >= cut.seq) ?? null;
    if (!body) {
      problems.push({
        seq: cut.seq,
        reason: 'edited',
        detail: `retention cut ${cut.seq} has no readable body`,
        checkpoint: at,
      });
      continue;
    }
    const p = cutProblem(body, cut.time, now);
    if (p)
      problems.push({ seq: cut.seq, reason: 'retention', detail: `retention cut ${cut.seq}: ${p}`, checkpoint: at });
    if (cut.seq > firstSignedSize) signedCutProblems(cut, body, signed, problems);
  }
}

/** A cut made while the log was signed. */
function signedCutProblems(
  cut: CutRow,
  body: RetentionCutBody,
  signed: readonly CheckpointSummary[],
  problems: SealProblem[],
): void {
  // Rows after a kept checkpoint were appended after it was signed, so if the cut deleted them,
  // that checkpoint must be older than the cutoff.
  const cutoff = Date.parse(body.cutoff);
  const young = signed.find((s) => s.size < body.firstSeq - 1 && Date.parse(s.time) > cutoff + CLOCK_SLACK_MS);
  if (young)
    problems.push({
      seq: cut.seq,
      reason: 'retention',
      detail: `retention cut ${cut.seq} deleted rows after checkpoint ${young.size}, which is newer than its cutoff`,
      checkpoint: young,
    });
  // And the kiosk seals both sides of a cut in the cut's own transaction.
  const sealedAt = (n: number) => signed.some((s) => s.size === n);
  if (!sealedAt(cut.seq) || !sealedAt(cut.seq - 1)) {
    const before = [...signed].reverse().find((s) => s.size < cut.seq) ?? null;
    problems.push({
      seq: cut.seq,
      reason: 'retention',
      detail: `retention cut ${cut.seq} is not sealed by the kiosk (no signed checkpoint at ${sealedAt(cut.seq) ? cut.seq - 1 : cut.seq}${before ? `; the last checkpoint before it is ${before.size}` : ''})`,
      checkpoint: before,
    });
  }
}

/** Step 5, the unsealed tail: at most `every - 1` rows after the last signed checkpoint. */
function checkUnsealedTail(
  lastSeq: number,
  w: CheckpointWalk,
  anyCertificateSealed: boolean,
  firstSeq: number,
  problems: SealProblem[],
): void {
  if (!(lastSeq > 0) || w.failedSince) return;
  const last = w.lastSigned;
  if (!last) {
    // With sealed heads in the certificates, the missing checkpoints are the news (step 3).
    if (!anyCertificateSealed)
      problems.push({
        seq: firstSeq,
        reason: 'unsealed',
        detail: 'the log has rows but no signed checkpoint',
        checkpoint: null,
      });
  } else if (lastSeq - last.size >= last.every) {
    problems.push({
      seq: last.size + last.every,
      reason: 'unsealed',
      detail: `${lastSeq - last.size} rows follow the last signed checkpoint ${last.size}; the kiosk signs every ${last.every}`,
      checkpoint: null,
    });
  }
}

/**
 * Heads noted outside the file (`--expect-head`) that lie below the first kept row: they must match
 * what retention kept there (a signed checkpoint, or the anchor's sealed head just below the cut).
 * A head nothing was kept for cannot be confirmed, and fails (fail closed).
 */
export function prunedHeadProblems(
  external: readonly ChainPoint[],
  anchor: RetentionAnchor | null,
  kept: ReadonlyMap<number, Uint8Array>,
): SealProblem[] {
  const firstSeq = anchor ? anchor.firstSeq : 1;
  const out: SealProblem[] = [];
  for (const e of external) {
    if (e.seq >= firstSeq) continue;
    const k = kept.get(e.seq) ?? (anchor && e.seq === firstSeq - 1 ? anchor.prevHash : null);
    if (!k)
      out.push({
        seq: e.seq,
        reason: 'retention',
        detail: `the expected head ${e.seq} lies in a range deleted by retention, and nothing sealed was kept for it`,
        checkpoint: null,
      });
    else if (!bytesEqual(k, e.hash))
      out.push({
        seq: e.seq,
        reason: 'retention',
        detail: `the expected head ${e.seq} disagrees with the head retention kept for it`,
        checkpoint: null,
      });
  }
  return out;
}
