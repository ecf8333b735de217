import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_MS, CardNumberLimiter, FREE_TRIES, MAX_MS } from '../../core/residence-card/rate-limit.ts';

test('card-number rate limit: free tries, then doubling waits capped, reset by a right number', () => {
  const l = new CardNumberLimiter();
  let t = 1000;
  for (let i = 0; i < FREE_TRIES; i++) {
    l.wrong(t);
    assert.equal(l.waitMs(t), 0);
  }
  l.wrong(t);
  assert.equal(l.waitMs(t), BASE_MS);
  assert.equal(l.waitMs(t + BASE_MS), 0);
  t += BASE_MS;
  l.wrong(t);
  assert.equal(l.waitMs(t), 2 * BASE_MS);
  for (let i = 0; i < 10; i++) l.wrong(t);
  assert.equal(l.waitMs(t), MAX_MS);
  l.right();
  assert.equal(l.waitMs(t), 0);
  assert.equal(l.wrongInRow, 0);
});
