// Runs test/nfc/pcscd-loss-nfc.child.ts in a private pcscd namespace and checks the run itself: a
// report came, nothing escaped, and the child ended by itself (no native handle left open, no main
// thread blocked in the binding). Shared by test/nfc/pcscd-loss-nfc.test.ts and
// test/kiosk/pcscd-loss-tap.test.ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runInPrivatePcscd, type ChildRun } from '../support/private-pcscd.ts';

const CHILD = join(import.meta.dirname, 'pcscd-loss-nfc.child.ts');

interface Report<T> {
  ok: boolean;
  result?: T;
  error?: string;
  escaped: string[];
}

/** The child's report for `args` (scenario and its arguments). */
export async function nfcChild<T>(args: string[]): Promise<T> {
  const r: ChildRun<Report<T>> = await runInPrivatePcscd<Report<T>>(CHILD, args, 30_000);
  const where = `child ${args.join(' ')}: exit ${r.code ?? r.signal}${r.timedOut ? ' (killed at the time limit)' : ''}\n${r.stderr.slice(-2000)}`;
  assert.ok(r.result, `no report from the child (crashed or hung): ${where}`);
  assert.ok(r.result.ok, `${r.result.error}\n${where}`);
  assert.deepEqual(r.result.escaped, [], 'nothing escaped (no uncaught exception, no unhandled rejection)');
  assert.equal(
    r.timedOut,
    false,
    `the child did not end by itself (a native handle kept it alive, or the main thread blocked): ${where}`,
  );
  assert.equal(r.code, 0, where);
  return r.result.result as T;
}
