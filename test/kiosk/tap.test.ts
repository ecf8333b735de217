// One PC/SC reader for cards AND phones (main/host/readers/tap.ts): the kiosk host in production
// wiring (TapCardReader + PhoneReader sharing one TapDispatcher, both armed while idle) with the
// virtual wallet as an ISO 14443-4 card on a vpcd reader, read through the real pcscd and pcsclite;
// the virtual My Number card on the SAME reader still goes to the card path. BLE is the simulated
// radio under the real noble / bleno adapters (as in phone-reader.test.ts). Unit tests of the probe
// and the phone guard run without pcscd.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { TapDispatcher, tapReaders } from '../../main/host/readers/tap.ts';
import { PcscContext } from '../../main/pcsc/pcsc-reader.ts';
import { probeTap, ProbeGuardError, TapGuard } from '../../main/host/readers/tap-probe.ts';
import { PhoneApduGuard, PhoneGuardError } from '../../core/mdoc/phone-apdu-guard.ts';
import { GuardedLink } from '../../core/apdu-link.ts';
import { makeWallet, SimWorld, type ScenarioName } from '../../main/mdoc-reader/simulate.ts';
import { selectsBle } from '../../main/mdoc-reader/simulated-nfc.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { parseHandoverRequest, type ApduChannel } from '../../core/mdoc/engagement/index.ts';
import { GEN1_CARD_FACE_AP_AID, GEN1_JPKI_AP_AID, GEN1_TEXT_AP_AID } from '../../core/card/profile.ts';
import { TagGone, WalletNfcTag } from '../../sim/wallet/nfc-tag.ts';
import { VpcdCard } from '../../sim/wallet/vpcd.ts';
import type { VirtualWallet } from '../../sim/wallet/holder.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { startSimulatedCard, parseSimulateSpec, type SimulationSpec } from '../../sim/card/simulate.ts';
import { DEFAULT_HOLDER, checkNumberBOf } from '../../sim/card/holder.ts';
import type { Mode, Screen } from '../../api/contract.ts';
import { until } from './helpers.ts';

const skip = pcscdUnavailable();
if (skip) console.log(`# tap tests through pcscd skipped: ${skip}`);
const TRUST = join(import.meta.dirname, '..', '..', 'resources', 'test-trust');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const MY_NUMBER_AIDS = [GEN1_TEXT_AP_AID, GEN1_CARD_FACE_AP_AID, GEN1_JPKI_AP_AID].map((a) => a.toLowerCase());

/** Commands a card could take as a PIN VERIFY, or a My Number AP selection: none may reach a phone. */
function cardOnlyCommands(apdus: string[]): string[] {
  return apdus.filter(
    (a) => a.slice(2, 4) === '20' || MY_NUMBER_AIDS.some((aid) => a.startsWith('00a404') && a.includes(aid)),
  );
}

// ---- without pcscd: the probe and the guard --------------------------------------------------------

const memoryChannel = (f: (a: Uint8Array) => Uint8Array | Promise<Uint8Array>): ApduChannel & { sent: string[] } => {
  const sent: string[] = [];
  return { sent, transmit: async (a) => (sent.push(hex(a)), f(a)) };
};

test('probe: the virtual wallet answers the NDEF application -> phone, after one SELECT', async () => {
  const wallet = makeWallet('apple', nodeCrypto, new Date());
  wallet.newTransaction();
  const tag = new WalletNfcTag(wallet);
  const ch = memoryChannel((a) => tag.process(a));
  const p = await probeTap(ch);
  assert.deepEqual(p, { kind: 'phone', answered: 'ndef', apdus: 1 });
  assert.deepEqual(ch.sent, ['00a4040007d276000085010100']);
});

test('probe: the virtual My Number card refuses both phone applications (6A82) -> card; identified by SELECTs of applications only, nothing read', async () => {
  const card = new VirtualMyNumberCard();
  const ch = memoryChannel((a) => card.process(a));
  const p = await probeTap(ch);
  // 2 phone AIDs, then licence DF1, residence DF1, the text AP (answers), the マイナ免許証 AP.
  assert.deepEqual(p, { kind: 'card', answered: null, document: 'mynumber-card', apdus: 6 });
  assert.deepEqual(
    card.log.map((l) => l.sw),
    ['6a82', '6a82', '6a82', '6a82', '9000', '6a82'],
  );
  assert.ok(
    card.log.every((l) => l.command.startsWith('00a404')),
    'only SELECT by name',
  );
  assert.equal(card.myNumberTouched, false);
});

test('probe: a driving licence, a residence card, a passport and an unsupported card are told apart by AID', async () => {
  const { VirtualLicence } = await import('../../sim/licence/virtual-licence.ts');
  const { VirtualResidenceCard } = await import('../../sim/residence-card/virtual-residence-card.ts');
  const lic = new VirtualLicence();
  assert.deepEqual(await probeTap(memoryChannel((a) => lic.process(a))), {
    kind: 'card',
    answered: null,
    document: 'driving-licence',
    apdus: 3,
  });
  const rc = new VirtualResidenceCard();
  assert.deepEqual(await probeTap(memoryChannel((a) => rc.process(a))), {
    kind: 'card',
    answered: null,
    document: 'residence-card',
    apdus: 4,
  });
  const { VirtualPassport } = await import('../../sim/passport/virtual-passport.ts');
  const pp = new VirtualPassport();
  const ppCh = memoryChannel((a) => pp.process(a));
  assert.deepEqual(await probeTap(ppCh), { kind: 'card', answered: null, document: 'passport', apdus: 7 });
  assert.ok(
    ppCh.sent.every((a) => a.startsWith('00a404')) && pp.failedAccess === 0,
    'the probe only SELECTs: no access key is tried',
  );
  const other = memoryChannel(() => Uint8Array.of(0x6a, 0x82));
  // 2 phone AIDs + licence + residence card + 2 My Number APs + the ICAO eMRTD application.
  assert.deepEqual(await probeTap(other), { kind: 'unsupported', answered: null, document: null, apdus: 7 });
  assert.ok(
    other.sent.every((a) => a.startsWith('00a404')),
    other.sent.join(' '),
  );
  assert.ok(
    !lic.log.some((l) => !l.command.startsWith('00a404')) && !rc.log.some((l) => !l.command.startsWith('00a404')),
  );
});

test('probe: a phone that only offers NFC data retrieval (mdoc AID) is still a phone, never sent to the card path', async () => {
  const ch = memoryChannel((a) =>
    hex(a).includes('a0000002480400') ? Uint8Array.of(0x90, 0x00) : Uint8Array.of(0x6a, 0x82),
  );
  assert.deepEqual(await probeTap(ch), { kind: 'phone', answered: 'mdoc', apdus: 2 });
});

test('phone guard: PIN VERIFY, My Number AP selects and other card commands never reach a phone; mdoc NFC commands pass', async () => {
  const inner = memoryChannel(() => Uint8Array.of(0x90, 0x00));
  const guard = new PhoneApduGuard();
  const g = new GuardedLink(inner, guard);
  const refused = [
    '0020008004' + '31323334', // VERIFY (4-digit PIN)
    '00a4040c0a' + GEN1_TEXT_AP_AID, // SELECT the text AP
    '00a4040c0a' + GEN1_JPKI_AP_AID,
    '002a00be00', // PSO signature
    '0024000000', // CHANGE REFERENCE DATA
    '002c000000', // RESET RETRY COUNTER
    '00b0810000', // READ BINARY with a short EF id
    '80a4040000',
  ];
  for (const c of refused) await assert.rejects(g.transmit(Buffer.from(c, 'hex')), PhoneGuardError, c);
  const allowed = [
    '00a4040007d276000085010100',
    '00a4000c02e103',
    '00b000000f',
    '00d6000002000a',
    '00a4040007a000000248040000',
    '10c3000005530312345600',
    '00c0000000',
  ];
  for (const c of allowed) await g.transmit(Buffer.from(c, 'hex'));
  assert.deepEqual(inner.sent, allowed);
  assert.equal(guard.refused, refused.length);
});

test('tap guard: before the probe has called the item a phone, only SELECT by name passes; after, the phone rules', async () => {
  const inner = memoryChannel(() => Uint8Array.of(0x90, 0x00));
  const guard = new TapGuard();
  const link = new GuardedLink(inner, guard);
  // What a probe sends: SELECTs by name, of phone and card applications alike (they read nothing).
  const probe = ['00a4040007d276000085010100', ('00a4040c0a' + GEN1_TEXT_AP_AID).toLowerCase()];
  for (const c of probe) await link.transmit(Buffer.from(c, 'hex'));
  // Nothing else, whatever the item is: no VERIFY, no READ BINARY, no ENVELOPE before the probe decided.
  for (const c of ['0020008004' + '31323334', '00b0000000', '00a4020c020001', '10c3000005530312345600'])
    await assert.rejects(link.transmit(Buffer.from(c, 'hex')), ProbeGuardError, c);
  guard.phoneFound();
  await link.transmit(Buffer.from('00b000000f', 'hex'));
  await assert.rejects(link.transmit(Buffer.from('00a4040c0a' + GEN1_TEXT_AP_AID, 'hex')), PhoneGuardError);
  assert.deepEqual(inner.sent, [...probe, '00b000000f']);
});

// ---- through pcscd + vpcd: the kiosk host ---------------------------------------------------------

/** The phone's BLE UUID after the handover: the Hs's, else the one the kiosk proposed in its Hr. */
function uuidAfterHandover(
  wallet: VirtualWallet,
  h: { handoverSelect: Uint8Array; handoverRequest?: Uint8Array },
): string {
  if (wallet.profile.uuidInHandoverSelect || !h.handoverRequest) return wallet.currentEngagement!.bleUuid;
  const ble = parseHandoverRequest(h.handoverRequest).carriers.find((c) => c.kind === 'ble');
  return ble && ble.kind === 'ble' && ble.uuid ? ble.uuid : wallet.currentEngagement!.bleUuid;
}

interface Rig {
  host: KioskHost;
  audit: MemoryAuditSink;
  dispatcher: TapDispatcher;
  /** Put the virtual wallet on the reader; resolves once it has left again (taken away or walked off). */
  tapPhone(
    scenario: ScenarioName,
  ): Promise<{ apdus: string[]; wallet: VirtualWallet; tag: WalletNfcTag; remove(): Promise<void> }>;
  tapCard(simulate: string): Promise<{ card: VirtualMyNumberCard; remove(): Promise<void> }>;
  waitScreen(kinds: Screen['screen'][], ms?: number): Promise<Screen>;
  /** PC/SC contexts opened since the kiosk started. */
  contextsOpened(): number;
}

async function withKiosk(
  o: {
    mode: Mode;
    bluetooth: boolean;
    wipeSeconds?: number;
    phones?: boolean;
    cards?: boolean;
    phoneTransport?: 'ble' | 'nfc';
  },
  fn: (rig: Rig) => Promise<void>,
): Promise<void> {
  await withVirtualReader(async ({ port, readerName }) => {
    const world = new SimWorld();
    const dispatcher = new TapDispatcher({ readerName });
    const settings = new SettingsStore(null);
    settings.update({
      mode: o.mode,
      wipeSeconds: o.wipeSeconds ?? 60,
      readers: { card: o.cards ?? true, mdoc: o.phones ?? true },
      phoneTransport: o.phoneTransport ?? 'ble',
    });
    const { card, phone } = tapReaders({
      dispatcher,
      trustDir: TRUST,
      ...(o.bluetooth ? { ble: world.reader, bleNote: 'sim radio' } : {}),
      timeouts: { engagementMs: 10_000, connectMs: 5000, responseMs: 5000 },
      preferTransport: () => settings.get().phoneTransport,
    });
    const audit = new MemoryAuditSink();
    const host = new KioskHost({ readers: [card, phone], settings, audit, inputTimeoutMs: 20_000 });
    const contexts = PcscContext.opened;
    host.start();
    const present: { remove(): Promise<void> }[] = [];
    // pcscd polls vpcd for presence: a card put on within one poll of the last one leaving would
    // never be powered up (every APDU fails), so each removal waits until pcscd has seen it.
    const leftReader = () => until(() => !dispatcher.tagPresent, 3000).catch(() => undefined);
    const rig: Rig = {
      host,
      audit,
      dispatcher,
      async tapPhone(scenario) {
        const wallet = makeWallet(scenario, nodeCrypto, new Date());
        wallet.newTransaction();
        wallet.onHandover = (h) => {
          // The phone's BLE side runs only when its Handover Select chose BLE and a radio is there.
          if (h && o.bluetooth && selectsBle(h.handoverSelect))
            void world.walletBle(wallet, uuidAfterHandover(wallet, h), wallet.bleModes, 30_000);
        };
        const tag = new WalletNfcTag(wallet);
        const apdus: string[] = [];
        const vpcd = await VpcdCard.connect({
          port,
          onApdu: async (a) => {
            apdus.push(hex(a));
            try {
              return await tag.process(a);
            } catch (e) {
              if (e instanceof TagGone) return null; // walks away: the link drops mid-command
              throw e;
            }
          },
        });
        const p = {
          apdus,
          wallet,
          tag,
          async remove() {
            wallet.onHandover = null;
            vpcd.close();
            await Promise.race([vpcd.closed, new Promise((r) => setTimeout(r, 1000))]);
            await leftReader();
          },
        };
        present.push(p);
        return p;
      },
      async tapCard(simulate) {
        const sim = await startSimulatedCard(parseSimulateSpec(simulate) as SimulationSpec, port);
        const p = {
          card: sim.card,
          remove: async () => {
            await sim.link.remove();
            await leftReader();
          },
        };
        present.push(p);
        return p;
      },
      contextsOpened: () => PcscContext.opened - contexts,
      async waitScreen(kinds, ms = 20_000) {
        await until(() => kinds.includes(host.snapshot().screen.screen), ms);
        return host.snapshot().screen;
      },
    };
    try {
      await host.whenIdle();
      await fn(rig);
    } finally {
      for (const p of present) await p.remove().catch(() => undefined);
      await host.stop();
      world.shutdown();
    }
  });
}

const timings: Record<string, number> = {};
after(() => {
  if (Object.keys(timings).length) console.log(`# tap-to-verdict through pcscd (ms): ${JSON.stringify(timings)}`);
});

test(
  'Apple-like wallet tapped on the kiosk reader (negotiated handover -> BLE central client): verified 20+ verdict, nothing else shown, audited as an NFC engagement',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk(
      { mode: 'age-over-20', bluetooth: true },
      async ({ host, audit, tapPhone, waitScreen, dispatcher }) => {
        const t0 = performance.now();
        const phone = await tapPhone('apple');
        const v = await waitScreen(['verdict', 'error']);
        timings['apple age-over-20 (NFC + BLE)'] = Math.round(performance.now() - t0);
        assert.equal(v.screen, 'verdict', JSON.stringify(v));
        assert.ok(v.screen === 'verdict');
        assert.equal(v.reader, 'mdoc');
        assert.equal(v.verdict, 'valid', JSON.stringify(v.checks.filter((c) => !c.ok)));
        assert.deepEqual(Object.keys(v.attributes), ['age_over_20']);
        assert.equal(v.attributes.age_over_20, true);
        const e = audit.entries[0]!;
        assert.equal(e.reader, 'mdoc');
        assert.equal(e.credentialType, 'mdoc');
        assert.equal(e.engagement, 'nfc');
        assert.equal(e.transport, 'ble-central');
        assert.equal(e.outcome, 'valid');
        assert.match(e.issuerKeyId ?? '', /^[0-9a-f]{64}$/);
        // The phone saw the probe, then the NFC engagement: no card command, no My Number AP.
        assert.equal(phone.apdus[0], '00a4040007d276000085010100');
        assert.deepEqual(cardOnlyCommands(phone.apdus), []);
        assert.deepEqual(dispatcher.counts, { card: 0, phone: 1, unsupported: 0, ignored: 0, lostDuringProbe: 0 });
        void host;
      },
    );
  },
);

test(
  'static-handover wallet tapped (BLE peripheral server): verified identity verdict with the name',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk({ mode: 'identity', bluetooth: true }, async ({ audit, tapPhone, waitScreen }) => {
      const t0 = performance.now();
      const phone = await tapPhone('static');
      const v = await waitScreen(['verdict', 'error']);
      timings['static identity (NFC + BLE)'] = Math.round(performance.now() - t0);
      assert.ok(v.screen === 'verdict', JSON.stringify(v));
      assert.equal(v.verdict, 'valid', JSON.stringify(v.checks.filter((c) => !c.ok)));
      assert.ok(v.attributes.name && v.attributes.name.length > 0);
      assert.equal(v.attributes.age_over_20, undefined);
      assert.equal(audit.entries[0]!.engagement, 'nfc');
      assert.equal(audit.entries[0]!.transport, 'ble-peripheral');
      assert.deepEqual(cardOnlyCommands(phone.apdus), []);
    });
  },
);

test(
  'kiosk without Bluetooth: a tapped phone is read by NFC data retrieval on the same link: verified 20+ verdict, audited transport nfc',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk({ mode: 'age-over-20', bluetooth: false }, async ({ audit, tapPhone, waitScreen }) => {
      const t0 = performance.now();
      const phone = await tapPhone('nfc');
      const v = await waitScreen(['verdict', 'error']);
      timings['generic age-over-20 (NFC only)'] = Math.round(performance.now() - t0);
      assert.ok(v.screen === 'verdict', JSON.stringify(v));
      assert.equal(v.verdict, 'valid', JSON.stringify(v.checks.filter((c) => !c.ok)));
      assert.deepEqual(Object.keys(v.attributes), ['age_over_20']);
      assert.equal(audit.entries[0]!.engagement, 'nfc');
      assert.equal(audit.entries[0]!.transport, 'nfc');
      assert.ok(
        phone.apdus.slice(1).some((a) => a.startsWith('00a404') && a.includes('07a0000002480400')),
        'mdoc application selected for data retrieval',
      );
      assert.deepEqual(cardOnlyCommands(phone.apdus), []);
    });
  },
);

test(
  'phone lifted off the reader mid-read: nfc_tag_lost with what to do next, audited; the kiosk returns to idle by itself and reads the next tap',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk(
      { mode: 'age-over-20', bluetooth: false, wipeSeconds: 3 },
      async ({ host, audit, tapPhone, waitScreen }) => {
        const away = await tapPhone('nfc-walk-away');
        const s = await waitScreen(['verdict', 'error']);
        assert.equal(s.screen, 'error', JSON.stringify(s));
        assert.ok(s.screen === 'error');
        assert.equal(s.reader, 'mdoc');
        assert.equal(s.error.code, 'nfc_tag_lost');
        assert.match(s.error.nextJa, /スマートフォン/);
        assert.equal(audit.entries[0]!.outcome, 'error');
        assert.equal(audit.entries[0]!.errorCode, 'nfc_tag_lost');
        assert.equal(audit.entries[0]!.engagement, 'nfc');
        await away.remove();
        await waitScreen(['idle'], 10_000);
        await host.whenIdle();
        const next = await tapPhone('nfc');
        const v = await waitScreen(['verdict', 'error']);
        assert.ok(v.screen === 'verdict', JSON.stringify(v));
        assert.equal(v.verdict, 'valid');
        assert.equal(audit.entries.length, 2);
        await next.remove();
      },
    );
  },
);

test(
  'the My Number Card on the same shared reader still goes to the card path (照合番号B, verified); then a phone on the same reader goes to the phone path',
  { skip: skip ?? false, timeout: 90_000 },
  async () => {
    await withKiosk(
      { mode: 'age-over-20', bluetooth: true, wipeSeconds: 3 },
      async ({ host, audit, tapCard, tapPhone, waitScreen, dispatcher, contextsOpened }) => {
        const t0 = performance.now();
        const card = await tapCard('card');
        const s = await waitScreen(['input', 'error', 'verdict']);
        assert.ok(s.screen === 'input' && s.kind === 'matching-b' && s.reader === 'card', JSON.stringify(s));
        assert.ok(host.submitInput(s.txId, checkNumberBOf({ ...DEFAULT_HOLDER })));
        const v = await waitScreen(['verdict', 'error']);
        timings['card age-over-20 (incl. keypad)'] = Math.round(performance.now() - t0);
        assert.ok(v.screen === 'verdict', JSON.stringify(v));
        assert.equal(v.verdict, 'valid', JSON.stringify(v.checks.filter((c) => !c.ok)));
        assert.deepEqual(v.attributes, { age_over_20: true });
        assert.equal(audit.entries[0]!.credentialType, 'mynumber-card');
        assert.equal(audit.entries[0]!.engagement, 'card');
        // The card saw the two phone-probe SELECTs (refused, nothing selected) and the card-application
        // SELECT before the card path's own.
        // Probe: the 2 phone AIDs, then the document identification (licence DF1, residence card DF1, the text AP, the licence AP).
        assert.deepEqual(
          card.card.log.slice(0, 6).map((l) => [l.command.slice(0, 8), l.sw]),
          [
            ['00a40400', '6a82'],
            ['00a40400', '6a82'],
            ['00a4040c', '6a82'],
            ['00a4040c', '6a82'],
            ['00a4040c', '9000'],
            ['00a4040c', '6a82'],
          ],
        );
        assert.equal(card.card.myNumberTouched, false);
        // The probe and the card read used the dispatcher's context: one context for the reader.
        assert.equal(contextsOpened(), 1);
        await card.remove();
        await waitScreen(['idle'], 10_000);
        await host.whenIdle();
        const phone = await tapPhone('apple');
        const p = await waitScreen(['verdict', 'error']);
        assert.ok(p.screen === 'verdict' && p.reader === 'mdoc', JSON.stringify(p));
        assert.equal(p.verdict, 'valid');
        assert.deepEqual(cardOnlyCommands(phone.apdus), []);
        assert.equal(dispatcher.counts.card, 1);
        assert.equal(dispatcher.counts.phone, 1);
      },
    );
  },
);

test(
  'Apple-like wallet walks out of BLE range after the request: a transport error, audited; back to idle, the next tap reads',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk(
      { mode: 'age-over-20', bluetooth: true, wipeSeconds: 3 },
      async ({ host, audit, tapPhone, waitScreen }) => {
        const away = await tapPhone('apple-walk-away');
        const s = await waitScreen(['verdict', 'error']);
        assert.ok(s.screen === 'error', JSON.stringify(s));
        assert.match(s.error.code, /^transport_(disconnected|link_lost|timeout)$/);
        assert.match(s.error.nextJa, /スマートフォン/);
        assert.equal(audit.entries[0]!.outcome, 'error');
        assert.equal(audit.entries[0]!.engagement, 'nfc');
        await away.remove();
        await waitScreen(['idle'], 10_000);
        await host.whenIdle();
        await tapPhone('apple');
        const v = await waitScreen(['verdict', 'error']);
        assert.ok(v.screen === 'verdict' && v.verdict === 'valid', JSON.stringify(v));
      },
    );
  },
);

test(
  'phone reading switched off in settings: a tapped phone is left alone (not read as a card, no My Number SELECT), the kiosk stays idle',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk(
      { mode: 'age-over-20', bluetooth: true, phones: false },
      async ({ host, audit, tapPhone, dispatcher }) => {
        const phone = await tapPhone('apple');
        await until(() => dispatcher.counts.ignored === 1, 5000);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(host.snapshot().screen.screen, 'idle');
        assert.equal(audit.entries.length, 0);
        assert.deepEqual(phone.apdus, ['00a4040007d276000085010100'], 'only the probe');
        assert.deepEqual(dispatcher.counts, { card: 0, phone: 0, unsupported: 0, ignored: 1, lostDuringProbe: 0 });
        const s = host.snapshot().screen;
        assert.equal(
          s.screen === 'idle' && s.notice?.code,
          'phone_not_accepted',
          'the idle screen tells the holder phones are not read here',
        );
      },
    );
  },
);

test(
  'card reading switched off in settings: a tapped card is left alone (no card command beyond the probe), and the idle screen says to use the phone',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk(
      { mode: 'age-over-20', bluetooth: true, cards: false },
      async ({ host, audit, tapCard, dispatcher }) => {
        const { card } = await tapCard('card');
        await until(() => dispatcher.counts.ignored === 1, 5000);
        await until(() => {
          const s = host.snapshot().screen;
          return s.screen === 'idle' && s.notice?.code === 'card_not_accepted';
        }, 3000);
        assert.equal(audit.entries.length, 0);
        assert.equal(
          card.log.filter((a) => !a.command.startsWith('00a404')).length,
          0,
          'nothing but the probe SELECTs reached the card',
        );
        assert.deepEqual(dispatcher.counts, { card: 0, phone: 0, unsupported: 0, ignored: 1, lostDuringProbe: 0 });
      },
    );
  },
);

test(
  'a phone serving a malformed NDEF message: a specific ndef_ error at engagement, telling the holder to tap again or show the QR code',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk({ mode: 'age-over-20', bluetooth: true }, async ({ audit, tapPhone, waitScreen }) => {
      await tapPhone('malformed-ndef');
      const s = await waitScreen(['verdict', 'error']);
      assert.ok(s.screen === 'error', JSON.stringify(s));
      assert.match(s.error.code, /^ndef_/);
      assert.match(s.error.nextJa, /かざして/);
      assert.equal(audit.entries[0]!.outcome, 'error');
      assert.equal(audit.entries[0]!.engagement, 'nfc');
    });
  },
);

test(
  'the named PC/SC reader is not attached: both readers say so, the kiosk stays idle, and it closes cleanly',
  { skip: skip ?? false, timeout: 30_000 },
  async () => {
    const dispatcher = new TapDispatcher({ readerName: 'No Such Reader 00 00' });
    const { card, phone } = tapReaders({ dispatcher, trustDir: TRUST });
    const settings = new SettingsStore(null);
    settings.update({ mode: 'age-over-20', readers: { card: true, mdoc: true } });
    const host = new KioskHost({ readers: [card, phone], settings, audit: new MemoryAuditSink() });
    host.start();
    try {
      await until(() => card.status().state === 'unplugged', 10_000);
      assert.match(card.status().detail ?? '', /No Such Reader/);
      assert.equal(host.snapshot().screen.screen, 'idle');
      // Without Bluetooth the phone reader has nothing left to read with.
      assert.equal(phone.status().state, 'unavailable');
    } finally {
      await host.stop();
    }
  },
);

// ---- negotiated handover: the kiosk offers every carrier it can run; retrieval follows the Hs --------

/** The kiosk's Handover Request as the wallet received it: which carriers, NFC limits, BLE modes. */
function offeredBy(wallet: VirtualWallet): {
  order: string[];
  nfc?: { maxCommandDataLength?: number; maxResponseDataLength?: number };
  ble?: { cc: boolean; ps: boolean };
} {
  const h = (wallet as unknown as { handover: [Uint8Array, Uint8Array | null] | null }).handover;
  assert.ok(h && h[1], 'a negotiated handover took place');
  const hr = parseHandoverRequest(h[1]!);
  const out: ReturnType<typeof offeredBy> = { order: hr.carriers.map((c) => c.kind) };
  for (const c of hr.carriers) {
    if (c.kind === 'nfc')
      out.nfc = {
        ...(c.maxCommandDataLength !== undefined ? { maxCommandDataLength: c.maxCommandDataLength } : {}),
        ...(c.maxResponseDataLength !== undefined ? { maxResponseDataLength: c.maxResponseDataLength } : {}),
      };
    if (c.kind === 'ble') out.ble = { cc: c.centralClientMode, ps: c.peripheralServerMode };
  }
  return out;
}

test(
  'negotiated handover, kiosk without Bluetooth: the Hr offers NFC only (255/256, the real short-APDU limits), the phone selects NFC, data retrieval over NFC: verified, audited nfc',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk({ mode: 'age-over-20', bluetooth: false }, async ({ audit, tapPhone, waitScreen }) => {
      const phone = await tapPhone('negotiated');
      const v = await waitScreen(['verdict', 'error']);
      assert.ok(v.screen === 'verdict' && v.verdict === 'valid', JSON.stringify(v));
      assert.deepEqual(offeredBy(phone.wallet), {
        order: ['nfc'],
        nfc: { maxCommandDataLength: 255, maxResponseDataLength: 256 },
      });
      assert.ok(phone.tag.log.includes('hs selects nfc'), phone.tag.log.join(' | '));
      assert.equal(audit.entries[0]!.engagement, 'nfc');
      assert.equal(audit.entries[0]!.transport, 'nfc');
      assert.deepEqual(cardOnlyCommands(phone.apdus), []);
    });
  },
);

test(
  'negotiated handover, phone that selects only BLE (Apple-like), kiosk with Bluetooth: the Hr offers BLE (both modes) and NFC, retrieval over BLE central client',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk({ mode: 'age-over-20', bluetooth: true }, async ({ audit, tapPhone, waitScreen }) => {
      const phone = await tapPhone('apple');
      const v = await waitScreen(['verdict', 'error']);
      assert.ok(v.screen === 'verdict' && v.verdict === 'valid', JSON.stringify(v));
      const offer = offeredBy(phone.wallet);
      assert.deepEqual(offer.order, ['ble', 'nfc']);
      assert.deepEqual(offer.ble, { cc: true, ps: true });
      assert.equal(audit.entries[0]!.transport, 'ble-central');
    });
  },
);

for (const pref of ['nfc', 'ble'] as const) {
  test(
    `negotiated handover, phone that selects both, staff preference ${pref}: the Hr lists ${pref} first and data retrieval runs over ${pref}`,
    { skip: skip ?? false, timeout: 60_000 },
    async () => {
      await withKiosk(
        { mode: 'age-over-20', bluetooth: true, phoneTransport: pref },
        async ({ audit, tapPhone, waitScreen }) => {
          const phone = await tapPhone('negotiated');
          const v = await waitScreen(['verdict', 'error']);
          assert.ok(v.screen === 'verdict' && v.verdict === 'valid', JSON.stringify(v));
          assert.deepEqual(offeredBy(phone.wallet).order, pref === 'nfc' ? ['nfc', 'ble'] : ['ble', 'nfc']);
          assert.ok(phone.tag.log.includes('hs selects ble+nfc'), phone.tag.log.join(' | '));
          assert.equal(audit.entries[0]!.transport, pref === 'nfc' ? 'nfc' : 'ble-central');
        },
      );
    },
  );
}

test(
  'negotiated handover, Hs that selects nothing (a BLE-only phone at a kiosk without Bluetooth): handover_no_carrier, audited, tells the holder what to do',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk({ mode: 'age-over-20', bluetooth: false }, async ({ audit, tapPhone, waitScreen }) => {
      const phone = await tapPhone('negotiated-ble');
      const s = await waitScreen(['verdict', 'error']);
      assert.ok(s.screen === 'error', JSON.stringify(s));
      assert.equal(s.error.code, 'handover_no_carrier');
      assert.match(s.error.nextEn, /QR code/);
      assert.ok(
        phone.tag.log.includes('hr offers nfc') && phone.tag.log.includes('hs selects nothing'),
        phone.tag.log.join(' | '),
      );
      assert.equal(audit.entries[0]!.outcome, 'error');
      assert.equal(audit.entries[0]!.errorCode, 'handover_no_carrier');
    });
  },
);

test(
  'a phone that selects only BLE at a kiosk without Bluetooth: phone_needs_bluetooth (ja/en: use the QR code or the card), audited, not a generic failure',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withKiosk({ mode: 'age-over-20', bluetooth: false }, async ({ audit, tapPhone, waitScreen }) => {
      const phone = await tapPhone('apple');
      const s = await waitScreen(['verdict', 'error']);
      assert.ok(s.screen === 'error', JSON.stringify(s));
      assert.equal(s.error.code, 'phone_needs_bluetooth');
      assert.match(s.error.messageEn, /needs Bluetooth; use the QR code or the card/);
      assert.match(s.error.messageJa, /Bluetooth が必要です。QRコードまたはカード/);
      assert.deepEqual(offeredBy(phone.wallet).order, ['nfc'], 'no BLE offered without an adapter');
      assert.equal(audit.entries[0]!.outcome, 'error');
      assert.equal(audit.entries[0]!.errorCode, 'phone_needs_bluetooth');
      assert.equal(audit.entries[0]!.engagement, 'nfc');
    });
  },
);

test(
  'a contactless item that is neither a phone nor a known card: "not a supported card or phone" (unsupported_device), audited, no keypad, no card read error',
  { skip: skip ?? false, timeout: 60_000 },
  async () => {
    await withVirtualReader(async ({ port, readerName }) => {
      const dispatcher = new TapDispatcher({ readerName });
      const { card, phone } = tapReaders({ dispatcher, trustDir: TRUST });
      const settings = new SettingsStore(null);
      settings.update({ mode: 'age-over-20', readers: { card: true, mdoc: true } });
      const audit = new MemoryAuditSink();
      const host = new KioskHost({ readers: [card, phone], settings, audit });
      host.start();
      const sent: string[] = [];
      // A transit card or a foreign ID: answers every SELECT with 6A82 (ISO 7816-4: not found).
      const vpcd = await VpcdCard.connect({
        port,
        onApdu: async (a) => (sent.push(hex(a)), Uint8Array.of(0x6a, 0x82)),
      });
      try {
        await until(() => ['error', 'input', 'verdict'].includes(host.snapshot().screen.screen), 20_000);
        const s = host.snapshot().screen;
        assert.ok(s.screen === 'error', JSON.stringify(s));
        assert.equal(s.error.code, 'unsupported_device');
        assert.equal(s.error.messageEn, 'Not a supported card or phone');
        assert.match(s.error.messageJa, /対応しているカードまたはスマートフォンではありません/);
        assert.equal(audit.entries[0]!.outcome, 'error');
        assert.equal(audit.entries[0]!.errorCode, 'unsupported_device');
        assert.ok(
          sent.every((a) => a.startsWith('00a404')),
          `only SELECTs: ${sent.join(' ')}`,
        );
        assert.equal(dispatcher.counts.unsupported, 1);
      } finally {
        vpcd.close();
        await Promise.race([vpcd.closed, new Promise((r) => setTimeout(r, 1000))]);
        await host.stop();
      }
    });
  },
);
