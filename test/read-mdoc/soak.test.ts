// No state leaks across transactions: 200 consecutive simulated transactions in
// one process, each with fresh keys, all verified, with flat heap (heapUsed after GC, measured in a
// child started with --expose-gc). The figures are printed for the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('200 consecutive simulated BLE transactions: all VALID, 200 distinct sessions, flat heap', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/read-mdoc/soak-child.ts', '200'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 110_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  console.log(`# soak: ${JSON.stringify(out)}`);
  assert.deepEqual(out.verdicts, { valid: 200 }, JSON.stringify(out.errors));
  assert.equal(out.distinctSessions, 200);
  assert.ok(out.modes['ble-central-client'] > 0 && out.modes['ble-peripheral-server'] > 0);
  // Flat heap: after warm-up (25 transactions), the live heap may not grow by more than 2 MiB over
  // the next 175 transactions (a leak of one response, ~4 KB, per transaction would be ~0.7 MiB;
  // of one transaction's GATT objects, several MiB), and the second half may not grow faster.
  const h = out.heap as { tx: number; heapUsed: number }[];
  const at = (tx: number) => h.find((x) => x.tx === tx)!.heapUsed;
  const growth = at(200) - at(25);
  console.log(
    `# soak heap: after 25 tx ${(at(25) / 2 ** 20).toFixed(2)} MiB, after 200 tx ${(at(200) / 2 ** 20).toFixed(2)} MiB, growth ${(growth / 1024).toFixed(0)} KiB`,
  );
  assert.ok(growth < 2 * 2 ** 20, `heap grew ${(growth / 2 ** 20).toFixed(2)} MiB`);
  assert.ok(at(200) - at(100) < 1 * 2 ** 20, 'second half grows');
});
