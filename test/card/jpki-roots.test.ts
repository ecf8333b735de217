// The real J-LIS JPKI roots as published (test/support/reference-files.ts) import with their
// pinned fingerprints (core/trust/pinned-roots.ts); a modified copy is refused. And the optional JPKI
// path chains the card's auth certificate only to roots loaded this way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { TrustStore } from '../../core/trust/trust-store.ts';
import { certificatesFromFile } from '../../core/x509/certificate.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { testTrust } from './support.ts';
import { REFERENCE_DIR } from '../support/reference-files.ts';

const REAL = join(REFERENCE_DIR, 'trust', 'real');
const skip = existsSync(REAL) ? false : `${REAL} is not present on this machine`;
const FILES: Record<string, string> = {
  'jpki-auth-ca-2015.pem': '4dcfc4ca0aaf9fb2a3081b3f0c991c320b3acc008667a341eeaec5af1d58ca7d',
  'jpki-auth-ca-2023.pem': '64114f29620c24ed2631d46476a040e7ee740d956089c00b036a6a8118c322b5',
  'jpki-sign-ca-2015.pem': '19645405a1fe14377434bd55957628ac4038557c542403a2243f21c706fc9355',
  'jpki-sign-ca-2023.pem': 'd227f6cde11d35c5252178f106f843d24651944975413b539fa2fb68dbfa365f',
};

test('real JPKI roots import as jpki roots with their pinned fingerprints', { skip }, () => {
  const store = new TrustStore({ crypto: nodeCrypto, now: new Date('2026-11-22T00:00:00Z') });
  for (const [file, fp] of Object.entries(FILES)) {
    const [der] = certificatesFromFile(new Uint8Array(readFileSync(join(REAL, file))));
    const root = store.addRoot(der!, 'jpki', file);
    assert.ok(root, `${file}: ${JSON.stringify(store.errors)}`);
    assert.equal(root.fingerprint, fp);
    assert.ok(root.pinned, `${file} recognised as a pinned J-LIS root`);
  }
  assert.equal(store.jpkiRoots.length, 4);
  assert.deepEqual(store.errors, []);
});

test(
  'a modified copy of a real JPKI root is refused (fingerprint no longer pinned / self-signature broken)',
  { skip },
  () => {
    const [der] = certificatesFromFile(new Uint8Array(readFileSync(join(REAL, 'jpki-auth-ca-2023.pem'))));
    // Flip one bit in the last byte of the signature, and separately one bit inside the TBS (validity).
    const sigFlip = der!.slice();
    sigFlip[sigFlip.length - 1]! ^= 0x01;
    const tbsFlip = der!.slice();
    const at = Buffer.from(tbsFlip).indexOf(Buffer.from('330715')); // notAfter UTCTime 2033-07-15
    assert.ok(at > 0);
    tbsFlip[at + 1] = 0x34; // 2033 -> 2034
    for (const bad of [sigFlip, tbsFlip]) {
      const store = new TrustStore({ crypto: nodeCrypto, now: new Date('2026-11-22T00:00:00Z') });
      assert.equal(store.addRoot(bad, 'jpki', 'modified.pem'), null);
      assert.equal(store.errors[0]?.code, 'pinned_fingerprint_mismatch', JSON.stringify(store.errors));
      assert.equal(store.jpkiRoots.length, 0);
    }
  },
);

test('the project TEST JPKI root is not a J-LIS look-alike and loads from resources/test-trust/jpki', () => {
  const store = testTrust();
  assert.equal(store.jpkiRoots.length, 1);
  assert.equal(store.jpkiRoots[0]!.pinned, undefined);
  assert.equal(store.cardFaceKeys.size, 2);
  assert.deepEqual(store.errors, []);
});
