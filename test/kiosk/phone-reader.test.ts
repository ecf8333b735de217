// The kiosk host with the REAL phone path: main/host/readers/mdoc.ts -> read-mdoc (session,
// BLE central client / peripheral server over main/ble's noble/bleno adapters on the simulated radio)
// -> core/mdoc verification against resources/test-trust. The QR text arrives the way a scanner
// delivers it: through the host's submitEngagement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { PhoneReader } from '../../main/host/readers/mdoc.ts';
import { makeWallet, SimWorld, type ScenarioName } from '../../main/mdoc-reader/simulate.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import type { Mode } from '../../api/contract.ts';
import { until } from './helpers.ts';

const TRUST = join(import.meta.dirname, '..', '..', 'resources', 'test-trust');

async function phoneTx(scenario: ScenarioName, mode: Mode) {
  const world = new SimWorld();
  const reader = new PhoneReader({
    ble: world.reader,
    trustDir: TRUST,
    label: 'sim radio',
    timeouts: { connectMs: 3000, responseMs: 3000, engagementMs: 3000 },
  });
  const settings = new SettingsStore(null);
  settings.update({ mode, wipeSeconds: 60, readers: { card: false, mdoc: true } });
  const audit = new MemoryAuditSink();
  const host = new KioskHost({ readers: [reader], settings, audit });
  host.start();
  try {
    await host.whenIdle();
    const wallet = makeWallet(scenario, nodeCrypto, new Date());
    const tx = world.qrTransaction(wallet);
    assert.ok(host.submitEngagement(tx.text + '\r\n'.trim()), 'scanner text accepted while idle');
    await until(() => ['verdict', 'error'].includes(host.snapshot().screen.screen), 15_000);
    await tx.walletDone.catch(() => undefined);
    return { screen: host.snapshot().screen, audit };
  } finally {
    await host.stop();
    world.shutdown();
  }
}

test(
  'phone (QR + BLE, simulated radio): identity check shows the verified name and photo, audited with docType and issuer',
  { timeout: 30_000 },
  async () => {
    const { screen, audit } = await phoneTx('qr', 'identity');
    assert.equal(screen.screen, 'verdict', JSON.stringify(screen));
    assert.ok(screen.screen === 'verdict');
    assert.equal(screen.verdict, 'valid', JSON.stringify(screen.checks.filter((c) => !c.ok)));
    assert.ok(screen.attributes.name && screen.attributes.name.length > 0);
    assert.match(screen.photo ?? '', /^data:image\//);
    const e = audit.entries[0]!;
    assert.equal(e.credentialType, 'mdoc');
    assert.match(e.docType ?? '', /^org\.iso\./);
    assert.match(e.issuerKeyId ?? '', /^[0-9a-f]{64}$/);
    assert.ok(e.requested.length > 0);
  },
);

test(
  'phone: age check shows only the 20+ verdict (and photo), never name or birth date',
  { timeout: 30_000 },
  async () => {
    const { screen } = await phoneTx('qr', 'age-over-20');
    assert.ok(screen.screen === 'verdict');
    assert.equal(screen.verdict, 'valid');
    assert.deepEqual(Object.keys(screen.attributes), ['age_over_20']);
  },
);

test('phone: an element altered after issuance is rejected (invalid, issuer digest)', { timeout: 30_000 }, async () => {
  const { screen, audit } = await phoneTx('tamper', 'age-over-20');
  assert.ok(screen.screen === 'verdict');
  assert.equal(screen.verdict, 'invalid');
  assert.ok(screen.checks.some((c) => !c.ok));
  assert.deepEqual(screen.attributes, {});
  // The audit names what the kiosk asked for even when nothing verified (element names only).
  assert.deepEqual([...audit.entries[0]!.requested].sort(), [
    'org.iso.23220.1.jp:portrait',
    'org.iso.23220.1:age_over_20',
  ]);
});

test('phone walks away mid-read: an error with what to do next, not a verdict', { timeout: 30_000 }, async () => {
  const { screen, audit } = await phoneTx('walk-away', 'entrance');
  assert.equal(screen.screen, 'error', JSON.stringify(screen));
  assert.ok(screen.screen === 'error');
  assert.match(screen.error.code, /^transport_/);
  assert.match(screen.error.nextJa, /スマートフォン/);
  assert.equal(audit.entries[0]!.outcome, 'error');
  assert.ok(audit.entries[0]!.requested.length > 0, 'requested element names recorded for a failed read too');
});
