// What every user of the @pokusew/pcsclite 0.6 binding must respect so that pcscd going away
// (killed, crashed, restarted) or hanging (SIGSTOP, wedged) never hangs a read or freezes the main
// thread. The PC/SC adapter (pcsc-reader.ts, pcsc-link.ts) is built on them. The facts below are
// properties of the binding's native code.
//
// - PcscLite, RawReader: the part of the binding's objects the adapter uses.
// - isServiceError(): the error texts that mean "the daemon itself is gone".
// - leaveCallbackFrame(): run before any native close (see there: self-deadlock on a reader mutex).
// - StatusClock: close a reader only once its status has been quiet (the binding's close race).
// - NativeCalls: count binding calls still inside the binding; a native close waits for zero (a
//   call stuck in a frozen daemon holds the reader's mutex, and CardReader::Close would block the
//   main thread on it).
// - bindingCall(): one binding call with a JS deadline, counted in NativeCalls (the binding itself
//   never returns from a call into a frozen daemon).
import type { EventEmitter } from 'node:events';
import { pcscdAnswers } from './pcscd-probe.ts';
import { errorText } from '../../core/errors.ts';

/** The binding's context: announces readers ('reader'), fails its reader-list watch ('error'). */
export type PcscLite = EventEmitter & { close(): void };

/**
 * One reader of the binding: 'status' events ({state, atr}), 'error', 'end'. It holds at most one
 * card handle (`connected`): connect() on a connected reader answers at once with no protocol.
 */
export interface RawReader extends EventEmitter {
  name: string;
  connected: boolean;
  SCARD_STATE_PRESENT: number;
  SCARD_STATE_MUTE: number;
  SCARD_SHARE_SHARED: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_LEAVE_CARD: number;
  connect(opts: { share_mode: number; protocol: number }, cb: (err: Error | null, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: Error | null) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: Error | null, res: Buffer) => void): void;
  close(): void;
}

/**
 * The daemon itself is gone: pcsc-lite's client answers SCARD_F_COMM_ERROR 0x80100013 ("RPC
 * transport error") when its socket to pcscd breaks, SCARD_E_NO_SERVICE 0x8010001D or
 * SCARD_E_SERVICE_STOPPED 0x8010001E when it cannot reach it. (A reader unplugged while pcscd runs is
 * SCARD_E_UNKNOWN_READER instead, which the binding reports as a plain reader 'end'.)
 */
export function isServiceError(err: Error): boolean {
  return /0x80100013|0x8010001D|0x8010001E|RPC transport error|Service not available|Service was stopped/i.test(
    err?.message ?? String(err),
  );
}

/**
 * Leave the binding's callback before a native close. Its status events ('status', 'error', 'end')
 * are delivered from inside CardReader::HandleReaderStatusChange with the reader's native mutex
 * held, and Node drains the microtask queue before that frame returns: a caller that awaited a wait
 * an event settled and then closes would run CardReader::Close -> uv_mutex_lock on that same mutex,
 * on the same thread: the whole process deadlocks (the main thread then owns the mutex it waits
 * for). One macrotask later the frame has returned and the mutex is free.
 */
export function leaveCallbackFrame(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** What StatusClock needs of a binding reader. */
interface Closable {
  close(): void;
}

/**
 * @pokusew/pcsclite 0.6 close race: CardReader.close() sets the stop flag; if the reader's status
 * thread is between two SCardGetStatusChange calls at that moment (it has just reported a change,
 * e.g. the INUSE flag dropping after our own disconnect), it leaves its loop without posting the exit
 * notice, the reader's uv_async handle is never closed and Node never exits. So a reader is closed
 * only once its status has been quiet for a moment: its thread is then parked inside
 * SCardGetStatusChange, where SCardCancel reaches it.
 */
export class StatusClock {
  readonly #lastStatusAt = new WeakMap<object, number>();

  /** A status was just reported for `r` (call from its 'status' handler, and when it is first seen). */
  mark(r: object): void {
    this.#lastStatusAt.set(r, Date.now());
  }

  /** Close `r` once it has reported nothing for `quietMs` (at most `maxMs` of waiting). Never throws. */
  async closeWhenQuiet(r: Closable, quietMs = 60, maxMs = 1000): Promise<void> {
    const start = Date.now();
    for (;;) {
      const since = Date.now() - (this.#lastStatusAt.get(r) ?? 0);
      if (since >= quietMs || Date.now() - start > maxMs) break;
      await new Promise((res) => setTimeout(res, quietMs - since + 1));
    }
    try {
      r.close();
    } catch {
      /* already gone */
    }
  }
}

/**
 * Binding calls (connect, transmit, disconnect) that have not returned yet. While one is out, a
 * worker thread may hold a reader's native mutex, so a native close must wait until this is back to
 * zero (afterIdle). A call that never returns (daemon frozen for good) keeps the count up for ever:
 * the native parts are then left behind rather than freeze the kiosk.
 */
export class NativeCalls {
  #n = 0;
  #whenIdle: (() => void) | null = null;

  get inFlight(): number {
    return this.#n;
  }

  begin(): void {
    this.#n++;
  }

  end(): void {
    if (--this.#n > 0 || !this.#whenIdle) return;
    const f = this.#whenIdle;
    this.#whenIdle = null;
    // Not from inside the binding's after-work callback: the caller's own code runs first.
    setImmediate(f);
  }

  /** Run `f` once every call has returned (the caller checks inFlight first; one pending `f` at a time). */
  afterIdle(f: () => void): void {
    this.#whenIdle = f;
  }
}

/**
 * May the native close run now without blocking the main thread? Not while a binding call is out
 * (it may hold a reader's mutex: `again` runs once every call returned), and not while pcscd is
 * frozen (SCardCancel and the thread joins inside the native close would never return: `again`
 * runs in a second). If the daemon never comes back, the native parts stay behind.
 */
export async function readyForNativeClose(calls: NativeCalls, again: () => void): Promise<boolean> {
  if (calls.inFlight > 0) {
    calls.afterIdle(again);
    return false;
  }
  const a = await pcscdAnswers(FROZEN_CHECK_MS);
  if (!a.ok && a.state === 'not_answering') {
    setTimeout(again, 1000).unref();
    return false;
  }
  // The answer took a moment: a call may have started meanwhile.
  if (calls.inFlight > 0) {
    calls.afterIdle(again);
    return false;
  }
  return true;
}

/** How long pcscd gets to answer before it counts as frozen (a live daemon answers in about 1 ms). */
const FROZEN_CHECK_MS = 1000;

export interface BindingCallOptions<T> {
  /** The JS deadline: the binding never gives up on a call into a frozen daemon. */
  ms: number;
  /** The error for a call with no answer by the deadline. */
  timeout: () => Error;
  /** Maps the binding's error. */
  error: (err: Error) => Error;
  /** The call answered after the deadline (or after an abort): e.g. release a handle nobody holds. */
  late?: (err: Error | null, value: T | undefined) => void;
}

/** A pending binding call that a watcher (e.g. "the daemon died") may end early. */
export interface PendingCall {
  abort(e: Error): void;
  /** When the call started (performance.now()). */
  readonly startedAt: number;
}

/**
 * One binding call under a deadline, counted in `calls`. `start` receives the binding's callback.
 * `pending` (if given) holds the call while it is unsettled, so the owner can abort it at once when it
 * learns the daemon is gone (the binding's own error may come later, or never).
 */
export function bindingCall<T>(
  calls: NativeCalls,
  start: (cb: (err: Error | null, value?: T) => void) => void,
  o: BindingCallOptions<T>,
  pending?: Set<PendingCall>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const p: PendingCall = {
      startedAt: performance.now(),
      abort: (e) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        pending?.delete(p);
        reject(e);
      },
    };
    const timer = setTimeout(() => p.abort(o.timeout()), o.ms);
    pending?.add(p);
    calls.begin();
    try {
      start((err, value) => {
        calls.end();
        if (settled) {
          o.late?.(err, value);
          return;
        }
        settled = true;
        clearTimeout(timer);
        pending?.delete(p);
        if (err) reject(o.error(err));
        else resolve(value as T);
      });
    } catch (e) {
      // The binding threw synchronously (e.g. "not connected"): nothing is inside it.
      calls.end();
      // The mappers read an Error; a binding that throws something else is wrapped, its text kept.
      p.abort(o.error(e instanceof Error ? e : new Error(errorText(e))));
    }
  });
}
