// TEST ONLY: the virtual wallet in mdoc central client mode (the phone is the BLE central / GATT
// client; Apple Wallet runs only this mode). From the spec (ISO 18013-5 §8.3.3.1.1): scan for the
// reader's service UUID, connect, discover State 00000005, Client2Server 00000006, Server2Client
// 00000007, Ident 00000008; read Ident and compare it with HKDF(EDeviceKeyBytes, "BLEIdent");
// subscribe to Server2Client and State; write State 0x01; receive the request as Server2Client
// notifications, answer by writing Client2Server; chunks of min(MTU - 3, 512) with a 0x01 / 0x00
// "more" byte. It runs on a real noble over sim/ble's simulated binding.
import {
  forgetNobleService,
  type NobleLike,
  type NoblePeripheralLike,
  type NobleCharacteristicLike,
} from '../../main/ble/stacks.ts';
import type { SimNobleBinding } from '../ble/noble-binding.ts';
import type { SimRadio } from '../ble/radio.ts';
import type { VirtualWallet } from './holder.ts';
import { errorText } from '../../core/errors.ts';

const SUFFIX = 'a12348ce896b4c76973373e6';
const STATE = `00000005${SUFFIX}`;
const C2S = `00000006${SUFFIX}`;
const S2C = `00000007${SUFFIX}`;
const IDENT = `00000008${SUFFIX}`;

export interface WalletBleContext {
  radio: SimRadio;
  wallet: VirtualWallet;
  /** Service UUID to use (dashed or not). */
  serviceUuid: string;
  timeoutMs?: number;
  /** A phone offering both modes runs both roles; the first the reader starts wins, the other stops. */
  signal?: AbortSignal;
  onStarted?: () => void;
}

/** Runs one transaction as the phone; resolves with how it ended. Never throws. */
export async function walletCentralClient(
  noble: NobleLike,
  binding: SimNobleBinding,
  ctx: WalletBleContext,
): Promise<string> {
  const uuid = ctx.serviceUuid.replace(/-/g, '').toLowerCase();
  const w = ctx.wallet;
  const timeoutMs = ctx.timeoutMs ?? 10_000;
  let peripheral: NoblePeripheralLike | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await noble.waitForPoweredOnAsync(timeoutMs);
    const found = new Promise<NoblePeripheralLike>((resolve, reject) => {
      const onDiscover = (p: NoblePeripheralLike) => {
        if ((p.advertisement.serviceUuids ?? []).includes(uuid)) {
          noble.removeListener('discover', onDiscover);
          clearTimeout(timer);
          resolve(p);
        }
      };
      noble.on('discover', onDiscover);
      timer = setTimeout(() => {
        noble.removeListener('discover', onDiscover);
        reject(new Error('reader not found'));
      }, timeoutMs);
      ctx.signal?.addEventListener('abort', () => {
        noble.removeListener('discover', onDiscover);
        reject(new Error('cancelled'));
      });
    });
    await noble.startScanningAsync([uuid], false);
    try {
      peripheral = await found;
    } finally {
      await noble.stopScanningAsync().catch(() => {});
    }
    await peripheral.connectAsync();
    const { characteristics } = await peripheral.discoverSomeServicesAndCharacteristicsAsync([uuid], []);
    const ch = (u: string) => {
      const c = characteristics.find((x) => x.uuid === u);
      if (!c) throw new Error(`reader service lacks ${u}`);
      return c;
    };
    const state = ch(STATE);
    const c2s = ch(C2S);
    const s2c = ch(S2C);
    // Ident: is this the reader we engaged with?
    const ident = new Uint8Array(await ch(IDENT).readAsync());
    const expected = w.expectedIdent();
    if (w.misbehaviour === 'wrong-ident') expected[0]! ^= 0xff; // the phone believes it engaged with someone else
    if (!equal(ident, expected)) {
      w.events.push('ident-mismatch');
      await state.writeAsync(Buffer.of(0x02), true);
      await peripheral.disconnectAsync();
      return 'ident-mismatch';
    }
    ctx.onStarted?.();
    const conn = binding.connectionFor(peripheral.id)!;
    const chunkSize = Math.min((peripheral.mtu ?? 23) - 3, 512);

    const done = new Promise<string>((resolve) => {
      let parts: Buffer[] = [];
      const finish = (how: string) => {
        w.end();
        resolve(how);
      };
      peripheral!.once('disconnect', () => finish('disconnected'));
      state.on('data', (d: Buffer, isNotification: boolean) => {
        if (isNotification && d.length === 1 && d[0] === 0x02) {
          w.events.push('state-end');
          finish('reader-ended');
          void peripheral!.disconnectAsync().catch(() => {});
        }
      });
      s2c.on('data', (d: Buffer, isNotification: boolean) => {
        if (!isNotification || d.length < 1) return;
        parts.push(d.subarray(1));
        if (d[0] === 0x01) return;
        const message = new Uint8Array(Buffer.concat(parts));
        parts = [];
        void answer(message, c2s, chunkSize, ctx, conn.handle).then((r) => {
          if (r) finish(r);
        });
      });
    });
    await s2c.subscribeAsync();
    await state.subscribeAsync();
    await state.writeAsync(Buffer.of(0x01), true);
    w.events.push('started');
    return await done;
  } catch (e) {
    if (errorText(e) === 'cancelled') return 'cancelled';
    w.end();
    if (peripheral) await peripheral.disconnectAsync().catch(() => {});
    return `error: ${errorText(e)}`;
  } finally {
    clearTimeout(timer);
    if (peripheral) forgetNobleService(noble, peripheral.id, uuid);
  }
}

/** Hand a whole request to the holder and write the reply; misbehaviours happen here. */
async function answer(
  message: Uint8Array,
  c2s: NobleCharacteristicLike,
  chunkSize: number,
  ctx: WalletBleContext,
  handle: number,
): Promise<string | null> {
  const w = ctx.wallet;
  let reply: Uint8Array | null;
  try {
    reply = w.handleMessage(message);
  } catch (e) {
    return `holder error: ${errorText(e)}`;
  }
  if (!reply) return 'session-ended';
  if (w.misbehaviour === 'walk-away') {
    w.events.push('walked-away');
    ctx.radio.goOutOfRange(handle);
    return null;
  }
  if (w.misbehaviour === 'drop-mid-message') {
    w.events.push('dropping');
    ctx.radio.dropAfter(handle, 2);
  }
  for (const chunk of chunks(reply, chunkSize)) await c2s.writeAsync(Buffer.from(chunk), true).catch(() => {});
  w.events.push('response-sent');
  return null;
}

export function chunks(message: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const n = size - 1;
  for (let i = 0; i < message.length; i += n) {
    const last = i + n >= message.length;
    out.push(Uint8Array.from([last ? 0x00 : 0x01, ...message.subarray(i, i + n)]));
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
