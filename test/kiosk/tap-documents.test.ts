// The kiosk's one PC/SC reader with a driving licence, a residence card, an unsupported card
// and a passport tapped through the real pcscd + vpcd: the dispatcher identifies the document by AID,
// the kiosk asks for the right secret (PIN 1 / PIN 2, the card number, the MRZ), and an unsupported
// card gets its notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcscdUnavailable } from '../support/pcscd.ts';
import { type VirtualCard } from '../../sim/card/vpcd-link.ts';
import { VirtualLicence } from '../../sim/licence/virtual-licence.ts';
import { VirtualResidenceCard } from '../../sim/residence-card/virtual-residence-card.ts';
import type { Mode } from '../../api/contract.ts';
import { until } from './helpers.ts';
import { tapRig, type TapRig } from './tap-rig.ts';
import { UNSUPPORTED_DEVICE } from '../../main/host/not-accepted.ts';
import { VirtualPassport } from '../../sim/passport/virtual-passport.ts';
import { PASSPORT_ATR } from '../../sim/passport/simulate.ts';
import { mrzInformation, TEST_HOLDER } from '../../sim/passport/holder.ts';

const skip = pcscdUnavailable();
const rig = (mode: Mode, card: VirtualCard, fn: (r: TapRig) => Promise<void>, atr?: Uint8Array) =>
  tapRig({ mode, card, ...(atr ? { atr } : {}) }, fn);

test(
  'tapped residence card (2nd gen): card-number prompt, a wrong number asks again, then a valid verdict audited as residence-card',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    const card = new VirtualResidenceCard();
    await rig('identity', card, async ({ host, audit, screen }) => {
      let s = await screen(['input']);
      assert.ok(s.screen === 'input' && s.kind === 'card-number' && s.digits === 12);
      host.submitInput(s.txId, 'AB12345678CE');
      await until(() => {
        const x = host.snapshot().screen;
        return x.screen === 'input' && x.retry;
      }, 10_000);
      s = host.snapshot().screen;
      assert.ok(s.screen === 'input');
      host.submitInput(s.txId, 'AB12345678CD');
      s = await screen(['verdict', 'error']);
      assert.ok(s.screen === 'verdict' && s.verdict === 'valid', JSON.stringify(s).slice(0, 400));
      assert.ok(s.images?.name?.startsWith('data:image/png'));
      assert.equal(audit.entries[0]!.credentialType, 'residence-card');
      assert.equal(card.wrongNumberTries, 1);
    });
  },
);

test(
  'tapped driving licence (age check): PIN 1 only, amber unverified, staff confirmation audited',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    const card = new VirtualLicence();
    await rig('age-over-20', card, async ({ host, audit, screen }) => {
      let s = await screen(['input']);
      assert.ok(s.screen === 'input' && s.kind === 'licence-pin1');
      host.submitInput(s.txId, '1234');
      s = await screen(['verdict', 'error']);
      assert.ok(s.screen === 'verdict' && s.verdict === 'unverified', JSON.stringify(s).slice(0, 400));
      assert.deepEqual(s.staffConfirm, { reasons: ['licence_pin1_only'], state: 'pending' });
      assert.equal(await host.staffConfirm(s.txId, true), true);
      assert.equal(await host.staffConfirm(s.txId, true), false, 'one confirmation per transaction');
      assert.deepEqual(
        audit.entries.map((e) => e.outcome),
        ['unverified', 'staff-confirmed'],
      );
      assert.equal(card.domicileRead, false);
    });
  },
);

test(
  'tapped card that is none of the supported documents: "not a supported card or phone", audited, nothing but SELECTs sent',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    const sent: string[] = [];
    const foreign: VirtualCard = {
      process: (c) => (sent.push(Buffer.from(c).toString('hex')), Uint8Array.of(0x6a, 0x82)),
      reset() {},
    };
    await rig('identity', foreign, async ({ audit, screen }) => {
      const s = await screen(['error']);
      assert.ok(s.screen === 'error' && s.error.code === UNSUPPORTED_DEVICE.code, JSON.stringify(s));
      assert.equal(audit.entries[0]?.errorCode, UNSUPPORTED_DEVICE.code);
      assert.ok(sent.length > 0 && sent.every((c) => c.startsWith('00a404')), sent.join(' '));
    });
  },
);

test(
  'tapped passport: MRZ prompt (CAN offered), a wrong key is asked again without a retry by the kiosk, then a valid identity verdict audited as passport',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    const chip = new VirtualPassport();
    await rig(
      'identity',
      chip,
      async ({ host, audit, screen }) => {
        let s = await screen(['input']);
        assert.ok(
          s.screen === 'input' &&
            s.kind === 'mrz' &&
            s.digits === 24 &&
            s.alternative?.kind === 'can' &&
            s.alternative.digits === 6,
          JSON.stringify(s),
        );
        // A check digit that does not match never reaches the chip: the host asks again.
        host.submitInput(s.txId, 'TK1234567' + '9' + '900401' + '2' + '310401' + '3');
        await until(() => {
          const x = host.snapshot().screen;
          return x.screen === 'input' && x.retry;
        }, 10_000);
        assert.equal(chip.failedAccess, 0);
        // Right check digits, wrong birth date: the chip refuses (63 00) once; the kiosk asks again.
        s = host.snapshot().screen;
        assert.ok(s.screen === 'input');
        host.submitInput(s.txId, mrzInformation({ ...TEST_HOLDER, birthDate: '900402' }));
        await until(() => chip.failedAccess === 1 && host.snapshot().screen.screen === 'input', 10_000);
        s = host.snapshot().screen;
        assert.ok(s.screen === 'input' && s.retry);
        host.submitInput(s.txId, mrzInformation(TEST_HOLDER));
        s = await screen(['verdict', 'error']);
        assert.ok(
          s.screen === 'verdict' && s.verdict === 'valid' && s.document === 'passport',
          JSON.stringify(s).slice(0, 600),
        );
        assert.equal(s.attributes.document_number, 'TK1234567');
        assert.equal(s.attributes.nationality, 'JPN');
        assert.equal(chip.failedAccess, 1, 'one chip try per person action');
        assert.equal(audit.entries[0]!.credentialType, 'passport');
        assert.equal(audit.entries[0]!.docType, 'icao.passport.bac');
        assert.ok(!JSON.stringify(audit.entries).includes('TK1234567'));
      },
      PASSPORT_ATR,
    );
  },
);
