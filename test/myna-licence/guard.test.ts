// MynaLicenceGuard: on a マイナ免許証 the My Number guard's rules still hold (EF 0001 / 0005 and
// 照合番号A are refused, in any AP), and the licence AP's two commands the My Number guard refuses
// by design (READ BINARY of WEF01 by SFI, VERIFY P2 86) pass only while the licence AP is selected.
// Through a CardChannel on the virtual card, so "refused" also means "never reached the card".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CardChannel, readBinary, selectAid, selectEf } from '../../core/card/apdu.ts';
import { CardError } from '../../core/card/codes.ts';
import { GEN1 } from '../../core/card/profile.ts';
import { MYNA_LICENCE_AP_AID } from '../../core/document/identify.ts';
import { MynaLicenceGuard } from '../../core/myna-licence/guard.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { VirtualMynaLicenceAp } from '../../sim/licence/virtual-myna-licence-ap.ts';

const h = (s: string) => Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'));

function rig() {
  const card = new VirtualMyNumberCard({ licenceAp: new VirtualMynaLicenceAp() });
  const ch = new CardChannel({ transmit: async (c) => card.process(c) }, new MynaLicenceGuard());
  const outcome = async (cmd: Uint8Array): Promise<string> => {
    const before = card.log.length;
    try {
      await ch.send(cmd);
      return 'sent';
    } catch (e) {
      assert.equal(card.log.length, before, 'a refused command never reaches the card');
      return e instanceof CardError ? e.code : 'other';
    }
  };
  return { card, ch, outcome };
}

test('the published read passes: SELECT AP, WEF01 by SFI, tries, VERIFY, SELECT WEF02, READ BINARY', async () => {
  const { outcome } = rig();
  for (const c of [
    '00a4040c10 a0000002310600000000000000000000',
    '00b09a0003',
    '00200086',
    '0020008604 32353830',
    '00a4020c02 001b',
    '00b0000002',
  ]) {
    assert.equal(await outcome(h(c)), 'sent', c);
  }
});

test('My Number rules hold on this card: EF 0001 / 0005 / 0013 / 0014 refused inside the licence AP and in the text / card-face APs', async () => {
  const { outcome } = rig();
  await outcome(selectAid(MYNA_LICENCE_AP_AID));
  for (const fid of [0x0001, 0x0005, 0x0013, 0x0014])
    assert.equal(await outcome(selectEf(fid)), 'my_number_guard', fid.toString(16));
  assert.equal(await outcome(selectAid(GEN1.textAp.aid)), 'document_guard', 'this read selects no other AP');
  const r2 = rig();
  // Even the text AP selected some other way first would not let EF 0001 through: the guard's first layer.
  assert.equal(await r2.outcome(h('00a4040c0a d3921000310001010408')), 'document_guard');
  assert.equal(await r2.outcome(selectEf(0x0001)), 'my_number_guard');
});

test('the licence AP exceptions hold only inside the licence AP, and only in their published form', async () => {
  const { outcome } = rig();
  // Before the AP is selected: the My Number guard refuses an SFI read and a VERIFY by reference.
  assert.equal(await outcome(h('00b09a0003')), 'my_number_guard');
  assert.equal(await outcome(h('00200086')), 'my_number_guard');
  await outcome(selectAid(MYNA_LICENCE_AP_AID));
  assert.equal(await outcome(h('00b09b0000')), 'document_guard', 'WEF02 by SFI: only WEF01 is read that way');
  assert.equal(await outcome(h('00b0810000')), 'document_guard', 'SFI 1 (EF 0001 elsewhere)');
  assert.equal(await outcome(h('00200082')), 'my_number_guard', "the annex's SFI 2 sample is never sent");
  assert.equal(await outcome(h('0020008606 313233343536')), 'document_guard', 'VERIFY carries 4 digits');
  assert.equal(await outcome(h('00200080')), 'my_number_guard', 'VERIFY of the current EF: no PIN EF of ours here');
  assert.equal(await outcome(selectEf(0x001c)), 'document_guard', 'WEF03 is never read');
  assert.equal(await outcome(selectEf(0x001a)), 'document_guard', 'WEF01 only by its SFI read');
  assert.equal(await outcome(readBinary(0, 2)), 'document_guard', 'READ BINARY with no WEF02 selected');
  assert.equal(await outcome(h('80 2a 00 00 33' + '00'.repeat(51) + '00')), 'document_guard', 'no signing');
  assert.equal(await outcome(h('00b0000000ffff')), 'document_guard', 'no extended length');
});

test('property: whatever is sent, the card never answers a SELECT of EF 0001 / 0005 / 0013 / 0014, nor any VERIFY but P2 86 in the licence AP', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.constantFrom(
            '00a4040c10a0000002310600000000000000000000',
            '00a4040c0ad3921000310001010408',
            '00a4040c0ad3921000310001010402',
            '00b09a0003',
            '00200086',
            '002000860432353830',
            '00a4020c02001b',
          ),
          fc
            .tuple(fc.constantFrom('00a4020c02', '00b0', '0020'), fc.uint8Array({ minLength: 2, maxLength: 6 }))
            .map(([p, b]) => p + Buffer.from(b).toString('hex')),
        ),
        { maxLength: 20 },
      ),
      async (cmds) => {
        const { card, outcome } = rig();
        for (const c of cmds) await outcome(h(c));
        for (const l of card.log) {
          if (l.command.startsWith('00a4020c02'))
            assert.ok(!['0001', '0005', '0013', '0014'].includes(l.command.slice(10, 14)), l.command);
          if (l.command.startsWith('0020')) assert.ok(l.ap === 'licence' && l.command.slice(6, 8) === '86', l.command);
        }
        assert.equal(card.myNumberTouched, false);
      },
    ),
    { numRuns: 200 },
  );
});
