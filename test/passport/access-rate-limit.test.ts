// The kiosk's limit on wrong passport access keys (a BAC chip has no retry counter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessRateLimit } from '../../core/passport/access-rate-limit.ts';

test('three wrong keys within the window pause tries for a minute; an accepted key clears the count', () => {
  const r = new AccessRateLimit();
  const t0 = 1_000_000;
  r.record(t0, false);
  r.record(t0 + 1000, false);
  assert.equal(r.waitMs(t0 + 2000), 0);
  r.record(t0 + 2000, true);
  r.record(t0 + 3000, false);
  r.record(t0 + 4000, false);
  assert.equal(r.waitMs(t0 + 4000), 0, 'the accepted key reset the count');
  r.record(t0 + 5000, false);
  assert.equal(r.waitMs(t0 + 5000), 60_000);
  assert.equal(r.waitMs(t0 + 35_000), 30_000);
  assert.equal(r.waitMs(t0 + 65_000), 0);
});

test('failures further apart than the window do not add up; a clock set back does not lock the kiosk', () => {
  const r = new AccessRateLimit({ windowMs: 10_000 });
  r.record(0, false);
  r.record(20_000, false);
  r.record(40_000, false);
  assert.equal(r.waitMs(40_000), 0);
  r.record(41_000, false);
  r.record(42_000, false);
  assert.ok(r.waitMs(42_000) > 0);
  assert.equal(r.waitMs(1_000), 0, 'clock went back before the pause began');
});
