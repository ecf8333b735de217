// Which way a tapped card is read (core/document/reading.ts): a マイナ免許証 is read as a licence only
// when the operator asked for a licence, never for an age check it cannot answer unless named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseReading, type DocumentChoice } from '../../core/document/reading.ts';
import type { PolicyName } from '../../core/policy/policy.ts';

const myna = { document: 'mynumber-card' as const, licenceAp: true };
const plain = { document: 'mynumber-card' as const, licenceAp: false };
const q = (asked: DocumentChoice, policy: PolicyName = 'identity', licenceAsked = false) => ({
  asked,
  policy,
  licenceAsked,
});

test('マイナ免許証: as a licence when asked (--document driving-licence, licence PIN only, the counter setting); else as a My Number Card', () => {
  assert.equal(chooseReading(myna, q('driving-licence')), 'myna-licence');
  assert.equal(chooseReading(myna, q('auto', 'identity', true)), 'myna-licence');
  assert.equal(chooseReading(myna, q('auto', 'entrance', true)), 'myna-licence');
  assert.equal(chooseReading(myna, q('auto')), 'mynumber-card');
  assert.equal(chooseReading(myna, q('mynumber', 'identity', true)), 'mynumber-card');
});

test('age-over-20: auto reads it as a My Number Card; a named licence goes to the licence AP (which then refuses)', () => {
  assert.equal(chooseReading(myna, q('auto', 'age-over-20', true)), 'mynumber-card');
  assert.equal(chooseReading(myna, q('driving-licence', 'age-over-20')), 'myna-licence');
});

test('a My Number Card without the licence AP: refused when a licence is named, else a My Number Card', () => {
  assert.deepEqual(chooseReading(plain, q('driving-licence')), { refuse: 'myna_licence_absent' });
  assert.equal(chooseReading(plain, q('auto', 'identity', true)), 'mynumber-card');
  assert.deepEqual(chooseReading(plain, q('residence-card')), { refuse: 'document_mismatch' });
});

test('other cards as before: the document itself, a mismatch when another is named, unsupported when none answered', () => {
  assert.equal(chooseReading({ document: 'driving-licence', licenceAp: false }, q('auto')), 'driving-licence');
  assert.equal(
    chooseReading({ document: 'driving-licence', licenceAp: false }, q('driving-licence')),
    'driving-licence',
  );
  assert.deepEqual(chooseReading({ document: 'driving-licence', licenceAp: false }, q('mynumber')), {
    refuse: 'document_mismatch',
  });
  assert.equal(chooseReading({ document: 'residence-card', licenceAp: false }, q('residence-card')), 'residence-card');
  assert.deepEqual(chooseReading({ document: 'residence-card', licenceAp: false }, q('driving-licence')), {
    refuse: 'document_mismatch',
  });
  assert.deepEqual(chooseReading({ document: null, licenceAp: false }, q('auto')), { refuse: 'unsupported_card' });
});

test('a passport: read only when no document was named (its key is the MRZ or CAN); any named document is a mismatch', () => {
  const passport = { document: 'passport' as const, licenceAp: false };
  assert.equal(chooseReading(passport, q('auto')), 'passport');
  for (const named of ['mynumber', 'driving-licence', 'residence-card'] as const) {
    assert.deepEqual(chooseReading(passport, q(named)), { refuse: 'document_mismatch' });
  }
});
