// Construct noble / bleno over an injected binding. Never import the packages' default entries:
// they open an HCI socket at load and throw EAFNOSUPPORT where the kernel has no Bluetooth
// (docs/architecture.md "Platform facts"). Real radios: pass the binding made by the package's own resolver
// (`require('@stoprocent/noble/lib/resolve-bindings')`) only where Bluetooth exists.
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

const require = createRequire(import.meta.url);

/** The parts of noble's Noble / Peripheral / Characteristic that the adapters use. */
export interface NobleLike extends EventEmitter {
  state: string;
  waitForPoweredOnAsync(timeout?: number): Promise<void>;
  startScanningAsync(serviceUuids?: string[], allowDuplicates?: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  stop(): void;
}
export interface NoblePeripheralLike extends EventEmitter {
  id: string;
  state: string;
  mtu: number | null;
  advertisement: { serviceUuids?: string[] };
  connectAsync(): Promise<void>;
  disconnectAsync(): Promise<void>;
  discoverSomeServicesAndCharacteristicsAsync(
    serviceUuids: string[],
    characteristicUuids: string[],
  ): Promise<{ characteristics: NobleCharacteristicLike[] }>;
}
export interface NobleCharacteristicLike extends EventEmitter {
  uuid: string;
  properties: string[];
  readAsync(): Promise<Buffer>;
  writeAsync(data: Buffer, withoutResponse: boolean): Promise<void>;
  subscribeAsync(): Promise<void>;
}

export interface BlenoLike extends EventEmitter {
  state: string;
  mtu: number;
  waitForPoweredOnAsync(timeout?: number): Promise<void>;
  setServicesAsync(services: unknown[]): Promise<void>;
  startAdvertisingAsync(name: string, serviceUuids: string[]): Promise<void>;
  stopAdvertisingAsync(): Promise<void>;
  setServices(services: unknown[], cb?: (e?: Error) => void): void;
  disconnect(handle?: number | null): void;
  stop(): void;
  PrimaryService: new (o: { uuid: string; characteristics: unknown[] }) => unknown;
  Characteristic: BlenoCharacteristicClass;
}
export interface BlenoCharacteristicClass {
  new (o: Record<string, unknown>): EventEmitter;
  RESULT_SUCCESS: number;
  RESULT_UNLIKELY_ERROR: number;
}

export function nobleWithBinding(binding: EventEmitter): NobleLike {
  const Noble = require('@stoprocent/noble/lib/noble');
  return new Noble(binding) as NobleLike;
}

export function blenoWithBinding(binding: EventEmitter): BlenoLike {
  const Bleno = require('@stoprocent/bleno/lib/bleno');
  return new Bleno(binding) as BlenoLike;
}

/** Node timers for core's transports (core has no timer globals). */
export const nodeTimers = {
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (h: unknown): void => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]);
}

/**
 * noble keeps every discovered service's Service / Characteristic / Descriptor objects in maps keyed
 * by peripheral id and service UUID until the adapter's state changes (lib/noble.js _services,
 * _characteristics, _descriptors). mdoc service UUIDs are fresh per transaction, so a kiosk that runs
 * for days would grow by one service's objects per customer. Forget them when the link is done.
 */
const pendingForget = new WeakMap<object, Array<{ peripheralId: string; serviceUuid: string }>>();

export function forgetNobleService(noble: NobleLike, peripheralId: string, serviceUuid: string): void {
  const n = noble as unknown as Record<
    '_services' | '_characteristics' | '_descriptors',
    Record<string, Record<string, unknown>> | undefined
  >;
  const p = (noble as unknown as { _peripherals?: Map<string, { services?: { uuid: string }[] }> })._peripherals?.get(
    peripheralId,
  );
  if (p?.services) p.services = p.services.filter((s) => s.uuid !== serviceUuid);
  // Events already queued for this service (a write-without-response callback, a late notify) may
  // still arrive after the disconnect, and noble indexes these maps without checking. So this
  // transaction's entries are emptied now (noble then only warns) and deleted at the next call,
  // i.e. when the next transaction ends: at most one transaction's leftovers are ever kept.
  const earlier = pendingForget.get(noble) ?? [];
  for (const e of earlier) {
    for (const k of ['_services', '_characteristics', '_descriptors'] as const) {
      const perPeripheral = n[k]?.[e.peripheralId];
      if (perPeripheral) delete perPeripheral[e.serviceUuid];
    }
  }
  for (const k of ['_characteristics', '_descriptors'] as const) {
    const perPeripheral = n[k]?.[peripheralId];
    if (perPeripheral && serviceUuid in perPeripheral) perPeripheral[serviceUuid] = {};
  }
  pendingForget.set(noble, [{ peripheralId, serviceUuid }]);
}
