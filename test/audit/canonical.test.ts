// The canonical encodings that the chain hashes (core/audit/canonical.ts): key-order independent,
// integers only, and a known-answer row hash computed independently from the documented formula.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson, CanonicalEncodingError } from '../../core/audit/canonical.ts';
import { GENESIS_PREV_HASH, linkRow, rowHash, verifyChain } from '../../core/audit/hash-chain.ts';

test('canonical JSON sorts keys at every level and has no whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, 'x'], c: null } }), '{"a":{"c":null,"d":[3,"x"]},"b":1}');
  assert.equal(
    canonicalJson({ a: { c: null, d: [3, 'x'] }, b: 1 }),
    canonicalJson({ b: 1, a: { d: [3, 'x'], c: null } }),
  );
  assert.equal(canonicalJson('é"\n'), '"é\\"\\n"');
});

test('canonical JSON refuses floats, -0, undefined, and non-plain objects', () => {
  for (const v of [1.5, -0, Number.NaN, 2 ** 60, { a: undefined }, new Date(), new Uint8Array(2), () => 1]) {
    assert.throws(() => canonicalJson(v), CanonicalEncodingError, String(v));
  }
});

test('row hash = SHA-256(prev_hash || "KAKUNIN-AUDIT-1\\n" seq "\\n" kind "\\n" time "\\n" body), as documented', () => {
  const row = { seq: 1, kind: 'entry', time: '2026-01-01T00:00:00.000Z', body: '{"a":1}' };
  const expected = createHash('sha256')
    .update(Buffer.alloc(32))
    .update('KAKUNIN-AUDIT-1\n1\nentry\n2026-01-01T00:00:00.000Z\n{"a":1}', 'utf8')
    .digest('hex');
  assert.equal(Buffer.from(rowHash(GENESIS_PREV_HASH, row)).toString('hex'), expected);
});

test('core verifyChain on rows in memory: intact chain, then one edited body', () => {
  const rows = [];
  let prev = null;
  for (let seq = 1; seq <= 5; seq++) {
    const r = linkRow(prev, { seq, kind: 'entry', time: '2026-01-01T00:00:00.000Z', body: `{"n":${seq}}` });
    rows.push(r);
    prev = r;
  }
  const head = { seq: 5, hash: rows[4]!.hash };
  assert.equal(verifyChain(rows, { head }).ok, true);
  rows[2] = { ...rows[2]!, body: '{"n":99}' };
  assert.deepEqual((({ seq, reason }) => ({ seq, reason }))(verifyChain(rows, { head }).firstBroken!), {
    seq: 3,
    reason: 'edited',
  });
});
