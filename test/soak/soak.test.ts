// Soak: 10,000 simulated transactions through the kiosk host (main/host/kiosk-host.ts)
// with simulated devices doing the real work (soak-readers.ts), mixed modes (age-over-20, identity,
// entrance), mixed credentials (phone, card) and mixed failures, into the real SQLite audit store
// (synchronous FULL). Asserts: every transaction gets the expected verdict class; every one is
// audited (row count and a verifying hash chain); the heap after GC and the count of open handles
// do not grow beyond a small bound between the first and the last thousand transactions.
//
// SOAK_TRANSACTIONS overrides the count (default 10,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { TrustStore } from '../../core/trust/trust-store.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { AuditStoreSink } from '../../main/host/audit-store-adapter.ts';
import { TrainingController } from '../../main/host/readers/training.ts';
import { open as openAudit } from '../../main/audit/audit-store.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { checkNumberBOf, DEFAULT_HOLDER } from '../../sim/card/holder.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import { makeScenarios } from '../bench/fixtures.ts';
import { SoakCardReader, SoakMdocReader, type Presentation } from './soak-readers.ts';

const N = Number(process.env.SOAK_TRANSACTIONS ?? 10_000);
/** Allowed growth between the heap after the first 1,000 and after the last transaction (after GC). */
const HEAP_BOUND_MB = 24;
const HANDLE_BOUND = 4;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}
function handles(): number {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
}

/** The mix: per 20 transactions, 9 phones (6 valid), 9 cards (6 valid), 2 device failures. */
function plan(i: number): { p: Presentation; expect: 'valid' | 'invalid' | 'error' | 'not-valid' } {
  const k = i % 20;
  const cardFaults = ['tampered', 'wrong-signature', 'pulled'] as const;
  if (k < 6) return { p: { kind: 'mdoc', variant: 'valid' }, expect: 'valid' };
  if (k === 6) return { p: { kind: 'mdoc', variant: 'tampered' }, expect: 'invalid' };
  if (k === 7) return { p: { kind: 'mdoc', variant: 'expired' }, expect: 'invalid' };
  if (k === 8) return { p: { kind: 'mdoc', variant: 'garbage' }, expect: 'invalid' };
  if (k === 9) return { p: { kind: 'mdoc', variant: 'walked-away' }, expect: 'error' };
  if (k < 16) return { p: { kind: 'card', variant: 'valid' }, expect: 'valid' };
  if (k < 19)
    return { p: { kind: 'card', variant: cardFaults[(k - 16 + Math.floor(i / 20)) % 3]! }, expect: 'not-valid' };
  return { p: { kind: 'mdoc', variant: 'valid' }, expect: 'valid' };
}

const MODES: PolicyName[] = ['age-over-20', 'identity', 'entrance'];

test(
  `soak: ${N} transactions through the host, every one audited, no heap or handle growth`,
  { timeout: 600_000 },
  async () => {
    // The soak is about growth and completeness, not disk speed: on a RAM disk when there is one, so
    // synchronous FULL's fsync does not dominate CI time (durability is H5a's crash-safety test).
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'kakunin-soak-'));
    const at = new Date();
    const scen = await makeScenarios(20 * 1024);
    const mdocTrust = new TrustStore({ crypto: nodeCrypto, now: at });
    for (const s of scen) mdocTrust.addRoot(s.iacaDer, 'iaca', s.iacaFile);
    const cardTrust = loadTrustDir(join(import.meta.dirname, '..', '..', 'resources', 'test-trust'), {
      crypto: nodeCrypto,
      now: at,
    });
    const mdoc = new SoakMdocReader(nodeCrypto, mdocTrust, { age: scen[0]!, identity: scen[1]! }, () => new Date());
    const card = new SoakCardReader(nodeCrypto, cardTrust, at, checkNumberBOf(DEFAULT_HOLDER));
    const store = openAudit(join(dir, 'audit.sqlite'));
    const audit = new AuditStoreSink(store);
    const settings = new SettingsStore(null);
    const host = new KioskHost({
      readers: [mdoc, card],
      settings,
      audit,
      training: new TrainingController(0),
      readTimeoutMs: 30_000,
      inputTimeoutMs: 30_000,
    });

    // The "staff" keys in 照合番号B whenever the host asks.
    const matchingB = checkNumberBOf(DEFAULT_HOLDER);
    host.subscribe((snap) => {
      if (snap.screen.screen === 'input') {
        const txId = snap.screen.txId;
        queueMicrotask(() => host.submitInput(txId, matchingB));
      }
    });

    const counts = { valid: 0, invalid: 0, error: 0 };
    let heapAfterWarm = 0;
    let handlesAfterWarm = 0;
    const heapSeries: number[] = [];
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    try {
      host.start();
      for (let i = 0; i < N; i++) {
        if (i % 500 === 0) {
          settings.update({ mode: MODES[(i / 500) % MODES.length]! });
          await host.rearm();
        }
        await host.whenIdle();
        const { p, expect } = plan(i);
        const outcome = new Promise<{ verdict: string; code?: string }>((resolve) => {
          const off = host.onOutcome((o) => {
            off();
            resolve({ verdict: o.outcome.verdict, ...(o.outcome.error ? { code: o.outcome.error.code } : {}) });
          });
        });
        const reader = p.kind === 'mdoc' ? mdoc : card;
        assert.ok(reader.present(p), `transaction ${i}: the ${p.kind} reader was not armed`);
        const o = await outcome;
        counts[o.verdict as keyof typeof counts]++;
        if (expect === 'not-valid')
          assert.notEqual(o.verdict, 'valid', `transaction ${i} (${JSON.stringify(p)}) must not be valid`);
        else
          assert.equal(
            o.verdict,
            expect,
            `transaction ${i} (${JSON.stringify(p)}, mode ${settings.get().mode}): ${o.code ?? ''}`,
          );
        assert.ok(host.dismiss(), `transaction ${i}: nothing to dismiss`);
        if (i === Math.min(999, N - 1)) {
          heapAfterWarm = heapMb();
          handlesAfterWarm = handles();
        }
        if ((i + 1) % 1000 === 0) heapSeries.push(Math.round(heapMb() * 10) / 10);
      }
      await host.whenIdle();
      const heapEnd = heapMb();
      const handlesEnd = handles();
      const secs = (Date.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      console.log(
        `soak: ${N} transactions in ${secs.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (${((secs * 1000) / N).toFixed(2)} ms each): ${JSON.stringify(counts)}; heap after GC per 1,000: ${heapSeries.join(', ')} MB; handles ${handlesAfterWarm} -> ${handlesEnd}`,
      );
      assert.ok(
        heapEnd - heapAfterWarm < HEAP_BOUND_MB,
        `heap grew ${(heapEnd - heapAfterWarm).toFixed(1)} MB (bound ${HEAP_BOUND_MB}): ${heapSeries.join(', ')}`,
      );
      assert.ok(
        handlesEnd - handlesAfterWarm <= HANDLE_BOUND,
        `open handles grew from ${handlesAfterWarm} to ${handlesEnd}: ${process.getActiveResourcesInfo().join(', ')}`,
      );
      assert.ok(
        counts.valid > 0 && counts.invalid > 0 && counts.error > 0,
        `the mix covers every verdict: ${JSON.stringify(counts)}`,
      );

      // Every transaction audited, and the chain verifies.
      const head = store.head();
      assert.ok(head, 'audit head');
      const rows = store.recent(N + 1000).filter((r) => r.entry !== null);
      assert.equal(rows.length, N, `audited ${rows.length} of ${N} transactions`);
      const byOutcome = { valid: 0, invalid: 0, error: 0 };
      for (const r of rows) byOutcome[(r.entry as { outcome: keyof typeof byOutcome }).outcome]++;
      assert.deepEqual(byOutcome, counts, 'the audit log holds exactly the outcomes shown');
      const chain = store.verify();
      assert.equal(chain.ok, true, `audit chain: ${JSON.stringify(chain).slice(0, 300)}`);
    } finally {
      await host.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
