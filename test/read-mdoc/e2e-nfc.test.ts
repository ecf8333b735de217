// End to end through the real pcscd + vpcd (test/run.mjs starts a private pcscd with quickack
// loopback): the virtual wallet is an ISO 14443-4 card on a vpcd slot (H3a's sim/wallet/nfc-tag.ts),
// the kiosk reads it through pcsclite (main/nfc/pcsc-channel.ts) with core's NFC engagement, then
// BLE over the simulated radio through the real noble / bleno libraries. Each ends with a verified
// verdict (or, for a misbehaving wallet, a specific error) and an idle reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcscdUnavailable } from '../support/pcscd.ts';
import { simulateRead } from '../../main/mdoc-reader/simulated-read.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { nodeTimers } from '../../main/ble/stacks.ts';
import { trust } from './support.ts';

const skip = pcscdUnavailable();
if (skip) console.log(`# e2e-nfc skipped: ${skip}`);
const base = {
  crypto: nodeCrypto,
  trust,
  now: () => new Date(),
  timers: nodeTimers,
  timeouts: { engagementMs: 10_000, connectMs: 5000, responseMs: 5000 },
};

test(
  'negotiated handover (Apple-like: TNEP, NLEN=0 polls, no UUID in Hs) + BLE central client mode: VALID',
  { skip: skip ?? false },
  async () => {
    const o = await simulateRead('apple', 'age-over-20', base);
    assert.equal(o.result.verdict, 'valid', JSON.stringify(o.result.errors));
    assert.equal(o.transport.nfcPath, 'pcscd+vpcd', String(o.transport.nfcNote));
    assert.equal(o.transport.engagement, 'nfc-negotiated');
    assert.equal(o.transport.deviceEngagementVersion, '1.1');
    assert.equal(o.transport.bleUuidSource, 'reader-proposal');
    assert.equal(o.transport.kind, 'ble-central-client');
    assert.deepEqual(Object.keys(o.result.documents[0]!.elements['org.iso.23220.1']!), ['age_over_20']);
  },
);

test('static handover + BLE peripheral server mode: VALID', { skip: skip ?? false }, async () => {
  const o = await simulateRead('static', 'identity', base);
  assert.equal(o.result.verdict, 'valid', JSON.stringify(o.result.errors));
  assert.equal(o.transport.nfcPath, 'pcscd+vpcd', String(o.transport.nfcNote));
  assert.equal(o.transport.engagement, 'nfc-static');
  assert.equal(o.transport.kind, 'ble-peripheral-server');
});

test('malformed NDEF from the phone: ndef_malformed at engagement', { skip: skip ?? false }, async () => {
  const o = await simulateRead('malformed-ndef', 'age-over-20', base);
  assert.equal(o.result.verdict, 'invalid');
  assert.equal(o.stage, 'engagement');
  // The broken length byte makes the record structure unreadable; which NDEF rule trips first
  // depends on the bytes that follow (both are specific NDEF errors).
  assert.ok(
    o.result.errors.some((e) => /^ndef_/.test(e.code)),
    JSON.stringify(o.result.errors),
  );
  assert.equal(o.transport.nfcPath, 'pcscd+vpcd');
});

test('NFC engagement + NFC data retrieval (phone stays on the reader): VALID', { skip: skip ?? false }, async () => {
  const o = await simulateRead('nfc', 'age-over-20', base);
  assert.equal(o.result.verdict, 'valid', JSON.stringify(o.result.errors));
  assert.equal(o.transport.kind, 'nfc');
  assert.equal(o.transport.nfcPath, 'pcscd+vpcd', String(o.transport.nfcNote));
});

test(
  'NFC data retrieval, phone lifted while answering: nfc_tag_lost, reader idle',
  { skip: skip ?? false },
  async () => {
    const o = await simulateRead('nfc-walk-away', 'age-over-20', base);
    assert.equal(o.result.verdict, 'invalid');
    assert.deepEqual(
      o.result.errors.map((e) => e.code),
      ['nfc_tag_lost'],
    );
    assert.equal(o.stage, 'transfer');
    // The slot is free again: the next tap reads.
    const next = await simulateRead('nfc', 'age-over-20', base);
    assert.equal(next.result.verdict, 'valid', JSON.stringify(next.result.errors));
  },
);

test(
  'Apple-like wallet walks away after the request: a BLE error, reader idle, next Apple read valid',
  { skip: skip ?? false },
  async () => {
    const o = await simulateRead('apple-walk-away', 'age-over-20', {
      ...base,
      timeouts: { ...base.timeouts, responseMs: 3000 },
    });
    assert.equal(o.result.verdict, 'invalid');
    assert.ok(
      ['transport_disconnected', 'transport_link_lost', 'transport_timeout'].includes(o.result.errors[0]!.code),
      JSON.stringify(o.result.errors),
    );
    const next = await simulateRead('apple', 'age-over-20', base);
    assert.equal(next.result.verdict, 'valid', JSON.stringify(next.result.errors));
  },
);

test('without pcscd the Apple-like read still runs the same NFC code in-process, and says so', async () => {
  const prev = process.env.PCSCLITE_CSOCK_NAME;
  process.env.PCSCLITE_CSOCK_NAME = '/nonexistent/pcscd.comm';
  try {
    const o = await simulateRead('apple', 'age-over-20', base);
    assert.equal(o.result.verdict, 'valid', JSON.stringify(o.result.errors));
    assert.equal(o.transport.nfcPath, 'in-memory-apdu');
    assert.match(String(o.transport.nfcNote), /pcscd unreachable/);
  } finally {
    if (prev === undefined) delete process.env.PCSCLITE_CSOCK_NAME;
    else process.env.PCSCLITE_CSOCK_NAME = prev;
  }
});
