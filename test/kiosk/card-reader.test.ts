// The kiosk host with the REAL card path: pcscd (private, from test/run.mjs) + vpcd + the virtual
// My Number card (sim/card), read through @pokusew/pcsclite by main/host/readers/card.ts, verified
// against the project's test trust (resources/test-trust). Staff types 照合番号B on the keypad.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { detect } from '../../main/host/readers/card.ts';
import { startSimulatedCard, parseSimulateSpec, type SimulationSpec } from '../../sim/card/simulate.ts';
import { DEFAULT_HOLDER, checkNumberBOf } from '../../sim/card/holder.ts';
import { until } from './helpers.ts';

const skip = pcscdUnavailable() ?? false;
const TRUST = join(import.meta.dirname, '..', '..', 'resources', 'test-trust');

async function run(
  simulate: string,
  mode: 'age-over-20' | 'identity',
  fn: (h: KioskHost, audit: MemoryAuditSink) => Promise<void>,
) {
  await withVirtualReader(async ({ port, readerName }) => {
    const home = mkdtempSync(join(tmpdir(), 'kakunin-card-'));
    const d = await detect({ home, readerName, trustDir: TRUST });
    assert.ok(d.reader, d.note);
    const settings = new SettingsStore(null);
    settings.update({ mode, wipeSeconds: 60, readers: { card: true, mdoc: false } });
    const audit = new MemoryAuditSink();
    const host = new KioskHost({ readers: [d.reader], settings, audit, inputTimeoutMs: 20_000 });
    host.start();
    const spec = parseSimulateSpec(simulate) as SimulationSpec;
    const sim = await startSimulatedCard(spec, port);
    try {
      await fn(host, audit);
    } finally {
      await sim.link.remove();
      await host.stop();
      rmSync(home, { recursive: true, force: true });
    }
  });
}

test(
  'real PC/SC path: card tapped -> 照合番号B on the keypad -> verified 20+ verdict with the photo',
  { skip, timeout: 60_000 },
  async () => {
    await run('card', 'age-over-20', async (host, audit) => {
      await until(() => host.snapshot().screen.screen === 'input', 15_000);
      const s = host.snapshot().screen;
      assert.ok(s.screen === 'input' && s.kind === 'matching-b' && s.digits === 14);
      assert.ok(host.submitInput(s.txId, checkNumberBOf({ ...DEFAULT_HOLDER })));
      await until(() => host.snapshot().screen.screen === 'verdict', 20_000);
      const v = host.snapshot().screen;
      assert.ok(v.screen === 'verdict');
      assert.equal(v.verdict, 'valid', JSON.stringify(v.checks.filter((c) => !c.ok)));
      assert.deepEqual(v.attributes, { age_over_20: true });
      assert.match(v.photo ?? '', /^data:image\/png;base64,/);
      assert.equal(audit.entries[0]!.credentialType, 'mynumber-card');
      assert.match(audit.entries[0]!.issuerKeyId ?? '', /^[0-9a-f]{64}$/);
    });
  },
);

test('real PC/SC path: a mistyped 照合番号B asks again; a minor gets 20歳未満', { skip, timeout: 60_000 }, async () => {
  await run('card:minor', 'age-over-20', async (host) => {
    await until(() => host.snapshot().screen.screen === 'input', 15_000);
    let s = host.snapshot().screen;
    assert.ok(s.screen === 'input');
    host.submitInput(s.txId, '55021720352286'); // well-formed, wrong security code
    await until(() => {
      const x = host.snapshot().screen;
      return x.screen === 'input' && x.retry;
    }, 15_000);
    s = host.snapshot().screen;
    assert.ok(s.screen === 'input');
    assert.equal(typeof s.triesLeft, 'number', 'tries left from the card is shown after a wrong entry');
    host.submitInput(s.txId, checkNumberBOf({ ...DEFAULT_HOLDER, birthDate: '2008-03-01', expiry: '2028-03-01' }));
    await until(() => host.snapshot().screen.screen === 'verdict', 20_000);
    const v = host.snapshot().screen;
    assert.ok(v.screen === 'verdict');
    assert.equal(v.verdict, 'invalid');
    assert.equal(v.attributes.age_over_20, false);
    assert.equal(v.reason?.code, 'age_over_20_false');
  });
});

test(
  'real PC/SC path: card pulled mid-read is an error with what to do next, audited',
  { skip, timeout: 60_000 },
  async () => {
    await run('card:pulled', 'identity', async (host, audit) => {
      await until(() => host.snapshot().screen.screen === 'input', 15_000);
      const s = host.snapshot().screen;
      assert.ok(s.screen === 'input');
      host.submitInput(s.txId, checkNumberBOf({ ...DEFAULT_HOLDER }));
      await until(() => host.snapshot().screen.screen === 'error', 20_000);
      const e = host.snapshot().screen;
      assert.ok(e.screen === 'error');
      // sim/card's "pulled" fault drops the card mid-APDU; core/card reports what the transport saw.
      assert.match(e.error.code, /card_removed|card_absent|transport_error|timeout|malformed_response/);
      assert.ok(e.error.nextJa.length > 0);
      assert.equal(audit.entries[0]!.outcome, 'error');
    });
  },
);
