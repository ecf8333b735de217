// The kiosk host's parts on their own: the pure screen and audit-entry builders, reader arming's
// back-off on an injected clock, and the one catalogue of on-screen messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { POLICIES, type Policy } from '../../core/policy/policy.ts';
import { finalOutcome, outcomeScreen, readerStatuses } from '../../main/host/screens.ts';
import { outcomeEntry, staffAnswerEntry } from '../../main/host/transaction-audit.ts';
import { newTransaction } from '../../main/host/transaction.ts';
import { HOST_MESSAGES, NEXT } from '../../main/host/messages.ts';
import { ReaderArming, type ArmingHost } from '../../main/host/reader-arming.ts';
import { errorOutcome, type ReadOutcome } from '../../main/host/reader.ts';
import { ScriptedReader, until } from './helpers.ts';

const valid = (o: Partial<ReadOutcome> = {}): ReadOutcome => ({
  verdict: 'valid',
  attributes: { age_over_20: true, name: '見本 花子' },
  photo: 'data:image/png;base64,AA==',
  checks: [{ code: 'issuer_signature', ok: true }],
  credential: { type: 'mynumber-card', docType: 'jp.mynumber-card.gen1', engagement: 'card', transport: 'pcsc' },
  requested: ['card_face/EF0001'],
  ...o,
});

test("finalOutcome: valid without checks or with a failed one is invalid (checks_incomplete); the host's timeouts are named", () => {
  assert.equal(finalOutcome(valid(), null).verdict, 'valid');
  for (const checks of [[], [{ code: 'issuer_signature', ok: false }]]) {
    const o = finalOutcome(valid({ checks }), null);
    assert.equal(o.verdict, 'invalid');
    assert.equal(o.error?.code, 'checks_incomplete');
  }
  assert.equal(finalOutcome(errorOutcome(HOST_MESSAGES.aborted), 'read').error?.code, 'read_timeout');
  assert.equal(finalOutcome(errorOutcome(HOST_MESSAGES.aborted), null).error?.code, 'aborted');
  assert.equal(finalOutcome(errorOutcome(HOST_MESSAGES.input_cancelled), 'input').error?.code, 'input_timeout');
  // A verdict that arrives after a keypad timeout stays a verdict.
  assert.equal(finalOutcome(valid(), 'input').verdict, 'valid');
});

test("outcomeScreen: only the policy's attributes and photo; audit_unavailable when the entry was not written", () => {
  const reader = new ScriptedReader('card');
  // A counter policy that shows the age only (no photo).
  const age = newTransaction(reader, { ...POLICIES['age-over-20'], shows: ['age_over_20'] } as Policy, 1000);
  const s = outcomeScreen(age, valid(), true, 5000);
  assert.ok(s.screen === 'verdict');
  assert.deepEqual(s.attributes, { age_over_20: true });
  assert.equal(s.photo, undefined);
  assert.equal(s.wipeAt, 5000);
  const id = outcomeScreen(newTransaction(reader, POLICIES.identity, 1000), valid(), true, 5000);
  assert.ok(id.screen === 'verdict' && id.photo?.startsWith('data:image/png'));
  const lost = outcomeScreen(age, valid(), false, 5000);
  assert.ok(lost.screen === 'error' && lost.error.code === 'audit_unavailable');
  const err = outcomeScreen(
    age,
    { ...errorOutcome(HOST_MESSAGES.aborted), error: undefined } as ReadOutcome,
    true,
    5000,
  );
  assert.ok(err.screen === 'error' && err.error.code === 'reader_failed');
});

test("audit entries: outcome, codes and names, duration on the transaction's clock; no attribute value or photo", () => {
  const tx = newTransaction(new ScriptedReader('card'), POLICIES.identity, Date.UTC(2026, 10, 22, 1, 0, 0));
  const time = new Date(Date.UTC(2026, 10, 22, 1, 0, 2, 500));
  const e = outcomeEntry(tx, valid(), { time, training: false });
  assert.equal(e.totalMs, 2500);
  assert.equal(e.outcome, 'valid');
  assert.deepEqual(e.checks, [{ code: 'issuer_signature', ok: true }]);
  assert.equal(e.docType, 'jp.mynumber-card.gen1');
  const text = JSON.stringify(e);
  assert.ok(!text.includes('見本') && !text.includes('base64'), text);
  tx.outcome = valid({ verdict: 'unverified' });
  const a = staffAnswerEntry(tx, true, { time, training: true });
  assert.equal(a.outcome, 'staff-confirmed');
  assert.equal(a.credentialType, 'mynumber-card');
  assert.equal(a.training, true);
});

test('readerStatuses: disabled, a trouble note over "ready", busy with the transaction', () => {
  const card = new ScriptedReader('card');
  const phone = new ScriptedReader('mdoc');
  const st = readerStatuses(
    [card, phone],
    { card: true, mdoc: false },
    (r) => (r === card ? 'unplugged' : undefined),
    null,
  );
  assert.equal(st[0]!.state, 'unplugged');
  assert.equal(st[1]!.state, 'unavailable');
  assert.equal(st[1]!.enabled, false);
  assert.equal(readerStatuses([card], { card: true, mdoc: true }, () => undefined, card)[0]!.state, 'busy');
});

test('reader arming: a reader failing while idle is noted and re-armed after the back-off; the note clears once it stays armed a back-off on the host clock', async () => {
  let clock = 0;
  let fail = true;
  const reader = new ScriptedReader('card', 'real', async (_p, signal) => {
    if (fail) return errorOutcome({ ...HOST_MESSAGES.reader_failed, code: 'reader_unplugged' });
    await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
    return errorOutcome(HOST_MESSAGES.aborted);
  });
  const troubles: string[] = [];
  let stopping = false;
  const host: ArmingHost = {
    canArm: () => !stopping,
    stopping: () => stopping,
    policy: () => POLICIES['age-over-20'],
    enabled: () => true,
    hooks: () => ({ onProgress: () => false, requestInput: async () => null }),
    take: async () => false,
    trouble: (_k, e) => troubles.push(e.code),
    changed: () => undefined,
    armed: () => undefined,
    now: () => clock,
  };
  const arming = new ReaderArming([reader], host, { backoffMs: 30, statusPollMs: 5 });
  arming.start();
  await until(() => arming.note(reader) === 'unplugged');
  assert.deepEqual(troubles, ['reader_unplugged']);
  fail = false;
  // Re-armed after the back-off (real timer), and then armed for good.
  await until(() => reader.arms === 2 && arming.count === 1);
  // The note stays while the host clock stands still, and clears once it moved a back-off on.
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(arming.note(reader), 'unplugged');
  clock += 30;
  await until(() => arming.note(reader) === undefined);
  stopping = true;
  await arming.stop();
  assert.equal(arming.count, 0);
  assert.equal(reader.aborted, 1);
});

test("one catalogue: the host's own messages are written once (main/host/messages.ts), nowhere else in main/host", () => {
  const root = join(import.meta.dirname, '..', '..', 'main', 'host');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('messages.ts')) files.push(p);
    }
  };
  walk(root);
  const texts = [
    ...Object.values(HOST_MESSAGES).flatMap((m) => [m.messageJa, m.messageEn]),
    ...Object.values(NEXT).flatMap((n) => [n.nextJa, n.nextEn]),
  ];
  const found: string[] = [];
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const t of texts) if (src.includes(`'${t}'`)) found.push(`${relative(root, f)}: ${t}`);
  }
  assert.deepEqual(found, []);
});
