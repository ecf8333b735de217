// Serves a virtual card (My Number card, licence, residence card, passport) to pcscd through the
// vpcd driver (vsmartcard): the card is a TCP client of the reader's port; every message is a
// 2-byte big-endian length + payload. One-byte payloads are control: 00 power off, 01 power on,
// 02 reset, 04 get ATR (answered with the ATR, even while powered off); longer payloads are C-APDUs
// answered with the R-APDU (docs/architecture.md "Platform facts"). Closing the socket is how the
// card "leaves the field": pcscd reports the card removed.
import { connect, type Socket } from 'node:net';
import { CardPulled } from './virtual-card.ts';
import { errorText } from '../../core/errors.ts';

/** What vpcd serves: any virtual card (My Number card, licence, residence card, passport). */
export interface VirtualCard {
  process(cmd: Uint8Array): Uint8Array;
  reset(): void;
}

/** A contactless My Number Card ATR as seen on PC/SC readers (docs/card-and-mdoc-facts.md "Transport"). The reader never uses it to identify the card. */
export const CONTACTLESS_ATR = Uint8Array.of(0x3b, 0xe0, 0x00, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x14);

export class VpcdCard {
  #socket: Socket | null = null;
  #buf = Buffer.alloc(0);
  #powered = false;

  constructor(
    readonly card: VirtualCard,
    readonly port: number,
    readonly host = '127.0.0.1',
    readonly atr: Uint8Array = CONTACTLESS_ATR,
  ) {}

  /** Put the card on the reader (connect to vpcd). Resolves once connected. */
  insert(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = connect({ port: this.port, host: this.host, noDelay: true });
      this.#socket = s;
      this.#buf = Buffer.alloc(0);
      s.once('connect', () => resolve());
      s.once('error', (e) => {
        reject(e);
      });
      s.on('data', (d) => this.#onData(s, d));
      s.on('close', () => {
        if (this.#socket === s) this.#socket = null;
      });
    });
  }

  /** Take the card away. */
  remove(): Promise<void> {
    const s = this.#socket;
    this.#socket = null;
    this.card.reset();
    if (!s || s.closed) return Promise.resolve();
    return new Promise((resolve) => {
      s.once('close', () => resolve());
      s.destroy();
    });
  }

  get inserted(): boolean {
    return this.#socket !== null;
  }

  #send(s: Socket, payload: Uint8Array) {
    const h = Buffer.alloc(2);
    h.writeUInt16BE(payload.length);
    // One write: a two-send frame is what makes delayed ACK hurt (docs/architecture.md "Platform facts").
    s.write(Buffer.concat([h, payload]));
  }

  #onData(s: Socket, d: Buffer) {
    this.#buf = Buffer.concat([this.#buf, d]);
    while (this.#buf.length >= 2) {
      const n = this.#buf.readUInt16BE(0);
      if (this.#buf.length < 2 + n) return;
      const msg = new Uint8Array(this.#buf.subarray(2, 2 + n));
      this.#buf = this.#buf.subarray(2 + n);
      if (n === 1) {
        switch (msg[0]) {
          case 0x00:
            this.#powered = false;
            this.card.reset();
            break;
          case 0x01:
            this.#powered = true;
            this.card.reset();
            break;
          case 0x02:
            this.card.reset();
            break;
          case 0x04:
            this.#send(s, this.atr);
            break;
        }
        continue;
      }
      try {
        this.#send(s, this.card.process(msg));
      } catch (e) {
        if (e instanceof CardPulled) {
          // Leave the field without answering: pcscd sees the card vanish mid-command.
          this.#socket = null;
          s.destroy();
          return;
        }
        this.#send(s, Uint8Array.of(0x6f, 0x00));
      }
    }
    void this.#powered;
  }
}

/**
 * `insertCard` for the PC/SC read paths, remembering why vpcd could not be reached (the CLI says so
 * apart from a card error: usually vsmartcard-vpcd is not installed).
 */
export function trackedInsert(link: VpcdCard): { insertCard: () => Promise<void>; failure: () => string | null } {
  let failed: string | null = null;
  return {
    insertCard: async () => {
      try {
        await link.insert();
      } catch (e) {
        failed = errorText(e);
        throw e;
      }
    },
    failure: () => failed,
  };
}
