// Evidence through the real PC/SC stack: the virtual card is served to a real pcscd through the
// vpcd driver and read back through the real @pokusew/pcsclite binding (main/pcsc). Each policy,
// each unlock path and each fault the issue names. Skips (saying why) where pcscd is unavailable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GEN1 } from '../../core/card/profile.ts';
import type { Unlock } from '../../core/card/read-card.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { PcscContext } from '../../main/pcsc/pcsc-reader.ts';
import { readCardOverPcsc } from '../../main/pcsc/read-session.ts';
import { CardChannel, selectAid, selectEf } from '../../core/card/apdu.ts';
import { VirtualMyNumberCard, type VirtualCardOptions } from '../../sim/card/virtual-card.ts';
import { VpcdCard } from '../../sim/card/vpcd-link.ts';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { AT, B, P, failed, testTrust } from './support.ts';

const skip = pcscdUnavailable();
const trust = testTrust();

async function readThroughPcscd(policy: PolicyName, unlock: Unlock, opts: VirtualCardOptions = {}) {
  return withVirtualReader(async ({ port, readerName }) => {
    const card = new VirtualMyNumberCard(opts);
    const link = new VpcdCard(card, port);
    try {
      const result = await readCardOverPcsc({
        reader: readerName,
        policy,
        unlock,
        trust,
        crypto: nodeCrypto,
        at: AT,
        insertCard: () => link.insert(),
      });
      return { card, result };
    } finally {
      await link.remove();
    }
  });
}

for (const policy of ['age-over-20', 'identity', 'entrance'] as const) {
  test(
    `through pcscd: ${policy} with 照合番号B is valid and shows only the policy's attributes`,
    { skip: skip ?? false },
    async () => {
      const { result } = await readThroughPcscd(policy, B);
      assert.equal(result.verdict, 'valid', JSON.stringify({ e: result.errors, f: failed(result.checks) }));
      const expected = {
        'age-over-20': ['age_over_20', 'portrait'],
        identity: ['address', 'birth_date', 'name', 'portrait', 'sex'],
        entrance: ['name', 'portrait'],
      }[policy];
      assert.deepEqual(Object.keys(result.attributes).sort(), expected);
      assert.ok(result.decodedPhoto, 'photo decoded for display');
      assert.equal(result.decodedPhoto!.width * result.decodedPhoto!.height, result.decodedPhoto!.pixels.length);
      assert.ok(result.checks.some((c) => c.code === 'card_face.photo_decodes' && c.ok));
      assert.ok(result.apdus.count > 0 && result.apdus.bytesIn > result.photo!.width);
    },
  );
  test(
    `through pcscd: ${policy} with the 4-digit PIN is valid (text AP, no photo)`,
    { skip: skip ?? false },
    async () => {
      const { result } = await readThroughPcscd(policy, P);
      assert.equal(result.verdict, 'valid', JSON.stringify({ e: result.errors, f: failed(result.checks) }));
      assert.equal(result.attributes.portrait, null);
    },
  );
}

test(
  'through pcscd: tampered attribute with genuine issuer signature is rejected',
  { skip: skip ?? false },
  async () => {
    const { result } = await readThroughPcscd('identity', B, { faults: ['tampered'] });
    assert.equal(result.verdict, 'invalid');
    assert.ok(failed(result.checks).includes('text_ap.attributes_hash'));
    assert.deepEqual(result.attributes, {});
  },
);

test('through pcscd: wrong CVC is rejected', { skip: skip ?? false }, async () => {
  const { result } = await readThroughPcscd('age-over-20', B, { faults: ['wrong-cvc'] });
  assert.equal(result.verdict, 'invalid');
  assert.ok(failed(result.checks).includes('card_face.cvc_signature'));
});

test('through pcscd: unknown signer key id is rejected', { skip: skip ?? false }, async () => {
  const { result } = await readThroughPcscd('entrance', P, { faults: ['unknown-signer'] });
  assert.equal(result.verdict, 'invalid');
  assert.ok(failed(result.checks).includes('text_ap.cvc_signer_known'));
});

test('through pcscd: blocked PIN stops before any VERIFY with data', { skip: skip ?? false }, async () => {
  const { card, result } = await readThroughPcscd('identity', P, { faults: ['blocked-pin'] });
  assert.equal(result.errors[0]?.code, 'pin_blocked');
  assert.ok(!card.log.some((l) => l.command.startsWith('00200080') && l.command.length > 8));
});

test(
  'through pcscd: PIN with one try left is refused and the counter is unchanged',
  { skip: skip ?? false },
  async () => {
    const { card, result } = await readThroughPcscd('identity', P, { faults: ['one-try-left'] });
    assert.equal(result.errors[0]?.code, 'pin_one_try_left');
    assert.equal(card.triesLeft('text', GEN1.textAp.ef.pin), 1);
    assert.ok(!card.log.some((l) => l.command.startsWith('00200080') && l.command.length > 8));
  },
);

test(
  'through pcscd: wrong 照合番号B decrements the card counter once (10 -> 9) and is not retried',
  { skip: skip ?? false },
  async () => {
    const { card, result } = await readThroughPcscd('age-over-20', {
      kind: 'check_number_b',
      digits: '55021720351111',
    });
    assert.equal(result.errors[0]?.code, 'check_number_b_wrong');
    assert.equal(result.errors[0]?.triesLeft, 9);
    assert.equal(card.triesLeft('face', GEN1.cardFaceAp.ef.checkNumberB), 9);
    assert.equal(card.log.filter((l) => l.command.startsWith('00200080') && l.command.length > 8).length, 1);
  },
);

test(
  'through pcscd: card pulled mid-read gives card_removed, no hang, no attributes',
  { skip: skip ?? false },
  async () => {
    const t = performance.now();
    const { card, result } = await readThroughPcscd('age-over-20', B, { faults: ['pulled'] });
    assert.equal(card.pulled, true);
    assert.equal(result.verdict, 'invalid');
    assert.equal(result.errors[0]?.code, 'card_removed', JSON.stringify(result.errors));
    assert.deepEqual(result.attributes, {});
    assert.ok(performance.now() - t < 10_000);
  },
);

test(
  'through pcscd: the guard sits in the PC/SC transmit path too (no caller can bypass the card layer)',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ port, readerName }) => {
      const card = new VirtualMyNumberCard();
      const link = new VpcdCard(card, port);
      const ctx = await PcscContext.open();
      try {
        await ctx.waitForReader(readerName, 5000);
        await ctx.waitForEmpty(readerName, 2000);
        await link.insert();
        await ctx.waitForCard(readerName, 5000);
        const session = await ctx.connect(readerName);
        // Straight to the PC/SC session, bypassing CardChannel:
        assert.deepEqual([...(await session.transmit(selectAid(GEN1.textAp.aid)))], [0x90, 0x00]);
        await assert.rejects(session.transmit(selectEf(0x0001)), /my_number_guard/);
        await assert.rejects(session.transmit(Uint8Array.of(0x00, 0xb0, 0x81, 0x00, 0x00)), /my_number_guard/);
        await assert.rejects(new CardChannel(session).send(selectEf(0x0014)), /my_number_guard/);
        await session.disconnect();
        assert.equal(card.myNumberTouched, false);
        assert.ok(!card.log.some((l) => /^00a4020c02(0001|0014)$/.test(l.command)));
      } finally {
        await ctx.close();
        await link.remove();
      }
    });
  },
);

test(
  'through pcscd: card removal and re-insertion are seen as events (hot-plug)',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ port, readerName }) => {
      const card = new VirtualMyNumberCard();
      const link = new VpcdCard(card, port);
      const ctx = await PcscContext.open();
      try {
        await ctx.waitForReader(readerName, 5000);
        await ctx.waitForEmpty(readerName, 2000);
        const events: string[] = [];
        ctx.on('card-inserted', (n: string) => n === readerName && events.push('in'));
        ctx.on('card-removed', (n: string) => n === readerName && events.push('out'));
        await link.insert();
        await ctx.waitForCard(readerName, 5000);
        const session = await ctx.connect(readerName);
        await link.remove();
        for (let i = 0; i < 100 && !events.includes('out'); i++) await new Promise((r) => setTimeout(r, 20));
        await assert.rejects(session.transmit(selectAid(GEN1.textAp.aid)), /card_removed/);
        await link.insert();
        await ctx.waitForCard(readerName, 5000);
        assert.deepEqual(events.slice(0, 3), ['in', 'out', 'in']);
      } finally {
        await ctx.close();
        await link.remove();
      }
    });
  },
);
