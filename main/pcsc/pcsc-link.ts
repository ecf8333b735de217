// One connection to the card or phone on one PC/SC reader: core's ApduLink (core/apdu-link.ts) for
// every path that talks APDUs through pcscd (the My Number Card, the driving licence, the residence
// card, phone engagement and NFC data retrieval). The context that opens it (pcsc-reader.ts) owns
// the binding; this file owns what happens to one command.
//
// - The command guard is passed in and runs before the binding sees a byte; the binding's reader
//   object is private, so no holder of a link can send an unguarded command.
// - Every command has a JS deadline (`apduTimeoutMs`), and while it is out the context asks pcscd
//   now and then whether it still answers: a frozen daemon ends the command as `not_answering`, a
//   dead one at once as `service_stopped`, a silent card or phone at the deadline as `timeout`. A
//   command still inside the binding at its deadline finishes the link: a further one would only
//   queue behind it on the reader's mutex.
// - The item can leave at any point: a removal seen in the reader's status ends every later
//   command; a failed or empty answer waits up to `confirmRemovalMs` for pcscd's presence poll to
//   confirm the removal, so the error says what happened (the card path; phones answer at once).
// - Failures are named in core's one vocabulary (LinkFailure) and raised as the caller's errors
//   through `errors` (core/card/codes.ts cardLinkErrors, core/mdoc/engagement phoneLinkErrors), so
//   each path keeps its public codes.
import type { ApduLink, CommandGuard, LinkErrors, LinkFailure } from '../../core/apdu-link.ts';
import type { RawReader } from './binding-guard.ts';
import type { PcscContext } from './pcsc-reader.ts';

/** A link failure in the adapter's own words, raised to callers through their LinkErrors. */
export class Fault extends Error {
  override readonly name = 'PcscFault';
  constructor(
    readonly failure: LinkFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Which of two faults a link keeps: the service's over the reader's over the item's over the rest. */
function rank(f: Fault): number {
  if (f.failure === 'service_stopped' || f.failure === 'not_answering' || f.failure === 'unavailable') return 3;
  if (f.failure === 'reader_removed') return 2;
  return f.failure === 'removed' ? 1 : 0;
}

/**
 * The binding's error text -> a link failure. pcsc-lite codes: 0x80100069 removed card, 0x8010000C
 * no smartcard, 0x80100068 reset card, 0x80100009 unknown reader, 0x80100017 reader unavailable; the
 * daemon's own: the context's isServiceError().
 */
export function failureOf(err: Error): LinkFailure {
  const m = err.message ?? String(err);
  if (/0x80100069|0x8010000C|removed|No smart card/i.test(m)) return 'removed';
  if (/0x80100017|0x80100009|unavailable|Unknown reader/i.test(m)) return 'reader_removed';
  return 'transport';
}

export interface LinkOptions {
  guard: CommandGuard;
  /** Largest answer (data + SW): 258 for short APDUs, up to 65538 for extended length. */
  maxResponse: number;
  /** Longest wait for one answer while pcscd still answers. */
  apduTimeoutMs: number;
  /** How the link's failures are raised. */
  errors: LinkErrors;
  /** After a failed or empty answer, how long to wait for pcscd to report the item gone. */
  confirmRemovalMs: number;
}

export class PcscLink implements ApduLink {
  /** Commands sent (figures for tests and logs). */
  apdus = 0;
  readonly #ctx: PcscContext;
  readonly #reader: RawReader;
  readonly #protocol: number;
  readonly #o: LinkOptions;
  /** Why every further command fails (the item left, the reader or pcscd went away, a command never came back). */
  #fault: Fault | null = null;
  #disconnected = false;
  /** This link's binding calls not returned yet (a timed-out one may never return). */
  #inFlight = 0;
  #afterInFlight: (() => void) | null = null;

  constructor(
    ctx: PcscContext,
    reader: RawReader,
    protocol: number,
    /** The item's ATR when it was connected (card type information, not a person's). */
    readonly atr: Uint8Array | null,
    o: LinkOptions,
  ) {
    this.#ctx = ctx;
    this.#reader = reader;
    this.#protocol = protocol;
    this.#o = o;
  }

  get readerName(): string {
    return this.#reader.name;
  }

  /** @internal for PcscContext: the item, the reader or the service went away. */
  fail(f: Fault): void {
    if (!this.#fault || rank(f) > rank(this.#fault)) this.#fault = f;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    // The guard first, always: nothing reaches the binding unless it is allowed.
    try {
      this.#o.guard.admit(command);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#transmit(command).catch((e: unknown) => {
      throw e instanceof Fault ? this.#o.errors(e.failure, e.message) : e;
    });
  }

  async #transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.#fault) throw this.#fault;
    if (this.#disconnected) throw new Fault('closed', 'the link is closed');
    this.apdus++;
    const ms = this.#o.apduTimeoutMs;
    let res: Buffer;
    try {
      res = await this.#ctx.call<Buffer>(
        this.#reader.name,
        this.#counted((cb) => this.#reader.transmit(Buffer.from(command), this.#o.maxResponse, this.#protocol, cb)),
        {
          ms,
          timeout: () => new Fault('timeout', `no answer within ${ms} ms`),
          error: (err) => new Fault(failureOf(err), `transmit: ${err.message ?? err}`),
        },
      );
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      if (e.failure === 'timeout') {
        // Still inside the binding: nothing more may be sent. Silent item or frozen daemon? Asking
        // pcscd tells staff which (about 1 ms when it is alive).
        this.fail(e);
        const service = await this.#ctx.checkService();
        if (service) this.fail(service);
        throw this.#fault ?? e;
      }
      if (e.failure === 'transport') {
        // An item leaving mid-command often surfaces first as "transaction failed"; pcscd's presence
        // poll confirms the removal a moment later. Say what happened.
        this.fail((await this.#confirmRemoval()) ?? e);
        throw this.#fault ?? e;
      }
      this.fail(e);
      throw this.#fault ?? e;
    }
    if (res.length < 2) {
      // pcsclite hands back an empty answer when the item vanished mid-command.
      this.fail((await this.#confirmRemoval()) ?? new Fault('malformed', `answer of ${res.length} bytes`));
      throw this.#fault;
    }
    return new Uint8Array(res);
  }

  /** Wait briefly for pcscd to report the item gone (it polls presence every ~400 ms). */
  async #confirmRemoval(): Promise<Fault | null> {
    if (this.#o.confirmRemovalMs > 0 && !this.#fault)
      await this.#ctx.waitForEmpty(this.#reader.name, this.#o.confirmRemovalMs);
    if (this.#fault) return this.#fault;
    return this.#ctx.hasCard(this.#reader.name)
      ? null
      : new Fault('removed', 'the item left the reader during a command');
  }

  /** Counts a binding call of this link, so a deferred release starts once it has returned. */
  #counted<T>(
    start: (cb: (err: Error | null, value: T) => void) => void,
  ): (cb: (err: Error | null, value?: T) => void) => void {
    return (cb) => {
      this.#inFlight++;
      try {
        start((err, value) => {
          // The deferred release starts (and counts itself) before this call is uncounted, so the
          // context's deferred native close cannot slip in between.
          if (--this.#inFlight === 0 && this.#afterInFlight) {
            const f = this.#afterInFlight;
            this.#afterInFlight = null;
            f();
          }
          cb(err, value);
        });
      } catch (e) {
        this.#inFlight--;
        throw e;
      }
    };
  }

  /** @internal for PcscContext: a new connection on the reader replaces this one (its stale handle is dropped there). */
  supersede(): void {
    this.#disconnected = true;
    this.#ctx.forget(this);
  }

  /** Release the item (left powered). Bounded; after a command still inside the binding, once it returns. */
  async disconnect(): Promise<void> {
    if (this.#disconnected) return;
    this.#disconnected = true;
    this.#ctx.forget(this);
    // Every handle of a dead or frozen daemon is void: the context's native close cleans up.
    if (this.#ctx.lost) return;
    // A connected handle left behind keeps the binding's reader thread from stopping at close; a
    // disconnect now, with a command inside the binding, would only wait on the reader's mutex.
    if (this.#inFlight > 0) {
      this.#afterInFlight = () => void this.#release();
      return;
    }
    await this.#release();
  }

  #release(ms = 1000): Promise<void> {
    return this.#ctx
      .call<void>(this.#reader.name, (cb) => this.#reader.disconnect(this.#reader.SCARD_LEAVE_CARD, (err) => cb(err)), {
        ms,
        timeout: () => new Fault('timeout', `disconnect: no answer within ${ms} ms`),
        error: (err) => new Fault(failureOf(err), `disconnect: ${err.message ?? err}`),
      })
      .catch(() => undefined);
  }
}
