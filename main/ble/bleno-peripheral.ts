// GattServerLink over bleno (the reader as BLE peripheral / GATT server, for mdoc central client
// mode, the mode Apple Wallet uses). One client at a time: a second connection is refused by
// disconnecting it (the kiosk serves one transaction).
import { TransportError } from '../../core/mdoc/transport/message-transport.ts';
import type {
  GattServerEvents,
  GattServerHandle,
  GattServerLink,
  GattServiceDefinition,
} from '../../core/mdoc/transport/ble/link.ts';
import { normalizeUuid } from '../../core/mdoc/transport/ble/uuids.ts';
import { withTimeout, type BlenoLike } from './stacks.ts';
import { errorText } from '../../core/errors.ts';

export class BlenoGattServerLink implements GattServerLink {
  constructor(
    private readonly bleno: BlenoLike,
    private readonly localName = 'Kakunin',
  ) {}

  async serve(def: GattServiceDefinition, events: GattServerEvents, timeoutMs: number): Promise<GattServerHandle> {
    const bleno = this.bleno;
    try {
      await bleno.waitForPoweredOnAsync(Math.min(timeoutMs, 5000));
    } catch {
      throw new TransportError('transport_unavailable', `Bluetooth adapter is ${bleno.state}, not powered on`);
    }
    const Characteristic = bleno.Characteristic;
    let client: number | null = null;
    const notifiers = new Map<string, (data: Buffer) => void>();

    const chars = def.characteristics.map((c) => {
      const uuid = normalizeUuid(c.uuid);
      const opts: Record<string, unknown> = { uuid, properties: c.properties };
      if (c.value) opts.value = Buffer.from(c.value);
      else {
        opts.onWriteRequest = (conn: number, data: Buffer, offset: number, _wr: boolean, cb: (r: number) => void) => {
          if (conn !== client || offset !== 0) {
            cb(Characteristic.RESULT_UNLIKELY_ERROR);
            return;
          }
          cb(Characteristic.RESULT_SUCCESS);
          events.onWrite(uuid, new Uint8Array(data));
        };
        opts.onSubscribe = (conn: number, maxValueSize: number, update: (data: Buffer) => void) => {
          if (conn !== client) return;
          notifiers.set(uuid, update);
          events.onSubscribe(uuid, maxValueSize);
        };
        opts.onUnsubscribe = (conn: number) => {
          if (conn !== client) return;
          notifiers.delete(uuid);
          events.onUnsubscribe(uuid);
        };
      }
      return new Characteristic(opts);
    });
    const service = new bleno.PrimaryService({ uuid: normalizeUuid(def.uuid), characteristics: chars });

    const onAccept = (_address: string, handle: number) => {
      if (client !== null) {
        bleno.disconnect(handle);
        return;
      }
      client = handle;
      events.onConnect();
    };
    const onDisconnect = (_address: string, handle: number) => {
      if (handle !== client) return;
      client = null;
      notifiers.clear();
      // bleno does not pass the HCI reason on, so a walk-away looks like any remote disconnect here.
      events.onDisconnect(stopped ? 'local' : 'remote');
    };
    bleno.on('accept', onAccept);
    bleno.on('disconnect', onDisconnect);
    let stopped = false;

    try {
      await withTimeout(
        bleno.setServicesAsync([service]),
        timeoutMs,
        () => new TransportError('transport_unavailable', 'setting GATT services timed out'),
      );
      await withTimeout(
        bleno.startAdvertisingAsync(this.localName, [normalizeUuid(def.uuid)]),
        timeoutMs,
        () => new TransportError('transport_unavailable', 'advertising did not start'),
      );
    } catch (e) {
      bleno.removeListener('accept', onAccept);
      bleno.removeListener('disconnect', onDisconnect);
      throw e instanceof TransportError ? e : new TransportError('transport_unavailable', errorText(e));
    }

    return {
      async notify(uuid: string, data: Uint8Array): Promise<void> {
        const n = notifiers.get(normalizeUuid(uuid));
        if (!n) throw new TransportError('transport_disconnected', 'the phone is not subscribed');
        n(Buffer.from(data));
      },
      async disconnect(): Promise<void> {
        if (client !== null) bleno.disconnect(client);
      },
      async stop(): Promise<void> {
        if (stopped) return;
        stopped = true;
        await withTimeout(bleno.stopAdvertisingAsync(), 2000, () => new Error('stop advertising timed out')).catch(
          () => {},
        );
        if (client !== null) bleno.disconnect(client);
        await withTimeout(bleno.setServicesAsync([]), 2000, () => new Error('clear services timed out')).catch(
          () => {},
        );
        // Let the disconnect settle before dropping listeners, so no late event is lost.
        await new Promise((r) => setImmediate(r));
        bleno.removeListener('accept', onAccept);
        bleno.removeListener('disconnect', onDisconnect);
        notifiers.clear();
      },
    };
  }
}
