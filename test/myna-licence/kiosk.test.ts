// The kiosk's one PC/SC reader with a マイナ免許証 tapped through the real pcscd + vpcd: the counter
// setting decides how it is read. Set to licences: the licence PIN prompt, the amber unverified
// verdict with the staff confirmation, audited as jp.driving-licence.mynumber-card. Default: read as
// a My Number Card (its own prompt), and in age-check mode always so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { TapDispatcher, tapReaders } from '../../main/host/readers/tap.ts';
import { VpcdCard } from '../../sim/card/vpcd-link.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { VirtualMynaLicenceAp, type MynaLicenceFault } from '../../sim/licence/virtual-myna-licence-ap.ts';
import type { Mode, MynaLicenceReading, Screen } from '../../main/api/contract.ts';
import { until } from '../kiosk/helpers.ts';

const skip = pcscdUnavailable();
const TRUST = join(import.meta.dirname, '..', '..', 'resources', 'test-trust');

async function rig(mode: Mode, mynaLicence: MynaLicenceReading, faults: MynaLicenceFault[], fn: (r: { host: KioskHost; audit: MemoryAuditSink; card: VirtualMyNumberCard; ap: VirtualMynaLicenceAp; screen(kinds: Screen['screen'][]): Promise<Screen> }) => Promise<void>) {
  await withVirtualReader(async ({ port, readerName }) => {
    const settings = new SettingsStore(null);
    settings.update({ mode, wipeSeconds: 60, readers: { card: true, mdoc: true }, mynaLicence });
    const dispatcher = new TapDispatcher({ readerName });
    const { card: cardReader, phone } = tapReaders({ dispatcher, trustDir: TRUST, mynaLicence: () => settings.get().mynaLicence });
    const audit = new MemoryAuditSink();
    const host = new KioskHost({ readers: [cardReader, phone], settings, audit, inputTimeoutMs: 20_000 });
    host.start();
    const ap = new VirtualMynaLicenceAp({ faults });
    const card = new VirtualMyNumberCard({ licenceAp: ap });
    const link = new VpcdCard(card, port);
    try {
      await host.whenIdle();
      await link.insert();
      await fn({
        host, audit, card, ap,
        async screen(kinds) {
          await until(() => kinds.includes(host.snapshot().screen.screen), 20_000);
          return host.snapshot().screen;
        },
      });
    } finally {
      await link.remove();
      await until(() => !dispatcher.tagPresent, 3000).catch(() => undefined);
      await host.stop();
    }
  });
}

test('counter reads マイナ免許証 as licences (identity): licence PIN prompt, amber unverified with the expiry, staff confirmation audited', { skip: skip ?? false, timeout: 60_000 }, async () => {
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
    assert.deepEqual(audit.entries.map((e) => [e.outcome, e.credentialType, e.docType]), [['unverified', 'driving-licence', 'jp.driving-licence.mynumber-card'], ['staff-confirmed', 'driving-licence', 'jp.driving-licence.mynumber-card']]);
    assert.equal(card.myNumberTouched, false);
    assert.ok(!card.log.some((l) => (l.ap === 'text' || l.ap === 'face') && !l.command.startsWith('00a404')), 'the My Number APs were only probed by SELECT');
  });
});

test('a wrong licence PIN ends the transaction with the tries left; the kiosk does not send it again', { skip: skip ?? false, timeout: 60_000 }, async () => {
  await rig('entrance', 'driving-licence', [], async ({ host, screen, ap, audit }) => {
    const s = await screen(['input']);
    assert.ok(s.screen === 'input' && s.kind === 'myna-licence-pin');
    host.submitInput(s.txId, '0000');
    const e = await screen(['error', 'verdict']);
    assert.ok(e.screen === 'error' && e.error.code === 'myna_licence_pin_wrong', JSON.stringify(e));
    assert.equal(ap.tries, 9);
    assert.equal(audit.entries[0]?.errorCode, 'myna_licence_pin_wrong');
  });
});

test('one try left: the kiosk asks, then refuses to send the PIN (counter unchanged)', { skip: skip ?? false, timeout: 60_000 }, async () => {
  await rig('identity', 'driving-licence', ['one-try-left'], async ({ host, screen, ap }) => {
    const s = await screen(['input']);
    assert.ok(s.screen === 'input');
    host.submitInput(s.txId, '2580');
    const e = await screen(['error', 'verdict']);
    assert.ok(e.screen === 'error' && e.error.code === 'myna_licence_pin_one_try_left', JSON.stringify(e));
    assert.equal(ap.tries, 1);
  });
});

test('default counter setting, and the age check whatever the setting: the card is read as a My Number Card', { skip: skip ?? false, timeout: 90_000 }, async () => {
  for (const [mode, setting] of [['identity', 'mynumber-card'], ['age-over-20', 'driving-licence']] as const) {
    await rig(mode, setting, [], async ({ screen, card }) => {
      const s = await screen(['input']);
      assert.ok(s.screen === 'input' && s.kind !== 'myna-licence-pin' && !s.kind.startsWith('licence'), `${mode}/${setting}: ${JSON.stringify(s)}`);
      assert.ok(!card.log.some((l) => l.ap === 'licence' && !l.command.startsWith('00a404')), 'the licence AP was only probed');
    });
  }
});
