// The phone-tap channel (main/nfc/pcsc-channel.ts) when the PC/SC SERVICE fails under a phone read
// over NFC: pcscd killed (crash, restart, a yanked USB reader) or frozen (SIGSTOP, wedged). Same
// method as test/card/pcscd-loss.test.ts: each scenario runs test/nfc/pcscd-loss-nfc.child.ts in its
// own network + mount namespace with its own pcscd (test/support/private-pcscd.ts), so killing or
// stopping that daemon touches nothing else. The child reports what it saw; these tests judge it. A
// child that crashes or hangs reports nothing (or is killed at the time limit) and fails here; it
// also has to END BY ITSELF, which catches native pcsclite handles left open (e.g. a deferred native
// close that never ran) and a main thread blocked in the binding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privatePcscdUnavailable } from '../support/private-pcscd.ts';
import { nfcChild } from './pcscd-loss-nfc.support.ts';

const skip = privatePcscdUnavailable();
/** "At once": a killed daemon must end the read within this (measured: about 2 ms). */
const PROMPT_MS = 1000;
/** PcscNfcReader defaults: a call out this long makes it ask pcscd; pcscd gets this long to answer. */
const SERVICE_CHECK_MS = 2000;
const ANSWER_MS = 1000;

interface ReadError {
  code: string;
  messageEn: string;
  messageJa: string;
  detail: string;
}
interface Read {
  verdict: string;
  stage: string;
  error: ReadError | null;
  attributes: string[];
}
type Settled = { ok: true } | { ok: false; code: string; service: string | null; message: string; ms: number };

function assertValidAgain(r: Read) {
  assert.equal(r.verdict, 'valid', JSON.stringify(r.error));
  assert.deepEqual(r.attributes, ['age_over_20']);
}

interface KilledReport {
  mid: Read & { apdusSeenByPhone: number; killToResultMs: number | null; serviceLost: string | null; closeMs: number };
  whileDown: Settled;
  again: Read;
}

for (const [atApdu, stage] of [
  [9, 'transfer'],
  [3, 'engagement'],
] as const) {
  test(
    `pcscd killed mid phone read (APDU ${atApdu}, ${stage}): nfc_service_stopped at once, nothing shown; open while down refused at once; pcscd back: a new reader reads valid`,
    { skip: skip ?? false, timeout: 35_000 },
    async (t) => {
      const r = await nfcChild<KilledReport>(['killed', String(atApdu)]);
      assert.equal(
        r.mid.apdusSeenByPhone,
        atApdu,
        'the daemon died while the phone held that command, not before or after',
      );
      assert.equal(r.mid.stage, stage);
      assert.equal(r.mid.verdict, 'invalid');
      assert.deepEqual(r.mid.attributes, []);
      // Not 'nfc_tag_lost' ("the phone was taken off the reader"): the holder did nothing wrong.
      assert.equal(r.mid.error?.code, 'nfc_service_stopped', JSON.stringify(r.mid.error));
      assert.match(r.mid.error!.detail, /pcscd\) stopped/);
      assert.match(r.mid.error!.messageJa, /リーダーのサービス（pcscd）/);
      assert.equal(r.mid.serviceLost, 'stopped');
      assert.ok(
        r.mid.killToResultMs !== null && r.mid.killToResultMs < PROMPT_MS,
        `read ended ${r.mid.killToResultMs} ms after the kill`,
      );
      assert.ok(r.mid.closeMs < PROMPT_MS + 1000, `close took ${r.mid.closeMs} ms`);
      // Before the fix, opening while pcscd was down spun for ever in the binding's constructor.
      assert.ok(
        !r.whileDown.ok && r.whileDown.code === 'nfc_service_stopped' && r.whileDown.service === 'stopped',
        JSON.stringify(r.whileDown),
      );
      assert.ok(r.whileDown.ms < PROMPT_MS, `open while down took ${r.whileDown.ms} ms`);
      assertValidAgain(r.again);
      t.diagnostic(
        `killed at APDU ${atApdu}: read ended ${r.mid.killToResultMs} ms after pcscd died; close ${r.mid.closeMs} ms; open while down refused in ${r.whileDown.ms} ms`,
      );
    },
  );
}

interface FrozenReport {
  mid: Read & {
    apdusSeenByPhone: number;
    freezeToResultMs: number;
    serviceLost: string | null;
    maxEventLoopGapMs: number;
  };
  closeMs: number;
  whileFrozen: Settled;
  stillFrozen: boolean;
  again: Read;
}

for (const [atApdu, resume] of [
  [9, 'SIGCONT'],
  [3, 'SIGKILL'],
] as const) {
  test(
    `pcscd frozen mid phone read (SIGSTOP at APDU ${atApdu}): the read ends at the service check with "pcscd not answering", the event loop stays free, close() and open() return while frozen; ${resume === 'SIGCONT' ? 'pcscd resumes' : 'pcscd killed and restarted'}: valid again, the child ends by itself`,
    { skip: skip ?? false, timeout: 35_000 },
    async (t) => {
      const r = await nfcChild<FrozenReport>(['frozen', String(atApdu), resume]);
      assert.equal(r.mid.apdusSeenByPhone, atApdu);
      assert.equal(r.mid.verdict, 'invalid');
      assert.deepEqual(r.mid.attributes, []);
      assert.equal(r.mid.error?.code, 'nfc_service_stopped', JSON.stringify(r.mid.error));
      assert.match(r.mid.error!.detail, /pcscd\) not answering/);
      assert.equal(r.mid.serviceLost, 'not_answering');
      // Ended by the reader's service check (not earlier by something else, not later by the read's own 10 s deadlines).
      assert.ok(
        r.mid.freezeToResultMs >= SERVICE_CHECK_MS - 50,
        `read ended ${r.mid.freezeToResultMs} ms after the freeze, before the service check`,
      );
      assert.ok(
        r.mid.freezeToResultMs < SERVICE_CHECK_MS + ANSWER_MS + PROMPT_MS,
        `read ended ${r.mid.freezeToResultMs} ms after the freeze`,
      );
      assert.ok(r.mid.maxEventLoopGapMs < 500, `the main thread was blocked for ${r.mid.maxEventLoopGapMs} ms`);
      assert.equal(r.stillFrozen, true, 'close() and open() were tried while the daemon was still stopped');
      assert.ok(r.closeMs < ANSWER_MS + 500, `close() took ${r.closeMs} ms on a frozen pcscd`);
      assert.ok(
        !r.whileFrozen.ok && r.whileFrozen.code === 'nfc_service_stopped' && r.whileFrozen.service === 'not_answering',
        JSON.stringify(r.whileFrozen),
      );
      assert.ok(r.whileFrozen.ms < ANSWER_MS + 500, `open() took ${r.whileFrozen.ms} ms on a frozen pcscd`);
      assertValidAgain(r.again);
      t.diagnostic(
        `frozen at APDU ${atApdu}: read ended ${r.mid.freezeToResultMs} ms after the freeze (longest event-loop gap ${r.mid.maxEventLoopGapMs} ms); close ${r.closeMs} ms; open refused in ${r.whileFrozen.ms} ms; ${resume}: valid again`,
      );
    },
  );
}

interface CloseReport {
  afterRemoval: { gone: boolean; closeMs: number };
  afterDeath: { code: string; service: string | null; closeMs: number; waitEndedMs: number };
}

test(
  'close() right after a wait that a status event settled does not deadlock: after the removal status, and after pcscd died under waitForTag',
  { skip: skip ?? false, timeout: 35_000 },
  async (t) => {
    // Before the fix the second case hung for good: close() ran CardReader::Close inside the binding's
    // status callback, on the reader mutex that frame holds.
    const r = await nfcChild<CloseReport>(['close-after-wait']);
    assert.equal(r.afterRemoval.gone, true);
    assert.ok(r.afterRemoval.closeMs < 1500, `close after the removal took ${r.afterRemoval.closeMs} ms`);
    assert.equal(r.afterDeath.code, 'nfc_service_stopped');
    assert.equal(r.afterDeath.service, 'stopped');
    assert.ok(
      r.afterDeath.waitEndedMs < PROMPT_MS,
      `waitForTag ended ${r.afterDeath.waitEndedMs} ms after pcscd died (it had 10 s)`,
    );
    assert.ok(r.afterDeath.closeMs < 1500, `close after pcscd died took ${r.afterDeath.closeMs} ms`);
    t.diagnostic(
      `close after the removal ${r.afterRemoval.closeMs} ms; waitForTag ended ${r.afterDeath.waitEndedMs} ms after pcscd died, close ${r.afterDeath.closeMs} ms`,
    );
  },
);
