// Issue #4 "reader hot-plug ... handled at any point", the part vpcd can reproduce for real: the PC/SC
// SERVICE going away (pcscd killed or crashing: SIGKILL; stopped or restarted: SIGTERM), which is
// also what a kiosk sees when the daemon loses a yanked USB reader and is restarted. (The card leaving
// mid-read is tested in pcsc-read.test.ts and test/kiosk/card-reader.test.ts with card:pulled.)
//
// Each test runs test/card/pcscd-loss.child.ts in its own network + mount namespace with its own
// pcscd (test/support/private-pcscd.ts), so killing that daemon never touches the suite's shared
// pcscd or vpcd ports. The child reports what it saw; these tests judge it. A child that crashes or
// hangs reports nothing (or is killed at the time limit) and fails here; the child also has to end
// by itself, which catches native pcsclite handles left open after the daemon died.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { privatePcscdUnavailable, runInPrivatePcscd, type ChildRun } from '../support/private-pcscd.ts';

const skip = privatePcscdUnavailable();
const CHILD = join(import.meta.dirname, 'pcscd-loss.child.ts');
/** "No hang": the error must follow the daemon's death within this (measured: a few ms). */
const PROMPT_MS = 2000;

interface Report<T> {
  ok: boolean;
  result?: T;
  error?: string;
  escaped: string[];
}
interface ErrorReport {
  code: string;
  messageJa: string;
  messageEn: string;
  detail?: string;
}

async function child<T>(args: string[]): Promise<T> {
  const r: ChildRun<Report<T>> = await runInPrivatePcscd<Report<T>>(CHILD, args, 18_000);
  const where = `child ${args.join(' ')}: exit ${r.code ?? r.signal}${r.timedOut ? ' (killed at the time limit)' : ''}\n${r.stderr.slice(-2000)}`;
  assert.ok(r.result, `no report from the child (crashed or hung): ${where}`);
  assert.ok(r.result.ok, `${r.result.error}\n${where}`);
  assert.deepEqual(r.result.escaped, [], 'nothing escaped (no uncaught exception, no unhandled rejection)');
  assert.equal(r.timedOut, false, `the child did not end by itself (a native handle kept it alive?): ${where}`);
  assert.equal(r.code, 0, where);
  return r.result.result as T;
}

function assertServiceStopped(e: ErrorReport | undefined) {
  assert.ok(e, 'an error is reported');
  assert.equal(e.code, 'pcsc_service_stopped', JSON.stringify(e));
  assert.match(e.messageJa, /pcscd.*停止/);
  assert.match(e.messageEn, /pcscd\) stopped/);
}

interface ReadReport {
  mid: {
    verdict: string;
    errors: ErrorReport[];
    attributes: string[];
    apdusSeenByCard: number;
    killToResultMs: number | null;
  };
  whileDown: { verdict: string; errors: ErrorReport[]; ms: number };
  afterRestart: { verdict: string; errors: ErrorReport[]; attributes: string[] };
}

for (const [signal, atApdu, why] of [
  ['SIGKILL', 10, 'pcscd killed (crash) while the card holds the 10th APDU of age-over-20'],
  ['SIGTERM', 10, 'pcscd stopped (restart) while the card holds the 10th APDU'],
  ['SIGKILL', 1, 'pcscd killed on the very first APDU'],
] as const) {
  test(
    `pcscd gone mid-read (${why}): pcsc_service_stopped at once, no attributes; down: pcsc_unavailable; back: valid`,
    { skip: skip ?? false, timeout: 20_000 },
    async (t) => {
      const r = await child<ReadReport>(['read', signal, String(atApdu)]);
      // SIGKILL: nothing after the command in flight. SIGTERM: pcscd shuts down gracefully and may still
      // carry an answer and the next command or so before its socket closes; the read is cut all the same.
      if (signal === 'SIGKILL')
        assert.equal(r.mid.apdusSeenByCard, atApdu, 'the daemon died mid-read, not before or after it');
      else
        assert.ok(
          r.mid.apdusSeenByCard >= atApdu && r.mid.apdusSeenByCard <= atApdu + 2,
          `stopped mid-read (card saw ${r.mid.apdusSeenByCard} APDUs)`,
        );
      assert.equal(r.mid.verdict, 'invalid');
      assert.deepEqual(r.mid.attributes, [], 'nothing read before the loss is shown');
      assertServiceStopped(r.mid.errors[0]);
      assert.ok(
        r.mid.killToResultMs !== null && r.mid.killToResultMs < PROMPT_MS,
        `read ended ${r.mid.killToResultMs} ms after the kill`,
      );
      // While the daemon is down, a new read says so without waiting for a reader.
      assert.equal(r.whileDown.errors[0]?.code, 'pcsc_unavailable', JSON.stringify(r.whileDown.errors));
      assert.ok(r.whileDown.ms < PROMPT_MS, `read while down took ${r.whileDown.ms} ms`);
      // Daemon back (restart / reader plugged again): the next read works in the same process.
      assert.equal(r.afterRestart.verdict, 'valid', JSON.stringify(r.afterRestart.errors));
      assert.deepEqual(r.afterRestart.attributes, ['age_over_20', 'portrait']);
      t.diagnostic(
        `${signal} at APDU ${atApdu}: read ended ${r.mid.killToResultMs} ms after pcscd died; read while down ended in ${r.whileDown.ms} ms`,
      );
    },
  );
}

interface HungReport {
  mid: {
    verdict: string;
    errors: ErrorReport[];
    attributes: string[];
    apdusSeenByCard: number;
    freezeToResultMs: number;
    maxEventLoopGapMs: number;
  };
  afterRestart: { verdict: string; errors: ErrorReport[] };
  openWhileFrozen: { result: string; ms: number };
}

test(
  'pcscd frozen mid-read (SIGSTOP): the read ends at the APDU deadline as pcsc_service_stopped (pcscd asked, not answering), not as a silent card; the event loop stays free; opening a context while frozen is refused; daemon killed and restarted: valid again, nothing left running',
  { skip: skip ?? false, timeout: 20_000 },
  async (t) => {
    const r = await child<HungReport>(['hung', '10']);
    assert.equal(r.mid.apdusSeenByCard, 10);
    assert.equal(r.mid.verdict, 'invalid');
    assert.deepEqual(r.mid.attributes, []);
    // At the APDU deadline the daemon is asked whether it still answers: a frozen one is told apart
    // from a silent card (staff must act on the service, not the holder on the card).
    assert.equal(r.mid.errors[0]?.code, 'pcsc_service_stopped', JSON.stringify(r.mid.errors));
    assert.ok(
      r.mid.freezeToResultMs < 5000 + 1000 + PROMPT_MS,
      `read ended ${r.mid.freezeToResultMs} ms after pcscd froze (APDU deadline 5000 ms + 1000 ms answer wait)`,
    );
    assert.ok(r.mid.maxEventLoopGapMs < 1000, `the main thread was blocked for ${r.mid.maxEventLoopGapMs} ms`);
    // Opening a context while frozen is refused after the 1 s answer wait (the binding would block).
    assert.equal(r.openWhileFrozen.result, 'pcsc_service_stopped');
    assert.ok(r.openWhileFrozen.ms < 1000 + PROMPT_MS, `open refused after ${r.openWhileFrozen.ms} ms`);
    assert.equal(r.afterRestart.verdict, 'valid', JSON.stringify(r.afterRestart.errors));
    t.diagnostic(
      `frozen pcscd: read ended ${r.mid.freezeToResultMs} ms after the freeze; longest event-loop gap ${r.mid.maxEventLoopGapMs} ms`,
    );
  },
);

interface ContextReport {
  waitForCard: { code: string; ms: number };
  waitForReader: { code: string; ms: number };
  serviceLost: string | null;
  laterCalls: string[];
  closeMs: number;
  afterRestart: { reader: string; ms: number };
}

test(
  'pcscd killed under an open PcscContext: pending waits end with pcsc_service_stopped, the context stays dead, close() returns; a new context sees the reader',
  { skip: skip ?? false, timeout: 20_000 },
  async (t) => {
    const r = await child<ContextReport>(['context']);
    assert.equal(r.waitForCard.code, 'pcsc_service_stopped', 'a wait for a card is not left to time out (it had 10 s)');
    assert.equal(r.waitForReader.code, 'pcsc_service_stopped', 'nor a wait for a reader');
    assert.ok(r.waitForCard.ms < PROMPT_MS && r.waitForReader.ms < PROMPT_MS, JSON.stringify(r));
    assert.equal(r.serviceLost, 'pcsc_service_stopped');
    // waitForReader, waitForCard, connect on the dead context: refused at once, never a wrong "unplugged".
    assert.deepEqual(r.laterCalls, ['pcsc_service_stopped', 'pcsc_service_stopped', 'pcsc_service_stopped']);
    assert.ok(r.closeMs < PROMPT_MS, `close took ${r.closeMs} ms`);
    assert.equal(r.afterRestart.reader, 'Virtual PCD 00 00');
    t.diagnostic(`waits ended ${r.waitForCard.ms} / ${r.waitForReader.ms} ms after pcscd died; close ${r.closeMs} ms`);
  },
);

interface HostReport {
  readyBefore: string;
  apdusSeenByCard: number;
  shown: ErrorReport & { nextJa?: string; nextEn?: string };
  errorScreenMs: number;
  idleMs: number;
  whileDown: { state: string; detail?: string };
  stillDown: string;
  readyAgainMs: number;
  next: { verdict?: string; attributes?: Record<string, unknown>; screen?: string; error?: string };
  audit: string[];
}

test(
  'kiosk card adapter: pcscd killed mid-read -> error screen with what to do, idle after the wipe, reader not ready; pcscd back -> ready, next read valid',
  { skip: skip ?? false, timeout: 20_000 },
  async (t) => {
    const r = await child<HostReport>(['host', '10']);
    assert.equal(r.readyBefore, 'ready');
    assert.equal(r.apdusSeenByCard, 10);
    assertServiceStopped(r.shown);
    assert.ok(r.shown.nextJa && r.shown.nextEn, 'what to do next is shown');
    assert.ok(r.errorScreenMs < PROMPT_MS, `error screen ${r.errorScreenMs} ms after the kill`);
    assert.deepEqual(r.audit, ['error', 'valid'], 'the failed read is audited as an error, the next one as valid');
    assert.ok(r.whileDown.state !== 'ready' && r.stillDown !== 'ready', JSON.stringify(r.whileDown));
    assert.equal(r.whileDown.state, 'unavailable');
    assert.match(r.whileDown.detail ?? '', /pcscd/);
    assert.equal(r.next.verdict, 'valid', JSON.stringify(r.next));
    assert.deepEqual(r.next.attributes, { age_over_20: true });
    t.diagnostic(
      `error screen ${r.errorScreenMs} ms after pcscd died; idle after the ${Math.round(r.idleMs)} ms wipe; ready ${r.readyAgainMs} ms after pcscd answered again`,
    );
  },
);

interface HostIdleReport {
  readyBefore: string;
  notReadyMs: number;
  whileDown: { state: string; detail?: string };
  screenWhileDown: string;
  stillDown: string;
  readyAgainMs: number;
  next: { verdict?: string; attributes?: Record<string, unknown>; screen?: string; error?: string };
  audit: string[];
}

test(
  'kiosk card adapter: pcscd killed while waiting for a card -> reader not ready, kiosk stays idle (no error, no audit); pcscd back -> ready, next read valid',
  { skip: skip ?? false, timeout: 20_000 },
  async (t) => {
    const r = await child<HostIdleReport>(['host-idle']);
    assert.equal(r.readyBefore, 'ready');
    assert.ok(r.notReadyMs < PROMPT_MS, `shown not ready ${r.notReadyMs} ms after pcscd died`);
    assert.equal(r.whileDown.state, 'unavailable');
    assert.match(r.whileDown.detail ?? '', /pcscd/);
    assert.equal(r.stillDown, 'unavailable');
    assert.equal(r.screenWhileDown, 'idle', 'nobody was being checked: no error screen');
    assert.equal(r.next.verdict, 'valid', JSON.stringify(r.next));
    assert.deepEqual(r.audit, ['valid'], 'only the real transaction is audited');
    t.diagnostic(
      `idle: not ready ${r.notReadyMs} ms after pcscd died; ready ${r.readyAgainMs} ms after it answered again`,
    );
  },
);
