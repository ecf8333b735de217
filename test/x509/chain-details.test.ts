// The chain checks are part of every verification result (JSON output, audit, the kiosk screen), so
// their codes AND details are fixed here in full. Some passing checks are shared objects and the
// IACA's name is computed when the root is loaded (core/trust/trust-store.ts subjectText): the
// result must read exactly as when everything was built per call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustStore } from '../../core/trust/trust-store.ts';
import { nameToString } from '../../core/x509/certificate.ts';
import { verifyDsChain } from '../../core/x509/chain.ts';
import { checkDsKeyUsage } from '../../core/x509/rules/ds-key-usage.ts';
import { checkUnknownCriticalExtensions } from '../../core/x509/rules/unknown-critical-extension.ts';
import { testDocumentSigner, testIaca } from '../../sim/pki/test-pki.ts';
import { ds, dsWith, ext, OID } from './rules/fixtures.ts';
import { PROVIDERS } from './support.ts';

const AT = new Date('2026-11-22T00:00:00Z');
const IACA_NAME = 'C=JP, O=Kakunin Test PKI (TEST ONLY), CN=Kakunin Test IACA P-256';

function expected(fingerprint: string) {
  return [
    { code: 'malformed_certificate', ok: true },
    {
      code: 'untrusted_chain',
      ok: true,
      detail: `DS chains to trusted IACA "${IACA_NAME}" (${fingerprint.slice(0, 16)}…)`,
    },
    { code: 'chain_signature_invalid', ok: true, detail: 'DS signed by the IACA (ecdsa-with-SHA256)' },
    { code: 'ds_key_usage_invalid', ok: true },
    { code: 'ds_eku_invalid', ok: true },
    { code: 'ds_not_yet_valid', ok: true },
    { code: 'ds_expired', ok: true },
    { code: 'ds_not_valid_at_signing', ok: true },
    { code: 'unknown_critical_extension', ok: true, detail: 'DS: no unrecognised critical extension' },
    { code: 'country_mismatch', ok: true },
    { code: 'iaca_profile_invalid', ok: true, detail: 'BasicConstraints: cA, pathLen 0' },
    { code: 'iaca_profile_invalid', ok: true, detail: 'KeyUsage: keyCertSign, cRLSign' },
    { code: 'unknown_critical_extension', ok: true, detail: 'IACA: no unrecognised critical extension' },
    { code: 'iaca_not_yet_valid', ok: true },
    { code: 'iaca_expired', ok: true },
  ];
}

for (const crypto of PROVIDERS) {
  test(`chain details (${crypto.name}): every check of a valid P-256 chain, code and detail, fresh store and cached`, () => {
    const trust = new TrustStore({ crypto, now: AT });
    const root = trust.addRoot(testIaca('p256').der, 'iaca', 'test')!;
    assert.equal(root.subjectText, IACA_NAME);
    assert.equal(root.subjectText, nameToString(root.cert.subject));
    for (let i = 0; i < 2; i++) {
      const r = verifyDsChain([testDocumentSigner('p256').certificate], trust, {
        at: AT,
        signedAt: new Date('2026-01-01T00:00:00Z'),
        crypto,
      });
      assert.deepEqual(r.checks, expected(root.fingerprint));
      assert.equal(r.iacaSubject, IACA_NAME);
      assert.equal(r.dsSubject, 'C=JP, O=Kakunin Test PKI (TEST ONLY), CN=Kakunin Test DS P-256');
    }
  });

  test(`chain details (${crypto.name}): a root without a precomputed name (built outside addRoot) reads the same`, () => {
    const trust = new TrustStore({ crypto, now: AT });
    const root = trust.addRoot(testIaca('p256').der, 'iaca', 'test')!;
    delete root.subjectText;
    const r = verifyDsChain([testDocumentSigner('p256').certificate], trust, {
      at: AT,
      signedAt: new Date('2026-01-01T00:00:00Z'),
      crypto,
    });
    assert.deepEqual(r.checks, expected(root.fingerprint));
  });
}

test('rules: passing checks (shared objects) read as before, failures keep their full details', () => {
  const good = checkDsKeyUsage({ ds: ds() })[0]!;
  assert.deepEqual(good, { code: 'ds_key_usage_invalid', ok: true });
  const bad = checkDsKeyUsage({ ds: ds(dsWith(OID.keyUsage, ext.keyUsage(['digitalSignature', 'keyCertSign']))) })[0]!;
  assert.deepEqual(bad, {
    code: 'ds_key_usage_invalid',
    ok: false,
    detail: 'DS KeyUsage must be digitalSignature only, found: digitalSignature, keyCertSign',
  });
  assert.deepEqual(checkDsKeyUsage({ ds: ds(dsWith(OID.keyUsage, ext.keyUsage([]))) })[0], {
    code: 'ds_key_usage_invalid',
    ok: false,
    detail: 'DS KeyUsage must be digitalSignature only, found: (none)',
  });
  assert.deepEqual(checkUnknownCriticalExtensions(ds(), 'IACA')[0], {
    code: 'unknown_critical_extension',
    ok: true,
    detail: 'IACA: no unrecognised critical extension',
  });
  const odd = ds([
    ...dsWith(OID.keyUsage, ext.keyUsage(['digitalSignature'])),
    { oid: '1.2.3.4', critical: true, value: new Uint8Array([5, 0]) },
    { oid: '1.2.3.5', critical: true, value: new Uint8Array([5, 0]) },
  ]);
  assert.deepEqual(checkUnknownCriticalExtensions(odd, 'DS')[0], {
    code: 'unknown_critical_extension',
    ok: false,
    detail: 'DS certificate has unrecognised critical extension(s): 1.2.3.4, 1.2.3.5',
  });
});
