// The real APDU channel: PC/SC through pcscd with @pokusew/pcsclite (docs/architecture.md
// "Adapters": device adapters in main/ implement core's link interfaces).
//
// - Readers come and go (hot-plug): the context tracks them from pcsclite's 'reader' / 'end' events.
// - The card can leave at any point: a removal seen in the reader's status, or a failed transmit,
//   becomes CardError('card_removed') for the pending and every later command; nothing hangs (each
//   transmit has a timeout).
// - The daemon can go away too (pcscd killed, crashed or restarted, e.g. when a USB reader is yanked
//   and the daemon loses it): the binding then reports RPC transport errors on every status watch and
//   ends every reader. That is CardError('pcsc_service_stopped') for the pending and every later
//   command and for every wait, at once (measured: a few ms after the daemon died), and the context is
//   dead for good: `serviceLost` says so and callers open a new context once pcscd is back.
// - The daemon can also hang (stopped, wedged): the binding's calls then never return, and a command
//   inside it holds the reader's native mutex. Every call has a JS deadline (connect, transmit,
//   disconnect), a session whose command is still inside the binding takes no further command, and
//   the native close (which would block the main thread on that mutex) waits until the binding has let
//   go of every call; if the daemon never comes back, the context's native parts are left behind
//   rather than freeze the kiosk.
// - The card is identified by SELECTing AIDs in the card layer, never by its ATR.
// - Short APDUs by default (responses of at most 256 data bytes + SW); a document that needs
//   extended-length reads (the residence card) asks for a larger response buffer.
// - The My Number guard runs inside transmit() before the binding sees a byte, and the binding's
//   reader object is private (#reader), so no caller of this module can send an unguarded command.
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
import type { ApduTransport, CommandGuard } from '../../core/card/apdu.ts';
import { CardError } from '../../core/card/codes.ts';
import { MyNumberGuard } from '../../core/card/my-number-guard.ts';
import { bindingCall, isServiceError, leaveCallbackFrame, NativeCalls, readyForNativeClose, StatusClock } from './binding-guard.ts';
import { pcscdAnswers } from './pcscd-probe.ts';

type PcscLite = import('events').EventEmitter & { readers?: Record<string, RawReader>; close(): void };
interface RawReader extends EventEmitter {
  name: string;
  state: number;
  SCARD_STATE_PRESENT: number;
  SCARD_STATE_EMPTY: number;
  SCARD_SHARE_SHARED: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_LEAVE_CARD: number;
  SCARD_UNPOWER_CARD: number;
  connect(opts: { share_mode: number; protocol: number }, cb: (err: Error | null, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: Error | null) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: Error | null, res: Buffer) => void): void;
  close(): void;
}

const require = createRequire(import.meta.url);

export interface PcscOptions {
  /** How long to wait for a reader to appear / a card to be presented. */
  timeoutMs?: number;
  /** Per-APDU timeout. */
  apduTimeoutMs?: number;
  /**
   * The command allowlist of the document being read (default: the My Number guard). Whatever is
   * passed, every command goes through it before the binding sees a byte.
   */
  guard?: CommandGuard;
  /** Largest response (data + SW) accepted: 258 for short APDUs, more for extended-length reads. */
  maxResponse?: number;
}


/** A PC/SC context: the list of readers, kept current as readers are plugged and unplugged. */
export class PcscContext extends EventEmitter {
  readonly #pcsc: PcscLite;
  readonly #readers = new Map<string, RawReader>();
  readonly #present = new Map<string, boolean>();
  #closed = false;
  #serviceLost: CardError | null = null;
  /** When each reader last reported a status (see #closeNative()). */
  readonly #clock = new StatusClock();

  private constructor(pcsc: PcscLite) {
    super();
    this.#pcsc = pcsc;
    pcsc.on('error', (e: Error) => {
      // The binding's reader-list watch stopped: it never restarts, so this context can no longer
      // see readers come or go. With pcscd gone it is an RPC / no-service error.
      this.#markServiceLost(e);
      this.emit('pcsc-error', e);
    });
    pcsc.on('reader', (r: RawReader) => {
      r.on('error', (e: Error) => {
        // Arrives before the reader's 'end', so the removal below is already known as the daemon's.
        if (isServiceError(e)) this.#markServiceLost(e);
        this.emit('reader-error', r.name, e);
      });
      this.#clock.mark(r);
      r.on('status', (st: { state: number }) => {
        this.#clock.mark(r);
        const present = (st.state & r.SCARD_STATE_PRESENT) !== 0;
        // A reader is announced only once its first status is known, so "is a card present?" is
        // never answered from a guess.
        if (!this.#readers.has(r.name)) {
          this.#readers.set(r.name, r);
          this.#present.set(r.name, present);
          this.emit('reader-added', r.name);
          if (present) this.emit('card-inserted', r.name);
          return;
        }
        const was = this.#present.get(r.name) ?? false;
        this.#present.set(r.name, present);
        if (present && !was) this.emit('card-inserted', r.name);
        if (!present && was) this.emit('card-removed', r.name);
      });
      r.on('end', () => {
        this.#readers.delete(r.name);
        this.#present.delete(r.name);
        this.emit('reader-removed', r.name);
      });
    });
  }

  /** Set once pcscd went away under this context; every later call fails with it. */
  get serviceLost(): CardError | null {
    return this.#serviceLost;
  }

  #markServiceLost(e: Error): void {
    if (this.#serviceLost || this.#closed) return;
    this.#serviceLost = new CardError('pcsc_service_stopped', `pcscd went away (${e.message})`);
    this.emit('service-lost', this.#serviceLost);
  }

  /** Open a context; CardError('pcsc_unavailable') when pcscd is not reachable (never hangs). */
  static async open(): Promise<PcscContext> {
    // No daemon: the binding's SCardEstablishContext spins; a frozen one still accepts the socket and
    // the call blocks the main thread for ever. Ask the daemon itself first (pcscd-probe.ts).
    const a = await pcscdAnswers(1000);
    if (!a.ok) throw new CardError(a.state === 'not_answering' ? 'pcsc_service_stopped' : 'pcsc_unavailable', a.reason);
    const pcsclite = require('@pokusew/pcsclite') as () => PcscLite;
    return new PcscContext(pcsclite());
  }

  readers(): string[] {
    return [...this.#readers.keys()];
  }

  hasCard(name: string): boolean {
    return this.#present.get(name) ?? false;
  }

  /** Wait until a reader (the named one, or any) exists. */
  async waitForReader(name: string | undefined, timeoutMs: number): Promise<string> {
    const pick = () => (name ? (this.#readers.has(name) ? name : undefined) : this.readers()[0]);
    if (this.#serviceLost) throw this.#serviceLost;
    const now = pick();
    if (now) return now;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.off('reader-added', on);
        this.off('service-lost', lost);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(name ? new CardError('reader_not_found', `no reader named "${name}" (have: ${this.readers().join(', ') || 'none'})`) : new CardError('no_reader', 'no PC/SC reader appeared'));
      }, timeoutMs);
      const on = () => {
        const r = pick();
        if (r) {
          cleanup();
          resolve(r);
        }
      };
      const lost = (e: CardError) => {
        cleanup();
        reject(e);
      };
      this.on('reader-added', on);
      this.on('service-lost', lost);
    });
  }

  /** Wait until a card is present on `reader`. */
  async waitForCard(reader: string, timeoutMs: number): Promise<void> {
    if (this.#serviceLost) throw this.#serviceLost;
    if (this.hasCard(reader)) return;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.off('card-inserted', on);
        this.off('reader-removed', gone);
        this.off('service-lost', lost);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new CardError('card_absent', `no card on "${reader}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (n: string) => {
        if (n === reader) {
          cleanup();
          resolve();
        }
      };
      const gone = (n: string) => {
        if (n === reader) {
          cleanup();
          reject(this.#serviceLost ?? new CardError('reader_removed', `reader "${reader}" was unplugged`));
        }
      };
      const lost = (e: CardError) => {
        cleanup();
        reject(e);
      };
      this.on('card-inserted', on);
      this.on('reader-removed', gone);
      this.on('service-lost', lost);
    });
  }

  /** Wait until `reader` shows no card (false on timeout). pcscd polls presence, so a card that just
   *  left may still be listed for a few hundred milliseconds. */
  async waitForEmpty(reader: string, timeoutMs: number): Promise<boolean> {
    if (!this.hasCard(reader)) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off('card-removed', on);
        resolve(false);
      }, timeoutMs);
      const on = (n: string) => {
        if (n === reader) {
          clearTimeout(timer);
          this.off('card-removed', on);
          resolve(true);
        }
      };
      this.on('card-removed', on);
    });
  }

  /** Connect to the card on `reader` (shared mode, T=0 or T=1). */
  async connect(reader: string, opts: PcscOptions = {}): Promise<PcscCardSession> {
    if (this.#serviceLost) throw this.#serviceLost;
    const r = this.#readers.get(reader);
    if (!r) throw new CardError('reader_not_found', `no reader named "${reader}"`);
    const timeoutMs = opts.apduTimeoutMs ?? 5000;
    const protocol = await bindingCall<number>(this.#calls, (cb) => r.connect({ share_mode: r.SCARD_SHARE_SHARED, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 }, cb), {
      ms: timeoutMs,
      timeout: () => new CardError('timeout', `connect: no answer from pcscd within ${timeoutMs} ms`),
      error: (err) => mapPcscError(err, 'connect'),
      // Too late: nobody holds this handle; let it go.
      late: (err) => {
        if (!err) r.disconnect(r.SCARD_LEAVE_CARD, () => undefined);
      },
    });
    const session = new PcscCardSession(this, r, protocol, opts.apduTimeoutMs ?? 5000, opts.guard ?? new MyNumberGuard(), opts.maxResponse ?? 258);
    this.sessions.add(session);
    return session;
  }

  /** Sessions still connected; close() releases them first (see PcscCardSession.disconnect). */
  readonly sessions = new Set<PcscCardSession>();

  // Binding calls (connect, transmit, disconnect) that have not returned yet. While one is out, a
  // worker thread may hold a reader's native mutex, and CardReader::Close on the main thread would
  // block on it: the native close waits until this is back to zero (binding-guard.ts).
  readonly #calls = new NativeCalls();

  /** @internal for PcscCardSession: a binding call starts. */
  nativeBegin(): void {
    this.#calls.begin();
  }

  /** @internal for PcscCardSession: a binding call returned. */
  nativeEnd(): void {
    this.#calls.end();
  }

  /** Release open card handles, then stop watching readers. Safe to call twice; never throws. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Leave the binding's callback first: a caller that awaited one of our waits (waitForReader,
    // waitForCard, a 'service-lost' rejection) may still be inside the status-event frame that holds
    // the reader's native mutex (binding-guard.ts leaveCallbackFrame: it would self-deadlock).
    await leaveCallbackFrame();
    await Promise.all([...this.sessions].map((x) => x.disconnect().catch(() => undefined)));
    await this.#closeNative();
  }

  async #closeNative(): Promise<void> {
    // Not while a call is stuck in the binding or pcscd is frozen (binding-guard.ts).
    if (!(await readyForNativeClose(this.#calls, () => void this.#closeNative()))) return;
    // @pokusew/pcsclite 0.6 close race: each reader is closed only once its status has been quiet
    // for a moment (binding-guard.ts StatusClock), or the process may never exit.
    for (const r of this.#readers.values()) await this.#clock.closeWhenQuiet(r);
    this.#pcsc.close();
  }
}

function mapPcscError(err: Error, what: string): CardError {
  const m = err.message ?? String(err);
  // pcsc-lite codes: 0x80100069 removed card, 0x8010000C no smartcard, 0x80100068 reset card,
  // 0x80100009 unknown reader, 0x80100017 reader unavailable; the daemon's own: isServiceError().
  if (isServiceError(err)) return new CardError('pcsc_service_stopped', `${what}: ${m}`);
  if (/0x80100069|0x8010000C|removed|No smart card/i.test(m)) return new CardError('card_removed', `${what}: ${m}`);
  if (/0x80100017|0x80100009|unavailable|Unknown reader/i.test(m)) return new CardError('reader_removed', `${what}: ${m}`);
  return new CardError('transport_error', `${what}: ${m}`);
}

/** One connection to one card. Implements core's ApduTransport. */
export class PcscCardSession implements ApduTransport {
  readonly #reader: RawReader;
  readonly #protocol: number;
  readonly #guard: CommandGuard;
  readonly #maxResponse: number;
  readonly #timeoutMs: number;
  #gone: CardError | null = null;
  readonly #onRemoved: (n: string) => void;
  readonly #onReaderGone: (n: string) => void;
  readonly #onServiceLost: (e: CardError) => void;
  readonly #ctx: PcscContext;

  constructor(ctx: PcscContext, reader: RawReader, protocol: number, timeoutMs: number, guard: CommandGuard, maxResponse: number) {
    this.#guard = guard;
    this.#maxResponse = maxResponse;
    this.#ctx = ctx;
    this.#reader = reader;
    this.#protocol = protocol;
    this.#timeoutMs = timeoutMs;
    this.#onRemoved = (n) => {
      if (n === reader.name) this.#gone ??= new CardError('card_removed', 'the card left the reader');
    };
    this.#onReaderGone = (n) => {
      if (n === reader.name) this.#gone ??= ctx.serviceLost ?? new CardError('reader_removed', 'the reader was unplugged');
    };
    this.#onServiceLost = (e) => {
      this.#gone ??= e;
      this.#abortPending?.(e);
    };
    ctx.on('card-removed', this.#onRemoved);
    ctx.on('reader-removed', this.#onReaderGone);
    ctx.on('service-lost', this.#onServiceLost);
  }

  get readerName(): string {
    return this.#reader.name;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    // The guard first, always: nothing reaches the binding unless it is allowed.
    try {
      this.#guard.admit(command);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.#gone) return Promise.reject(this.#gone);
    if (this.#disconnected) return Promise.reject(new CardError('transport_error', 'the session is closed'));
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.#abortPending = null;
        // The command is still inside the binding (the card or pcscd stopped answering). A further
        // command would only queue behind it on the reader's mutex: this session is finished.
        // Which of the two it is decides what staff are told: ask the daemon (about 1 ms when alive).
        const timedOut = this.#gone ?? new CardError('timeout', `no answer within ${this.#timeoutMs} ms`);
        this.#gone ??= timedOut;
        void pcscdAnswers(1000).then((a) => {
          if (a.ok || a.state !== 'not_answering' || this.#gone !== timedOut) return reject(this.#gone ?? timedOut);
          this.#gone = new CardError('pcsc_service_stopped', `no answer within ${this.#timeoutMs} ms: PC/SC service (pcscd) not answering`);
          reject(this.#gone);
        });
      }, this.#timeoutMs);
      // The daemon's death settles a pending command at once, whatever the binding does with it.
      this.#abortPending = (e) => {
        if (settled) return;
        settled = true;
        this.#abortPending = null;
        clearTimeout(timer);
        reject(e);
      };
      this.#inFlight++;
      this.#ctx.nativeBegin();
      this.#reader.transmit(Buffer.from(command), this.#maxResponse, this.#protocol, (err, res) => {
        this.#nativeDone();
        if (settled) return;
        settled = true;
        this.#abortPending = null;
        clearTimeout(timer);
        if (err || res.length < 2) {
          const e = err ? mapPcscError(err, 'transmit') : new CardError('malformed_response', `response of ${res.length} bytes`);
          if (e.code === 'card_removed' || e.code === 'reader_removed' || e.code === 'pcsc_service_stopped') {
            this.#gone = e;
            reject(e);
          } else {
            // A card leaving mid-command often surfaces first as "transaction failed" or an empty
            // answer; pcscd's presence poll confirms the removal a moment later. Say what happened.
            this.#confirmRemoval().then((gone) => reject(gone ?? e));
          }
        } else resolve(new Uint8Array(res));
      });
    });
  }

  /** Wait briefly for pcscd to report the card gone (it polls presence every ~400 ms). */
  #confirmRemoval(ms = 1500): Promise<CardError | null> {
    if (this.#gone) return Promise.resolve(this.#gone);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#ctx.off('card-removed', check);
        this.#ctx.off('reader-removed', check);
        resolve(this.#gone);
      };
      const check = (n: string) => {
        if (n === this.#reader.name) setImmediate(done);
      };
      const timer = setTimeout(done, ms);
      this.#ctx.on('card-removed', check);
      this.#ctx.on('reader-removed', check);
    });
  }

  #disconnected = false;
  #abortPending: ((e: CardError) => void) | null = null;
  /** This session's commands still inside the binding (a timed-out one may never come back). */
  #inFlight = 0;
  #afterInFlight: (() => void) | null = null;

  #nativeDone(): void {
    // The deferred release starts (and counts itself) before this call is uncounted, so the
    // context's deferred close cannot slip in between.
    if (--this.#inFlight === 0 && this.#afterInFlight) {
      const f = this.#afterInFlight;
      this.#afterInFlight = null;
      f();
    }
    this.#ctx.nativeEnd();
  }

  async disconnect(): Promise<void> {
    if (this.#disconnected) return;
    this.#disconnected = true;
    this.#ctx.sessions.delete(this);
    this.#ctx.off('card-removed', this.#onRemoved);
    this.#ctx.off('reader-removed', this.#onReaderGone);
    this.#ctx.off('service-lost', this.#onServiceLost);
    // Always release the native handle, even after a removal: a connected handle left behind keeps
    // the binding's reader thread from stopping when the context closes. If a command is still inside
    // the binding, release after it returns (a disconnect now would only wait on the reader's mutex).
    if (this.#inFlight > 0) {
      this.#afterInFlight = () => void this.#release();
      return;
    }
    await this.#release();
  }

  /** Native disconnect, counted as a binding call; the caller waits at most `ms` (pcscd may be hung). */
  #release(ms = 1000): Promise<void> {
    this.#ctx.nativeBegin();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      const done = () => {
        clearTimeout(timer);
        this.#ctx.nativeEnd();
        resolve();
      };
      try {
        this.#reader.disconnect(this.#reader.SCARD_LEAVE_CARD, done);
      } catch {
        done();
      }
    });
  }
}
