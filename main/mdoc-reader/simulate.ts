// The simulated world behind `read-mdoc --simulate`, the tests and the demo: one in-process BLE
// radio (sim/ble) shared by the kiosk's noble + bleno stacks and the virtual wallet's, each over a
// simulated binding, so the reader runs exactly the adapters it runs on real radios
// (main/ble/noble-central.ts, bleno-peripheral.ts). The wallet (sim/wallet) is a separate "device".
import type { EngagementResult } from '../../core/mdoc/engagement/index.ts';
import { bleFromDeviceEngagement, parseQrEngagement, qrEngagementText } from '../../core/mdoc/engagement/index.ts';
import { SimRadio, type RadioOptions } from '../../sim/ble/radio.ts';
import { SimNobleBinding } from '../../sim/ble/noble-binding.ts';
import { SimBlenoBinding } from '../../sim/ble/bleno-binding.ts';
import { walletCentralClient } from '../../sim/wallet/ble-central-client.ts';
import { walletPeripheralServer } from '../../sim/wallet/ble-peripheral-server.ts';
import {
  PROFILES,
  VirtualWallet,
  type BleMode,
  type Misbehaviour,
  type WalletProfile,
} from '../../sim/wallet/holder.ts';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { BlenoGattServerLink } from '../ble/bleno-peripheral.ts';
import { NobleGattClientLink } from '../ble/noble-central.ts';
import { blenoWithBinding, nobleWithBinding, type BlenoLike, type NobleLike } from '../ble/stacks.ts';

/** `--simulate wallet:<name>` scenarios. */
export const SCENARIOS = {
  apple: {
    profile: 'apple',
    engagement: 'nfc',
    misbehaviour: 'none',
    about:
      'Apple-like wallet: NFC negotiated handover, BLE central client mode, no UUID in its Handover Select, DE 1.1',
  },
  qr: {
    profile: 'generic',
    engagement: 'qr',
    misbehaviour: 'none',
    about: 'QR engagement, BLE in both modes offered (the kiosk runs central client)',
  },
  'qr-peripheral': {
    profile: 'generic',
    engagement: 'qr',
    misbehaviour: 'none',
    bleModes: ['peripheral-server'],
    about: 'QR engagement, BLE peripheral server mode only',
  },
  static: {
    profile: 'generic',
    engagement: 'nfc',
    misbehaviour: 'none',
    bleModes: ['peripheral-server'],
    about: 'NFC static handover, BLE peripheral server mode',
  },
  nfc: {
    profile: 'generic',
    engagement: 'nfc',
    misbehaviour: 'none',
    nfcDataRetrieval: true,
    about: 'NFC engagement and NFC data retrieval',
  },
  tamper: {
    profile: 'generic',
    engagement: 'qr',
    misbehaviour: 'tamper',
    about: 'alters a disclosed element (age_over_20) after issuance',
  },
  stale: { profile: 'generic', engagement: 'qr', misbehaviour: 'stale-mso', about: 'its MSO validity ended yesterday' },
  'walk-away': {
    profile: 'generic',
    engagement: 'qr',
    misbehaviour: 'walk-away',
    about: 'walks out of BLE range after reading the request',
  },
  'walk-away-peripheral': {
    profile: 'generic',
    engagement: 'qr',
    misbehaviour: 'walk-away',
    bleModes: ['peripheral-server'],
    about: 'walks away (peripheral server mode: the kiosk sees the supervision timeout)',
  },
  drop: {
    profile: 'generic',
    engagement: 'qr',
    misbehaviour: 'drop-mid-message',
    about: 'the BLE link drops in the middle of its response',
  },
  'drop-peripheral': {
    profile: 'generic',
    engagement: 'qr',
    misbehaviour: 'drop-mid-message',
    bleModes: ['peripheral-server'],
    about: 'link drops mid-response in peripheral server mode',
  },
  'wrong-ident': {
    profile: 'generic',
    engagement: 'qr',
    misbehaviour: 'wrong-ident',
    bleModes: ['central-client'],
    about: 'its Ident check fails, so it ends the session before answering',
  },
  'nfc-walk-away': {
    profile: 'generic',
    engagement: 'nfc',
    misbehaviour: 'walk-away',
    nfcDataRetrieval: true,
    about: 'NFC data retrieval; the phone is lifted off the reader while answering',
  },
  'apple-walk-away': {
    profile: 'apple',
    engagement: 'nfc',
    misbehaviour: 'walk-away',
    about: 'Apple-like wallet walks out of BLE range after the request',
  },
  negotiated: {
    profile: 'negotiated',
    engagement: 'nfc',
    misbehaviour: 'none',
    about: 'negotiated handover; selects, among the carriers the kiosk offers, BLE and NFC data retrieval',
  },
  'negotiated-ble': {
    profile: 'negotiated',
    engagement: 'nfc',
    misbehaviour: 'none',
    nfcRetrievalOff: true,
    about: 'negotiated handover, BLE only: at a kiosk without Bluetooth its Handover Select selects nothing',
  },
  'malformed-ndef': {
    profile: 'generic',
    engagement: 'nfc',
    misbehaviour: 'malformed-ndef',
    about: 'serves a malformed NDEF message on NFC',
  },
} as const satisfies Record<
  string,
  {
    profile: keyof typeof PROFILES;
    engagement: 'qr' | 'nfc';
    misbehaviour: Misbehaviour;
    about: string;
    bleModes?: BleMode[];
    nfcDataRetrieval?: boolean;
    nfcRetrievalOff?: boolean;
  }
>;

export type ScenarioName = keyof typeof SCENARIOS;

export function parseScenario(s: string): ScenarioName | null {
  const m = /^wallet:(.+)$/.exec(s);
  return m && m[1]! in SCENARIOS ? (m[1] as ScenarioName) : null;
}

export function makeWallet(name: ScenarioName, crypto: CryptoProvider, now: Date): VirtualWallet {
  const sc = SCENARIOS[name] as (typeof SCENARIOS)[ScenarioName] & { bleModes?: BleMode[]; nfcRetrievalOff?: boolean };
  const base: WalletProfile = sc.nfcRetrievalOff
    ? { ...PROFILES[sc.profile], nfcDataRetrieval: false }
    : PROFILES[sc.profile];
  return new VirtualWallet({
    profile: base,
    misbehaviour: sc.misbehaviour,
    crypto,
    now,
    ...(sc.bleModes ? { bleModes: sc.bleModes } : {}),
  });
}

export class SimWorld {
  readonly radio: SimRadio;
  readonly reader: { central: NobleGattClientLink; peripheral: BlenoGattServerLink };
  private readonly walletNobleBinding: SimNobleBinding;
  private readonly walletNoble: NobleLike;
  private readonly walletBleno: BlenoLike;
  private readonly readerBleno: BlenoLike;
  private readonly readerNoble: NobleLike;
  private readonly walletRuns = new Set<AbortController>();

  constructor(o: RadioOptions & { walletMtu?: number; readerMtu?: number } = {}) {
    this.radio = new SimRadio(o);
    this.readerNoble = nobleWithBinding(
      new SimNobleBinding(this.radio, { device: 'kiosk', maxMtu: o.readerMtu ?? 517 }),
    );
    this.readerBleno = blenoWithBinding(
      new SimBlenoBinding(this.radio, { device: 'kiosk', maxMtu: o.readerMtu ?? 517 }),
    );
    this.reader = {
      central: new NobleGattClientLink(this.readerNoble),
      peripheral: new BlenoGattServerLink(this.readerBleno),
    };
    this.walletNobleBinding = new SimNobleBinding(this.radio, { device: 'phone', maxMtu: o.walletMtu ?? 185 });
    this.walletNoble = nobleWithBinding(this.walletNobleBinding);
    this.walletBleno = blenoWithBinding(
      new SimBlenoBinding(this.radio, { device: 'phone', maxMtu: o.walletMtu ?? 185 }),
    );
  }

  /**
   * Run the wallet's BLE side for one transaction on `uuid`. A phone offering both modes runs both
   * roles at once (advertises and scans); whichever the kiosk starts first wins, the other stops.
   */
  walletBle(wallet: VirtualWallet, uuid: string, modes: readonly BleMode[], timeoutMs = 30_000): Promise<string> {
    const ac = new AbortController();
    this.walletRuns.add(ac);
    const ctx = {
      radio: this.radio,
      wallet,
      serviceUuid: uuid,
      timeoutMs,
      signal: ac.signal,
      onStarted: () => ac.abort('started'),
    };
    const roles: Promise<string>[] = [];
    if (modes.includes('central-client'))
      roles.push(walletCentralClient(this.walletNoble, this.walletNobleBinding, ctx));
    if (modes.includes('peripheral-server')) roles.push(walletPeripheralServer(this.walletBleno, ctx));
    return Promise.all(roles)
      .then((r) => r.filter((x) => x !== 'cancelled').join(' / ') || 'cancelled')
      .finally(() => this.walletRuns.delete(ac));
  }

  /** A QR transaction: the phone shows `mdoc:...`; the kiosk "scans" it; the phone's BLE starts. */
  qrTransaction(wallet: VirtualWallet): {
    text: string;
    engage: (timeoutMs: number) => Promise<EngagementResult>;
    walletDone: Promise<string>;
  } {
    const e = wallet.newTransaction();
    wallet.setHandover(null);
    const text = qrEngagementText(e.deviceEngagement);
    const walletDone = this.walletBle(wallet, e.bleUuid, wallet.bleModes);
    const engage = async (): Promise<EngagementResult> => {
      const q = parseQrEngagement(text + '\r\n'); // a keyboard-wedge scanner ends with Enter
      const ble = bleFromDeviceEngagement(q.deviceEngagement);
      return { kind: 'qr', deviceEngagement: q.deviceEngagement, handover: q.handover, ...(ble ? { ble } : {}) };
    };
    return { text, engage, walletDone };
  }

  /** End everything: the phone's roles stop, links drop, timers clear (nothing keeps the process alive). */
  shutdown(): void {
    for (const ac of this.walletRuns) ac.abort('shutdown');
    this.walletRuns.clear();
    this.radio.shutdown();
  }
}
