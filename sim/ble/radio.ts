// An in-process "radio" joining simulated bleno bindings (peripherals, GATT servers) to simulated
// noble bindings (centrals, GATT clients). It models what the mdoc transports depend on: advertising
// a service UUID, connection, ATT MTU negotiation (min of both sides' maximum), GATT discovery,
// read, write with and without response, notifications truncated to ATT_MTU - 3 (as the ATT layer
// does), ordered asynchronous delivery, and faults: a local or remote disconnect, a link dropped
// after N more packets, and a phone walking out of range (packets vanish, then the link supervision
// timeout fires on both sides, HCI reason 0x08).
import type { SimBlenoBinding } from './bleno-binding.ts';
import type { SimNobleBinding } from './noble-binding.ts';

export const HCI_CONNECTION_TIMEOUT = 0x08;
export const HCI_REMOTE_USER_TERMINATED = 0x13;
export const HCI_LOCAL_HOST_TERMINATED = 0x16;

export interface RadioOptions {
  /** Delay per delivered packet in ms (0 = next macrotask). */
  packetDelayMs?: number;
  /** Link supervision timeout used when a device goes out of range. */
  supervisionTimeoutMs?: number;
}

export interface SimConnection {
  handle: number;
  central: SimNobleBinding;
  peripheral: SimBlenoBinding;
  mtu: number;
  open: boolean;
  /** Packets still allowed before the link drops (fault injection); Infinity = no fault. */
  packetsLeft: number;
  outOfRange: boolean;
  closing?: boolean;
}

export class SimRadio {
  private readonly centrals = new Set<SimNobleBinding>();
  private readonly peripherals = new Set<SimBlenoBinding>();
  readonly connections = new Map<number, SimConnection>();
  private nextHandle = 1;
  private queue: Array<() => void> = [];
  private scheduled = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  readonly packetDelayMs: number;
  readonly supervisionTimeoutMs: number;
  /** Counters for tests and benchmarks. */
  readonly stats = { packets: 0, connections: 0 };

  constructor(opts: RadioOptions = {}) {
    this.packetDelayMs = opts.packetDelayMs ?? 0;
    this.supervisionTimeoutMs = opts.supervisionTimeoutMs ?? 300;
  }

  attachCentral(c: SimNobleBinding): void {
    this.centrals.add(c);
  }
  attachPeripheral(p: SimBlenoBinding): void {
    this.peripherals.add(p);
  }
  detach(d: SimNobleBinding | SimBlenoBinding): void {
    for (const c of [...this.connections.values()]) {
      if (c.central === d || c.peripheral === d) this.disconnect(c.handle, HCI_LOCAL_HOST_TERMINATED, d);
    }
    this.centrals.delete(d as SimNobleBinding);
    this.peripherals.delete(d as SimBlenoBinding);
  }

  /** Nothing connected, nothing advertising: the state an idle reader must return to. */
  get idle(): boolean {
    return this.connections.size === 0 && [...this.peripherals].every((p) => !p.advertising);
  }

  advertisers(): SimBlenoBinding[] {
    return [...this.peripherals].filter((p) => p.advertising);
  }

  /** An advertiser started: scanning centrals discover it. */
  announce(p: SimBlenoBinding): void {
    for (const c of this.centrals) this.deliver(() => c.seeAdvertiser(p));
  }

  /** Ordered delivery: every packet goes through one FIFO, one macrotask (or delay) apart. */
  deliver(fn: () => void): void {
    this.queue.push(fn);
    if (!this.scheduled) {
      this.scheduled = true;
      if (this.packetDelayMs > 0) this.later(() => this.drain(), this.packetDelayMs);
      else setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const fn of batch) fn();
  }

  later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  connect(central: SimNobleBinding, peripheral: SimBlenoBinding): SimConnection | null {
    if (!this.peripherals.has(peripheral) || !peripheral.advertising) return null;
    const handle = this.nextHandle++;
    const conn: SimConnection = {
      handle,
      central,
      peripheral,
      mtu: Math.min(central.maxMtu, peripheral.maxMtu),
      open: true,
      packetsLeft: Infinity,
      outOfRange: false,
    };
    this.connections.set(handle, conn);
    this.stats.connections++;
    // bleno's HCI binding restarts advertising after a connection (hci-socket/bindings.js
    // onLeConnComplete), so the advertiser stays visible; the same here.
    return conn;
  }

  /**
   * Count a data packet on a connection. Returns false when the packet is lost: out of range, or the
   * link was set to drop after N packets (then the link goes down on both sides).
   */
  packet(conn: SimConnection): boolean {
    if (!conn.open) return false;
    this.stats.packets++;
    if (conn.outOfRange) return false;
    if (conn.packetsLeft !== Infinity) {
      conn.packetsLeft--;
      if (conn.packetsLeft < 0) {
        this.disconnect(conn.handle, HCI_CONNECTION_TIMEOUT);
        return false;
      }
    }
    return true;
  }

  /** Fault: the link drops after `n` more data packets (either direction). */
  dropAfter(handle: number, n: number): void {
    const c = this.connections.get(handle);
    if (c) c.packetsLeft = n;
  }

  /** Fault: the phone walks away. Packets vanish; after the supervision timeout both sides see 0x08. */
  goOutOfRange(handle: number): void {
    const c = this.connections.get(handle);
    if (!c || c.outOfRange) return;
    c.outOfRange = true;
    this.later(() => this.disconnect(handle, HCI_CONNECTION_TIMEOUT), this.supervisionTimeoutMs);
  }

  /**
   * Tear a link down; both ends hear about it (the initiator with its own local reason). The
   * teardown is queued behind packets already sent, as a controller sends queued PDUs before the
   * LL terminate; packets sent after it are lost.
   */
  disconnect(handle: number, reason: number, initiator?: SimNobleBinding | SimBlenoBinding): void {
    const c = this.connections.get(handle);
    if (!c || !c.open || c.closing) return;
    c.closing = true;
    const remoteReason = reason === HCI_LOCAL_HOST_TERMINATED ? HCI_REMOTE_USER_TERMINATED : reason;
    this.deliver(() => {
      c.open = false;
      this.connections.delete(handle);
      c.central.linkDown(c, initiator === c.central ? reason : remoteReason);
      c.peripheral.linkDown(c, initiator === c.peripheral ? reason : remoteReason);
    });
  }

  /** Stop every timer (end of a test). */
  shutdown(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of [...this.connections.values()]) this.disconnect(c.handle, HCI_LOCAL_HOST_TERMINATED);
  }
}
