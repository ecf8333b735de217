// PIN safety against the virtual card's real counters (in memory; the pcscd tests repeat the key
// cases through the real PC/SC stack).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GEN1 } from '../../core/card/profile.ts';
import { B, P, readInMemory, failed } from './support.ts';

const verifiesWithData = (log: Array<{ command: string }>) =>
  log.filter((l) => l.command.startsWith('00200080') && l.command.length > 8);
const triesQueries = (log: Array<{ command: string }>) => log.filter((l) => l.command === '00200080');

test('tries-left is read (VERIFY with no data) before every VERIFY', async () => {
  const { card } = await readInMemory('identity', B);
  const log = card.log.map((l) => l.command);
  const idx = log.flatMap((c, i) => (c.startsWith('00200080') && c.length > 8 ? [i] : []));
  assert.equal(idx.length, 2, 'one VERIFY per AP read (text AP and card-face AP)');
  for (const i of idx)
    assert.equal(log[i - 1], '00200080', 'the command right before each VERIFY is the tries-left query');
});

test('PIN with one try left: refused, nothing sent, counter unchanged', async () => {
  const { card, result } = await readInMemory('identity', P, { faults: ['one-try-left'] });
  assert.equal(result.verdict, 'invalid');
  assert.equal(result.errors[0]?.code, 'pin_one_try_left');
  assert.equal(result.errors[0]?.triesLeft, 1);
  assert.equal(verifiesWithData(card.log).length, 0);
  assert.equal(triesQueries(card.log).length, 1);
  assert.equal(card.triesLeft('text', GEN1.textAp.ef.pin), 1);
  assert.deepEqual(result.attributes, {});
});

test('blocked PIN: stops at the tries-left query', async () => {
  const { card, result } = await readInMemory('entrance', P, { faults: ['blocked-pin'] });
  assert.equal(result.errors[0]?.code, 'pin_blocked');
  assert.equal(verifiesWithData(card.log).length, 0);
  assert.equal(card.triesLeft('text', GEN1.textAp.ef.pin), 0);
});

test('wrong PIN: one VERIFY, 3 -> 2 tries, reported, never retried', async () => {
  const { card, result } = await readInMemory('identity', { kind: 'pin', digits: '9999' });
  assert.equal(result.errors[0]?.code, 'pin_wrong');
  assert.equal(result.errors[0]?.triesLeft, 2);
  assert.equal(verifiesWithData(card.log).length, 1);
  assert.equal(card.triesLeft('text', GEN1.textAp.ef.pin), 2);
});

test('wrong 照合番号B: the card counts 10 -> 9 like a real card, one VERIFY, no retry; a right one resets it', async () => {
  const wrong = '55021720359999';
  const { card, result } = await readInMemory('age-over-20', { kind: 'check_number_b', digits: wrong });
  assert.equal(result.errors[0]?.code, 'check_number_b_wrong');
  assert.equal(result.errors[0]?.triesLeft, 9);
  assert.equal(verifiesWithData(card.log).length, 1);
  assert.equal(card.triesLeft('face', GEN1.cardFaceAp.ef.checkNumberB), 9);
  assert.deepEqual(failed(result.checks), []);
  assert.deepEqual(result.attributes, {});
});

test('Gregorian-form card: the era form is refused by the chip; the explicit Gregorian form opens it', async () => {
  const era = await readInMemory('age-over-20', B, { holder: { birthDateForm: 'gregorian' } });
  assert.equal(era.result.errors[0]?.code, 'check_number_b_wrong');
  const greg = await readInMemory(
    'age-over-20',
    { kind: 'check_number_b', digits: '80021720352285' },
    { holder: { birthDateForm: 'gregorian' } },
  );
  assert.equal(greg.result.verdict, 'valid', JSON.stringify(greg.result.errors));
});

test('a malformed 照合番号B or PIN never reaches the card', async () => {
  const { card, result } = await readInMemory('age-over-20', { kind: 'check_number_b', digits: '55139920352285' });
  assert.equal(result.errors[0]?.code, 'check_number_b_format');
  assert.equal(card.log.length, 0);
});
