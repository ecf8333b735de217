// A virtual card on pcscd's vpcd driver (vsmartcard-vpcd; docs/architecture.md "Platform facts"):
// the card is a TCP client of the reader slot's port. Frames are a 2-byte big-endian length and a
// payload. One-byte payloads are control: 0x00 power off, 0x01 power on, 0x02 reset, 0x04 get
// ATR (answer with the ATR, even while off). Longer payloads are C-APDUs: answer the R-APDU.
// Requests are answered strictly in order, one at a time, as a card would.
//
// Entry points: `VpcdCard.connect({ port, atr, onApdu })` -> card; `card.close()` (a phone taken
// away: pcscd sees the card vanish); `card.closed` (resolves when the link ends);
// `CONTACTLESS_ATR` (PC/SC Part 3 pseudo-ATR of an ISO 14443-4 card without historical bytes).
import { connect, type Socket } from 'node:net';

/** 3B 80 80 01 01: TS, T0 (TD1 follows, 0 historical bytes), TD1 = T=0 + TD2, TD2 = T=1, TCK. */
export const CONTACTLESS_ATR = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01);

export interface VpcdCardOptions {
  port: number;
  host?: string;
  atr?: Uint8Array;
  /** Return the R-APDU, or null to drop the link without answering (walk away mid-command). */
  onApdu: (apdu: Uint8Array) => Promise<Uint8Array | null> | Uint8Array | null;
  onPower?: (on: boolean) => void;
}

export class VpcdCard {
  private buf = Buffer.alloc(0);
  private queue: Promise<void> = Promise.resolve();
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(
    private readonly sock: Socket,
    private readonly o: VpcdCardOptions,
  ) {
    this.closed = new Promise((res) => sock.once('close', () => res()));
    sock.setNoDelay(true);
    sock.on('data', (d) => this.onData(d));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      this.ended = true;
    });
  }

  static connect(o: VpcdCardOptions): Promise<VpcdCard> {
    return new Promise((resolve, reject) => {
      const s = connect({ port: o.port, host: o.host ?? '127.0.0.1' });
      s.once('connect', () => resolve(new VpcdCard(s, o)));
      s.once('error', reject);
    });
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    while (this.buf.length >= 2) {
      const n = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + n) break;
      const payload = new Uint8Array(this.buf.subarray(2, 2 + n));
      this.buf = this.buf.subarray(2 + n);
      this.queue = this.queue.then(() => this.handle(payload)).catch(() => this.close());
    }
  }

  private async handle(p: Uint8Array): Promise<void> {
    if (this.ended) return;
    if (p.length === 1) {
      switch (p[0]) {
        case 0x00:
          this.o.onPower?.(false);
          return;
        case 0x01:
          this.o.onPower?.(true);
          return;
        case 0x02:
          this.o.onPower?.(true);
          return;
        case 0x04:
          this.write(this.o.atr ?? CONTACTLESS_ATR);
          return;
        default:
          return;
      }
    }
    const r = await this.o.onApdu(p);
    if (r === null) {
      this.close();
      return;
    }
    this.write(r);
  }

  private write(b: Uint8Array): void {
    if (this.ended) return;
    const f = Buffer.alloc(2 + b.length);
    f.writeUInt16BE(b.length, 0);
    f.set(b, 2);
    // One write per frame: avoids the split-send delayed-ACK trap (docs/architecture.md "Platform facts").
    this.sock.write(f);
  }

  /** Take the phone away. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.sock.destroy();
  }
}
