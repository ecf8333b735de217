// main/trust/trust-dir-cache.ts: the kiosk keeps its loaded trust store between reads, and loads again
// whenever the answer could differ (files changed, clock crossed a validity boundary, other crypto).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedTrustStore, clearTrustStoreCache, MAX_AGE_MS } from '../../main/trust/trust-dir-cache.ts';
import { NodeCrypto, nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { ROOT } from '../x509/support.ts';

const TEST_TRUST = join(ROOT, 'resources', 'test-trust');
const NOW = new Date('2026-11-22T00:00:00Z');
// Every test-trust certificate is valid 2025-01-01 .. 2040-01-01 (sim/pki).
const EXPIRY = new Date('2040-01-01T00:00:00Z');

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-trust-cache-'));
  cpSync(TEST_TRUST, dir, { recursive: true });
  return dir;
}
const names = (s: ReturnType<typeof cachedTrustStore>) =>
  s.iacas.map((r) => r.origin.split('/').slice(-2).join('/')).sort();
const opts = (now: Date) => ({ crypto: nodeCrypto, now });

beforeEach(() => clearTrustStoreCache());

test('trust cache: the same store is returned while nothing changed (its DS cache then serves the next read)', () => {
  const dir = copy();
  const a = cachedTrustStore(dir, opts(NOW));
  const b = cachedTrustStore(dir, opts(new Date(NOW.getTime() + 60_000)));
  assert.equal(a, b);
  assert.deepEqual(a.errors, []);
  rmSync(dir, { recursive: true });
});

test('trust cache: a root removed, added back, or a file rewritten in place loads again', () => {
  const dir = copy();
  const full = cachedTrustStore(dir, opts(NOW));
  assert.ok(names(full).includes('iaca/kakunin-test-iaca-p384.pem'));
  const p384 = join(dir, 'iaca', 'kakunin-test-iaca-p384.pem');
  const pem = readFileSync(p384);
  renameSync(p384, join(dir, 'p384.off'));
  const without = cachedTrustStore(dir, opts(NOW));
  assert.notEqual(without, full);
  assert.ok(
    !names(without).includes('iaca/kakunin-test-iaca-p384.pem'),
    'a removed root is no longer trusted at the next read',
  );
  writeFileSync(p384, pem);
  const back = cachedTrustStore(dir, opts(NOW));
  assert.ok(names(back).includes('iaca/kakunin-test-iaca-p384.pem'), 'an imported root is trusted at the next read');
  // Rewritten in place with other content (same name): garbage now, so an error, not the old root.
  writeFileSync(p384, 'not a certificate');
  const rewritten = cachedTrustStore(dir, opts(NOW));
  assert.notEqual(rewritten, back);
  assert.ok(rewritten.errors.some((e) => e.file === p384));
  rmSync(dir, { recursive: true });
});

test("trust cache: the clock reaching a certificate's expiry, going back, or passing the maximum age loads again", () => {
  const dir = copy();
  const before = new Date(EXPIRY.getTime() - 1000);
  const a = cachedTrustStore(dir, opts(before));
  assert.deepEqual(
    a.warnings.filter((w) => w.code === 'root_expired'),
    [],
  );
  // One millisecond after notAfter: a new load (which now sees expired roots and warns).
  const after = cachedTrustStore(dir, opts(new Date(EXPIRY.getTime() + 1)));
  assert.notEqual(after, a);
  assert.ok(after.warnings.some((w) => w.code === 'root_expired'));
  // The clock went back before the load time: load again rather than trust the future's view.
  const back = cachedTrustStore(dir, opts(NOW));
  assert.notEqual(back, after);
  // Within the maximum age the store stays; past it, it loads again.
  assert.equal(cachedTrustStore(dir, opts(new Date(NOW.getTime() + MAX_AGE_MS - 1))), back);
  assert.notEqual(cachedTrustStore(dir, opts(new Date(NOW.getTime() + MAX_AGE_MS))), back);
  rmSync(dir, { recursive: true });
});

test("trust cache: the VICAL signer expiring drops the VICAL's IACAs at the first read after it (fail closed)", () => {
  const dir = copy();
  const valid = cachedTrustStore(dir, opts(new Date(EXPIRY.getTime() - 10)));
  assert.equal(valid.vicals[0]?.accepted, 1, 'the VICAL is accepted while its signer is valid');
  const expired = cachedTrustStore(dir, opts(new Date(EXPIRY.getTime() + 10)));
  assert.notEqual(expired.vicals[0]?.accepted, 1, 'after the signer expired the VICAL no longer vouches for its IACAs');
  assert.ok(!names(expired).some((n) => n.startsWith('vical/')));
  rmSync(dir, { recursive: true });
});

test("trust cache: another crypto provider, or a missing directory, never gets another's store", () => {
  const dir = copy();
  const a = cachedTrustStore(dir, opts(NOW));
  const other = new NodeCrypto();
  const b = cachedTrustStore(dir, { crypto: other, now: NOW });
  assert.notEqual(a, b);
  assert.equal(b.crypto, other);
  rmSync(dir, { recursive: true });
  const gone = cachedTrustStore(dir, { crypto: other, now: NOW });
  assert.notEqual(gone, b);
  assert.ok(gone.errors.some((e) => e.code === 'trust_dir_missing'));
});
