// Construct noble / bleno over an injected binding. Never import the packages' default entries:
// they open an HCI socket at load and throw EAFNOSUPPORT where the kernel has no Bluetooth
// (TOOLCHAIN.md). Real radios: pass the binding made by the package's own resolver
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
  discoverSomeServicesAndCharacteristicsAsync(serviceUuids: string[], characteristicUuids: string[]): Promise<{ characteristics: NobleCharacteristicLike[] }>;
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
