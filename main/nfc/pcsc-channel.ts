// A phone on a PC/SC contactless reader, through the real pcsclite binding (@pokusew/pcsclite):
// find the reader, wait for a tag (with a timeout), connect, and expose it as core's ApduChannel
// (core/mdoc/engagement/apdu-channel.ts; the same shape as core/card's ApduTransport, so the My
// Number card layer can use this adapter too). A failed transmit on a contactless reader means the
// phone moved away: it is thrown as ApduChannelError('nfc_tag_lost'); nothing presented in time is
// 'nfc_no_tag'; no such reader is 'nfc_reader_unavailable'. close() always leaves the reader idle.
//
// The PC/SC service itself can fail under a tap, and that must neither hang a read nor freeze the
// kiosk (the same protections as the card channel, main/pcsc/pcsc-reader.ts, shared through
// main/pcsc/binding-guard.ts):
// - pcscd killed, crashed or restarted: the binding reports RPC transport errors. The pending
//   command, every later one and every wait end at once with PcscServiceError (an
//   ApduChannelError 'nfc_service_stopped' whose `service` is 'stopped'); the reader is finished
//   and the caller opens a new one once pcscd is back.
// - pcscd frozen (SIGSTOP, wedged): the binding's calls never return. Every call (connect, transmit,
//   disconnect) has a JS deadline; a call still out after `serviceCheckMs` makes the reader ask pcscd
//   whether it still answers (pcscd-probe.ts pcscdAnswers), and if it does not, the call ends with
//   PcscServiceError 'not_answering'. A phone that is merely slow (pcscd answers) keeps its command
//   until `apduTimeoutMs`, then 'nfc_tag_lost'. While waiting for a tag the reader asks the same
//   question every `idleCheckMs`, so a daemon that froze while the kiosk was idle is noticed too.
// - close() leaves the binding's callback frame first, closes each reader only once its status is
//   quiet, and does the native close only when no binding call is out and pcscd answers (or is gone):
//   the native close runs SCardCancel and joins the binding's threads on the MAIN thread, which a
//   frozen daemon would block for ever. Until then the native parts are left behind.
// - open() asks pcscd for an answer before the binding is created: the binding's constructor runs
//   SCardEstablishContext on the main thread.
//
// Entry point:
//   const reader = await PcscNfcReader.open({ readerName: 'Virtual PCD 00 00', timeoutMs: 5000 });
//   const tag = await reader.waitForTag(10_000);   // PcscApduChannel: transmit(apdu), apdus
//   ... engageOverNfc(tag, ...); new NfcDataRetrieval(tag) ...
//   await reader.close();
import { createRequire } from 'node:module';
import { ApduChannelError, type ApduChannel } from '../../core/mdoc/engagement/apdu-channel.ts';
import { bindingCall, isServiceError, leaveCallbackFrame, NativeCalls, readyForNativeClose, StatusClock, type PendingCall } from '../pcsc/binding-guard.ts';
import { pcscdAnswers } from '../pcsc/pcscd-probe.ts';
import { errorText } from '../../core/errors.ts';

type PcscLite = ReturnType<typeof import('@pokusew/pcsclite')>;
type CardReader = Parameters<Parameters<PcscLite['on']>[1]>[0] extends infer R ? (R extends { transmit: unknown } ? R : never) : never;

const require = createRequire(import.meta.url);

export interface PcscNfcReaderOptions {
  /** Exact reader name, or a RegExp; the first reader when absent. */
  readerName?: string | RegExp;
  /** How long to wait for the reader to appear. */
  timeoutMs?: number;
  /**
   * Longest wait for one command's answer while pcscd still answers (the phone itself is slow: a
   * contactless card may stretch its answer time with waiting-time extensions, and a wallet may hold
   * its answer to the request ENVELOPE while the holder consents). Default 40 s: above read-mdoc's
   * own response deadline (DEFAULT_TIMEOUTS.responseMs, 30 s), which decides first for a slow phone;
   * this one only ends a command the binding never returns while pcscd still answers.
   */
  apduTimeoutMs?: number;
  /** A binding call without an answer for this long makes the reader check that pcscd answers. Default 2 s. */
  serviceCheckMs?: number;
  /** While waiting for a tag, check that pcscd answers this often. Default 5 s. */
  idleCheckMs?: number;
}

/** See PcscNfcReaderOptions.apduTimeoutMs. */
const APDU_TIMEOUT_MS = 40_000;

/** How long pcscd gets to answer pcscdAnswers() (a live daemon answers in about a millisecond). */
const ANSWER_MS = 1000;

/**
 * The PC/SC service failed under the reader: pcscd 'stopped' (killed, crashed, restarted: every
 * handle is void) or 'not_answering' (frozen). Code 'nfc_service_stopped' (the card path's
 * 'pcsc_service_stopped'): staff must act, not the holder; `service` says which, for the kiosk's
 * reader status.
 */
export class PcscServiceError extends ApduChannelError {
  constructor(
    readonly service: 'stopped' | 'not_answering',
    message: string,
  ) {
    super('nfc_service_stopped', message);
  }
}

function serviceError(state: 'gone' | 'not_answering' | 'stopped', detail: string): PcscServiceError {
  return state === 'not_answering'
    ? new PcscServiceError('not_answering', `PC/SC service (pcscd) not answering: ${detail}`)
    : new PcscServiceError('stopped', `PC/SC service (pcscd) stopped: ${detail}`);
}

export class PcscNfcReader {
  private present = false;
  private atr: Uint8Array | null = null;
  private gone = false;
  private waiters: (() => void)[] = [];
  private channel: PcscApduChannel | null = null;
  /** Other readers of the same context, closed with this one. */
  others: CardReader[] = [];
  /** Set once pcscd stopped or stopped answering under this reader; every later call fails with it. */
  #service: PcscServiceError | null = null;
  /** Binding calls of this context still inside the binding (the native close waits for none). */
  readonly calls = new NativeCalls();
  /** Pending calls, ended at once when pcscd is found gone or frozen. */
  readonly #pending = new Set<PendingCall>();
  #lastAlive = performance.now();
  readonly #o: Required<Pick<PcscNfcReaderOptions, 'apduTimeoutMs' | 'serviceCheckMs' | 'idleCheckMs'>>;

  private constructor(
    private readonly pcsc: PcscLite,
    readonly reader: CardReader,
    private readonly clock: StatusClock,
    o: PcscNfcReaderOptions,
  ) {
    this.#o = { apduTimeoutMs: o.apduTimeoutMs ?? APDU_TIMEOUT_MS, serviceCheckMs: o.serviceCheckMs ?? 2000, idleCheckMs: o.idleCheckMs ?? 5000 };
    reader.on('status', (s: { state: number; atr?: Buffer }) => {
      this.#lastAlive = performance.now();
      const present = (s.state & reader.SCARD_STATE_PRESENT) !== 0 && (s.state & reader.SCARD_STATE_MUTE) === 0;
      if (present && s.atr) this.atr = new Uint8Array(s.atr);
      if (!present && this.present) this.channel?.markLost();
      this.present = present;
      this.#wake();
    });
    reader.on('end', () => {
      this.gone = true;
      this.channel?.markLost('nfc_reader_unavailable');
      this.#wake();
    });
    // The reader's status watch failed: with pcscd gone it is an RPC / no-service error, and it comes
    // before the reader's 'end', so the end is known as the daemon's.
    reader.on('error', (e: Error) => {
      if (isServiceError(e)) this.#lost(serviceError('stopped', e.message));
    });
    // The context's reader-list watch failed (it never restarts).
    pcsc.on('error', (e: Error) => {
      if (isServiceError(e)) this.#lost(serviceError('stopped', e.message));
    });
  }

  get name(): string {
    return this.reader.name;
  }

  /** Why this reader is finished because of pcscd, or null. */
  get serviceLost(): PcscServiceError | null {
    return this.#service;
  }

  #wake(): void {
    for (const f of this.waiters.splice(0)) f();
  }

  /** pcscd failed under this reader: end the pending calls, the channel and every wait, now. */
  #lost(e: PcscServiceError): void {
    if (this.#service || this.closing) return;
    this.#service = e;
    this.channel?.markLost(e);
    for (const p of [...this.#pending]) p.abort(e);
    this.#wake();
  }

  /** Ask pcscd for an answer; mark the reader lost when it gives none (or is gone). */
  async #checkService(): Promise<boolean> {
    const a = await pcscdAnswers(ANSWER_MS);
    if (a.ok) {
      this.#lastAlive = performance.now();
      return true;
    }
    this.#lost(serviceError(a.state, a.reason));
    return false;
  }

  /**
   * One binding call: JS deadline `ms`, counted for the native close, ended at once if pcscd is found
   * gone or frozen. While it is out, pcscd is asked every `serviceCheckMs` whether it still answers.
   * @internal for PcscApduChannel
   */
  call<T>(start: (cb: (err: Error | null, value?: T) => void) => void, o: { ms: number; timeout: () => Error; error: (err: Error) => Error; late?: (err: Error | null, value: T | undefined) => void }): Promise<T> {
    if (this.#service) return Promise.reject(this.#service);
    let watch: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const check = () => {
      watch = setTimeout(async () => {
        if ((await this.#checkService()) && !done) check();
      }, this.#o.serviceCheckMs);
    };
    check();
    return bindingCall<T>(this.calls, start, {
      ...o,
      error: (err) => {
        if (isServiceError(err)) {
          const e = serviceError('stopped', err.message);
          this.#lost(e);
          return this.#service ?? e;
        }
        return o.error(err);
      },
    }, this.#pending).finally(() => {
      done = true;
      clearTimeout(watch);
    }).then(
      (v) => {
        this.#lastAlive = performance.now();
        return v;
      },
    );
  }

  static async open(o: PcscNfcReaderOptions = {}): Promise<PcscNfcReader> {
    // The binding's constructor runs SCardEstablishContext on the main thread and never returns
    // from a frozen daemon (and spins while there is none): ask pcscd first.
    const a = await pcscdAnswers(ANSWER_MS);
    if (!a.ok) throw serviceError(a.state, a.reason);
    const pcscFactory = require('@pokusew/pcsclite') as typeof import('@pokusew/pcsclite');
    const pcsc = pcscFactory();
    const clock = new StatusClock();
    const matches = (name: string) => (o.readerName === undefined ? true : typeof o.readerName === 'string' ? name === o.readerName : o.readerName.test(name));
    return new Promise((resolve, reject) => {
      const others: CardReader[] = [];
      const fail = async (e: ApduChannelError) => {
        clearTimeout(timer);
        pcsc.off('error', onError);
        pcsc.off('reader', onReader);
        // The context may still report an error as it closes ("Command cancelled"): an 'error' event
        // nobody listens to would be thrown as an uncaught exception.
        pcsc.on('error', () => undefined);
        reject(e);
        await leaveCallbackFrame();
        for (const r of others) await clock.closeWhenQuiet(r);
        try {
          pcsc.close();
        } catch {
          /* already closed */
        }
      };
      const timer = setTimeout(() => void fail(new ApduChannelError('nfc_reader_unavailable', `no PC/SC reader ${o.readerName ? `"${String(o.readerName)}" ` : ''}within ${o.timeoutMs ?? 5000} ms`)), o.timeoutMs ?? 5000);
      const onError = (e: unknown) => {
        const m = errorText(e);
        void fail(isServiceError(e as Error) ? serviceError('stopped', m) : new ApduChannelError('nfc_reader_unavailable', `PC/SC: ${m}`));
      };
      const onReader = (r: unknown) => {
        const cr = r as CardReader;
        clock.mark(cr);
        cr.on('status', () => clock.mark(cr));
        if (!matches(cr.name)) {
          // Not closed here: closing a reader while its first status event is in flight loses
          // the binding's exit notice and keeps the process alive (StatusClock).
          cr.on('error', () => undefined);
          others.push(cr);
          return;
        }
        clearTimeout(timer);
        pcsc.off('error', onError);
        pcsc.off('reader', onReader);
        const reader = new PcscNfcReader(pcsc, cr, clock, o);
        reader.others = others;
        // Readers announced later (another one plugged in) are only watched, and closed with this one.
        pcsc.on('reader', (r2: unknown) => {
          const x = r2 as CardReader;
          clock.mark(x);
          x.on('status', () => clock.mark(x));
          x.on('error', () => undefined);
          reader.others.push(x);
        });
        resolve(reader);
      };
      pcsc.on('error', onError);
      pcsc.on('reader', onReader);
    });
  }

  /** Wait on the reader's events for at most `ms`, checking now and then that pcscd still answers. */
  async #waitEvent(ms: number): Promise<void> {
    if (performance.now() - this.#lastAlive >= this.#o.idleCheckMs && !(await this.#checkService())) return;
    await new Promise<void>((res) => {
      const t = setTimeout(res, Math.min(ms, this.#o.idleCheckMs));
      this.waiters.push(() => {
        clearTimeout(t);
        res();
      });
    });
  }

  /** Wait until a tag is on the reader, then connect to it. */
  async waitForTag(timeoutMs: number): Promise<PcscApduChannel> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#service) throw this.#service;
      if (this.present) break;
      if (this.gone) throw new ApduChannelError('nfc_reader_unavailable', `reader ${this.reader.name} went away`);
      const left = deadline - Date.now();
      if (left <= 0) throw new ApduChannelError('nfc_no_tag', `no tag on ${this.reader.name} within ${timeoutMs} ms`);
      await this.#waitEvent(left);
    }
    // A command of the previous tap may still be inside the binding (its phone never answered): a
    // connect now would only queue behind it on the reader's mutex.
    if (this.calls.inFlight > 0) throw new ApduChannelError('nfc_tag_lost', `reader ${this.reader.name} is still busy with the previous tap`);
    const ms = 5000;
    // pcsclite keeps `connected` after a card vanished; connect() would then answer without a
    // protocol. Drop the stale handle first.
    if (this.reader.connected) {
      await this.call<void>((cb) => this.reader.disconnect(this.reader.SCARD_LEAVE_CARD, (err) => cb(err ?? null)), {
        ms,
        timeout: () => new ApduChannelError('nfc_tag_lost', `disconnect: no answer from pcscd within ${ms} ms`),
        error: () => new ApduChannelError('nfc_tag_lost', 'disconnect failed'),
      }).catch((e) => {
        if (e instanceof PcscServiceError) throw e;
      });
    }
    const protocol = await this.call<number>((cb) => this.reader.connect({ share_mode: this.reader.SCARD_SHARE_SHARED }, (err: Error | null, p: number) => cb(err, p)), {
      ms,
      timeout: () => new ApduChannelError('nfc_tag_lost', `connect: no answer within ${ms} ms`),
      error: (err) => new ApduChannelError('nfc_tag_lost', `connect: ${err.message ?? err}`),
      // Too late: nobody holds this handle; let it go (counted, so the native close waits for it).
      late: (err) => {
        if (err || !this.reader.connected) return;
        this.calls.begin();
        this.reader.disconnect(this.reader.SCARD_LEAVE_CARD, () => this.calls.end());
      },
    });
    this.channel = new PcscApduChannel(this, this.reader, protocol, this.atr, this.#o.apduTimeoutMs);
    return this.channel;
  }

  /** Wait until nothing is on the reader (before the next transaction); false on timeout. True also
   *  when the reader or pcscd is gone (nothing left to wait for: the next waitForTag says why). */
  async waitForRemoval(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.present && !this.gone && !this.#service) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.#waitEvent(left);
    }
    return true;
  }

  get tagPresent(): boolean {
    return this.present;
  }

  /** Disconnect (leave the card alone) and stop watching the reader. Safe to call twice; never
   *  blocks on a frozen pcscd (the native close is then left for later, see the header). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // A caller that awaited one of our waits may still be inside the binding's status-event frame,
    // which holds the reader's mutex (binding-guard.ts leaveCallbackFrame).
    await leaveCallbackFrame();
    this.#wake();
    if (this.channel) await this.channel.disconnect();
    this.channel = null;
    await this.#closeNative();
  }
  private closing = false;

  /** Native close once it cannot block the main thread: no call inside the binding, pcscd not frozen. */
  async #closeNative(): Promise<void> {
    // Not while a call is stuck in the binding or pcscd is frozen (binding-guard.ts).
    if (!(await readyForNativeClose(this.calls, () => void this.#closeNative()))) return;
    // A card handle left connected keeps the binding's reader thread from stopping at close: release
    // it first (also after pcscd died: the call then fails at once).
    if (this.reader.connected) {
      await bindingCall<void>(this.calls, (cb) => this.reader.disconnect(this.reader.SCARD_LEAVE_CARD, (err) => cb(err ?? null)), {
        ms: 1000,
        timeout: () => new Error('disconnect: no answer within 1000 ms'),
        error: (err) => err,
      }).catch(() => undefined);
    }
    if (this.calls.inFlight > 0) return this.#closeNative();
    for (const r of [this.reader, ...this.others]) await this.clock.closeWhenQuiet(r);
    try {
      this.pcsc.close();
    } catch {
      /* already closed */
    }
  }
}

export class PcscApduChannel implements ApduChannel {
  apdus = 0;
  private lost: ApduChannelError | null = null;
  /** A command timed out while still inside the binding: nothing more is sent (it would only queue). */
  private stuck = false;
  private disconnected = false;

  constructor(
    private readonly owner: PcscNfcReader,
    private readonly reader: CardReader,
    private readonly protocol: number,
    readonly atr: Uint8Array | null,
    private readonly apduTimeoutMs = APDU_TIMEOUT_MS,
  ) {}

  /** The tag or reader is gone (or pcscd: then the PcscServiceError itself); every later command fails with it. */
  markLost(why: 'nfc_tag_lost' | 'nfc_reader_unavailable' | ApduChannelError = 'nfc_tag_lost'): void {
    if (why instanceof ApduChannelError) {
      if (!(this.lost instanceof PcscServiceError)) this.lost = why;
      return;
    }
    if (!this.lost || (why === 'nfc_reader_unavailable' && this.lost.code === 'nfc_tag_lost')) {
      this.lost = new ApduChannelError(why, why === 'nfc_tag_lost' ? 'the tag left the reader' : 'the reader went away');
    }
  }

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (this.lost) return Promise.reject(this.lost);
    if (this.stuck || this.disconnected) return Promise.reject(new ApduChannelError('nfc_tag_lost', this.stuck ? 'a previous command never got an answer' : 'the channel is closed'));
    this.apdus++;
    const ms = this.apduTimeoutMs;
    // Short APDUs answer at most 256 + 2 bytes; extended up to 65536 + 2.
    return this.owner
      .call<Buffer>((cb) => this.reader.transmit(Buffer.from(apdu), 65538, this.protocol, (err: Error | null, data: Buffer) => cb(err, data)), {
        ms,
        timeout: () => {
          this.stuck = true;
          return new ApduChannelError('nfc_tag_lost', `the phone did not answer within ${ms} ms`);
        },
        error: (err) => {
          const m = String(err.message ?? err);
          // 0x80100017 reader unavailable, 0x80100009 unknown reader: the reader itself is gone.
          const why = /0x80100017|0x80100009/.test(m) ? 'nfc_reader_unavailable' : 'nfc_tag_lost';
          this.markLost(why);
          return new ApduChannelError(why, `transmit: ${m}`);
        },
      })
      .then(
        (data) => {
          if (data.length < 2) {
            // pcsclite hands back an empty buffer when the card vanished mid-command (vpcd closed).
            this.markLost('nfc_tag_lost');
            throw new ApduChannelError('nfc_tag_lost', 'the tag left the reader during a command');
          }
          return new Uint8Array(data);
        },
        (e) => {
          // pcscd found gone or frozen while this command was out.
          if (e instanceof PcscServiceError) this.markLost(e);
          throw e;
        },
      );
  }

  /** Release the card handle (bounded; after a command still inside the binding, once it returns). */
  async disconnect(): Promise<void> {
    if (this.disconnected) return;
    this.disconnected = true;
    if (this.owner.serviceLost) return; // every handle of that daemon is void; the native close cleans up
    if (this.owner.calls.inFlight > 0) {
      // A disconnect now would only wait on the reader's mutex; leave it to the native close, which
      // waits for the stuck command (and a reader closed natively lets its handle go).
      return;
    }
    await this.owner
      .call<void>((cb) => this.reader.disconnect(this.reader.SCARD_LEAVE_CARD, (err) => cb(err ?? null)), {
        ms: 1000,
        timeout: () => new ApduChannelError('nfc_tag_lost', 'disconnect: no answer within 1000 ms'),
        error: (err) => new ApduChannelError('nfc_tag_lost', `disconnect: ${err.message ?? err}`),
      })
      .catch(() => undefined);
  }
}
