// mdoc peripheral server mode, reader side (ISO 18013-5 §8.3.3.1.1): the phone is the GATT server
// advertising the DE's peripheral-server UUID (option 10); the reader is the GATT client. Start-up,
// in the order Multipaz's BleTransportPeripheralMdocReader uses: connect, MTU, discover, subscribe
// to Server2Client and State, write State 0x01 (start); then the reader writes SessionEstablishment
// to Client2Server and the phone answers by notifying Server2Client. End: State 0x02.
// (The Ident characteristic belongs to the reader's service only; it is not used in this mode.)
import { TransportError, type MessageTransport } from '../message-transport.ts';
import { maxChunkSize } from './chunking.ts';
import type { Timers } from '../timers.ts';
import type { DisconnectReason, GattClientConnection, GattClientLink } from './link.ts';
import { BleReaderTransport } from './reader-transport.ts';
import { PERIPHERAL_SERVER, STATE_END, STATE_START, normalizeUuid } from './uuids.ts';

export interface BleTimeouts {
  /** Finding and connecting to the phone (or the phone connecting to us). */
  connectMs: number;
  timers: Timers;
}

const S = {
  state: normalizeUuid(PERIPHERAL_SERVER.state),
  c2s: normalizeUuid(PERIPHERAL_SERVER.client2Server),
  s2c: normalizeUuid(PERIPHERAL_SERVER.server2Client),
};

export function disconnectError(reason: DisconnectReason, pendingBytes: number): TransportError {
  // Part of a message received is the most telling fact, whatever the HCI reason.
  if (pendingBytes > 0)
    return new TransportError(
      'transport_disconnected_mid_message',
      `BLE link ${reason === 'link-lost' ? 'lost' : 'dropped'} after ${pendingBytes} bytes of an unfinished message`,
    );
  if (reason === 'link-lost')
    return new TransportError('transport_link_lost', 'BLE link supervision timeout: the phone went out of range');
  return new TransportError(
    'transport_disconnected',
    `BLE link closed by the ${reason === 'remote' ? 'phone' : 'reader'}`,
  );
}

export class PeripheralServerReader extends BleReaderTransport implements MessageTransport {
  readonly kind = 'ble-peripheral-server';
  private sentEnd = false;

  private constructor(
    private readonly conn: GattClientConnection,
    private readonly serviceUuid: string,
    timers: Timers,
  ) {
    super(timers);
  }

  static async open(link: GattClientLink, serviceUuid: string, timeouts: BleTimeouts): Promise<PeripheralServerReader> {
    const uuid = normalizeUuid(serviceUuid);
    const conn = await link.connect(uuid, timeouts.connectMs);
    const t = new PeripheralServerReader(conn, uuid, timeouts.timers);
    try {
      await t.start();
    } catch (e) {
      await t.close();
      throw e;
    }
    return t;
  }

  private async start(): Promise<void> {
    this.conn.onDisconnect((reason) => {
      if (this.closed) return;
      this.inbox.fail(disconnectError(reason, this.assembler.pending));
    });
    for (const c of [S.state, S.c2s, S.s2c]) {
      if (!this.conn.characteristics.includes(c))
        throw new TransportError('transport_service_incomplete', `the phone's mdoc service lacks characteristic ${c}`);
    }
    await this.conn.subscribe(S.s2c, (chunk) => this.inbox.putChunk(this.assembler, chunk));
    await this.conn.subscribe(S.state, (v) => {
      if (v.length === 1 && v[0] === STATE_END)
        this.inbox.fail(new TransportError('transport_peer_terminated', 'the phone ended the session (State 0x02)'));
    });
    await this.conn.write(S.state, Uint8Array.of(STATE_START), true);
  }

  describe(): Record<string, string | number | boolean> {
    return {
      mode: 'mdoc peripheral server',
      serviceUuid: this.serviceUuid,
      attMtu: this.conn.mtu,
      chunkSize: maxChunkSize(this.conn.mtu),
    };
  }

  async send(message: Uint8Array): Promise<void> {
    if (this.closed) throw new TransportError('transport_closed', 'transport closed');
    if (this.inbox.failed) throw this.inbox.failed;
    await this.inbox.sendChunked(message, maxChunkSize(this.conn.mtu), (chunk) => this.conn.write(S.c2s, chunk, true));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.inbox.fail(new TransportError('transport_closed', 'transport closed'));
    if (!this.sentEnd) {
      this.sentEnd = true;
      try {
        await this.conn.write(S.state, Uint8Array.of(STATE_END), true);
      } catch {
        /* the link may already be gone */
      }
    }
    try {
      await this.conn.disconnect();
    } catch {
      /* already down */
    }
  }
}
