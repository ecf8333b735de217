// The per-trust-store DS cache of core/x509/chain.ts may only skip work whose answer cannot change:
// these tests hold it to that (the clock-dependent checks, a later root, a reused buffer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustStore } from '../../core/trust/trust-store.ts';
import { verifyDsChain, type ChainResult } from '../../core/x509/chain.ts';
import { buildDs, buildIaca } from '../../sim/pki/profiles.ts';
import { keyFromSeed } from '../../sim/pki/cert-builder.ts';
import { testDocumentSigner, testIaca } from '../../sim/pki/test-pki.ts';
import { PROVIDERS } from './support.ts';

const AT = new Date('2026-11-22T00:00:00Z');
const failed = (r: ChainResult): string[] => [...new Set(r.checks.filter((c) => !c.ok).map((c) => c.code))].sort();

for (const crypto of PROVIDERS) {
  test(`chain cache (${crypto.name}): validity is evaluated on every call, not remembered`, () => {
    const trust = new TrustStore({ crypto, now: AT });
    assert.ok(trust.addRoot(testIaca('p256').der, 'iaca', 'test'));
    const ds = testDocumentSigner('p256').certificate;
    assert.deepEqual(failed(verifyDsChain([ds], trust, { at: AT, crypto })), []);
    assert.deepEqual(failed(verifyDsChain([ds], trust, { at: new Date('2099-01-01T00:00:00Z'), crypto })), [
      'ds_expired',
      'iaca_expired',
    ]);
    assert.deepEqual(failed(verifyDsChain([ds], trust, { at: new Date('2000-01-01T00:00:00Z'), crypto })), [
      'ds_not_yet_valid',
      'iaca_not_yet_valid',
    ]);
    assert.deepEqual(
      failed(verifyDsChain([ds], trust, { at: AT, signedAt: new Date('2000-01-01T00:00:00Z'), crypto })),
      ['ds_not_valid_at_signing'],
    );
    assert.deepEqual(failed(verifyDsChain([ds], trust, { at: AT, crypto })), []);
  });

  test(`chain cache (${crypto.name}): an IACA added after a miss is found; a fresh store knows nothing`, () => {
    const iaca = buildIaca({
      key: keyFromSeed('P-256', 'cache-late-root'),
      subject: [
        ['C', 'JP'],
        ['CN', 'Late Root'],
      ],
    });
    const ds = buildDs({ iaca }).der;
    const trust = new TrustStore({ crypto, now: AT });
    assert.ok(trust.addRoot(testIaca('p256').der, 'iaca', 'test'));
    assert.ok(failed(verifyDsChain([ds], trust, { at: AT, crypto })).includes('untrusted_chain'));
    assert.ok(trust.addRoot(iaca.der, 'iaca', 'late'));
    const r = verifyDsChain([ds], trust, { at: AT, crypto });
    assert.deepEqual(failed(r), []);
    assert.equal(r.iacaSubject, 'C=JP, CN=Late Root');
    const other = new TrustStore({ crypto, now: AT });
    assert.ok(other.addRoot(testIaca('p256').der, 'iaca', 'test'));
    assert.ok(failed(verifyDsChain([ds], other, { at: AT, crypto })).includes('untrusted_chain'));
  });

  test(`chain cache (${crypto.name}): a caller reusing its buffer cannot change a cached DS`, () => {
    const trust = new TrustStore({ crypto, now: AT });
    assert.ok(trust.addRoot(testIaca('p256').der, 'iaca', 'test'));
    const buf = testDocumentSigner('p256').certificate.slice();
    const first = verifyDsChain([buf], trust, { at: AT, crypto });
    assert.deepEqual(failed(first), []);
    const point = first.ds!.publicKey.kind === 'ec' ? first.ds!.publicKey.point.slice() : new Uint8Array();
    buf.fill(0);
    const again = verifyDsChain([testDocumentSigner('p256').certificate], trust, { at: AT, crypto });
    assert.deepEqual(failed(again), []);
    assert.deepEqual(again.ds!.publicKey.kind === 'ec' ? again.ds!.publicKey.point : null, point);
    assert.deepEqual(failed(verifyDsChain([buf], trust, { at: AT, crypto })), [
      'malformed_certificate',
      'untrusted_chain',
    ]);
  });

  test(`chain cache (${crypto.name}): a DS one byte away from a cached one is its own entry (tampered signature still fails)`, () => {
    const trust = new TrustStore({ crypto, now: AT });
    assert.ok(trust.addRoot(testIaca('p256').der, 'iaca', 'test'));
    const good = testDocumentSigner('p256').certificate;
    assert.deepEqual(failed(verifyDsChain([good], trust, { at: AT, crypto })), []);
    // The last byte is inside the signature's s value: same TBS, same key, broken signature.
    const bad = good.slice();
    bad[bad.length - 1]! ^= 0x01;
    // What a store that never saw the good DS says about the bad one: every check, detail included.
    const fresh = new TrustStore({ crypto, now: AT });
    assert.ok(fresh.addRoot(testIaca('p256').der, 'iaca', 'test'));
    const uncached = verifyDsChain([bad], fresh, { at: AT, crypto }).checks;
    assert.ok(failed({ checks: uncached }).includes('chain_signature_invalid'));
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(verifyDsChain([bad], trust, { at: AT, crypto }).checks, uncached);
      assert.deepEqual(failed(verifyDsChain([good], trust, { at: AT, crypto })), []);
    }
  });
}
