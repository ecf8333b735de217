// TEST ONLY: the virtual wallet in mdoc peripheral server mode (the phone is the BLE peripheral /
// GATT server). From the spec (ISO 18013-5 §8.3.3.1.1): advertise the DE's service UUID with State
// 00000001 (notify, write without response), Client2Server 00000002 (write without response) and
// Server2Client 00000003 (notify); wait for the reader to subscribe and write State 0x01; receive
// the request on Client2Server, answer by notifying Server2Client in chunks of min(MTU - 3, 512);
// State 0x02 ends the session. Runs on a real bleno over sim/ble's simulated binding.
import type { BlenoLike } from '../../main/ble/stacks.ts';
import type { SimRadio } from '../ble/radio.ts';
import { chunks, type WalletBleContext } from './ble-central-client.ts';
import { errorText } from '../../core/errors.ts';

const SUFFIX = 'a12348ce896b4c76973373e6';
const STATE = `00000001${SUFFIX}`;
const C2S = `00000002${SUFFIX}`;
const S2C = `00000003${SUFFIX}`;

/** Serve one transaction as the phone; resolves with how it ended. Never throws. */
export async function walletPeripheralServer(
  bleno: BlenoLike,
  ctx: WalletBleContext & { radio: SimRadio },
): Promise<string> {
  const uuid = ctx.serviceUuid.replace(/-/g, '').toLowerCase();
  const w = ctx.wallet;
  const timeoutMs = ctx.timeoutMs ?? 10_000;
  const C = bleno.Characteristic;
  let notifyS2C: ((b: Buffer) => void) | null = null;
  let notifyState: ((b: Buffer) => void) | null = null;
  let chunkSize = 20;
  let started = false;
  let parts: Buffer[] = [];
  let handle = -1;
  let finish: (how: string) => void = () => {};
  const done = new Promise<string>((resolve) => {
    let settled = false;
    finish = (how) => {
      if (settled) return;
      settled = true;
      w.end();
      resolve(how);
    };
  });

  const onMessage = async (message: Uint8Array) => {
    let reply: Uint8Array | null;
    try {
      reply = w.handleMessage(message);
    } catch (e) {
      finish(`holder error: ${errorText(e)}`);
      return;
    }
    if (!reply) {
      finish('session-ended');
      return;
    }
    if (w.misbehaviour === 'walk-away') {
      w.events.push('walked-away');
      ctx.radio.goOutOfRange(handle);
      return;
    }
    if (w.misbehaviour === 'drop-mid-message') {
      w.events.push('dropping');
      ctx.radio.dropAfter(handle, 2);
    }
    for (const c of chunks(reply, chunkSize)) notifyS2C?.(Buffer.from(c));
    w.events.push('response-sent');
  };

  const state = new C({
    uuid: STATE,
    properties: ['notify', 'writeWithoutResponse'],
    onSubscribe: (_c: number, _max: number, update: (b: Buffer) => void) => (notifyState = update),
    onUnsubscribe: () => (notifyState = null),
    onWriteRequest: (conn: number, data: Buffer, _o: number, _wr: boolean, cb: (r: number) => void) => {
      cb(C.RESULT_SUCCESS);
      handle = conn;
      if (data.length === 1 && data[0] === 0x01) {
        started = true;
        ctx.onStarted?.();
        w.events.push('started');
      } else if (data.length === 1 && data[0] === 0x02) {
        w.events.push('state-end');
        finish('reader-ended');
      }
    },
  });
  const c2s = new C({
    uuid: C2S,
    properties: ['writeWithoutResponse'],
    onWriteRequest: (conn: number, data: Buffer, _o: number, _wr: boolean, cb: (r: number) => void) => {
      cb(C.RESULT_SUCCESS);
      handle = conn;
      if (!started || data.length < 1) return;
      parts.push(Buffer.from(data.subarray(1)));
      if (data[0] === 0x01) return;
      const m = new Uint8Array(Buffer.concat(parts));
      parts = [];
      void onMessage(m);
    },
  });
  const s2c = new C({
    uuid: S2C,
    properties: ['notify'],
    onSubscribe: (conn: number, max: number, update: (b: Buffer) => void) => {
      handle = conn;
      chunkSize = Math.min(max, 512);
      notifyS2C = update;
    },
    onUnsubscribe: () => (notifyS2C = null),
  });
  void notifyState;

  const onDisconnect = () => finish('disconnected');
  ctx.signal?.addEventListener('abort', () => {
    if (!started || ctx.signal?.reason === 'shutdown') finish('cancelled');
  });
  const timer = setTimeout(() => finish('timeout'), timeoutMs);
  try {
    await bleno.waitForPoweredOnAsync(timeoutMs);
    await bleno.setServicesAsync([new bleno.PrimaryService({ uuid, characteristics: [state, c2s, s2c] })]);
    bleno.on('disconnect', onDisconnect);
    await bleno.startAdvertisingAsync('mdoc', [uuid]);
    return await done;
  } catch (e) {
    finish(`error: ${errorText(e)}`);
    return await done;
  } finally {
    clearTimeout(timer);
    bleno.removeListener('disconnect', onDisconnect);
    await bleno.stopAdvertisingAsync().catch(() => {});
    bleno.disconnect();
    await bleno.setServicesAsync([]).catch(() => {});
  }
}
