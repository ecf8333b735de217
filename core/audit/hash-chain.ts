// The audit log's hash chain. Every row carries seq (1, 2, 3, ...), prev_hash (the hash of row
// seq-1; 32 zero bytes for row 1) and hash = SHA-256(prev_hash || encodeRow(row)) (canonical.ts).
// Three anchors outside the rows make removals visible, not only edits:
// - the HEAD (seq + hash of the last row, updated in the same transaction as each append), so a
//   deleted tail shows as "truncated";
// - CHECKPOINTS (seq + hash every N rows, never updated), so a tail deleted together with a rewound
//   head, or a chain re-hashed from some row on, still disagrees with a recorded hash;
// - the RETENTION ANCHOR (first kept seq + the hash its prev_hash must equal, written with a
//   'retention-cut' row in the chain itself), so deleting old rows on purpose re-anchors the chain
//   and verification starts at the cut; the cut row's body repeats the anchor, so a forged anchor
//   disagrees with the chain.
//
// Limits (say it plainly): the hash is unkeyed and every anchor lives in the same database, so a
// writer who rewrites every row after the point of change AND every checkpoint, the head and the
// anchor is not detected by the chain alone. The signed layer closes that (checkpoints signed with
// the kiosk's forward-secure key, seal-verify.ts, docs/audit-log.md), and so does a head noted
// elsewhere: `audit verify --expect-head SEQ:HASH` passes it back in as an extra checkpoint.
//
// verifyChain reports the FIRST broken link and names what most likely happened there:
//   edited    a row's content or hash no longer matches (or it disagrees with a checkpoint/head)
//   inserted  a row that was never appended (beyond the head, before the first seq, or shifting others)
//   deleted   a seq is missing in the middle (or rows were removed and the rest renumbered)
//   reordered rows swapped places (a row verifies only at another row's position)
//   truncated the tail is gone: the head or a checkpoint names a seq past the last row
// Naming the reason for moved rows looks RELOCATION_WINDOW rows either way; a row moved farther is
// still caught, as 'edited'. Only the first break is named: after it, nothing can be trusted.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, encodeRow, toHex, type RowFields } from './canonical.ts';

export const HASH_LEN = 32;
export const GENESIS_PREV_HASH: Uint8Array = new Uint8Array(HASH_LEN);
/** 'entry': a transaction (audit-entry.ts); 'event': a staff or system event (audit-event.ts). */
export const ROW_KINDS = ['entry', 'retention-cut', 'event'] as const;
export type RowKind = (typeof ROW_KINDS)[number];

export type Sha256 = (data: Uint8Array) => Uint8Array;

export interface ChainRow extends RowFields {
  prevHash: Uint8Array;
  hash: Uint8Array;
}

export interface ChainPoint {
  seq: number;
  hash: Uint8Array;
}

export interface RetentionAnchor {
  /** seq of the 'retention-cut' row that recorded this cut. */
  cutSeq: number;
  /** First seq kept: rows below it were deleted by retention. */
  firstSeq: number;
  /** Hash of the last deleted row: the prev_hash row `firstSeq` must carry. */
  prevHash: Uint8Array;
}

/** Body of a 'retention-cut' row (canonical JSON). */
export interface RetentionCutBody {
  cutoff: string;
  deletedCount: number;
  firstSeq: number;
  prevHash: string;
}

/**
 * The first five are found by the chain itself; the last four by the signed layer (seal-verify.ts):
 *   signature  a checkpoint or epoch certificate that does not verify under the kiosk's key
 *   retention  a cut that deleted rows it must keep, or an external head in a pruned range that
 *              disagrees with (or cannot be matched to) what the cut kept
 *   time       a checkpoint signed in the future of the verifier's clock
 *   unsealed   more rows after the last signed checkpoint than the kiosk ever leaves unsealed
 */
export type BreakReason =
  'edited' | 'inserted' | 'deleted' | 'reordered' | 'truncated' | 'signature' | 'retention' | 'time' | 'unsealed';

export interface ChainBreak {
  seq: number;
  reason: BreakReason;
  /** English, for people; never row content. */
  detail: string;
}

export interface ChainReport {
  ok: boolean;
  /** Rows read (all kinds). */
  rows: number;
  firstBroken: ChainBreak | null;
  /** Last row that verified. */
  lastVerified: ChainPoint | null;
}

export interface VerifyOptions {
  checkpoints?: Iterable<ChainPoint>;
  /** The recorded head; null means "the store records heads but has none" (suspicious when rows exist). */
  head?: ChainPoint | null;
  anchor?: RetentionAnchor | null;
  sha256?: Sha256;
}

/** How far around a row we look for the position where it would verify (reorder / shift detection). */
export const RELOCATION_WINDOW = 32;

export function rowHash(prevHash: Uint8Array, row: RowFields, sha256: Sha256 = nobleSha256): Uint8Array {
  const body = encodeRow(row);
  const msg = new Uint8Array(prevHash.length + body.length);
  msg.set(prevHash, 0);
  msg.set(body, prevHash.length);
  return sha256(msg);
}

/** Link a new row onto `prev` (null for the first row of an empty chain). */
export function linkRow(prev: ChainPoint | null, row: RowFields, sha256: Sha256 = nobleSha256): ChainRow {
  const prevHash = prev ? prev.hash : GENESIS_PREV_HASH;
  if (prev && row.seq !== prev.seq + 1) throw new Error(`seq ${row.seq} does not follow ${prev.seq}`);
  if (!prev && row.seq < 1) throw new Error('seq starts at 1');
  return { ...row, prevHash, hash: rowHash(prevHash, row, sha256) };
}

export function verifyChain(rows: Iterable<ChainRow>, opts: VerifyOptions = {}): ChainReport {
  const cx = chainContext(opts);
  const st: WalkState = {
    expectedSeq: cx.firstSeq,
    expectedPrev: cx.anchor ? cx.anchor.prevHash : GENESIS_PREV_HASH,
    prev: null,
    sawCut: false,
  };
  let count = 0;
  let broken: ChainBreak | null = null;

  const it = rows[Symbol.iterator]();
  // A window of rows ahead of the one being checked: only looked at to name a break.
  const ahead: ChainRow[] = [];
  const fill = () => {
    while (ahead.length < RELOCATION_WINDOW) {
      const n = it.next();
      if (n.done) break;
      ahead.push(n.value);
    }
  };
  fill();
  while (ahead.length) {
    const r = ahead.shift()!;
    fill();
    count++;
    if (broken) continue;
    broken = checkRow(r, ahead, cx, st);
    if (!broken) {
      st.prev = r;
      st.expectedSeq = r.seq + 1;
      st.expectedPrev = r.hash;
    }
  }
  // undefined: the caller has no head to compare; null: the store has none although it should.
  if (!broken) broken = checkEnd(cx, st, opts.head !== undefined);
  const prev = st.prev;
  return {
    ok: broken === null,
    rows: count,
    firstBroken: broken,
    lastVerified: prev ? { seq: prev.seq, hash: prev.hash } : null,
  };
}

/** What one verification compares the rows with: the anchors outside the rows, and the hash. */
interface ChainContext {
  sha: Sha256;
  head: ChainPoint | null;
  anchor: RetentionAnchor | null;
  firstSeq: number;
  /** Several checkpoints may name one seq (in-file and external); each must hold. */
  checkpoints: Map<number, Uint8Array[]>;
}

function chainContext(opts: VerifyOptions): ChainContext {
  const anchor = opts.anchor ?? null;
  const firstSeq = anchor ? anchor.firstSeq : 1;
  const checkpoints = new Map<number, Uint8Array[]>();
  for (const c of opts.checkpoints ?? [])
    if (c.seq >= firstSeq) checkpoints.set(c.seq, [...(checkpoints.get(c.seq) ?? []), c.hash]);
  return { sha: opts.sha256 ?? nobleSha256, head: opts.head ?? null, anchor, firstSeq, checkpoints };
}

/** Where the walk stands: the last row that verified, and what the next row must carry. */
interface WalkState {
  expectedSeq: number;
  expectedPrev: Uint8Array;
  prev: ChainRow | null;
  /** The retention cut row the anchor names was seen (and matched). */
  sawCut: boolean;
}

/** Whether `r`'s hash is right for its content at `seq`. */
function selfOkAt(r: ChainRow, seq: number, sha: Sha256): boolean {
  try {
    return bytesEqual(rowHash(r.prevHash, { seq, kind: r.kind, time: r.time, body: r.body }, sha), r.hash);
  } catch {
    return false; // a tampered column the encoding refuses (e.g. a newline in time): not this row's hash
  }
}

/** The offset d such that r verifies at seq r.seq + d (d != 0), within the window. */
function relocation(r: ChainRow, sha: Sha256): number | null {
  for (let k = 1; k <= RELOCATION_WINDOW; k++) {
    for (const d of [k, -k]) if (r.seq + d >= 1 && selfOkAt(r, r.seq + d, sha)) return d;
  }
  return null;
}

/** The genuine row for the expected seq follows, displaced by one: the row before it was slipped in. */
function genuineFollows(next: ChainRow | null, st: WalkState, sha: Sha256): boolean {
  return next !== null && bytesEqual(next.prevHash, st.expectedPrev) && selfOkAt(next, next.seq - 1, sha);
}

/** One row against the walk: null when it verifies and links, else the break it most likely is. */
function checkRow(r: ChainRow, ahead: readonly ChainRow[], cx: ChainContext, st: WalkState): ChainBreak | null {
  if (r.seq < st.expectedSeq) {
    return st.prev
      ? { seq: r.seq, reason: 'reordered', detail: `row ${r.seq} comes after row ${st.prev.seq}` }
      : { seq: r.seq, reason: 'inserted', detail: `row ${r.seq} lies before the first seq ${cx.firstSeq}` };
  }
  if (cx.head && r.seq > cx.head.seq)
    return { seq: r.seq, reason: 'inserted', detail: `row ${r.seq} lies beyond the recorded head ${cx.head.seq}` };
  if (r.seq > st.expectedSeq)
    return { seq: st.expectedSeq, reason: 'deleted', detail: `rows ${st.expectedSeq}..${r.seq - 1} are missing` };

  const selfOk = selfOkAt(r, r.seq, cx.sha);
  const linkOk = bytesEqual(r.prevHash, st.expectedPrev);
  if (selfOk && linkOk) return checkAnchors(r, ahead[0] ?? null, cx, st);
  return nameBreak(r, ahead, selfOk, cx, st);
}

/** A row that verifies and links, against the checkpoints, the head and the retention anchor. */
function checkAnchors(r: ChainRow, next: ChainRow | null, cx: ChainContext, st: WalkState): ChainBreak | null {
  const cps = cx.checkpoints.get(r.seq);
  if (cps && cps.some((cp) => !bytesEqual(cp, r.hash))) {
    if (genuineFollows(next, st, cx.sha)) {
      return {
        seq: r.seq,
        reason: 'inserted',
        detail: `row ${r.seq} was added and the rest renumbered (it disagrees with its checkpoint)`,
      };
    }
    return {
      seq: r.seq,
      reason: 'edited',
      detail: `row ${r.seq} disagrees with its checkpoint (the chain was rewritten at or before it)`,
    };
  }
  const head = cx.head;
  if (head && r.seq === head.seq && !bytesEqual(head.hash, r.hash)) {
    if (genuineFollows(next, st, cx.sha)) {
      return {
        seq: r.seq,
        reason: 'inserted',
        detail: `row ${r.seq} was added and the rest renumbered (it disagrees with the head)`,
      };
    }
    return { seq: r.seq, reason: 'edited', detail: `row ${r.seq} disagrees with the recorded head` };
  }
  if (cx.anchor && r.seq === cx.anchor.cutSeq) {
    st.sawCut = true;
    if (!cutMatches(r, cx.anchor))
      return { seq: r.seq, reason: 'edited', detail: `retention cut row ${r.seq} disagrees with the retention anchor` };
  }
  return null;
}

/** A row at the expected seq that does not verify or does not link: what most likely happened. */
function nameBreak(
  r: ChainRow,
  ahead: readonly ChainRow[],
  selfOk: boolean,
  cx: ChainContext,
  st: WalkState,
): ChainBreak {
  const next = ahead[0] ?? null;
  const d = selfOk ? null : relocation(r, cx.sha);
  if (d !== null) {
    // The row verifies only at another seq. If the next row moved by the same offset, rows were
    // removed (d > 0) or added (d < 0) and the rest renumbered; otherwise rows swapped places.
    const shift = next === null || selfOkAt(next, next.seq + d, cx.sha);
    if (!shift) return { seq: r.seq, reason: 'reordered', detail: `row ${r.seq} belongs at seq ${r.seq + d}` };
    return d > 0
      ? {
          seq: st.expectedSeq,
          reason: 'deleted',
          detail: `rows were removed before ${r.seq} and the rest renumbered (row ${r.seq} was ${r.seq + d})`,
        }
      : {
          seq: r.seq + d,
          reason: 'inserted',
          detail: `rows were added at ${r.seq + d} and the rest renumbered (row ${r.seq} was ${r.seq + d})`,
        };
  }
  if (next && !selfOk) {
    // Contents swapped with a later row (seq/prev/hash columns left in place).
    for (const q of ahead) {
      if (selfOkAt({ ...q, kind: r.kind, time: r.time, body: r.body }, q.seq, cx.sha)) {
        return { seq: r.seq, reason: 'reordered', detail: `the content of rows ${r.seq} and ${q.seq} was swapped` };
      }
    }
    // This row is foreign and the genuine one follows it, shifted by one.
    if (genuineFollows(next, st, cx.sha))
      return { seq: r.seq, reason: 'inserted', detail: `row ${r.seq} was added and the rest renumbered` };
  }
  if (selfOk) {
    // A self-consistent row that does not link: either its predecessor was edited and re-hashed
    // (the usual case), or this row's prev_hash was edited and the row re-hashed.
    if (st.prev)
      return {
        seq: st.prev.seq,
        reason: 'edited',
        detail: `row ${st.prev.seq} was changed and re-hashed: row ${r.seq} no longer links to it`,
      };
    return {
      seq: r.seq,
      reason: 'edited',
      detail: `row ${r.seq} does not link to ${cx.anchor ? 'the retention anchor' : 'the genesis hash'}`,
    };
  }
  return { seq: r.seq, reason: 'edited', detail: `row ${r.seq} does not match its hash` };
}

/** After the last row: the head, the checkpoints and the retention cut must not name rows that are gone. */
function checkEnd(cx: ChainContext, st: WalkState, headKnown: boolean): ChainBreak | null {
  const lastSeq = st.expectedSeq - 1;
  const { head, anchor } = cx;
  if (head && head.seq > lastSeq)
    return {
      seq: st.expectedSeq,
      reason: 'truncated',
      detail: `the head names row ${head.seq}, the last row is ${lastSeq}`,
    };
  if (headKnown && !head && st.prev)
    return { seq: st.prev.seq, reason: 'edited', detail: 'the chain has rows but no recorded head' };
  const beyond = [...cx.checkpoints.keys()].filter((s) => s > lastSeq).sort((a, b) => a - b);
  if (beyond.length)
    return {
      seq: st.expectedSeq,
      reason: 'truncated',
      detail: `checkpoint ${beyond[0]} names a row past the last row ${lastSeq}`,
    };
  if (anchor && !st.sawCut) {
    return anchor.cutSeq > lastSeq
      ? { seq: st.expectedSeq, reason: 'truncated', detail: `the retention cut row ${anchor.cutSeq} is missing` }
      : {
          seq: anchor.cutSeq,
          reason: 'edited',
          detail: `the retention anchor names row ${anchor.cutSeq}, which is not in the chain`,
        };
  }
  return null;
}

function cutMatches(r: ChainRow, a: RetentionAnchor): boolean {
  if (r.kind !== 'retention-cut') return false;
  try {
    const b = JSON.parse(r.body) as Partial<RetentionCutBody>;
    return b.firstSeq === a.firstSeq && b.prevHash === toHex(a.prevHash);
  } catch {
    return false;
  }
}
