// The PC/SC adapter: pcscd through @pokusew/pcsclite (docs/architecture.md "Adapters": device
// adapters in main/ implement core's link interfaces). One context serves every path that uses the
// reader (cards, licences, residence cards, phones): the kiosk opens one per reader and hands it from
// the tap probe to whichever path the tap belongs to. A connection is a PcscLink (pcsc-link.ts),
// core's ApduLink, behind the command guard its caller passes in.
//
// - Readers come and go (hot-plug): the context tracks them from the binding's 'reader' / 'end'
//   events, and a reader is announced only once its first status is known.
// - The daemon can go away (pcscd killed, crashed or restarted, e.g. when a USB reader is yanked and
//   the daemon loses it): the binding then reports RPC transport errors on every status watch and
//   ends every reader. The pending command, every later one and every wait end at once
//   (`service_stopped`; measured: a few ms after the daemon died), and the context is dead for good:
//   `lost` says so and the owner opens a new one once pcscd is back.
// - The daemon can also hang (stopped, wedged): the binding's calls then never return. Every call
//   has a JS deadline; a call still out after `serviceCheckMs`, and a wait every `idleCheckMs`, ask
//   pcscd whether it still answers (pcscd-probe.ts pcscdAnswers); if it does not, everything ends as
//   `not_answering`. The native close (which runs SCardCancel and joins the binding's threads on the
//   MAIN thread) waits until no call is inside the binding and pcscd answers; if the daemon never
//   comes back, the native parts are left behind rather than freeze the kiosk (binding-guard.ts).
// - open() asks pcscd for an answer before the binding is created: its constructor runs
//   SCardEstablishContext on the main thread, which spins without a daemon and blocks on a frozen one.
// - The item is identified by SELECTing AIDs in the document layers, never by its ATR.
// - Failures are named once (core/apdu-link.ts LinkFailure) and raised through the caller's
//   LinkErrors: the card path's CardError codes by default, the phone path's nfc_* codes when asked.
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
import type { CommandGuard, LinkErrors } from '../../core/apdu-link.ts';
import { cardLinkErrors } from '../../core/card/codes.ts';
import { MyNumberGuard } from '../../core/card/my-number-guard.ts';
import {
  bindingCall,
  isServiceError,
  leaveCallbackFrame,
  NativeCalls,
  readyForNativeClose,
  StatusClock,
  type BindingCallOptions,
  type PcscLite,
  type PendingCall,
  type RawReader,
} from './binding-guard.ts';
import { pcscdAnswers } from './pcscd-probe.ts';
import { Fault, failureOf, PcscLink } from './pcsc-link.ts';

const require = createRequire(import.meta.url);

/** How long pcscd gets to answer pcscdAnswers() (a live daemon answers in about a millisecond). */
const ANSWER_MS = 1000;
/** Deadline of a connect. */
const CONNECT_MS = 5000;

export interface PcscContextOptions {
  /** How the context's own waits and refusals are raised (default: the card path's CardError). */
  errors?: LinkErrors;
  /** A binding call without an answer for this long makes the context check that pcscd answers. Default 2 s. */
  serviceCheckMs?: number;
  /** While a wait finds nothing to report, check that pcscd answers this often. Default 5 s. */
  idleCheckMs?: number;
}

export interface ConnectOptions {
  /** The command allowlist of what is read (default: the My Number guard, the strictest). */
  guard?: CommandGuard;
  /** Largest answer (data + SW) accepted: 258 for short APDUs (default), more for extended length. */
  maxResponse?: number;
  /** Longest wait for one answer while pcscd still answers. Default 5 s. */
  apduTimeoutMs?: number;
  /** How the link's failures are raised (default: the context's). */
  errors?: LinkErrors;
  /** After a failed or empty answer, how long to wait for pcscd to confirm a removal. Default 1.5 s. */
  confirmRemovalMs?: number;
}

/** A connection to a card: the one PC/SC link. */
export type PcscCardSession = PcscLink;

/**
 * A PC/SC context: the readers, what is on them, and the daemon's health. Events (reader name):
 * 'reader-added', 'reader-removed', 'card-inserted', 'card-removed'; 'service-lost' (the error).
 */
export class PcscContext extends EventEmitter {
  readonly #pcsc: PcscLite;
  readonly #errors: LinkErrors;
  readonly #serviceCheckMs: number;
  readonly #idleCheckMs: number;
  /** Readers with a known first status, by name. */
  readonly #readers = new Map<string, RawReader>();
  /** Every reader the binding announced and has not ended (each is closed with the context). */
  readonly #announced = new Set<RawReader>();
  /** Announced readers whose first status arrived (closing one before it loses the binding's exit notice). */
  readonly #reported = new WeakSet<RawReader>();
  readonly #present = new Map<string, boolean>();
  readonly #atr = new Map<string, Uint8Array>();
  readonly #links = new Set<PcscLink>();
  /** Binding calls not returned yet, per reader (a connect waits for none) and in all (the native close does). */
  readonly #busy = new Map<string, number>();
  readonly #calls = new NativeCalls();
  /** Calls ended at once when pcscd is found gone or frozen. */
  readonly #pending = new Set<PendingCall>();
  readonly #clock = new StatusClock();
  readonly #waiters = new Set<() => void>();
  #lost: Fault | null = null;
  #closed = false;
  #lastAlive = performance.now();

  private constructor(pcsc: PcscLite, o: PcscContextOptions) {
    super();
    this.#pcsc = pcsc;
    this.#errors = o.errors ?? cardLinkErrors;
    this.#serviceCheckMs = o.serviceCheckMs ?? 2000;
    this.#idleCheckMs = o.idleCheckMs ?? 5000;
    // The binding's reader-list watch stopped: it never restarts, so this context can no longer see
    // readers come or go. With pcscd gone it is an RPC / no-service error. (Also as the context
    // closes: an 'error' nobody listens to would be thrown as an uncaught exception.)
    pcsc.on('error', (e: Error) =>
      this.#markLost(new Fault('service_stopped', `PC/SC service (pcscd) stopped: ${e.message}`)),
    );
    pcsc.on('reader', (r: RawReader) => this.#watch(r));
  }

  /** Contexts opened in this process (figures for tests and diagnostics: one per reader at the kiosk). */
  static opened = 0;

  /** Open a context; fails (never hangs) when pcscd is not reachable or does not answer. */
  static async open(o: PcscContextOptions = {}): Promise<PcscContext> {
    const a = await pcscdAnswers(ANSWER_MS);
    if (!a.ok) {
      const errors = o.errors ?? cardLinkErrors;
      throw a.state === 'not_answering'
        ? errors('not_answering', `PC/SC service (pcscd) not answering: ${a.reason}`)
        : errors('unavailable', `PC/SC service (pcscd) stopped: ${a.reason}`);
    }
    const pcsclite = require('@pokusew/pcsclite') as () => PcscLite;
    PcscContext.opened++;
    return new PcscContext(pcsclite(), o);
  }

  #watch(r: RawReader): void {
    this.#announced.add(r);
    this.#clock.mark(r);
    // Arrives before the reader's 'end', so the removal below is already known as the daemon's.
    r.on('error', (e: Error) => {
      if (isServiceError(e))
        this.#markLost(new Fault('service_stopped', `PC/SC service (pcscd) stopped: ${e.message}`));
    });
    r.on('status', (st: { state: number; atr?: Buffer }) => {
      this.#clock.mark(r);
      this.#reported.add(r);
      this.#lastAlive = performance.now();
      const present = (st.state & r.SCARD_STATE_PRESENT) !== 0 && (st.state & r.SCARD_STATE_MUTE) === 0;
      if (present && st.atr) this.#atr.set(r.name, new Uint8Array(st.atr));
      const known = this.#readers.has(r.name);
      const was = this.#present.get(r.name) ?? false;
      this.#readers.set(r.name, r);
      this.#present.set(r.name, present);
      if (!present && was)
        for (const l of this.#linksOn(r.name)) l.fail(new Fault('removed', 'the item left the reader'));
      if (!known || present !== was) this.#wake();
      if (!known) this.emit('reader-added', r.name);
      if (present && !was) this.emit('card-inserted', r.name);
      if (!present && was) this.emit('card-removed', r.name);
    });
    r.on('end', () => {
      this.#announced.delete(r);
      this.#readers.delete(r.name);
      this.#present.delete(r.name);
      this.#atr.delete(r.name);
      for (const l of this.#linksOn(r.name)) l.fail(this.#lost ?? new Fault('reader_removed', 'the reader went away'));
      this.#wake();
      this.emit('reader-removed', r.name);
    });
  }

  #linksOn(name: string): PcscLink[] {
    return [...this.#links].filter((l) => l.readerName === name);
  }

  /** Something changed (a status, a reader, the service): every wait looks again. */
  #wake(): void {
    for (const f of [...this.#waiters]) f();
  }

  /** pcscd went away or froze under this context: end the pending calls, the links and every wait, now. */
  #markLost(f: Fault): void {
    if (this.#lost || this.#closed) return;
    this.#lost = f;
    for (const l of this.#links) l.fail(f);
    for (const p of [...this.#pending]) p.abort(f);
    this.#wake();
    this.emit('service-lost', this.serviceLost);
  }

  /** Why this context is finished because of pcscd (in the context's errors), or null. */
  get serviceLost(): (Error & { readonly code: string }) | null {
    return this.#lost ? this.#errors(this.#lost.failure, this.#lost.message) : null;
  }

  /** @internal The fault that finished the context, or null. */
  get lost(): Fault | null {
    return this.#lost;
  }

  /**
   * Ask pcscd for an answer; mark the context lost when it gives none (or is gone). Resolves with
   * the fault, or null while pcscd answers. @internal for PcscLink
   */
  async checkService(): Promise<Fault | null> {
    if (this.#lost) return this.#lost;
    const a = await pcscdAnswers(ANSWER_MS);
    if (a.ok) {
      this.#lastAlive = performance.now();
      return null;
    }
    this.#markLost(
      a.state === 'not_answering'
        ? new Fault('not_answering', `PC/SC service (pcscd) not answering: ${a.reason}`)
        : new Fault('service_stopped', `PC/SC service (pcscd) stopped: ${a.reason}`),
    );
    return this.#lost;
  }

  readers(): string[] {
    return [...this.#readers.keys()];
  }

  /** Is an item (card or phone, not mute) on `name`, as pcscd last reported it? */
  hasCard(name: string): boolean {
    return this.#present.get(name) ?? false;
  }

  /** The ATR of the item on `name` (card type information, not a person's). */
  atr(name: string): Uint8Array | null {
    return this.#atr.get(name) ?? null;
  }

  /** Wait until a reader (the named one, one whose name matches, or any) exists; its name. */
  waitForReader(name: string | RegExp | undefined, timeoutMs: number): Promise<string> {
    const pick = () =>
      this.readers().find((n) => (name === undefined ? true : typeof name === 'string' ? n === name : name.test(n)));
    return this.#raise(
      this.#until(pick, timeoutMs, () =>
        name === undefined
          ? new Fault('no_reader', 'no PC/SC reader appeared')
          : new Fault(
              'reader_not_found',
              `no reader ${typeof name === 'string' ? `named "${name}"` : String(name)} within ${timeoutMs} ms (have: ${this.readers().join(', ') || 'none'})`,
            ),
      ),
    );
  }

  /**
   * Wait until at least one reader is there and every reader the binding announced has reported its
   * first status (start-up: which readers are attached); their names, sorted, or [] on timeout.
   */
  async waitForReaders(timeoutMs: number): Promise<string[]> {
    const settled = () =>
      this.#readers.size > 0 && [...this.#announced].every((r) => this.#reported.has(r)) ? true : undefined;
    await this.#until(settled, timeoutMs, () => new Fault('no_reader', 'no PC/SC reader appeared')).catch(
      () => undefined,
    );
    return this.readers().sort();
  }

  /** Wait until an item is on `reader`. */
  waitForCard(reader: string, timeoutMs: number): Promise<void> {
    const test = () => {
      if (!this.#readers.has(reader)) throw new Fault('reader_removed', `reader "${reader}" went away`);
      return this.hasCard(reader) ? true : undefined;
    };
    return this.#raise(
      this.#until(test, timeoutMs, () => new Fault('absent', `nothing on "${reader}" within ${timeoutMs} ms`)),
    ).then(() => undefined);
  }

  /**
   * Wait until `reader` shows nothing (false on timeout). True also when the reader or pcscd is gone:
   * nothing is left to wait for. pcscd polls presence, so an item that just left may still be listed
   * for a few hundred milliseconds.
   */
  async waitForEmpty(reader: string, timeoutMs: number): Promise<boolean> {
    try {
      await this.#until(
        () => (this.hasCard(reader) ? undefined : true),
        timeoutMs,
        () => new Fault('absent', `still something on "${reader}" after ${timeoutMs} ms`),
      );
      return true;
    } catch {
      return this.#lost !== null || this.#closed || !this.hasCard(reader);
    }
  }

  /** Poll `test` at every change until it gives a value, throws, or `timeoutMs` passes (then `timeout`'s fault). Looks at pcscd's health every idleCheckMs. */
  async #until<T>(test: () => T | undefined, timeoutMs: number, timeout: () => Fault): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.#lost) throw this.#lost;
      if (this.#closed) throw new Fault('closed', 'the PC/SC context is closed');
      const v = test();
      if (v !== undefined) return v;
      const left = deadline - performance.now();
      if (left <= 0) throw timeout();
      await this.#nextChange(left);
    }
  }

  async #nextChange(ms: number): Promise<void> {
    if (performance.now() - this.#lastAlive >= this.#idleCheckMs) {
      await this.checkService();
      return;
    }
    await new Promise<void>((res) => {
      const done = () => {
        clearTimeout(t);
        this.#waiters.delete(done);
        res();
      };
      const t = setTimeout(done, Math.min(ms, this.#idleCheckMs));
      this.#waiters.add(done);
    });
  }

  /** A fault of the adapter -> the caller's error; anything else passes. */
  #raise<T>(p: Promise<T>, errors: LinkErrors = this.#errors): Promise<T> {
    return p.catch((e: unknown) => {
      throw e instanceof Fault ? errors(e.failure, e.message) : e;
    });
  }

  /** Connect to the item on `reader` (shared mode, T=0 or T=1), behind `o.guard`. */
  connect(reader: string, o: ConnectOptions = {}): Promise<PcscLink> {
    return this.#raise(this.#connect(reader, o), o.errors ?? this.#errors);
  }

  async #connect(reader: string, o: ConnectOptions): Promise<PcscLink> {
    if (this.#lost) throw this.#lost;
    if (this.#closed) throw new Fault('closed', 'the PC/SC context is closed');
    const r = this.#readers.get(reader);
    if (!r) throw new Fault('reader_not_found', `no reader named "${reader}"`);
    // A command of an earlier link may still be inside the binding (its item never answered): a
    // connect now would only queue behind it on the reader's mutex.
    if ((this.#busy.get(reader) ?? 0) > 0)
      throw new Fault('transport', `reader "${reader}" is still busy with the previous item`);
    // A link of an earlier item whose holder never let go of it is over: the reader holds one item.
    for (const l of this.#linksOn(reader)) l.supersede();
    // The binding keeps `connected` after an item vanished, and connect() would then answer at once
    // without a protocol: drop the stale handle first.
    if (r.connected) {
      await this.call<void>(reader, (cb) => r.disconnect(r.SCARD_LEAVE_CARD, (err) => cb(err)), {
        ms: CONNECT_MS,
        timeout: () => new Fault('timeout', `disconnect: no answer from pcscd within ${CONNECT_MS} ms`),
        error: (err) => new Fault(failureOf(err), `disconnect: ${err.message ?? err}`),
      }).catch(() => {
        if (this.#lost) throw this.#lost;
      });
    }
    const protocol = await this.call<number>(
      reader,
      (cb) => r.connect({ share_mode: r.SCARD_SHARE_SHARED, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 }, cb),
      {
        ms: CONNECT_MS,
        timeout: () => new Fault('timeout', `connect: no answer from pcscd within ${CONNECT_MS} ms`),
        error: (err) => new Fault(failureOf(err), `connect: ${err.message ?? err}`),
        // Too late: nobody holds this handle; let it go (counted, so the native close waits for it).
        late: (err) => {
          if (err || !r.connected) return;
          this.#calls.begin();
          r.disconnect(r.SCARD_LEAVE_CARD, () => this.#calls.end());
        },
      },
    );
    const link = new PcscLink(this, r, protocol, this.atr(reader), {
      guard: o.guard ?? new MyNumberGuard(),
      maxResponse: o.maxResponse ?? 258,
      apduTimeoutMs: o.apduTimeoutMs ?? 5000,
      errors: o.errors ?? this.#errors,
      confirmRemovalMs: o.confirmRemovalMs ?? 1500,
    });
    this.#links.add(link);
    return link;
  }

  /** @internal for PcscLink: the link is closed and no longer follows the reader. */
  forget(link: PcscLink): void {
    this.#links.delete(link);
  }

  /**
   * One binding call on `reader`: JS deadline, counted for the native close and for the reader, ended
   * at once if pcscd is found gone or frozen; while it is out, pcscd is asked every serviceCheckMs
   * whether it still answers. Rejects with Fault. @internal for PcscLink
   */
  call<T>(
    reader: string,
    start: (cb: (err: Error | null, value?: T) => void) => void,
    o: BindingCallOptions<T>,
  ): Promise<T> {
    if (this.#lost) return Promise.reject(this.#lost);
    let watch: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const check = () => {
      watch = setTimeout(async () => {
        if (!(await this.checkService()) && !done) check();
      }, this.#serviceCheckMs);
    };
    check();
    const bump = (n: number) => this.#busy.set(reader, (this.#busy.get(reader) ?? 0) + n);
    const counted = (cb: (err: Error | null, value?: T) => void) => {
      bump(1);
      try {
        start((err, value) => {
          bump(-1);
          cb(err, value);
        });
      } catch (e) {
        bump(-1);
        throw e;
      }
    };
    return bindingCall<T>(
      this.#calls,
      counted,
      {
        ...o,
        error: (err) => {
          if (!isServiceError(err)) return o.error(err);
          this.#markLost(new Fault('service_stopped', `PC/SC service (pcscd) stopped: ${err.message}`));
          return this.#lost ?? o.error(err);
        },
      },
      this.#pending,
    ).then(
      (v) => {
        done = true;
        clearTimeout(watch);
        this.#lastAlive = performance.now();
        return v;
      },
      (e: unknown) => {
        done = true;
        clearTimeout(watch);
        throw e;
      },
    );
  }

  /** Release the open links, then stop watching readers. Safe to call twice; never throws or blocks on a frozen pcscd. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Leave the binding's callback first: a caller that awaited one of our waits may still be inside
    // the status-event frame that holds the reader's native mutex (binding-guard.ts leaveCallbackFrame).
    await leaveCallbackFrame();
    this.#wake();
    await Promise.all([...this.#links].map((l) => l.disconnect().catch(() => undefined)));
    await this.#closeNative();
  }

  /** Native close once it cannot block the main thread: no call inside the binding, pcscd not frozen. */
  async #closeNative(): Promise<void> {
    if (!(await readyForNativeClose(this.#calls, () => void this.#closeNative()))) return;
    // A card handle left connected keeps the binding's reader thread from stopping at close: release
    // it first (also after pcscd died: the call then fails at once).
    for (const r of this.#announced) {
      if (!r.connected) continue;
      await bindingCall<void>(this.#calls, (cb) => r.disconnect(r.SCARD_LEAVE_CARD, (err) => cb(err)), {
        ms: 1000,
        timeout: () => new Error('disconnect: no answer within 1000 ms'),
        error: (err) => err,
      }).catch(() => undefined);
    }
    if (this.#calls.inFlight > 0) return this.#closeNative();
    // @pokusew/pcsclite 0.6 close race: each reader is closed only once its status has been quiet
    // for a moment (binding-guard.ts StatusClock), or the process may never exit.
    // A reader closed while its first status is still on the way loses the binding's exit notice too.
    for (let waited = 0; waited < 2000 && [...this.#announced].some((r) => !this.#reported.has(r)); waited += 20)
      await new Promise((res) => setTimeout(res, 20));
    for (const r of this.#announced) await this.#clock.closeWhenQuiet(r);
    try {
      this.#pcsc.close();
    } catch {
      /* already closed */
    }
  }
}
