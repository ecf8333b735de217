// The BLE transports over the simulated radio, through the real noble and bleno libraries on
// simulated bindings, with a minimal scripted phone on the other side (an echo holder written here
// from the spec: it answers each whole message with its reverse). Checks MTU negotiation and
// chunking at the extremes, large messages, the Ident value, State start / end, and that the reader
// leaves nothing connected or advertising.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SimRadio } from '../../sim/ble/radio.ts';
import { SimNobleBinding } from '../../sim/ble/noble-binding.ts';
import { SimBlenoBinding } from '../../sim/ble/bleno-binding.ts';
import { blenoWithBinding, nobleWithBinding, nodeTimers } from '../../main/ble/stacks.ts';
import { BlenoGattServerLink } from '../../main/ble/bleno-peripheral.ts';
import { NobleGattClientLink } from '../../main/ble/noble-central.ts';
import { CentralClientReader, PeripheralServerReader, bleIdent } from '../../core/mdoc/transport/ble/index.ts';
import { TransportError } from '../../core/mdoc/transport/message-transport.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { VirtualWallet } from '../../sim/wallet/holder.ts';
import { walletCentralClient } from '../../sim/wallet/ble-central-client.ts';
import { walletPeripheralServer } from '../../sim/wallet/ble-peripheral-server.ts';

const radios: SimRadio[] = [];
after(() => radios.forEach((r) => r.shutdown()));

/** A holder stand-in whose "session" reverses each message (enough to test framing both ways). */
function echoWallet(): VirtualWallet {
  const w = new VirtualWallet();
  w.newTransaction();
  (w as unknown as { handleMessage: (b: Uint8Array) => Uint8Array | null }).handleMessage = (b) =>
    b.length === 1 && b[0] === 0xee ? null : b.slice().reverse();
  return w;
}

function setup(mtu: { reader: number; phone: number }) {
  const radio = new SimRadio();
  radios.push(radio);
  const readerNoble = nobleWithBinding(new SimNobleBinding(radio, { device: 'kiosk', maxMtu: mtu.reader }));
  const readerBleno = blenoWithBinding(new SimBlenoBinding(radio, { device: 'kiosk', maxMtu: mtu.reader }));
  const phoneNobleBinding = new SimNobleBinding(radio, { device: 'phone', maxMtu: mtu.phone });
  const phoneNoble = nobleWithBinding(phoneNobleBinding);
  const phoneBleno = blenoWithBinding(new SimBlenoBinding(radio, { device: 'phone', maxMtu: mtu.phone }));
  return { radio, readerNoble, readerBleno, phoneNoble, phoneNobleBinding, phoneBleno };
}

const timeouts = { connectMs: 3000, timers: nodeTimers };

for (const mtu of [23, 185, 517]) {
  test(`central client mode, phone MTU ${mtu}: chunk size min(MTU-3, 512), 70 KB both ways`, async () => {
    const s = setup({ reader: 517, phone: mtu });
    const w = echoWallet();
    const e = w.currentEngagement!;
    const phone = walletCentralClient(s.phoneNoble, s.phoneNobleBinding, {
      radio: s.radio,
      wallet: w,
      serviceUuid: e.bleUuid,
    });
    const t = await CentralClientReader.open(
      new BlenoGattServerLink(s.readerBleno),
      nobleCrypto,
      e.bleUuid,
      e.eDeviceKeyBytes.raw,
      timeouts,
    );
    assert.equal(t.describe().chunkSize, Math.min(mtu - 3, 512));
    const big = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff);
    await t.send(big);
    const back = await t.receive(10_000);
    assert.deepEqual(back, big.slice().reverse());
    await t.close();
    assert.match(await phone, /reader-ended|disconnected/);
    assert.equal(s.radio.idle, true);
  });

  test(`peripheral server mode, MTU ${mtu}: 70 KB both ways`, async () => {
    const s = setup({ reader: mtu, phone: 517 });
    const w = echoWallet();
    const e = w.currentEngagement!;
    const phone = walletPeripheralServer(s.phoneBleno, { radio: s.radio, wallet: w, serviceUuid: e.bleUuid });
    const t = await PeripheralServerReader.open(new NobleGattClientLink(s.readerNoble), e.bleUuid, timeouts);
    assert.equal(t.describe().attMtu, mtu);
    const big = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13) & 0xff);
    await t.send(big);
    assert.deepEqual(await t.receive(10_000), big.slice().reverse());
    await t.close();
    assert.equal(await phone, 'reader-ended');
  });
}

test('central client: the reader serves Ident = HKDF(EDeviceKeyBytes, "BLEIdent") and the phone accepts it', async () => {
  const s = setup({ reader: 517, phone: 185 });
  const w = echoWallet();
  const e = w.currentEngagement!;
  assert.deepEqual(bleIdent(nobleCrypto, e.eDeviceKeyBytes.raw), w.expectedIdent());
  const phone = walletCentralClient(s.phoneNoble, s.phoneNobleBinding, {
    radio: s.radio,
    wallet: w,
    serviceUuid: e.bleUuid,
  });
  const t = await CentralClientReader.open(
    new BlenoGattServerLink(s.readerBleno),
    nobleCrypto,
    e.bleUuid,
    e.eDeviceKeyBytes.raw,
    timeouts,
  );
  await t.close();
  await phone;
  assert.ok(w.events.includes('started') && !w.events.includes('ident-mismatch'));
});

test('central client: a reader serving the Ident of another engagement is refused by the phone (State 0x02)', async () => {
  const s = setup({ reader: 517, phone: 185 });
  const w = echoWallet();
  const e = w.currentEngagement!;
  const other = new VirtualWallet().newTransaction();
  const phone = walletCentralClient(s.phoneNoble, s.phoneNobleBinding, {
    radio: s.radio,
    wallet: w,
    serviceUuid: e.bleUuid,
  });
  await assert.rejects(
    CentralClientReader.open(
      new BlenoGattServerLink(s.readerBleno),
      nobleCrypto,
      e.bleUuid,
      other.eDeviceKeyBytes.raw,
      timeouts,
    ),
    (err: unknown) => err instanceof TransportError && err.code === 'transport_peer_terminated',
  );
  assert.equal(await phone, 'ident-mismatch');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.radio.idle, true);
});

test('peripheral server: the phone ending with State 0x02 while the reader waits is transport_peer_terminated', async () => {
  const s = setup({ reader: 517, phone: 517 });
  const w = echoWallet();
  const e = w.currentEngagement!;
  void walletPeripheralServer(s.phoneBleno, { radio: s.radio, wallet: w, serviceUuid: e.bleUuid });
  const t = await PeripheralServerReader.open(new NobleGattClientLink(s.readerNoble), e.bleUuid, timeouts);
  // 0xee makes the echo holder end the session instead of answering.
  await t.send(Uint8Array.of(0xee));
  await assert.rejects(
    t.receive(2000),
    (err: unknown) =>
      err instanceof TransportError && ['transport_disconnected', 'transport_peer_terminated'].includes(err.code),
  );
  await t.close();
});

test('Bluetooth switched off: transport_unavailable, quickly', async () => {
  const radio = new SimRadio();
  radios.push(radio);
  const noble = nobleWithBinding(new SimNobleBinding(radio, { state: 'poweredOff' }));
  const t0 = Date.now();
  await assert.rejects(
    new NobleGattClientLink(noble).connect('0000', 500),
    (e: unknown) => e instanceof TransportError && e.code === 'transport_unavailable',
  );
  assert.ok(Date.now() - t0 < 2000);
  const bleno = blenoWithBinding(new SimBlenoBinding(radio, { state: 'poweredOff' }));
  await assert.rejects(
    CentralClientReader.open(
      new BlenoGattServerLink(bleno),
      nobleCrypto,
      '12345678-1234-4234-8234-123456789abc',
      new Uint8Array(10),
      { connectMs: 500, timers: nodeTimers },
    ),
    (e: unknown) => e instanceof TransportError && e.code === 'transport_unavailable',
  );
});
