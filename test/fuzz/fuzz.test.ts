// The short-budget fuzz run CI does: every target for a few seconds in its own child
// process with a 256 MB heap cap. Long runs: `npm run fuzz` (test/fuzz/run.ts --long).
// A target whose code has not landed is skipped with the reason; a finding fails the test with the
// seed and counterexample (reproduce: node --import tsx test/fuzz/run.ts --targets NAME --seed SEED).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runTarget } from './run.ts';
import { TARGET_NAMES } from './targets.ts';
import { applyOps, mutated } from './mutate.ts';

const BUDGET_MS = Number(process.env.FUZZ_CI_BUDGET_MS ?? 2500);
// A fresh seed each CI run widens coverage over time; the seed is in every failure message.
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

describe(`fuzz, short budget (${BUDGET_MS} ms a target, seed ${SEED})`, { concurrency: 2 }, () => {
  for (const name of TARGET_NAMES) {
    test(name, async (t) => {
      const o = await runTarget(name, BUDGET_MS, SEED, 45_000);
      if (o.status === 'missing') {
        t.skip(`target code not present: ${o.detail}`);
        return;
      }
      assert.equal(
        o.status,
        'ok',
        `${name} seed ${SEED}: ${o.detail}\ninput: ${o.report?.finding?.input?.slice(0, 2000) ?? ''}\n${o.report?.finding?.stack ?? ''}`,
      );
      assert.ok(o.runs > 0, `${name} ran no inputs`);
    });
  }
});

// The fuzzer itself must be able to find a planted bug: otherwise "no findings" would mean nothing.
test('the mutation engine finds a planted parser bug (an untyped TypeError behind a 2-byte condition)', () => {
  const seed = Uint8Array.from([0xa2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x82, 0x01, 0x02]);
  const planted = (b: Uint8Array): void => {
    for (let i = 0; i + 1 < b.length; i++) if (b[i] === 0x9f && b[i + 1]! >= 0x18) throw new TypeError('planted');
  };
  const r = fc.check(
    fc.property(mutated([seed]), (b) => {
      planted(b);
    }),
    { numRuns: 20_000, seed: 1 },
  );
  assert.equal(r.failed, true, 'the planted bug was not found in 20,000 mutations');
  assert.ok(applyOps(seed, [{ k: 'truncate', at: 0.5 }]).length < seed.length);
});
