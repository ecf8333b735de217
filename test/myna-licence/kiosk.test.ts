// The kiosk's one PC/SC reader with a マイナ免許証 tapped through the real pcscd + vpcd: the counter
// setting decides how it is read. Set to licences: the licence PIN prompt, the amber unverified
// verdict with the staff confirmation, audited as jp.driving-licence.mynumber-card. Default: read as
// a My Number Card (its own prompt), and in age-check mode always so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcscdUnavailable } from '../support/pcscd.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { VirtualMynaLicenceAp, type MynaLicenceFault } from '../../sim/licence/virtual-myna-licence-ap.ts';
import type { Mode, MynaLicenceReading } from '../../api/contract.ts';
import { tapRig, type TapRig } from '../kiosk/tap-rig.ts';

const skip = pcscdUnavailable();
/** The kiosk with the virtual マイナ免許証 tapped, the counter's setting as given. */
async function rig(
  mode: Mode,
  mynaLicence: MynaLicenceReading,
  faults: MynaLicenceFault[],
  fn: (r: TapRig & { card: VirtualMyNumberCard; ap: VirtualMynaLicenceAp }) => Promise<void>,
) {
  const ap = new VirtualMynaLicenceAp({ faults });
  const card = new VirtualMyNumberCard({ licenceAp: ap });
  await tapRig({ mode, card, mynaLicence }, (r) => fn({ ...r, card, ap }));
}

test(
  'counter reads マイナ免許証 as licences (identity): licence PIN prompt, amber unverified with the expiry, staff confirmation audited',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await rig('identity', 'driving-licence', [], async ({ host, audit, screen, card }) => {
      let s = await screen(['input']);
      assert.ok(s.screen === 'input' && s.kind === 'myna-licence-pin' && s.digits === 4, JSON.stringify(s));
      host.submitInput(s.txId, '2580');
      s = await screen(['verdict', 'error']);
      assert.ok(s.screen === 'verdict' && s.verdict === 'unverified', JSON.stringify(s).slice(0, 400));
      assert.equal(s.document, 'driving-licence');
      assert.equal(s.attributes.expiry_date, '2029-05-01');
      assert.equal(s.attributes.undecoded, 'C2 (12 B), C3 (4 B), C6 (0 B), 5F40 (1868 B)');
      assert.deepEqual(s.staffConfirm, { reasons: ['myna_licence_unsigned'], state: 'pending' });
      assert.equal(await host.staffConfirm(s.txId, true), true);
      assert.deepEqual(
        audit.entries.map((e) => [e.outcome, e.credentialType, e.docType]),
        [
          ['unverified', 'driving-licence', 'jp.driving-licence.mynumber-card'],
          ['staff-confirmed', 'driving-licence', 'jp.driving-licence.mynumber-card'],
        ],
      );
      assert.equal(card.myNumberTouched, false);
      assert.ok(
        !card.log.some((l) => (l.ap === 'text' || l.ap === 'face') && !l.command.startsWith('00a404')),
        'the My Number APs were only probed by SELECT',
      );
    });
  },
);

test(
  'a wrong licence PIN ends the transaction with the tries left; the kiosk does not send it again',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await rig('entrance', 'driving-licence', [], async ({ host, screen, ap, audit }) => {
      const s = await screen(['input']);
      assert.ok(s.screen === 'input' && s.kind === 'myna-licence-pin');
      host.submitInput(s.txId, '0000');
      const e = await screen(['error', 'verdict']);
      assert.ok(e.screen === 'error' && e.error.code === 'myna_licence_pin_wrong', JSON.stringify(e));
      assert.equal(ap.tries, 9);
      assert.equal(audit.entries[0]?.errorCode, 'myna_licence_pin_wrong');
    });
  },
);

test(
  'one try left: the kiosk asks, then refuses to send the PIN (counter unchanged)',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await rig('identity', 'driving-licence', ['one-try-left'], async ({ host, screen, ap }) => {
      const s = await screen(['input']);
      assert.ok(s.screen === 'input');
      host.submitInput(s.txId, '2580');
      const e = await screen(['error', 'verdict']);
      assert.ok(e.screen === 'error' && e.error.code === 'myna_licence_pin_one_try_left', JSON.stringify(e));
      assert.equal(ap.tries, 1);
    });
  },
);

test(
  'default counter setting, and the age check whatever the setting: the card is read as a My Number Card',
  { skip: skip ?? false, timeout: 90_000 },
  async () => {
    for (const [mode, setting] of [
      ['identity', 'mynumber-card'],
      ['age-over-20', 'driving-licence'],
    ] as const) {
      await rig(mode, setting, [], async ({ screen, card }) => {
        const s = await screen(['input']);
        assert.ok(
          s.screen === 'input' && s.kind !== 'myna-licence-pin' && !s.kind.startsWith('licence'),
          `${mode}/${setting}: ${JSON.stringify(s)}`,
        );
        assert.ok(
          !card.log.some((l) => l.ap === 'licence' && !l.command.startsWith('00a404')),
          'the licence AP was only probed',
        );
      });
    }
  },
);
