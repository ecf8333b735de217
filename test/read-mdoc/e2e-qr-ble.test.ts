// End to end over simulated BLE: QR engagement (the text a keyboard-wedge scanner types), session,
// BLE in each mode through the real noble / bleno libraries on simulated bindings, verification
// against resources/test-trust, and only the policy's elements in the result.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../main/mdoc-reader/simulate.ts';
import { qrRead, radioIdle } from './support.ts';

const world = new SimWorld();
after(() => world.shutdown());

test('QR + BLE central client mode (wallet offers both; kiosk is the GATT server): VALID, only age_over_20 and portrait', async () => {
  const { outcome, walletEnd, events } = await qrRead(world, 'qr');
  assert.equal(outcome.result.verdict, 'valid', JSON.stringify(outcome.result.errors));
  assert.equal(outcome.transport.kind, 'ble-central-client');
  assert.equal(outcome.transport.engagement, 'qr');
  const doc = outcome.result.documents[0]!;
  assert.equal(doc.docType, 'org.iso.23220.1.jp.mnc');
  assert.deepEqual(Object.keys(doc.elements).sort(), ['org.iso.23220.1', 'org.iso.23220.1.jp']);
  assert.deepEqual(Object.keys(doc.elements['org.iso.23220.1']!), ['age_over_20']);
  assert.deepEqual(Object.keys(doc.elements['org.iso.23220.1.jp']!), ['portrait']);
  assert.equal(doc.elements['org.iso.23220.1']!.age_over_20, true);
  assert.match(walletEnd, /reader-ended|disconnected/);
  assert.ok(events.includes('response-sent'));
  assert.ok(await radioIdle(world), 'reader idle after the read');
});

test('QR + BLE peripheral server mode (phone is the GATT server, kiosk is central): VALID', async () => {
  const { outcome } = await qrRead(world, 'qr-peripheral', 'identity');
  assert.equal(outcome.result.verdict, 'valid', JSON.stringify(outcome.result.errors));
  assert.equal(outcome.transport.kind, 'ble-peripheral-server');
  const jp = outcome.result.documents[0]!.elements['org.iso.23220.1.jp']!;
  assert.deepEqual(Object.keys(jp).sort(), ['full_name_unicode', 'portrait', 'resident_address_unicode']);
  assert.equal('individual_number_unicode' in jp, false);
  assert.ok(await radioIdle(world));
});

test('kiosk preferring peripheral server mode runs it when the wallet offers both', async () => {
  const { outcome } = await qrRead(world, 'qr', 'entrance', { preferBleMode: 'peripheral-server' });
  assert.equal(outcome.result.verdict, 'valid', JSON.stringify(outcome.result.errors));
  assert.equal(outcome.transport.kind, 'ble-peripheral-server');
  assert.ok(await radioIdle(world));
});

test('timings are reported for every stage', async () => {
  const { outcome } = await qrRead(world, 'qr');
  for (const k of ['engagement', 'session', 'transfer', 'verify'] as const)
    assert.equal(typeof outcome.timings[k], 'number');
  assert.ok(outcome.timings.transfer > 0);
});

test("a wallet authenticating with deviceMac (EMacKey from the reader's ephemeral key) verifies: VALID", async () => {
  const { VirtualWallet, PROFILES } = await import('../../sim/wallet/holder.ts');
  const { readMdoc } = await import('../../main/mdoc-reader/read-mdoc.ts');
  const { nodeCrypto } = await import('../../main/crypto/node-crypto.ts');
  const { deps } = await import('./support.ts');
  const wallet = new VirtualWallet({
    profile: PROFILES.generic,
    deviceAuth: 'mac',
    crypto: nodeCrypto,
    docType: 'org.iso.18013.5.1.mDL',
  });
  const tx = world.qrTransaction(wallet);
  const outcome = await readMdoc({ policy: 'entrance', engage: tx.engage }, deps(world));
  await tx.walletDone;
  assert.equal(outcome.result.verdict, 'valid', JSON.stringify(outcome.result.errors));
  const doc = outcome.result.documents[0]!;
  assert.equal(doc.deviceAuth, 'mac');
  assert.equal(doc.docType, 'org.iso.18013.5.1.mDL');
  assert.deepEqual(Object.keys(doc.elements['org.iso.18013.5.1']!).sort(), ['family_name', 'given_name', 'portrait']);
});
