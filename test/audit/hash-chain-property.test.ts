// Property tests of core/audit/hash-chain.ts on in-memory rows: any single tampering of a chain
// (edit of any column of any row, deletion of any row or of the tail, swap of any two rows,
// insertion of a forged row anywhere) is reported, never thrown, and a deletion or truncation is
// named as such. Untouched chains always verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson } from '../../core/audit/canonical.ts';
import { linkRow, verifyChain, type ChainPoint, type ChainRow } from '../../core/audit/hash-chain.ts';
import { sampleEntry } from './helpers.ts';

const N = 24;
const EVERY = 5;

function chain(): { rows: ChainRow[]; head: ChainPoint; checkpoints: ChainPoint[] } {
  const rows: ChainRow[] = [];
  let prev: ChainRow | null = null;
  for (let seq = 1; seq <= N; seq++) {
    const e = sampleEntry(seq);
    prev = linkRow(prev, { seq, kind: 'entry', time: e.time, body: canonicalJson(e) });
    rows.push(prev);
  }
  const last = rows[N - 1]!;
  return {
    rows,
    head: { seq: last.seq, hash: last.hash },
    checkpoints: rows.filter((r) => r.seq % EVERY === 0).map((r) => ({ seq: r.seq, hash: r.hash })),
  };
}
const BASE = chain();

type Tamper =
  | { t: 'edit'; i: number; col: 'body' | 'time' | 'prevHash' | 'hash' | 'kind'; pos: number; bit: number }
  | { t: 'delete'; i: number }
  | { t: 'truncate'; keep: number }
  | { t: 'swap'; i: number; j: number; how: 'labels' | 'contents' }
  | { t: 'insert'; at: number };

const tamperArb: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({
    t: fc.constant('edit' as const),
    i: fc.nat(N - 1),
    col: fc.constantFrom('body' as const, 'time' as const, 'prevHash' as const, 'hash' as const, 'kind' as const),
    pos: fc.nat(400),
    bit: fc.nat(6),
  }),
  fc.record({ t: fc.constant('delete' as const), i: fc.nat(N - 2) }),
  fc.record({ t: fc.constant('truncate' as const), keep: fc.nat(N - 1) }),
  fc
    .record({
      t: fc.constant('swap' as const),
      i: fc.nat(N - 1),
      j: fc.nat(N - 1),
      how: fc.constantFrom('labels' as const, 'contents' as const),
    })
    .filter((s) => s.i !== s.j),
  fc.record({ t: fc.constant('insert' as const), at: fc.nat(N) }),
);

function flip(s: string, pos: number, bit: number): string {
  const p = pos % s.length;
  return s.slice(0, p) + String.fromCharCode(s.charCodeAt(p) ^ (1 << bit)) + s.slice(p + 1);
}

function apply(rows: ChainRow[], x: Tamper): ChainRow[] {
  const r = rows.map((row) => ({ ...row }));
  switch (x.t) {
    case 'edit': {
      const row = r[x.i]!;
      if (x.col === 'prevHash' || x.col === 'hash') {
        const b = new Uint8Array(row[x.col]);
        b[x.pos % 32]! ^= 1 << x.bit;
        row[x.col] = b;
      } else row[x.col] = flip(row[x.col], x.pos, x.bit);
      return r;
    }
    case 'delete':
      return r.filter((_, k) => k !== x.i);
    case 'truncate':
      return r.slice(0, x.keep);
    case 'swap': {
      const [a, b] = [r[x.i]!, r[x.j]!];
      if (x.how === 'labels') {
        // Rows change places; the store reads them back in seq order.
        [a.seq, b.seq] = [b.seq, a.seq];
        return r.sort((p, q) => p.seq - q.seq);
      }
      [a.body, b.body, a.time, b.time] = [b.body, a.body, b.time, a.time]; // every row's time differs
      return r;
    }
    case 'insert': {
      // A forged row, correctly hashed onto its predecessor, the rest renumbered.
      const prev = x.at === 0 ? null : r[x.at - 1]!;
      const e = sampleEntry(900);
      const forged = linkRow(prev, { seq: x.at + 1, kind: 'entry', time: e.time, body: canonicalJson(e) });
      return [...r.slice(0, x.at), forged, ...r.slice(x.at).map((row) => ({ ...row, seq: row.seq + 1 }))];
    }
  }
}

test('an untouched chain verifies', () => {
  const r = verifyChain(BASE.rows, { head: BASE.head, checkpoints: BASE.checkpoints });
  assert.equal(r.ok, true, r.firstBroken?.detail);
  assert.equal(r.rows, N);
});

test('property: any single tampering is reported (never thrown); deletions and truncations are named', () => {
  fc.assert(
    fc.property(tamperArb, (x) => {
      const rows = apply(BASE.rows, x);
      const r = verifyChain(rows, { head: BASE.head, checkpoints: BASE.checkpoints });
      if (r.ok) return false;
      const b = r.firstBroken!;
      if (x.t === 'delete') return b.reason === 'deleted' && b.seq === x.i + 1;
      if (x.t === 'truncate') return b.reason === 'truncated' && b.seq === x.keep + 1;
      if (x.t === 'swap') return b.reason === 'reordered' && b.seq === Math.min(x.i, x.j) + 1;
      if (x.t === 'insert') return b.reason === 'inserted' && b.seq === x.at + 1;
      return b.reason === 'edited' && b.seq <= x.i + 1;
    }),
    { numRuns: 3000 },
  );
});
