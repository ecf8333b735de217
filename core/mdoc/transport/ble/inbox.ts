// A one-consumer queue of whole messages with a terminal error: the glue between link callbacks and
// `receive(timeout)`. Once failed, every later receive rejects with the same error (the reader then
// closes and returns to idle).
import { TransportError } from '../message-transport.ts';
import type { Timers } from '../timers.ts';
import { chunkMessage, type MessageAssembler } from './chunking.ts';

export class Inbox {
  constructor(private readonly timers: Timers) {}

  private messages: Uint8Array[] = [];
  private waiter: { resolve: (m: Uint8Array) => void; reject: (e: TransportError) => void; timer: unknown } | null =
    null;
  private failure: TransportError | null = null;

  put(message: Uint8Array): void {
    if (this.failure) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      this.timers.clearTimeout(w.timer);
      w.resolve(message);
    } else {
      this.messages.push(message);
    }
  }

  fail(error: TransportError): void {
    if (this.failure) return;
    this.failure = error;
    this.messages = [];
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      this.timers.clearTimeout(w.timer);
      w.reject(error);
    }
  }

  /** One chunk from the link (§8.3.3.1.1.6): a completed message is queued, a bad chunk fails the inbox. */
  putChunk(assembler: MessageAssembler, chunk: Uint8Array): void {
    try {
      const m = assembler.push(chunk);
      if (m) this.put(m);
    } catch (e) {
      this.fail(e instanceof TransportError ? e : new TransportError('transport_protocol_error', String(e)));
    }
  }

  /**
   * Write one message chunk by chunk (§8.3.3.1.1.6). A failure the link reported meanwhile
   * (disconnect, State 0x02) ends the send with that error before the next chunk.
   */
  async sendChunked(
    message: Uint8Array,
    chunkSize: number,
    write: (chunk: Uint8Array) => Promise<void>,
  ): Promise<void> {
    for (const chunk of chunkMessage(message, chunkSize)) {
      if (this.failure) throw this.failure;
      await write(chunk);
    }
  }

  get failed(): TransportError | null {
    return this.failure;
  }

  receive(timeoutMs: number, what: string): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    const m = this.messages.shift();
    if (m) return Promise.resolve(m);
    if (this.waiter) return Promise.reject(new TransportError('transport_protocol_error', 'concurrent receive'));
    return new Promise((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.waiter = null;
        reject(new TransportError('transport_timeout', `no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }
}
