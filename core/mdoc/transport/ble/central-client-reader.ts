// mdoc central client mode, reader side (ISO 18013-5 §8.3.3.1.1; the mode Apple Wallet uses): the
// reader is the GATT server advertising the service UUID (DE option 11, or the UUID the reader
// proposed in its Handover Request when the phone's Handover Select omits one). Start-up, as in
// Multipaz's BleTransportCentralMdoc / ...CentralMdocReader: the phone connects, negotiates the MTU,
// discovers the service, reads Ident and compares it with HKDF(EDeviceKeyBytes, "BLEIdent"),
// subscribes to Server2Client (and State), and writes State 0x01. Only then does the reader notify
// SessionEstablishment on Server2Client; the phone answers by writing Client2Server. End: State 0x02.
import type { CryptoProvider } from '../../../crypto/provider.ts';
import { TransportError, type MessageTransport } from '../message-transport.ts';
import { MAX_ATTRIBUTE_VALUE } from './chunking.ts';
import { bleIdent } from './ident.ts';
import type { Timers } from '../timers.ts';
import type { GattServerHandle, GattServerLink } from './link.ts';
import { disconnectError, type BleTimeouts } from './peripheral-server-reader.ts';
import { BleReaderTransport } from './reader-transport.ts';
import { CENTRAL_CLIENT, STATE_END, STATE_START, normalizeUuid } from './uuids.ts';
import { errorText } from '../../../errors.ts';

const C = {
  state: normalizeUuid(CENTRAL_CLIENT.state),
  c2s: normalizeUuid(CENTRAL_CLIENT.client2Server),
  s2c: normalizeUuid(CENTRAL_CLIENT.server2Client),
  ident: normalizeUuid(CENTRAL_CLIENT.ident),
};

export class CentralClientReader extends BleReaderTransport implements MessageTransport {
  readonly kind = 'ble-central-client';
  private handle: GattServerHandle | null = null;
  private chunkSize = 0;
  private s2cSubscribed = false;
  private stateSubscribed = false;
  private started = false;
  private startWaiter: { resolve: () => void; reject: (e: TransportError) => void } | null = null;

  private constructor(
    private readonly serviceUuid: string,
    private readonly timers: Timers,
  ) {
    super(timers);
  }

  /**
   * Advertise and wait until the phone has connected, subscribed to Server2Client and written State
   * 0x01. `eDeviceKeyBytes` is the DE's EDeviceKeyBytes as received (for the Ident value).
   */
  static async open(
    link: GattServerLink,
    crypto: CryptoProvider,
    serviceUuid: string,
    eDeviceKeyBytes: Uint8Array,
    timeouts: BleTimeouts,
  ): Promise<CentralClientReader> {
    const t = new CentralClientReader(normalizeUuid(serviceUuid), timeouts.timers);
    const started = new Promise<void>((resolve, reject) => (t.startWaiter = { resolve, reject }));
    started.catch(() => {});
    const deadline = timeouts.timers.setTimeout(
      () =>
        t.failStart(
          new TransportError(
            'transport_peer_not_found',
            `no phone connected and started the session within ${timeouts.connectMs} ms`,
          ),
        ),
      timeouts.connectMs,
    );
    try {
      t.handle = await link.serve(
        {
          uuid: t.serviceUuid,
          characteristics: [
            { uuid: C.state, properties: ['notify', 'writeWithoutResponse'] },
            { uuid: C.c2s, properties: ['writeWithoutResponse'] },
            { uuid: C.s2c, properties: ['notify'] },
            { uuid: C.ident, properties: ['read'], value: bleIdent(crypto, eDeviceKeyBytes) },
          ],
        },
        {
          onConnect: () => {},
          onSubscribe: (uuid, maxValueSize) => {
            if (uuid === C.s2c) {
              t.s2cSubscribed = true;
              t.chunkSize = Math.min(maxValueSize, MAX_ATTRIBUTE_VALUE);
            } else if (uuid === C.state) t.stateSubscribed = true;
          },
          onUnsubscribe: (uuid) => {
            if (uuid === C.s2c) t.s2cSubscribed = false;
            if (uuid === C.state) t.stateSubscribed = false;
          },
          onWrite: (uuid, data) => t.onWrite(uuid, data),
          onDisconnect: (reason) => {
            t.s2cSubscribed = false;
            t.stateSubscribed = false;
            if (t.closed) return;
            const err = disconnectError(reason, t.assembler.pending);
            if (!t.started) {
              // Before State 0x01 a disconnect is not fatal: a phone may connect, read Ident, find it
              // is the wrong reader and leave, and the right phone may still come. Keep advertising.
              t.assembler.reset();
              return;
            }
            t.inbox.fail(err);
          },
        },
        timeouts.connectMs,
      );
      await started;
      return t;
    } catch (e) {
      await t.close();
      throw e instanceof TransportError ? e : new TransportError('transport_unavailable', errorText(e));
    } finally {
      timeouts.timers.clearTimeout(deadline);
    }
  }

  private failStart(e: TransportError): void {
    const w = this.startWaiter;
    this.startWaiter = null;
    w?.reject(e);
  }

  private onWrite(uuid: string, data: Uint8Array): void {
    if (uuid === C.state) {
      if (data.length === 1 && data[0] === STATE_START) {
        if (!this.s2cSubscribed) {
          this.failStart(
            new TransportError(
              'transport_protocol_error',
              'the phone wrote State 0x01 before subscribing to Server2Client',
            ),
          );
          return;
        }
        this.started = true;
        const w = this.startWaiter;
        this.startWaiter = null;
        w?.resolve();
      } else if (data.length === 1 && data[0] === STATE_END) {
        const e = new TransportError('transport_peer_terminated', 'the phone ended the session (State 0x02)');
        if (!this.started) this.failStart(e);
        else this.inbox.fail(e);
      } else {
        this.inbox.fail(new TransportError('transport_protocol_error', 'unexpected State value'));
      }
      return;
    }
    if (uuid === C.c2s) {
      if (!this.started) return; // nothing is expected before the start signal
      this.inbox.putChunk(this.assembler, data);
    }
  }

  describe(): Record<string, string | number | boolean> {
    return {
      mode: 'mdoc central client',
      serviceUuid: this.serviceUuid,
      chunkSize: this.chunkSize,
      attMtu: this.chunkSize + 3,
    };
  }

  async send(message: Uint8Array): Promise<void> {
    if (this.closed || !this.handle) throw new TransportError('transport_closed', 'transport closed');
    if (this.inbox.failed) throw this.inbox.failed;
    if (!this.s2cSubscribed)
      throw new TransportError('transport_disconnected', 'the phone is not subscribed to Server2Client');
    const h = this.handle;
    await this.inbox.sendChunked(message, this.chunkSize, (chunk) => h.notify(C.s2c, chunk));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failStart(new TransportError('transport_closed', 'transport closed'));
    this.inbox.fail(new TransportError('transport_closed', 'transport closed'));
    const h = this.handle;
    if (!h) return;
    if (this.stateSubscribed) {
      try {
        await h.notify(C.state, Uint8Array.of(STATE_END));
      } catch {
        /* link may be gone */
      }
    }
    try {
      await h.stop();
    } catch {
      /* already stopped */
    }
  }
}
