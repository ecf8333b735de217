// The transaction orchestrator: one transaction at a time, audit before display, fail closed,
// policy filtering, wipe back to idle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { TrainingController, trainingReaders, TRAINING_PIN } from '../../main/host/readers/training.ts';
import type { Snapshot } from '../../api/contract.ts';
import type { ReadHooks } from '../../main/host/reader.ts';
import { ScriptedReader, validOutcome, until, tick } from './helpers.ts';

function makeHost(
  readers: ScriptedReader[] | ReturnType<typeof trainingReaders>,
  opts: {
    training?: TrainingController;
    wipeSeconds?: number;
    inputTimeoutMs?: number;
    readTimeoutMs?: number;
    statusPollMs?: number;
    noticeMs?: number;
  } = {},
) {
  const settings = new SettingsStore(null);
  settings.update({ wipeSeconds: opts.wipeSeconds ?? 3 });
  const audit = new MemoryAuditSink();
  const host = new KioskHost({ readers, settings, audit, rearmBackoffMs: 20, ...opts });
  const snaps: Snapshot[] = [];
  host.subscribe((s) => snaps.push(s));
  return { host, audit, settings, snaps };
}

test('the first reader to detect a credential claims the transaction; the others are aborted', async () => {
  const card = new ScriptedReader('card', 'real', async (_p, signal, hooks, self) => {
    await self.wait(signal);
    if (!hooks.onProgress({ step: 'detected' })) return validOutcome();
    return validOutcome({ credential: { type: 'mynumber-card' } });
  });
  const phone = new ScriptedReader('mdoc');
  const { host, audit } = makeHost([card, phone]);
  host.start();
  await until(() => card.arms === 1 && phone.arms === 1);
  card.release();
  await until(() => host.snapshot().screen.screen === 'verdict');
  assert.equal(phone.aborted, 1, 'the phone reader was aborted when the card claimed');
  assert.equal(audit.entries.length, 1);
  assert.equal(audit.entries[0]!.reader, 'card');
  await host.stop();
});

test('audit is written before the verdict is shown; an audit failure shows an error, not the verdict', async () => {
  const r = new ScriptedReader('mdoc', 'real', async (_p, _s, hooks) => {
    hooks.onProgress({ step: 'detected' });
    return validOutcome();
  });
  const { host, audit, snaps } = makeHost([r]);
  audit.failNext = true;
  host.start();
  await until(() => host.snapshot().screen.screen === 'error');
  const s = host.snapshot().screen;
  assert.equal(s.screen === 'error' && s.error.code, 'audit_unavailable');
  assert.ok(!snaps.some((x) => x.screen.screen === 'verdict'), 'no verdict was ever pushed to the screen');
  await host.stop();
});

test("only the policy's attributes reach the screen (age-over-20 shows no name, address or birth date)", async () => {
  const r = new ScriptedReader('mdoc', 'real', async (_p, _s, hooks) => {
    hooks.onProgress({ step: 'detected' });
    return validOutcome();
  });
  const { host, snaps } = makeHost([r]);
  host.start();
  await until(() => host.snapshot().screen.screen === 'verdict');
  const s = host.snapshot().screen;
  assert.ok(s.screen === 'verdict');
  assert.deepEqual(s.attributes, { age_over_20: true });
  assert.ok(s.photo, 'portrait is in the age-over-20 policy (face comparison)');
  const pushed = JSON.stringify(snaps);
  assert.ok(!pushed.includes('見本 花子') && !pushed.includes('1990-04-01'), 'name and birth date never left the host');
  await host.stop();
});

test('entrance mode shows name and photo but not the address', async () => {
  const r = new ScriptedReader('card', 'real', async (_p, _s, hooks) => {
    hooks.onProgress({ step: 'detected' });
    return validOutcome();
  });
  const { host, settings } = makeHost([r]);
  settings.update({ mode: 'entrance' });
  host.start();
  await until(() => host.snapshot().screen.screen === 'verdict');
  const s = host.snapshot().screen;
  assert.ok(s.screen === 'verdict');
  assert.deepEqual(Object.keys(s.attributes), ['name']);
  assert.equal(r.policies[0], 'entrance');
  await host.stop();
});

test('fail closed: a "valid" outcome with a failed check, or with no checks, is shown as invalid', async () => {
  for (const checks of [
    [],
    [
      { code: 'mso_signature', ok: true },
      { code: 'value_digests', ok: false },
    ],
  ]) {
    const r = new ScriptedReader('mdoc', 'real', async (_p, _s, hooks) => {
      hooks.onProgress({ step: 'detected' });
      return validOutcome({ checks });
    });
    const { host, audit } = makeHost([r]);
    host.start();
    await until(() => host.snapshot().screen.screen === 'verdict');
    const s = host.snapshot().screen;
    assert.equal(s.screen === 'verdict' && s.verdict, 'invalid');
    assert.equal(audit.entries[0]!.outcome, 'invalid');
    await host.stop();
  }
});

test('wipe timeout returns to idle, drops the verdict and re-arms the readers', async () => {
  let n = 0;
  const r = new ScriptedReader('mdoc', 'real', async (_p, signal, hooks) => {
    if (n++ > 0) {
      await new Promise((res) => signal.addEventListener('abort', res, { once: true }));
      return validOutcome({ verdict: 'error' });
    }
    hooks.onProgress({ step: 'detected' });
    return validOutcome();
  });
  const { host } = makeHost([r], { wipeSeconds: 3 });
  host.start();
  await until(() => host.snapshot().screen.screen === 'verdict');
  const t0 = Date.now();
  await until(() => host.snapshot().screen.screen === 'idle', 5000);
  const waited = Date.now() - t0;
  assert.ok(waited >= 2500, `wiped after ${waited} ms (setting: 3 s)`);
  assert.equal(JSON.stringify(host.snapshot()).includes('data:image'), false, 'photo gone');
  await until(() => r.arms === 2);
  await host.stop();
});

test('a reader that throws becomes a reader_failed error, audited, not a crash', async () => {
  const r = new ScriptedReader('card', 'real', async (_p, _s, hooks) => {
    hooks.onProgress({ step: 'detected' });
    throw new Error('boom');
  });
  const { host, audit } = makeHost([r]);
  host.start();
  await until(() => host.snapshot().screen.screen === 'error');
  const s = host.snapshot().screen;
  assert.equal(s.screen === 'error' && s.error.code, 'reader_failed');
  assert.equal(audit.entries[0]!.outcome, 'error');
  await host.stop();
});

test('a reader failing while idle (unplugged) is shown in the status and re-armed, without a transaction', async () => {
  let calls = 0;
  const r = new ScriptedReader('card', 'real', async (_p, signal) => {
    calls++;
    if (calls === 1)
      return {
        ...validOutcome({ verdict: 'error' }),
        error: { code: 'reader_unplugged', messageJa: 'x', messageEn: 'x', nextJa: 'x', nextEn: 'x' },
      };
    await new Promise((res) => signal.addEventListener('abort', res, { once: true }));
    return validOutcome({ verdict: 'error' });
  });
  const { host, audit, snaps } = makeHost([r]);
  host.start();
  await until(() => snaps.some((s) => s.readers[0]!.state === 'unplugged'));
  assert.equal(host.snapshot().screen.screen, 'idle');
  await until(() => calls === 2);
  assert.equal(audit.entries.length, 0);
  await host.stop();
});

test('a reader back after trouble: its note clears once it stays armed, and the screen hears of it without a transaction', async () => {
  let calls = 0;
  const r = new ScriptedReader('card', 'real', async (_p, signal) => {
    calls++;
    if (calls === 1)
      return {
        ...validOutcome({ verdict: 'error' }),
        error: { code: 'pcsc_service_stopped', messageJa: 'x', messageEn: 'x', nextJa: 'x', nextEn: 'x' },
      };
    await new Promise((res) => signal.addEventListener('abort', res, { once: true }));
    return validOutcome({ verdict: 'error' });
  });
  const { host, snaps } = makeHost([r], { statusPollMs: 10 });
  host.start();
  await until(() => snaps.some((s) => s.readers[0]!.state === 'unavailable'));
  const seqAtTrouble = snaps.at(-1)!.seq;
  await until(() => snaps.at(-1)!.readers[0]!.state === 'ready');
  assert.equal(calls, 2, 'ready again only after the re-arm that stayed armed');
  assert.ok(snaps.at(-1)!.seq > seqAtTrouble);
  assert.equal(host.snapshot().screen.screen, 'idle');
  // Nothing changes: no more snapshots are pushed (the watch sends changes only).
  const n = snaps.length;
  await tick(80);
  assert.equal(snaps.length, n);
  await host.stop();
});

test('a reader unplugged or plugged in while idle reaches the screen by itself (status watch)', async () => {
  const r = new ScriptedReader('card');
  let state: 'ready' | 'unplugged' = 'ready';
  r.status = () => ({ kind: 'card', source: 'real', label: 'PC/SC', state });
  const { host, snaps } = makeHost([r], { statusPollMs: 10 });
  host.start();
  await until(() => r.arms === 1);
  state = 'unplugged';
  await until(() => snaps.at(-1)?.readers[0]!.state === 'unplugged');
  state = 'ready';
  await until(() => snaps.at(-1)!.readers[0]!.state === 'ready');
  await host.stop();
  const n = snaps.length;
  state = 'unplugged';
  await tick(50);
  assert.equal(snaps.length, n, 'a stopped host watches nothing');
});

test("a reader's idle notice shows on the idle screen for a while, never over a transaction, and is not audited", async () => {
  const hint = { code: 'phone_not_accepted', messageJa: 'ja', messageEn: 'en', nextJa: 'nja', nextEn: 'nen' };
  let hooksOf: ReadHooks | null = null;
  const r = new ScriptedReader('card', 'real', async (_p, signal, hooks, self) => {
    hooksOf = hooks;
    if (!(await self.wait(signal))) return validOutcome({ verdict: 'error' });
    hooks.onProgress({ step: 'detected' });
    await self.wait(signal);
    return validOutcome();
  });
  const { host, audit } = makeHost([r], { noticeMs: 60 });
  host.start();
  await until(() => hooksOf !== null);
  hooksOf!.notice!(hint);
  const s = host.snapshot().screen;
  assert.deepEqual(s, { screen: 'idle', notice: hint });
  await until(() => {
    const x = host.snapshot().screen;
    return x.screen === 'idle' && !x.notice;
  });
  // During a transaction a notice is dropped.
  r.release();
  await until(() => host.snapshot().screen.screen === 'reading');
  hooksOf!.notice!(hint);
  assert.equal(host.snapshot().screen.screen, 'reading');
  r.release();
  await until(() => host.snapshot().screen.screen === 'verdict');
  assert.equal(audit.entries.length, 1, 'only the transaction is audited, not the notice');
  await host.stop();
});

test('phone reading off: a scanned mdoc QR code and a training phone get the "phones are not read here" notice; card reading off: a training card gets the card notice', async () => {
  const card = new ScriptedReader('card');
  const { host, settings, audit } = makeHost([card], { noticeMs: 5000 });
  settings.update({ readers: { card: true, mdoc: false } });
  host.start();
  await until(() => card.arms === 1);
  assert.equal(host.submitEngagement('not an mdoc QR'), false, 'other scanner input is not a phone');
  const before = host.snapshot().screen;
  assert.ok(before.screen === 'idle' && before.notice === undefined);
  assert.equal(host.submitEngagement('mdoc:owBjMS4w'), true);
  const s = host.snapshot().screen;
  assert.equal(s.screen === 'idle' && s.notice?.code, 'phone_not_accepted');
  assert.equal(audit.entries.length, 0);
  await host.stop();

  const ctl = new TrainingController(0);
  const t = makeHost(trainingReaders(ctl), { training: ctl, noticeMs: 5000 });
  t.settings.update({ readers: { card: false, mdoc: true } });
  t.host.start();
  await t.host.whenIdle();
  assert.equal(t.host.trainingPresent('card-ok'), true);
  const ts = t.host.snapshot().screen;
  assert.equal(ts.screen === 'idle' && ts.notice?.code, 'card_not_accepted');
  // The snapshot says which readers this counter uses: an unused reader is off, not in trouble.
  assert.deepEqual(
    t.host.snapshot().readers.map((r) => [r.kind, r.enabled, r.state]),
    [
      ['card', false, 'unavailable'],
      ['mdoc', true, 'ready'],
    ],
  );
  await t.host.stop();
});

test('changing the mode while idle re-arms the readers with the new policy', async () => {
  const r = new ScriptedReader('mdoc');
  const { host, settings } = makeHost([r]);
  host.start();
  await until(() => r.arms === 1);
  settings.update({ mode: 'identity' });
  await host.rearm();
  await until(() => r.arms === 2);
  assert.deepEqual(r.policies, ['age-over-20', 'identity']);
  await host.stop();
});

test('training PIN flow: tries left shown, wrong PIN counts down, and the kiosk refuses at one try left', async () => {
  const ctl = new TrainingController(0);
  const { host, audit, snaps } = makeHost(trainingReaders(ctl), { training: ctl });
  host.start();
  await host.whenIdle();
  assert.ok(host.trainingPresent('card-pin'));
  const inputs = () => snaps.filter((s) => s.screen.screen === 'input').map((s) => s.screen);
  await until(() => inputs().length === 1);
  let s = host.snapshot().screen;
  assert.ok(s.screen === 'input' && s.triesLeft === 3 && s.kind === 'pin' && !s.retry);
  assert.ok(host.submitInput(s.txId, '0000'));
  await until(
    () =>
      host.snapshot().screen.screen === 'input' && (host.snapshot().screen as { triesLeft?: number }).triesLeft === 2,
  );
  s = host.snapshot().screen;
  assert.ok(s.screen === 'input' && s.retry);
  assert.ok(host.submitInput(s.txId, '9999'));
  await until(() => host.snapshot().screen.screen === 'error');
  s = host.snapshot().screen;
  assert.equal(s.screen === 'error' && s.error.code, 'pin_one_try_left');
  assert.equal(audit.entries[0]!.errorCode, 'pin_one_try_left');
  await host.stop();
});

test('training PIN flow: the right PIN gives a verdict', async () => {
  const ctl = new TrainingController(0);
  const { host } = makeHost(trainingReaders(ctl), { training: ctl });
  host.start();
  await host.whenIdle();
  host.trainingPresent('card-pin');
  await until(() => host.snapshot().screen.screen === 'input');
  const s = host.snapshot().screen;
  assert.ok(s.screen === 'input');
  assert.equal(host.submitInput(s.txId, '12'), false, 'wrong length refused');
  assert.equal(host.submitInput('not-this-tx', TRAINING_PIN), false, 'wrong transaction refused');
  assert.ok(host.submitInput(s.txId, TRAINING_PIN));
  await until(() => host.snapshot().screen.screen === 'verdict');
  await host.stop();
});

test('nobody at the keypad: the input times out into an error', async () => {
  const ctl = new TrainingController(0);
  const { host } = makeHost(trainingReaders(ctl), { training: ctl, inputTimeoutMs: 100 });
  host.start();
  await host.whenIdle();
  host.trainingPresent('card-matching-b');
  await until(() => host.snapshot().screen.screen === 'error');
  const s = host.snapshot().screen;
  assert.equal(s.screen === 'error' && s.error.code, 'input_timeout');
  await host.stop();
});

test('a hung reader is abandoned after the read timeout', async () => {
  const r = new ScriptedReader('card', 'real', async (_p, signal, hooks) => {
    hooks.onProgress({ step: 'detected' });
    await new Promise((res) => signal.addEventListener('abort', res, { once: true }));
    return validOutcome({
      verdict: 'error',
      error: { code: 'aborted', messageJa: '', messageEn: '', nextJa: '', nextEn: '' },
    });
  });
  const { host } = makeHost([r], { readTimeoutMs: 100 });
  host.start();
  await until(() => host.snapshot().screen.screen === 'error');
  const s = host.snapshot().screen;
  assert.equal(s.screen === 'error' && s.error.code, 'read_timeout');
  await host.stop();
});

test('trainingPresent is refused while a transaction runs (one at a time)', async () => {
  const ctl = new TrainingController(50);
  const { host } = makeHost(trainingReaders(ctl), { training: ctl });
  host.start();
  await host.whenIdle();
  assert.ok(host.trainingPresent('card-ok'));
  await until(() => host.snapshot().screen.screen === 'reading');
  assert.equal(host.trainingPresent('phone-ok'), false);
  await until(() => host.snapshot().screen.screen === 'verdict');
  await tick(10);
  await host.stop();
});
