// DS -> IACA chain (spec item 3), end to end through the trust store, on both crypto backends.
// Regression tests are named after the attack they stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustStore } from '../../core/trust/trust-store.ts';
import { verifyDsChain, type ChainResult } from '../../core/x509/chain.ts';
import { allPassed } from '../../core/check.ts';
import { buildDs, buildIaca } from '../../sim/pki/profiles.ts';
import { keyFromSeed } from '../../sim/pki/cert-builder.ts';
import { testDocumentSigner, testIaca, type TestIacaName } from '../../sim/pki/test-pki.ts';
import { ANNEX_D_DS, ANNEX_D_IACA, PROVIDERS } from './support.ts';
import fc from 'fast-check';

const AT = new Date('2026-11-22T00:00:00Z');

function storeWith(crypto: (typeof PROVIDERS)[number], ...ders: Uint8Array[]): TrustStore {
  const s = new TrustStore({ crypto, now: AT });
  for (const d of ders) assert.ok(s.addRoot(d, 'iaca', 'test'), JSON.stringify(s.errors));
  return s;
}

const failed = (r: ChainResult): string[] => [...new Set(r.checks.filter((c) => !c.ok).map((c) => c.code))].sort();

for (const crypto of PROVIDERS) {
  const trust = storeWith(crypto, testIaca('p256').der, testIaca('p384').der, testIaca('p521').der);

  for (const name of ['p256', 'p384', 'p521'] as TestIacaName[]) {
    for (const dsCurve of ['P-256', 'P-384', 'P-521'] as const) {
      test(`chain (${crypto.name}): good DS (${dsCurve}) under test IACA ${name} is valid, every check listed`, () => {
        const ds = testDocumentSigner(name, 'good', dsCurve);
        const r = verifyDsChain([ds.certificate], trust, {
          at: AT,
          signedAt: new Date('2026-01-01T00:00:00Z'),
          crypto,
        });
        assert.deepEqual(failed(r), []);
        assert.ok(allPassed(r.checks));
        assert.equal(r.iaca?.cert.der.length, testIaca(name).der.length);
        const codes = new Set(r.checks.map((c) => c.code));
        for (const c of [
          'untrusted_chain',
          'chain_signature_invalid',
          'ds_key_usage_invalid',
          'ds_eku_invalid',
          'ds_not_yet_valid',
          'ds_expired',
          'ds_not_valid_at_signing',
          'country_mismatch',
          'iaca_profile_invalid',
          'unknown_critical_extension',
          'iaca_expired',
        ]) {
          assert.ok(codes.has(c), `missing check ${c}`);
        }
      });
    }
  }

  const ATTACKS: Array<[string, Parameters<typeof testDocumentSigner>[1], string[]]> = [
    [
      'rogue DS (signed by a rogue IACA with the trusted name) is rejected',
      'rogue-iaca',
      [
        'chain_signature_invalid',
        'country_mismatch',
        'iaca_expired',
        'iaca_not_yet_valid',
        'iaca_profile_invalid',
        'untrusted_chain',
      ],
    ],
    ['DS with wrong EKU is rejected', 'wrong-eku', ['ds_eku_invalid']],
    ['DS without EKU is rejected', 'no-eku', ['ds_eku_invalid']],
    ['DS with keyCertSign key usage is rejected', 'wrong-key-usage', ['ds_key_usage_invalid']],
    ['expired DS is rejected', 'expired', ['ds_expired']],
    ['not-yet-valid DS is rejected', 'not-yet-valid', ['ds_not_yet_valid']],
    ['DS from another country under our IACA is rejected', 'wrong-country', ['country_mismatch']],
    ['DS with an unknown critical extension is rejected', 'unknown-critical-extension', ['unknown_critical_extension']],
  ];
  for (const [name, variant, codes] of ATTACKS) {
    test(`chain (${crypto.name}): ${name}`, () => {
      const r = verifyDsChain([testDocumentSigner('p256', variant).certificate], trust, { at: AT, crypto });
      assert.deepEqual(failed(r), codes);
      assert.equal(allPassed(r.checks), false);
    });
  }

  test(`chain (${crypto.name}): a rogue root carried inside x5chain is never trusted`, () => {
    const rogueIaca = buildIaca({
      key: keyFromSeed('P-256', 'x5chain-rogue'),
      subject: [
        ['C', 'JP'],
        ['CN', 'Rogue Root'],
      ],
    });
    const rogueDs = buildDs({ iaca: rogueIaca });
    const r = verifyDsChain([rogueDs.der, rogueIaca.der], trust, { at: AT, crypto });
    assert.ok(failed(r).includes('untrusted_chain'));
    assert.equal(r.iaca, undefined);
  });

  test(`chain (${crypto.name}): a trusted IACA presented as its own DS (IACA key signing MSOs) is rejected`, () => {
    const r = verifyDsChain([testIaca('p256').der], trust, { at: AT, crypto });
    assert.deepEqual(failed(r), ['ds_eku_invalid', 'ds_key_usage_invalid']);
  });

  test(`chain (${crypto.name}): DS issued by an intermediate (not allowed by Annex B) is untrusted`, () => {
    const top = testIaca('p256');
    const mid = buildIaca({
      key: keyFromSeed('P-256', 'intermediate'),
      subject: [
        ['C', 'JP'],
        ['CN', 'Intermediate'],
      ],
    });
    const ds = buildDs({ iaca: mid });
    const r = verifyDsChain([ds.der, mid.der, top.der], trust, { at: AT, crypto });
    assert.ok(failed(r).includes('untrusted_chain'));
  });

  test(`chain (${crypto.name}): MSO signed outside the DS validity is rejected (ds_not_valid_at_signing)`, () => {
    const r = verifyDsChain([testDocumentSigner('p256').certificate], trust, {
      at: AT,
      signedAt: new Date('2024-01-01T00:00:00Z'),
      crypto,
    });
    assert.deepEqual(failed(r), ['ds_not_valid_at_signing']);
  });

  test(`chain (${crypto.name}): missing x5chain, garbage DS and oversized x5chain are typed failures`, () => {
    assert.deepEqual(failed(verifyDsChain([], trust, { at: AT, crypto })), ['untrusted_chain']);
    assert.deepEqual(failed(verifyDsChain([new Uint8Array([0x30, 0x80, 0, 0])], trust, { at: AT, crypto })), [
      'malformed_certificate',
      'untrusted_chain',
    ]);
    assert.deepEqual(
      failed(verifyDsChain(new Array(9).fill(testDocumentSigner().certificate), trust, { at: AT, crypto })),
      ['untrusted_chain'],
    );
  });

  test(`chain (${crypto.name}): tampered DS after a cached success is still rejected`, () => {
    const good = testDocumentSigner('p384').certificate;
    assert.deepEqual(failed(verifyDsChain([good], trust, { at: AT, crypto })), []);
    const bad = good.slice();
    const i = Buffer.from(bad).indexOf(Buffer.from('Kakunin Test DS'));
    bad[i] ^= 0x01; // same signature value, different TBS
    assert.deepEqual(failed(verifyDsChain([bad], trust, { at: AT, crypto })), [
      'chain_signature_invalid',
      'country_mismatch',
      'iaca_expired',
      'iaca_not_yet_valid',
      'iaca_profile_invalid',
      'untrusted_chain',
    ]);
  });

  test(`chain (${crypto.name}): expired IACA fails the chain (iaca_expired)`, () => {
    const old = buildIaca({
      key: keyFromSeed('P-256', 'old-iaca'),
      subject: [
        ['C', 'JP'],
        ['CN', 'Old IACA'],
      ],
      notBefore: new Date('2015-01-01T00:00:00Z'),
      notAfter: new Date('2026-01-01T00:00:00Z'),
    });
    const s = storeWith(crypto, old.der);
    const ds = buildDs({
      iaca: old,
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
    });
    assert.deepEqual(failed(verifyDsChain([ds.der], s, { at: AT, crypto })), ['iaca_expired']);
    assert.ok(s.warnings.some((w) => w.code === 'root_expired'));
  });

  test(`chain (${crypto.name}): IACA with a broken Annex B profile fails (iaca_profile_invalid)`, () => {
    const key = keyFromSeed('P-256', 'bad-profile');
    const bad = buildIaca({
      key,
      subject: [
        ['C', 'JP'],
        ['CN', 'Bad profile'],
      ],
      extensions: [],
    });
    const s = storeWith(crypto, bad.der);
    const ds = buildDs({ iaca: bad });
    assert.deepEqual(failed(verifyDsChain([ds.der], s, { at: AT, crypto })), ['iaca_profile_invalid']);
  });

  test(`chain (${crypto.name}): Annex D DS chains to the Annex D IACA at 2020-10-02 and is expired at 2022-01-01`, () => {
    const s = new TrustStore({ crypto, now: new Date('2020-10-02T00:00:00Z') });
    assert.ok(s.addRoot(ANNEX_D_IACA, 'iaca', 'annex-d'));
    const ok = verifyDsChain([ANNEX_D_DS], s, { at: new Date('2020-10-02T00:00:00Z'), crypto });
    assert.deepEqual(failed(ok), []);
    const late = verifyDsChain([ANNEX_D_DS], s, { at: new Date('2022-01-01T00:00:00Z'), crypto });
    assert.deepEqual(failed(late), ['ds_expired']);
    // And it is untrusted when the store holds only our test IACAs.
    assert.ok(
      failed(verifyDsChain([ANNEX_D_DS], trust, { at: new Date('2020-10-02T00:00:00Z'), crypto })).includes(
        'untrusted_chain',
      ),
    );
  });
}

test('chain: random mutations of a good DS give a failing result or a valid one, never an exception', () => {
  const crypto = PROVIDERS[0]!;
  const trust = storeWith(crypto, testIaca('p256').der);
  const base = testDocumentSigner('p256').certificate;
  let accepted = 0;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      (edits, truncate) => {
        let der = base.slice();
        for (const [i, b] of edits) der[i] = b;
        if (truncate) der = der.subarray(0, edits[0]![0]);
        const r = verifyDsChain([der], trust, { at: AT, crypto });
        assert.ok(r.checks.length > 0);
        if (allPassed(r.checks)) {
          accepted++;
          // Only a mutation that leaves the certificate byte-identical may pass.
          assert.deepEqual(der, base);
        }
      },
    ),
    { numRuns: 1500 },
  );
  assert.ok(accepted < 1500);
});
