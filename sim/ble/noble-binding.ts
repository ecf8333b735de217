// A simulated noble binding (the object @stoprocent/noble's Noble class drives: see
// node_modules/@stoprocent/noble/lib/noble.js _registerListeners and the hci-socket binding). It
// implements start, startScanning, stopScanning, connect, cancelConnect, disconnect,
// discoverServices, discoverCharacteristics, discoverDescriptors, read, write, notify, addressToId
// and emits stateChange, addressChange, scanStart, scanStop, discover, connect, disconnect, onMtu,
// servicesDiscover, characteristicsDiscover, descriptorsDiscover, read, write, notify, exactly with
// the argument lists noble expects. Use: new (require('@stoprocent/noble/lib/noble'))(binding).
import { EventEmitter } from 'node:events';
import type { SimRadio, SimConnection } from './radio.ts';
import type { SimBlenoBinding, BlenoCharacteristicLike } from './bleno-binding.ts';

let addressCounter = 0;

export interface SimNobleOptions {
  /** Largest ATT_MTU this central asks for (Android asks 517, iOS 185...). */
  maxMtu?: number;
  address?: string;
  /** Start in this adapter state (e.g. 'poweredOff' to simulate Bluetooth switched off). */
  state?: 'poweredOn' | 'poweredOff' | 'unsupported';
  /** Which simulated device this radio belongs to: a device never discovers its own advertisements. */
  device?: string;
}

export class SimNobleBinding extends EventEmitter {
  readonly maxMtu: number;
  readonly address: string;
  private readonly initialState: string;
  readonly device: string;
  private scanning = false;
  private scanFilter: string[] = [];
  /** peripheral id -> connection */
  private readonly links = new Map<string, SimConnection>();

  constructor(
    private readonly radio: SimRadio,
    opts: SimNobleOptions = {},
  ) {
    super();
    this.maxMtu = opts.maxMtu ?? 517;
    this.address = opts.address ?? `c0:00:00:00:00:${(++addressCounter % 256).toString(16).padStart(2, '0')}`;
    this.initialState = opts.state ?? 'poweredOn';
    this.device = opts.device ?? this.address;
    radio.attachCentral(this);
  }

  static idOf(address: string): string {
    return address.replace(/:/g, '').toLowerCase();
  }

  // --- noble binding API ---
  start(): void {
    setImmediate(() => {
      this.emit('addressChange', this.address);
      this.emit('stateChange', this.initialState);
    });
  }
  stop(): void {
    this.stopScanning();
    for (const c of this.links.values()) this.radio.disconnect(c.handle, 0x16, this);
  }
  reset(): void {}
  setScanParameters(): void {
    setImmediate(() => this.emit('scanParametersSet'));
  }
  addressToId(address: string): string {
    return SimNobleBinding.idOf(address);
  }

  startScanning(serviceUuids?: string[], _allowDuplicates?: boolean): void {
    this.scanning = true;
    this.scanFilter = (serviceUuids ?? []).map((u) => u.replace(/-/g, '').toLowerCase());
    setImmediate(() => {
      this.emit('scanStart', false);
      for (const p of this.radio.advertisers()) this.seeAdvertiser(p);
    });
  }

  stopScanning(): void {
    this.scanning = false;
    setImmediate(() => this.emit('scanStop'));
  }

  /** Called by the radio (and at scan start) for each advertiser in range. */
  seeAdvertiser(p: SimBlenoBinding): void {
    if (!this.scanning || !p.advertising || p.device === this.device) return;
    const uuids = p.advertisedUuids;
    if (this.scanFilter.length && !uuids.some((u) => this.scanFilter.includes(u))) return;
    this.emit(
      'discover',
      SimNobleBinding.idOf(p.address),
      p.address,
      'random',
      true,
      {
        localName: p.advertisedName,
        serviceUuids: uuids,
        serviceData: [],
        txPowerLevel: undefined,
        manufacturerData: undefined,
      },
      -50,
      false,
    );
  }

  connect(id: string): void {
    const p = this.radio.advertisers().find((a) => SimNobleBinding.idOf(a.address) === id);
    const conn = p ? this.radio.connect(this, p) : null;
    if (!conn || !p) {
      setImmediate(() => this.emit('connect', id, new Error('peripheral not advertising (connection failed)')));
      return;
    }
    this.links.set(id, conn);
    this.radio.deliver(() => {
      p.linkUp(conn, this.address);
      this.emit('connect', id, null);
      this.emit('onMtu', id, conn.mtu);
    });
  }

  cancelConnect(id: string): void {
    const c = this.links.get(id);
    if (c) this.radio.disconnect(c.handle, 0x16, this);
  }

  disconnect(id: string): void {
    const c = this.links.get(id);
    if (c) this.radio.disconnect(c.handle, 0x16, this);
    else setImmediate(() => this.emit('disconnect', id, 0x16));
  }

  updateRssi(id: string): void {
    setImmediate(() => this.emit('rssiUpdate', id, -50));
  }

  private conn(id: string): SimConnection | undefined {
    const c = this.links.get(id);
    return c && c.open ? c : undefined;
  }

  discoverServices(id: string, uuids?: string[]): void {
    const c = this.conn(id);
    if (!c) return;
    const want = (uuids ?? []).map((u) => u.toLowerCase());
    const found = c.peripheral.services
      .map((s) => s.uuid.toLowerCase())
      .filter((u) => !want.length || want.includes(u));
    this.radio.deliver(() => {
      if (this.radio.packet(c)) this.emit('servicesDiscover', id, found);
    });
  }

  discoverIncludedServices(id: string, serviceUuid: string): void {
    setImmediate(() => this.emit('includedServicesDiscover', id, serviceUuid, []));
  }

  discoverCharacteristics(id: string, serviceUuid: string, uuids?: string[]): void {
    const c = this.conn(id);
    if (!c) return;
    const svc = c.peripheral.service(serviceUuid);
    const want = (uuids ?? []).map((u) => u.toLowerCase());
    const chars = (svc?.characteristics ?? [])
      .filter((ch) => !want.length || want.includes(ch.uuid.toLowerCase()))
      .map((ch) => ({ uuid: ch.uuid.toLowerCase(), properties: [...ch.properties] }));
    this.radio.deliver(() => {
      if (this.radio.packet(c)) this.emit('characteristicsDiscover', id, serviceUuid, chars);
    });
  }

  discoverDescriptors(id: string, serviceUuid: string, characteristicUuid: string): void {
    setImmediate(() => this.emit('descriptorsDiscover', id, serviceUuid, characteristicUuid, []));
  }

  private characteristic(c: SimConnection, serviceUuid: string, uuid: string): BlenoCharacteristicLike | undefined {
    return c.peripheral
      .service(serviceUuid)
      ?.characteristics.find((ch) => ch.uuid.toLowerCase() === uuid.toLowerCase());
  }

  read(id: string, serviceUuid: string, uuid: string): void {
    const c = this.conn(id);
    if (!c) return;
    this.radio.deliver(() => {
      if (!this.radio.packet(c)) return;
      const ch = this.characteristic(c, serviceUuid, uuid);
      const answer = (data: Buffer | null, error?: Error) => {
        this.radio.deliver(() => {
          if (!this.radio.packet(c)) return;
          this.emit('read', id, serviceUuid, uuid, data ?? Buffer.alloc(0), false, error);
        });
      };
      if (!ch || !ch.properties.includes('read')) return answer(null, new Error('read not permitted'));
      if (ch.value) return answer(Buffer.from(ch.value.subarray(0, 512)));
      ch.emit('readRequest', c.handle, 0, (result: number, data: Buffer | null) =>
        answer(result === 0 ? data : null, result === 0 ? undefined : new Error(`ATT error 0x${result.toString(16)}`)),
      );
    });
  }

  write(id: string, serviceUuid: string, uuid: string, data: Buffer, withoutResponse: boolean): void {
    const c = this.conn(id);
    if (!c) return;
    const payload = Buffer.from(data.subarray(0, c.mtu - 3)); // an ATT write PDU carries at most MTU - 3
    if (withoutResponse) setImmediate(() => this.emit('write', id, serviceUuid, uuid));
    this.radio.deliver(() => {
      if (!this.radio.packet(c)) return;
      const ch = this.characteristic(c, serviceUuid, uuid);
      const prop = withoutResponse ? 'writeWithoutResponse' : 'write';
      if (!ch || !ch.properties.includes(prop)) {
        if (!withoutResponse)
          this.radio.deliver(() => this.emit('write', id, serviceUuid, uuid, new Error('write not permitted')));
        return;
      }
      ch.emit('writeRequest', c.handle, payload, 0, withoutResponse, (result: number) => {
        if (withoutResponse) return;
        this.radio.deliver(() => {
          if (this.radio.packet(c))
            this.emit(
              'write',
              id,
              serviceUuid,
              uuid,
              result === 0 ? undefined : new Error(`ATT error 0x${result.toString(16)}`),
            );
        });
      });
    });
  }

  notify(id: string, serviceUuid: string, uuid: string, enable: boolean): void {
    const c = this.conn(id);
    if (!c) return;
    this.radio.deliver(() => {
      if (!this.radio.packet(c)) return;
      const ch = this.characteristic(c, serviceUuid, uuid);
      if (!ch || !ch.properties.includes('notify')) {
        this.radio.deliver(() => this.emit('notify', id, serviceUuid, uuid, false, new Error('notify not permitted')));
        return;
      }
      if (enable) {
        c.peripheral.subscribe(c, ch, (value: Buffer) => {
          // Server -> client notification: one ATT PDU, truncated to ATT_MTU - 3 like the ATT layer.
          this.radio.deliver(() => {
            if (this.radio.packet(c))
              this.emit('read', id, serviceUuid, uuid, Buffer.from(value.subarray(0, c.mtu - 3)), true);
          });
        });
      } else c.peripheral.unsubscribe(c, ch);
      this.radio.deliver(() => this.emit('notify', id, serviceUuid, uuid, enable));
    });
  }

  /** The radio connection to a peripheral (fault injection in tests and the virtual wallet). */
  connectionFor(id: string): SimConnection | undefined {
    return this.conn(id);
  }

  /** Called by the radio when a link goes down. */
  linkDown(c: SimConnection, reason: number): void {
    for (const [id, l] of this.links) {
      if (l === c) {
        this.links.delete(id);
        this.emit('disconnect', id, reason);
      }
    }
  }
}
