// The My Number guard: reading the My Number file (text AP EF 0001, card-face AP EF 0005)
// or sending 照合番号A (text AP EF 0014, card-face AP EF 0013) is impossible through the card layer.
// The virtual card itself would answer (it is a card, not our reader), so these tests prove it is the
// guard that stops it, by checking that the command never reached the card.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CardChannel, readBinary, selectAid, selectEf, verify, verifyStatus } from '../../core/card/apdu.ts';
import { CardError } from '../../core/card/codes.ts';
import { MyNumberGuard } from '../../core/card/my-number-guard.ts';
import { GEN1 } from '../../core/card/profile.ts';
import { asciiDigits } from '../../core/card/check-number-b.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { memoryTransport, PIN } from './support.ts';

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'sent';
  } catch (e) {
    return e instanceof CardError ? e.code : 'other';
  }
}

test('even after the PIN opened it, SELECT of text AP EF 0001 (My Number) never reaches the card', async () => {
  const card = new VirtualMyNumberCard();
  const ch = new CardChannel(memoryTransport(card));
  await ch.expectOk(selectAid(GEN1.textAp.aid), 'select');
  await ch.expectOk(selectEf(GEN1.textAp.ef.pin), 'pin ef');
  await ch.expectOk(verify(asciiDigits(PIN)), 'verify');
  const before = card.log.length;
  assert.equal(await refused(ch.send(selectEf(0x0001))), 'my_number_guard');
  assert.equal(card.log.length, before, 'nothing was sent');
  // And a READ BINARY by short EF identifier (P1 = 80 | SFI 1) that would skip the SELECT is refused too.
  assert.equal(await refused(ch.send(Uint8Array.of(0x00, 0xb0, 0x81, 0x00, 0x00))), 'my_number_guard');
  assert.equal(card.log.length, before);
  assert.equal(card.myNumberTouched, false);
});

test('照合番号A cannot be sent: SELECT EF 0014 / 0013 and VERIFY naming a key reference are refused', async () => {
  const card = new VirtualMyNumberCard();
  const ch = new CardChannel(memoryTransport(card));
  await ch.expectOk(selectAid(GEN1.textAp.aid), 'select');
  assert.equal(await refused(ch.send(selectEf(0x0014))), 'my_number_guard');
  // VERIFY with P2 = 80 | 14 (a key reference instead of the selected EF)
  assert.equal(
    await refused(ch.send(Uint8Array.of(0x00, 0x20, 0x00, 0x94, 0x0c, ...asciiDigits('123456789018')))),
    'my_number_guard',
  );
  // VERIFY while a non-PIN EF is selected
  await ch.expectOk(selectEf(0x0004), 'cvc');
  assert.equal(await refused(ch.send(verify(asciiDigits('123456789018')))), 'my_number_guard');
  await ch.expectOk(selectAid(GEN1.cardFaceAp.aid), 'face');
  assert.equal(await refused(ch.send(selectEf(0x0013))), 'my_number_guard');
  assert.equal(await refused(ch.send(selectEf(0x0005))), 'my_number_guard');
  assert.equal(card.myNumberTouched, false);
  assert.ok(
    !card.log.some((l) => /^00a4020c02(0014|0013|0005)$/.test(l.command) || l.command.startsWith('0020')),
    'none reached the card',
  );
});

test('outside a known AP (nothing selected, unknown AID) EF 0001/0005/0013/0014 are refused; SELECT by path / MF too', () => {
  const g = new MyNumberGuard();
  for (const fid of [0x0001, 0x0005, 0x0013, 0x0014]) assert.throws(() => g.admit(selectEf(fid)), /my_number_guard/);
  g.admit(selectAid(Uint8Array.of(0xa0, 0, 0, 0, 0x99, 1)));
  for (const fid of [0x0001, 0x0005, 0x0013, 0x0014]) assert.throws(() => g.admit(selectEf(fid)), /my_number_guard/);
  assert.throws(() => g.admit(Uint8Array.of(0x00, 0xa4, 0x08, 0x0c, 0x04, 0x3f, 0x00, 0x00, 0x01)), /my_number_guard/); // by path
  assert.throws(() => g.admit(Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, 0x00, 0x01)), /my_number_guard/); // P1=00
  assert.throws(() => g.admit(Uint8Array.of(0x0c, 0xb0, 0x00, 0x00, 0x00)), /my_number_guard/); // secure messaging CLA
  assert.throws(() => g.admit(Uint8Array.of(0x00, 0xb1, 0x00, 0x00, 0x00)), /my_number_guard/); // other INS
  assert.throws(
    () => g.admit(Uint8Array.of(0x00, 0x20, 0x00, 0x80, 0x00, 0x00, 0x04, 0x31, 0x32, 0x33, 0x34)),
    /my_number_guard/,
  ); // extended length
  // The JPKI AP's EF 0001 is the signing certificate, not the My Number: SELECT is allowed there.
  g.admit(selectAid(GEN1.jpkiAp.aid));
  g.admit(selectEf(0x0001));
});

test('property: no APDU sequence through the card layer ever touches the My Number on the virtual card', async () => {
  const aids = [GEN1.textAp.aid, GEN1.cardFaceAp.aid, GEN1.jpkiAp.aid, GEN1.commonAp.aid];
  const fids = [
    0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0007, 0x0011, 0x0012, 0x0013, 0x0014, 0x0015, 0x000a, 0x0017, 0x0018,
  ];
  const secrets = ['1234', '55021720352285', '123456789018', '800217'];
  const cmd = fc.oneof(
    fc.constantFrom(...aids).map((a) => selectAid(a)),
    fc.constantFrom(...fids).map((f) => selectEf(f)),
    fc.constantFrom(...secrets).map((s) => verify(asciiDigits(s))),
    fc.constant(verifyStatus()),
    fc.integer({ min: 0, max: 600 }).map((o) => readBinary(o, 256)),
    fc
      .tuple(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 14 }),
      )
      .map(([a, b, c, d, e]) => Uint8Array.of(a, b, c, d, ...(e.length ? [e.length, ...e] : []))),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(cmd, { maxLength: 40 }), async (cmds) => {
      const card = new VirtualMyNumberCard();
      const ch = new CardChannel(memoryTransport(card));
      for (const c of cmds) await ch.send(c).catch(() => undefined);
      assert.equal(card.myNumberTouched, false);
    }),
    { numRuns: 400 },
  );
});
