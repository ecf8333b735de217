// A phone on a PC/SC contactless reader, through the real pcsclite binding (@pokusew/pcsclite):
// find the reader, wait for a tag (with a timeout), connect, and expose it as core's ApduChannel
// (core/mdoc/engagement/apdu-channel.ts; the same shape as core/card's ApduTransport, so the My
// Number card layer can use this adapter too). A failed transmit on a contactless reader means the
// phone moved away: it is thrown as ApduChannelError('nfc_tag_lost'); nothing presented in time is
// 'nfc_no_tag'; no such reader is 'nfc_reader_unavailable'. close() always leaves the reader idle.
//
// Entry point:
//   const reader = await PcscNfcReader.open({ readerName: 'Virtual PCD 00 00', timeoutMs: 5000 });
//   const tag = await reader.waitForTag(10_000);   // PcscApduChannel: transmit(apdu), apdus
//   ... engageOverNfc(tag, ...); new NfcDataRetrieval(tag) ...
//   await reader.close();
import { createRequire } from 'node:module';
import { ApduChannelError, type ApduChannel } from '../../core/mdoc/engagement/apdu-channel.ts';

type PcscLite = ReturnType<typeof import('@pokusew/pcsclite')>;
type CardReader = Parameters<Parameters<PcscLite['on']>[1]>[0] extends infer R ? (R extends { transmit: unknown } ? R : never) : never;

const require = createRequire(import.meta.url);

export interface PcscNfcReaderOptions {
  /** Exact reader name, or a RegExp; the first reader when absent. */
  readerName?: string | RegExp;
  /** How long to wait for the reader to appear. */
  timeoutMs?: number;
}

export class PcscNfcReader {
  private present = false;
  private atr: Uint8Array | null = null;
  private gone = false;
  private waiters: (() => void)[] = [];
  private channel: PcscApduChannel | null = null;
  /** Other readers of the same context, closed with this one. */
  others: CardReader[] = [];

  private constructor(
    private readonly pcsc: PcscLite,
    readonly reader: CardReader,
  ) {
    reader.on('status', (s: { state: number; atr?: Buffer }) => {
      const present = (s.state & reader.SCARD_STATE_PRESENT) !== 0 && (s.state & reader.SCARD_STATE_MUTE) === 0;
      if (present && s.atr) this.atr = new Uint8Array(s.atr);
      if (!present && this.present) this.channel?.markLost();
      this.present = present;
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
    reader.on('end', () => {
      this.gone = true;
      this.channel?.markLost('nfc_reader_unavailable');
      for (const f of this.waiters.splice(0)) f();
    });
    reader.on('error', () => undefined);
  }

  get name(): string {
    return this.reader.name;
  }

  static open(o: PcscNfcReaderOptions = {}): Promise<PcscNfcReader> {
    const pcscFactory = require('@pokusew/pcsclite') as typeof import('@pokusew/pcsclite');
    const pcsc = pcscFactory();
    const matches = (name: string) => (o.readerName === undefined ? true : typeof o.readerName === 'string' ? name === o.readerName : o.readerName.test(name));
    return new Promise((resolve, reject) => {
      const others: CardReader[] = [];
      const timer = setTimeout(async () => {
        for (const r of others) await closeQuietly(r);
        pcsc.close();
        reject(new ApduChannelError('nfc_reader_unavailable', `no PC/SC reader ${o.readerName ? `"${String(o.readerName)}" ` : ''}within ${o.timeoutMs ?? 5000} ms`));
      }, o.timeoutMs ?? 5000);
      pcsc.on('error', (e: unknown) => {
        clearTimeout(timer);
        pcsc.close();
        reject(new ApduChannelError('nfc_reader_unavailable', `PC/SC: ${(e as Error)?.message ?? String(e)}`));
      });
      pcsc.on('reader', (r) => {
        const cr = r as CardReader;
        trackQuiet(cr);
        if (!matches(r.name)) {
          // Not closed here: closing a reader while its first status event is in flight loses
          // the binding's exit notice and keeps the process alive (see closeQuietly).
          others.push(cr);
          return;
        }
        clearTimeout(timer);
        const reader = new PcscNfcReader(pcsc, cr);
        reader.others = others;
        resolve(reader);
      });
    });
  }

  /** Wait until a tag is on the reader, then connect to it. */
  async waitForTag(timeoutMs: number): Promise<PcscApduChannel> {
    const deadline = Date.now() + timeoutMs;
    while (!this.present) {
      if (this.gone) throw new ApduChannelError('nfc_reader_unavailable', `reader ${this.reader.name} went away`);
      const left = deadline - Date.now();
      if (left <= 0) throw new ApduChannelError('nfc_no_tag', `no tag on ${this.reader.name} within ${timeoutMs} ms`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
    // pcsclite keeps `connected` after a card vanished; connect() would then answer without a
    // protocol. Drop the stale handle first.
    if (this.reader.connected) await new Promise<void>((res) => this.reader.disconnect(this.reader.SCARD_LEAVE_CARD, () => res()));
    const protocol = await new Promise<number>((res, rej) =>
      this.reader.connect({ share_mode: this.reader.SCARD_SHARE_SHARED }, (err: unknown, p: number) =>
        err ? rej(new ApduChannelError('nfc_tag_lost', `connect: ${(err as Error).message ?? err}`)) : res(p),
      ),
    );
    this.channel = new PcscApduChannel(this.reader, protocol, this.atr);
    return this.channel;
  }

  /** Wait until nothing is on the reader (before the next transaction); false on timeout. */
  async waitForRemoval(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.present && !this.gone) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
    return true;
  }

  get tagPresent(): boolean {
    return this.present;
  }

  /** Disconnect (leave the card alone) and stop watching the reader. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.channel) await this.channel.disconnect();
    this.channel = null;
    for (const r of [this.reader, ...this.others]) await closeQuietly(r);
    try {
      this.pcsc.close();
    } catch {
      /* already closed */
    }
  }
  private closing = false;
}

// @pokusew/pcsclite 0.6 race: CardReader.close() sets the stop flag; if the binding's status thread
// is between two SCardGetStatusChange calls at that moment (it has just reported a change, e.g. the
// INUSE flag dropping after our own disconnect), it leaves its loop without posting the exit notice,
// the reader's uv_async handle is never closed and Node never exits. So: close a reader only after
// its status has been quiet for a while, so its thread is parked inside SCardGetStatusChange where
// SCardCancel reaches it.
const lastStatusAt = new WeakMap<object, number>();

function trackQuiet(r: CardReader): void {
  lastStatusAt.set(r, Date.now());
  r.on('status', () => lastStatusAt.set(r, Date.now()));
}

async function closeQuietly(r: CardReader, quietMs = 60, maxMs = 1000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const since = Date.now() - (lastStatusAt.get(r) ?? 0);
    if (since >= quietMs || Date.now() - start > maxMs) break;
    await new Promise((res) => setTimeout(res, quietMs - since + 1));
  }
  try {
    r.close();
  } catch {
    /* already closed */
  }
}

export class PcscApduChannel implements ApduChannel {
  apdus = 0;
  private lost: 'nfc_tag_lost' | 'nfc_reader_unavailable' | null = null;

  constructor(
    private readonly reader: CardReader,
    private readonly protocol: number,
    readonly atr: Uint8Array | null,
  ) {}

  markLost(why: 'nfc_tag_lost' | 'nfc_reader_unavailable' = 'nfc_tag_lost'): void {
    if (!this.lost || why === 'nfc_reader_unavailable') this.lost = why;
  }

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (this.lost) return Promise.reject(new ApduChannelError(this.lost, this.lost === 'nfc_tag_lost' ? 'the tag left the reader' : 'the reader went away'));
    this.apdus++;
    return new Promise((resolve, reject) => {
      // Short APDUs answer at most 256 + 2 bytes; extended up to 65536 + 2.
      this.reader.transmit(Buffer.from(apdu), 65538, this.protocol, (err: unknown, data: Buffer) => {
        if (err) {
          const m = String((err as Error).message ?? err);
          // 0x80100017 reader unavailable, 0x80100009 unknown reader: the reader itself is gone.
          const why = /0x80100017|0x80100009/.test(m) ? 'nfc_reader_unavailable' : 'nfc_tag_lost';
          this.markLost(why);
          reject(new ApduChannelError(why, `transmit: ${m}`));
        } else if (data.length < 2) {
          // pcsclite hands back an empty buffer when the card vanished mid-command (vpcd closed).
          this.markLost('nfc_tag_lost');
          reject(new ApduChannelError('nfc_tag_lost', 'the tag left the reader during a command'));
        } else resolve(new Uint8Array(data));
      });
    });
  }

  async disconnect(): Promise<void> {
    await new Promise<void>((res) => {
      try {
        this.reader.disconnect(this.reader.SCARD_LEAVE_CARD, () => res());
      } catch {
        res();
      }
    });
  }
}
