// GattClientLink over noble (the reader as BLE central, for mdoc peripheral server mode). Works on
// any noble binding: the HCI one on a real adapter, sim/ble's simulated one in tests and demos.
import { TransportError } from '../../core/mdoc/transport/message-transport.ts';
import type { DisconnectReason, GattClientConnection, GattClientLink } from '../../core/mdoc/transport/ble/link.ts';
import { normalizeUuid } from '../../core/mdoc/transport/ble/uuids.ts';
import {
  forgetNobleService,
  withTimeout,
  type NobleCharacteristicLike,
  type NobleLike,
  type NoblePeripheralLike,
} from './stacks.ts';
import { errorText } from '../../core/errors.ts';

/** HCI 0x08 "Connection Timeout": the link supervision timer expired (the phone went away). */
const HCI_CONNECTION_TIMEOUT = 0x08;
const HCI_LOCAL_HOST_TERMINATED = 0x16;

export class NobleGattClientLink implements GattClientLink {
  constructor(private readonly noble: NobleLike) {}

  async connect(serviceUuid: string, timeoutMs: number): Promise<GattClientConnection> {
    const uuid = normalizeUuid(serviceUuid);
    const started = Date.now();
    const left = () => Math.max(1, timeoutMs - (Date.now() - started));
    try {
      await this.noble.waitForPoweredOnAsync(Math.min(timeoutMs, 5000));
    } catch {
      throw new TransportError('transport_unavailable', `Bluetooth adapter is ${this.noble.state}, not powered on`);
    }
    let cleanup = () => {};
    const found = new Promise<NoblePeripheralLike>((resolve) => {
      const onDiscover = (p: NoblePeripheralLike) => {
        if ((p.advertisement.serviceUuids ?? []).map(normalizeUuid).includes(uuid)) {
          this.noble.removeListener('discover', onDiscover);
          resolve(p);
        }
      };
      this.noble.on('discover', onDiscover);
      cleanup = () => this.noble.removeListener('discover', onDiscover);
    });
    let peripheral: NoblePeripheralLike;
    try {
      await this.noble.startScanningAsync([uuid], false);
      peripheral = await withTimeout(
        found,
        left(),
        () =>
          new TransportError('transport_peer_not_found', `no phone advertising service ${uuid} within ${timeoutMs} ms`),
      );
    } finally {
      cleanup();
      await this.noble.stopScanningAsync().catch(() => {});
    }
    try {
      await withTimeout(
        peripheral.connectAsync(),
        left(),
        () => new TransportError('transport_timeout', 'BLE connect timed out'),
      );
    } catch (e) {
      throw e instanceof TransportError
        ? e
        : new TransportError('transport_disconnected', `BLE connect failed: ${errorText(e)}`);
    }
    const conn = new NobleConnection(peripheral, () => forgetNobleService(this.noble, peripheral.id, uuid));
    try {
      // The stack negotiates the ATT MTU on connect (noble's HCI binding exchanges MTU itself and
      // emits onMtu); wait briefly for it, then keep the default 23 if none came.
      if (!peripheral.mtu)
        await withTimeout(
          new Promise<void>((r) => peripheral.once('mtu', () => r())),
          Math.min(left(), 1000),
          () => new Error('mtu'),
        ).catch(() => {});
      const { characteristics } = await withTimeout(
        peripheral.discoverSomeServicesAndCharacteristicsAsync([uuid], []),
        left(),
        () => new TransportError('transport_timeout', 'GATT discovery timed out'),
      );
      conn.setCharacteristics(characteristics);
    } catch (e) {
      await conn.disconnect();
      throw e instanceof TransportError
        ? e
        : new TransportError('transport_disconnected', `GATT discovery failed: ${errorText(e)}`);
    }
    return conn;
  }
}

class NobleConnection implements GattClientConnection {
  private chars = new Map<string, NobleCharacteristicLike>();
  private disconnectCbs: Array<(r: DisconnectReason) => void> = [];
  private down = false;
  private localClose = false;

  constructor(
    private readonly p: NoblePeripheralLike,
    private readonly forget: () => void,
  ) {
    p.once('disconnect', (reason: unknown) => {
      this.down = true;
      this.forget();
      const r: DisconnectReason =
        this.localClose || reason === HCI_LOCAL_HOST_TERMINATED
          ? 'local'
          : reason === HCI_CONNECTION_TIMEOUT
            ? 'link-lost'
            : 'remote';
      for (const cb of this.disconnectCbs) cb(r);
      this.disconnectCbs = [];
      for (const ch of this.chars.values()) ch.removeAllListeners('data');
    });
  }

  get mtu(): number {
    return this.p.mtu ?? 23;
  }

  setCharacteristics(list: NobleCharacteristicLike[]): void {
    for (const c of list) this.chars.set(normalizeUuid(c.uuid), c);
  }

  get characteristics(): string[] {
    return [...this.chars.keys()];
  }

  private ch(uuid: string): NobleCharacteristicLike {
    const c = this.chars.get(normalizeUuid(uuid));
    if (!c) throw new TransportError('transport_service_incomplete', `characteristic ${uuid} not found`);
    if (this.down) throw new TransportError('transport_disconnected', 'BLE link is down');
    return c;
  }

  async subscribe(uuid: string, onValue: (data: Uint8Array) => void): Promise<void> {
    const c = this.ch(uuid);
    c.on('data', (data: Buffer, isNotification: boolean) => {
      if (isNotification) onValue(new Uint8Array(data.buffer, data.byteOffset, data.length));
    });
    await c.subscribeAsync();
  }

  async write(uuid: string, data: Uint8Array, withoutResponse: boolean): Promise<void> {
    await this.ch(uuid).writeAsync(Buffer.from(data), withoutResponse);
  }

  async read(uuid: string): Promise<Uint8Array> {
    return new Uint8Array(await this.ch(uuid).readAsync());
  }

  onDisconnect(cb: (reason: DisconnectReason) => void): void {
    if (this.down) cb('remote');
    else this.disconnectCbs.push(cb);
  }

  async disconnect(): Promise<void> {
    if (this.down) return;
    this.localClose = true;
    await withTimeout(this.p.disconnectAsync(), 2000, () => new Error('disconnect timeout')).catch(() => {});
  }
}
