// The card-family ending (main/host/readers/card-outcome.ts): "under 20" only when the age check is
// the only failure. A forged passport whose SOD digest also fails must say so, not "under 20"
// ("sod_message_digest" contains the letters "age", which a substring test once took for the age check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardVerdict, outcomeChecks } from '../../main/host/readers/card-outcome.ts';
import { failedOnAgeAlone, type Check } from '../../core/check.ts';

const credential = { type: 'passport', label: 'passport' } as unknown as Parameters<
  typeof cardVerdict
>[0]['credential'];
const verdictOf = (checks: Check[]) =>
  cardVerdict({
    type: 'passport' as Parameters<typeof cardVerdict>[0]['type'],
    verdict: 'invalid',
    checks: outcomeChecks(checks),
    stopped: undefined,
    shown: { attributes: { age_over_20: false } },
    shownWhenUnder: { attributes: { age_over_20: false } },
    credential,
    requested: ['age_over_20'],
    invalid: { code: 'passport_invalid', messageJa: '確認できません', messageEn: 'Could not be verified' },
  });

test('age check alone failed: the under-20 screen, with the age attribute', () => {
  const o = verdictOf([
    { code: 'passport.sod_signature', ok: true },
    { code: 'policy.age_over_20', ok: false, detail: 'under 20' },
  ]);
  assert.equal(o.verdict, 'invalid');
  assert.equal(o.error?.code, 'age_over_20_false');
  assert.deepEqual(o.attributes, { age_over_20: false });
});

test('age and the SOD digest failed: the forgery is the reason, nothing is shown', () => {
  const o = verdictOf([
    { code: 'passport.sod_message_digest', ok: false, detail: 'altered' },
    { code: 'policy.age_over_20', ok: false, detail: 'under 20' },
  ]);
  assert.equal(o.verdict, 'invalid');
  assert.equal(o.error?.code, 'passport_sod_message_digest');
  assert.deepEqual(o.attributes, {});
});

test('failedOnAgeAlone: only the age check, no error', () => {
  const age: Check = { code: 'policy.age_over_20', ok: false };
  assert.equal(failedOnAgeAlone([age], 0), true);
  assert.equal(failedOnAgeAlone([age], 1), false);
  assert.equal(failedOnAgeAlone([age, { code: 'passport.sod_message_digest', ok: false }], 0), false);
  assert.equal(failedOnAgeAlone([{ code: 'policy.age_over_20', ok: true }], 0), false);
});
