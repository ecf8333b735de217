// A simulated bleno binding (the object @stoprocent/bleno's Bleno class drives: see
// node_modules/@stoprocent/bleno/lib/bleno.js and hci-socket/bindings.js, gatt.js). It implements
// init, startAdvertising, stopAdvertising, setServices, disconnect, stop, updateRssi and emits
// platform, addressChange, stateChange, advertisingStart, advertisingStop, servicesSet, accept,
// mtuChange, disconnect; like bleno's GATT layer it calls the characteristics' readRequest /
// writeRequest / subscribe (connection, maxValueSize = MTU - 3, updateValueCallback) / unsubscribe
// / notify events. Use: new (require('@stoprocent/bleno/lib/bleno'))(binding).
import { EventEmitter } from 'node:events';
import type { SimRadio, SimConnection } from './radio.ts';

let addressCounter = 0;

/** What bleno's Characteristic looks like from the binding side. */
export interface BlenoCharacteristicLike {
  uuid: string;
  properties: string[];
  value: Buffer | null;
  emit(event: string, ...args: unknown[]): boolean;
}
export interface BlenoServiceLike {
  uuid: string;
  characteristics: BlenoCharacteristicLike[];
}

export interface SimBlenoOptions {
  maxMtu?: number;
  address?: string;
  state?: 'poweredOn' | 'poweredOff' | 'unsupported';
  /** Which simulated device this radio belongs to: a device never discovers its own advertisements. */
  device?: string;
}

export class SimBlenoBinding extends EventEmitter {
  readonly maxMtu: number;
  readonly address: string;
  private readonly initialState: string;
  readonly device: string;
  advertising = false;
  advertisedName = '';
  advertisedUuids: string[] = [];
  services: BlenoServiceLike[] = [];
  private readonly subscriptions = new Map<SimConnection, Set<BlenoCharacteristicLike>>();
  private readonly links = new Map<SimConnection, string>();

  constructor(
    private readonly radio: SimRadio,
    opts: SimBlenoOptions = {},
  ) {
    super();
    this.maxMtu = opts.maxMtu ?? 185;
    this.address = opts.address ?? `d0:00:00:00:00:${(++addressCounter % 256).toString(16).padStart(2, '0')}`;
    this.initialState = opts.state ?? 'poweredOn';
    this.device = opts.device ?? this.address;
    radio.attachPeripheral(this);
  }

  service(uuid: string): BlenoServiceLike | undefined {
    return this.services.find((s) => s.uuid.toLowerCase() === uuid.toLowerCase());
  }

  // --- bleno binding API ---
  init(): void {
    setImmediate(() => {
      this.emit('platform', 'linux');
      this.emit('addressChange', this.address);
      this.emit('stateChange', this.initialState);
    });
  }

  setAddress(): void {}

  startAdvertising(name: string, serviceUuids: string[]): void {
    if (this.initialState !== 'poweredOn') {
      setImmediate(() => this.emit('advertisingStart', new Error('adapter not powered on')));
      return;
    }
    this.advertisedName = name;
    this.advertisedUuids = serviceUuids.map((u) => u.toLowerCase());
    this.advertising = true;
    setImmediate(() => {
      this.emit('advertisingStart', null);
      this.announce();
    });
  }

  /** Let scanning centrals see us (a real advertiser repeats every ~100 ms; once is enough here). */
  announce(): void {
    this.radio.announce(this);
  }

  startAdvertisingIBeacon(): void {
    setImmediate(() => this.emit('advertisingStart', new Error('not simulated')));
  }
  startAdvertisingWithEIRData(): void {
    setImmediate(() => this.emit('advertisingStart', new Error('not simulated')));
  }

  stopAdvertising(): void {
    this.advertising = false;
    this.advertisedUuids = [];
    setImmediate(() => this.emit('advertisingStop'));
  }

  setServices(services: BlenoServiceLike[]): void {
    this.services = services ?? [];
    setImmediate(() => this.emit('servicesSet'));
  }

  disconnect(handle: number | null = null): void {
    for (const c of [...this.links.keys()])
      if (handle === null || c.handle === handle) this.radio.disconnect(c.handle, 0x16, this);
  }

  stop(): void {
    this.advertising = false;
    this.disconnect(null);
  }

  updateRssi(): void {
    setImmediate(() => this.emit('rssiUpdate', -50));
  }

  // --- radio side ---
  linkUp(c: SimConnection, centralAddress: string): void {
    this.links.set(c, centralAddress);
    this.emit('accept', centralAddress, c.handle);
    this.emit('mtuChange', c.mtu);
  }

  subscribe(c: SimConnection, ch: BlenoCharacteristicLike, deliver: (value: Buffer) => void): void {
    let set = this.subscriptions.get(c);
    if (!set) this.subscriptions.set(c, (set = new Set()));
    set.add(ch);
    const update = (data: Buffer) => {
      if (!c.open) return;
      deliver(Buffer.from(data));
      ch.emit('notify', c.handle);
    };
    ch.emit('subscribe', c.handle, c.mtu - 3, update);
  }

  unsubscribe(c: SimConnection, ch: BlenoCharacteristicLike): void {
    if (this.subscriptions.get(c)?.delete(ch)) ch.emit('unsubscribe', c.handle);
  }

  linkDown(c: SimConnection, reason: number): void {
    const address = this.links.get(c);
    if (address === undefined) return;
    this.links.delete(c);
    for (const ch of this.subscriptions.get(c) ?? []) ch.emit('unsubscribe', c.handle);
    this.subscriptions.delete(c);
    // bleno's HCI binding reports (address, handle) only: the HCI reason never reaches bleno users.
    void reason;
    this.emit('disconnect', address, c.handle);
  }
}
