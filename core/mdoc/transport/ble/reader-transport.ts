// What the two BLE reader roles (central client and peripheral server, ISO 18013-5 §8.3.3.1.1) share
// as a MessageTransport: chunks assembled into whole messages in an inbox, and receive() refused once
// the transport is closed. Each role adds its own start-up, send and close.
import { TransportError } from '../message-transport.ts';
import type { Timers } from '../timers.ts';
import { MessageAssembler } from './chunking.ts';
import { Inbox } from './inbox.ts';

export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export abstract class BleReaderTransport {
  protected readonly inbox: Inbox;
  protected readonly assembler = new MessageAssembler(MAX_MESSAGE_BYTES);
  protected closed = false;

  protected constructor(timers: Timers) {
    this.inbox = new Inbox(timers);
  }

  receive(timeoutMs: number): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new TransportError('transport_closed', 'transport closed'));
    return this.inbox.receive(timeoutMs, 'response from the phone');
  }
}
