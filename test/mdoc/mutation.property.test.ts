// Property (fast-check): random mutations of valid DeviceResponses (byte flips, truncations,
// insertions, deletions, duplicated slices, length-bomb heads) always give a typed verdict — never an
// exception escaping, a hang, or memory growth past a 256 MB heap — and never show an element the
// original did not. The work runs in a child process started with --max-old-space-size=256 so a
// memory blow-up kills it (and fails this test) instead of the runner. See mutation-child.ts.
// A fresh seed each run widens coverage; the seed is printed so any failure can be replayed:
//   node --max-old-space-size=256 --import tsx test/mdoc/mutation-child.ts <runs> <seed> [node|noble|both]
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./mutation-child.ts', import.meta.url));

function runChild(runs: number, mode: 'node' | 'noble' | 'both', timeoutMs: number) {
  const seed = Math.floor(Math.random() * 2 ** 31);
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=256', '--import', 'tsx', CHILD, String(runs), String(seed), mode],
    { encoding: 'utf8', timeout: timeoutMs },
  );
  const replay = `replay: node --max-old-space-size=256 --import tsx test/mdoc/mutation-child.ts ${runs} ${seed} ${mode}`;
  assert.equal(
    r.signal,
    null,
    `child killed by ${r.signal} (hang or time-out) — ${replay}\n${r.stderr.slice(0, 2000)}`,
  );
  assert.equal(
    r.status,
    0,
    `child failed (exit ${r.status}; 134 = heap over 256 MB) — ${replay}\n${r.stderr.slice(0, 4000)}`,
  );
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
  console.log(
    `# mutation property (${mode}): ${JSON.stringify({ runs: summary.runs, seed, stillValid: summary.stillValid, maxMs: summary.maxMs, peakHeapMB: summary.peakHeapMB, seconds: summary.seconds })}`,
  );
  assert.equal(summary.runs, runs);
  assert.ok(summary.peakHeapMB < 256);
  assert.ok(Object.keys(summary.codes).length > 5, 'mutations reached several distinct checks');
  return summary;
}

test('mutated DeviceResponses give typed rejections only, within a 256 MB heap (native crypto)', () => {
  runChild(3000, 'node', 120_000);
});

test('mutated DeviceResponses get the same verdict and codes from both crypto backends', () => {
  runChild(400, 'both', 120_000);
});
