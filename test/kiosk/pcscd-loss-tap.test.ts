// The kiosk's shared tap reader (main/host/readers/tap.ts: TapDispatcher + PhoneReader under
// KioskHost) when pcscd is killed in the middle of a phone read over NFC. Runs
// test/nfc/pcscd-loss-nfc.child.ts ('host') in its own namespace with its own pcscd (see
// test/nfc/pcscd-loss-nfc.test.ts for the method).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privatePcscdUnavailable } from '../support/private-pcscd.ts';
import { nfcChild } from '../nfc/pcscd-loss-nfc.support.ts';

const skip = privatePcscdUnavailable();

interface HostReport {
  before: string;
  apdusSeenByPhone: number;
  shown: { code: string; messageJa?: string; messageEn?: string; nextJa?: string; nextEn?: string };
  errorScreenMs: number;
  whileDown: { states: string; detail: string };
  readyAgainMs: number;
  next: { verdict?: string; attributes?: string[]; screen?: string; error?: string };
  audit: string[];
}

test(
  'kiosk tap reader: pcscd killed mid phone read -> error screen at once (reader unavailable, what to do next), audited; readers shown unavailable (pcscd) while it is down; back -> ready, the next phone tap is valid',
  { skip: skip ?? false, timeout: 35_000 },
  async (t) => {
    const r = await nfcChild<HostReport>(['host', '9']);
    assert.equal(r.before, 'card:ready mdoc:ready');
    assert.equal(r.apdusSeenByPhone, 9);
    assert.equal(r.shown.code, 'nfc_service_stopped', JSON.stringify(r.shown));
    assert.match(r.shown.nextJa ?? '', /スタッフ/, 'the holder cannot fix a stopped service: call staff');
    assert.ok(
      r.shown.messageJa && r.shown.messageEn && r.shown.nextJa && r.shown.nextEn,
      'message and what to do next, in Japanese and English',
    );
    assert.ok(r.errorScreenMs < 1000, `error screen ${r.errorScreenMs} ms after the kill`);
    assert.deepEqual(r.audit, ['error:nfc_service_stopped', 'valid']);
    // The PC/SC service, not the reader: 'unavailable' (not 'unplugged'), with the reason.
    assert.equal(r.whileDown.states, 'card:unavailable mdoc:unavailable');
    assert.match(r.whileDown.detail, /pcscd/);
    assert.equal(r.next.verdict, 'valid', JSON.stringify(r.next));
    assert.deepEqual(r.next.attributes, ['age_over_20']);
    t.diagnostic(`error screen ${r.errorScreenMs} ms after pcscd died; ready ${r.readyAgainMs} ms after it was back`);
  },
);

interface HostFrozenReport {
  before: string;
  unavailableMs: number;
  whileFrozen: { states: string; detail: string; screen: string };
  stopMs: number;
  maxEventLoopGapMs: number;
  stillFrozen: boolean;
}

test(
  'kiosk tap reader: pcscd frozen while the kiosk is idle -> readers shown unavailable ("pcscd not answering") after the idle check, no error screen; the kiosk stops without blocking; pcscd killed: the child ends by itself',
  { skip: skip ?? false, timeout: 35_000 },
  async (t) => {
    const r = await nfcChild<HostFrozenReport>(['host-frozen']);
    assert.equal(r.before, 'card:ready mdoc:ready');
    // PcscNfcReader asks pcscd every 5 s while waiting for a tap, and gives it 1 s to answer.
    assert.ok(r.unavailableMs < 5000 + 1000 + 1500, `shown unavailable ${r.unavailableMs} ms after the freeze`);
    assert.equal(r.whileFrozen.states, 'card:unavailable mdoc:unavailable');
    assert.match(r.whileFrozen.detail, /pcscd\) not answering/);
    assert.equal(r.whileFrozen.screen, 'idle', 'nobody was being checked: no error screen');
    assert.equal(r.stillFrozen, true);
    assert.ok(r.stopMs < 3000, `host.stop() took ${r.stopMs} ms on a frozen pcscd`);
    assert.ok(r.maxEventLoopGapMs < 500, `the main thread was blocked for ${r.maxEventLoopGapMs} ms`);
    t.diagnostic(
      `frozen while idle: shown unavailable after ${r.unavailableMs} ms; stop ${r.stopMs} ms; longest event-loop gap ${r.maxEventLoopGapMs} ms`,
    );
  },
);
