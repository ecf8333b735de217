// Each misbehaving wallet ends in a specific error and an idle reader. The
// wallets misbehave as sim/wallet/holder.ts describes, from the spec facts, not from the reader.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../main/mdoc-reader/simulate.ts';
import type { ScenarioName } from '../../main/mdoc-reader/simulate.ts';
import { qrRead, radioIdle } from './support.ts';

const world = new SimWorld({ supervisionTimeoutMs: 200 });
after(() => world.shutdown());

function codes(o: { result: { errors: { code: string }[] } }): string[] {
  return o.result.errors.map((e) => e.code);
}

const CASES: Array<{ scenario: ScenarioName; code: string; stage: string; why: string }> = [
  {
    scenario: 'tamper',
    code: 'digest_mismatch',
    stage: 'done',
    why: "a minor's age_over_20 flipped to true after issuance, genuine issuer signature",
  },
  { scenario: 'stale', code: 'mso_expired', stage: 'done', why: 'MSO validUntil was yesterday' },
  {
    scenario: 'walk-away',
    code: 'transport_disconnected',
    stage: 'transfer',
    why: 'central client mode: bleno reports no HCI reason, so a walk-away is a disconnect',
  },
  {
    scenario: 'walk-away-peripheral',
    code: 'transport_link_lost',
    stage: 'transfer',
    why: 'peripheral server mode: noble reports HCI 0x08 supervision timeout',
  },
  {
    scenario: 'drop',
    code: 'transport_disconnected_mid_message',
    stage: 'transfer',
    why: 'link dropped after two chunks of the response',
  },
  {
    scenario: 'drop-peripheral',
    code: 'transport_disconnected_mid_message',
    stage: 'transfer',
    why: 'same, in peripheral server mode',
  },
  {
    scenario: 'wrong-ident',
    code: 'transport_peer_terminated',
    stage: 'session',
    why: "the phone rejects the reader's Ident and writes State 0x02",
  },
];

for (const c of CASES) {
  test(`wallet:${c.scenario} -> ${c.code} (${c.why}), reader idle`, async () => {
    const { outcome, events } = await qrRead(world, c.scenario);
    assert.equal(outcome.result.verdict, 'invalid');
    assert.ok(
      codes(outcome).includes(c.code),
      `expected ${c.code}, got ${codes(outcome).join(', ')} (wallet: ${events.join(',')})`,
    );
    assert.equal(outcome.stage, c.stage);
    // Nothing from a rejected document is shown.
    for (const d of outcome.result.documents) assert.deepEqual(d.elements, {});
    assert.ok(await radioIdle(world), 'no BLE link and no advertising left');
  });
}

test('a valid read right after the misbehaviours still works (no state left behind)', async () => {
  const { outcome } = await qrRead(world, 'qr');
  assert.equal(outcome.result.verdict, 'valid', JSON.stringify(outcome.result.errors));
});

test('nobody connects: transport_peer_not_found within the connect timeout, reader idle', async () => {
  const { readMdoc } = await import('../../main/mdoc-reader/read-mdoc.ts');
  const { deps } = await import('./support.ts');
  const { makeWallet } = await import('../../main/mdoc-reader/simulate.ts');
  const { nodeCrypto } = await import('../../main/crypto/node-crypto.ts');
  // Engage with a wallet that then never turns its radio on.
  const wallet = makeWallet('qr', nodeCrypto, new Date());
  const e = wallet.newTransaction();
  const { parseQrEngagement, qrEngagementText, bleFromDeviceEngagement } =
    await import('../../core/mdoc/engagement/index.ts');
  const q = parseQrEngagement(qrEngagementText(e.deviceEngagement));
  const t0 = Date.now();
  const outcome = await readMdoc(
    {
      policy: 'age-over-20',
      engage: async () => ({
        kind: 'qr',
        deviceEngagement: q.deviceEngagement,
        handover: q.handover,
        ble: bleFromDeviceEngagement(q.deviceEngagement)!,
      }),
    },
    deps(world, { timeouts: { connectMs: 300, responseMs: 300, engagementMs: 300 } }),
  );
  assert.deepEqual(codes(outcome), ['transport_peer_not_found']);
  assert.ok(Date.now() - t0 < 2000);
  assert.ok(await radioIdle(world));
});

test('malformed QR text: qr_malformed at engagement, nothing started', async () => {
  const { readMdoc } = await import('../../main/mdoc-reader/read-mdoc.ts');
  const { deps } = await import('./support.ts');
  const { parseQrEngagement } = await import('../../core/mdoc/engagement/index.ts');
  const outcome = await readMdoc(
    { policy: 'age-over-20', engage: async () => ({ kind: 'qr', ...parseQrEngagement('mdoc:!!!') }) as never },
    deps(world),
  );
  assert.deepEqual(codes(outcome), ['qr_malformed']);
  assert.equal(outcome.stage, 'engagement');
});

// Hostile answers on an otherwise honest link: the session layer refuses them by name.
const HOSTILE: Array<{ name: string; code: string; reply: (real: Uint8Array) => Uint8Array }> = [
  {
    name: 'garbage instead of SessionData',
    code: 'session_message_malformed',
    reply: () => Uint8Array.of(0xff, 0x00, 0x13),
  },
  {
    name: 'SessionData with a flipped ciphertext byte',
    code: 'session_decrypt_failed',
    reply: (r) => {
      const b = r.slice();
      b[b.length - 5]! ^= 1;
      return b;
    },
  },
  {
    name: 'SessionData status 10 (session encryption error)',
    code: 'session_status_error',
    reply: () => Uint8Array.of(0xa1, 0x66, ...Buffer.from('status'), 0x0a),
  },
  {
    name: 'SessionData status 20 without data',
    code: 'session_terminated',
    reply: () => Uint8Array.of(0xa1, 0x66, ...Buffer.from('status'), 0x14),
  },
];
for (const h of HOSTILE) {
  test(`the phone answers ${h.name}: ${h.code}, nothing shown, reader idle`, async () => {
    const { outcome } = await qrRead(world, 'qr', 'age-over-20', {}, (w) => {
      const real = w.handleMessage.bind(w);
      w.handleMessage = (b: Uint8Array) => {
        const r = real(b);
        return r && h.reply(r);
      };
    });
    assert.deepEqual(codes(outcome), [h.code]);
    assert.equal(outcome.result.documents.length, 0);
    assert.ok(await radioIdle(world));
  });
}

for (const policy of ['identity', 'entrance'] as const) {
  test(`wallet:tamper under ${policy} (age_over_20 not requested) still alters a disclosed element: digest_mismatch`, async () => {
    const { outcome } = await qrRead(world, 'tamper', policy);
    assert.equal(outcome.result.verdict, 'invalid');
    assert.ok(codes(outcome).includes('digest_mismatch'), codes(outcome).join(','));
    for (const d of outcome.result.documents) assert.deepEqual(d.elements, {});
  });
}
