// Reader arming while the kiosk is idle (docs/architecture.md "One transaction", step 1): every
// enabled reader waits for a credential under the mode's policy. This class owns the armed set and
// its timing: arm, re-arm after a mode or reader change, abort the losers when one reader claims a
// transaction, back off after device trouble (a reader that failed without a credential is tried
// again after `backoffMs`, not in a spin), and the status watch that clears a trouble note once the
// reader has stayed armed a whole back-off (a reader plugged back in, pcscd restarted). What a
// claim, a keypad request or a finished read MEANS is the host's (kiosk-host.ts, through ArmingHost).
import type { Policy } from '../../core/policy/policy.ts';
import type { ReaderKind, ReaderStatus } from '../../api/contract.ts';
import { readerFailed } from './messages.ts';
import type { CredentialReader, ReadError, ReadHooks, ReadOutcome } from './reader.ts';
import { errorText } from '../../core/errors.ts';

/** What arming needs from the host. */
export interface ArmingHost {
  /** Readers may be armed now: the kiosk runs, no transaction, no reader test. */
  canArm(): boolean;
  /** The kiosk is stopping: a finished read arms nothing again. */
  stopping(): boolean;
  /** The mode's policy, read at each arm. */
  policy(): Policy;
  /** Whether this counter's settings use readers of `kind`. */
  enabled(kind: ReaderKind): boolean;
  /** The hooks a reader armed under `signal` with `policy` reports through (claim, keypad, notices). */
  hooks(reader: CredentialReader, signal: AbortSignal, policy: Policy): ReadHooks;
  /**
   * A read ended. The host takes it when it belongs to its transaction, or when it is a verdict
   * nobody claimed yet (it claims it then), and answers true; false leaves it to arming.
   */
  take(reader: CredentialReader, policy: Policy, outcome: ReadOutcome, aborted: boolean): Promise<boolean>;
  /** A reader failed without a credential while idle (staff diagnostics). */
  trouble(kind: ReaderKind, e: ReadError): void;
  /** What the screen shows of the readers may have changed. */
  changed(): void;
  /** Every enabled reader is armed again. */
  armed(): void;
  /** The host's clock, ms. */
  now(): number;
}

export interface ArmingOptions {
  /** Pause before re-arming a reader that failed without a credential (e.g. unplugged). Default 2 s. */
  backoffMs?: number;
  /** How often the status watch runs while the kiosk runs. Default 1 s. */
  statusPollMs?: number;
}

interface Armed {
  reader: CredentialReader;
  ctl: AbortController;
  done: Promise<void>;
  /** When this arm started: a reader that stays armed a full back-off after trouble is fine again. */
  since: number;
}

export class ReaderArming {
  #armed: Armed[] = [];
  /** Readers with recent trouble, and what the screen says of them until it clears. */
  readonly #notes = new Map<CredentialReader, ReaderStatus['state']>();
  readonly #rearmTimers = new Set<ReturnType<typeof setTimeout>>();
  #statusTimer: ReturnType<typeof setInterval> | null = null;
  readonly #backoffMs: number;

  constructor(
    private readonly readers: readonly CredentialReader[],
    private readonly host: ArmingHost,
    private readonly o: ArmingOptions = {},
  ) {
    this.#backoffMs = o.backoffMs ?? 2000;
  }

  /** Arm what may be armed and start the status watch. */
  start(): void {
    this.armAll();
    this.#statusTimer = setInterval(() => this.#watchStatus(), this.o.statusPollMs ?? 1000);
    this.#statusTimer.unref?.();
  }

  /** How many readers are armed. */
  get count(): number {
    return this.#armed.length;
  }

  /** The readers armed now (a scanned QR code is offered to them). */
  armedReaders(): CredentialReader[] {
    return this.#armed.map((a) => a.reader);
  }

  /** Readers that failed recently: what the screen shows of them meanwhile. */
  note(reader: CredentialReader): ReaderStatus['state'] | undefined {
    return this.#notes.get(reader);
  }

  /** A reader claimed a transaction: its trouble is over. */
  clearNote(reader: CredentialReader): void {
    this.#notes.delete(reader);
  }

  /** Arm every enabled reader not armed yet (when the host allows it). */
  armAll(): void {
    if (!this.host.canArm()) return;
    for (const r of this.readers) {
      if (this.host.enabled(r.kind) && !this.#armed.some((a) => a.reader === r)) this.#arm(r);
    }
    this.host.armed();
  }

  /** Abort every armed reader and wait until each has stopped. */
  async disarmAll(): Promise<void> {
    const old = this.#armed.splice(0);
    for (const a of old) a.ctl.abort();
    await Promise.allSettled(old.map((a) => a.done));
  }

  /** Abort every armed reader and arm again (the mode or the reader selection changed). */
  async rearm(): Promise<void> {
    await this.disarmAll();
    this.armAll();
  }

  /** One reader claimed the transaction: abort the others. */
  abortOthers(winner: CredentialReader): void {
    for (const a of this.#armed) if (a.reader !== winner) a.ctl.abort();
  }

  /** Abort `reader`'s read (the host's watchdog). */
  abort(reader: CredentialReader): void {
    this.#armed.find((a) => a.reader === reader)?.ctl.abort();
  }

  /** Stop the watch and the back-off timers, abort and wait for every armed reader. */
  async stop(): Promise<void> {
    if (this.#statusTimer) clearInterval(this.#statusTimer);
    this.#statusTimer = null;
    for (const t of this.#rearmTimers) clearTimeout(t);
    this.#rearmTimers.clear();
    await this.disarmAll();
  }

  #arm(reader: CredentialReader): void {
    const ctl = new AbortController();
    const policy = this.host.policy();
    const entry: Armed = { reader, ctl, done: Promise.resolve(), since: this.host.now() };
    const hooks = this.host.hooks(reader, ctl.signal, policy);
    entry.done = (async () => {
      let outcome: ReadOutcome;
      try {
        outcome = await reader.start(policy, ctl.signal, hooks);
      } catch (e) {
        // Readers must not throw; if one does, it is a reader fault, shown as such (fail closed).
        outcome = {
          verdict: 'error',
          attributes: {},
          checks: [],
          error: readerFailed(errorText(e)),
          credential: { type: 'unknown' },
          requested: [],
        };
      }
      this.#armed = this.#armed.filter((a) => a !== entry);
      if (await this.host.take(reader, policy, outcome, ctl.signal.aborted)) return;
      if (this.host.stopping()) return;
      // Lost the race or re-armed: if the kiosk is idle again by now, be ready for the next one.
      if (ctl.signal.aborted) return this.armAll();
      // Resolved without claiming: device trouble while idle (e.g. unplugged).
      if (outcome.verdict === 'error') this.#backOff(reader, outcome.error);
    })();
    this.#armed.push(entry);
  }

  /** Note the trouble for the idle banner and the staff area, then try again later rather than spin. */
  #backOff(reader: CredentialReader, error: ReadError | undefined): void {
    if (error) this.host.trouble(reader.kind, error);
    this.#notes.set(reader, error?.code === 'reader_unplugged' ? 'unplugged' : 'unavailable');
    this.host.changed();
    const t = setTimeout(() => {
      this.#rearmTimers.delete(t);
      this.armAll();
    }, this.#backoffMs);
    this.#rearmTimers.add(t);
  }

  /**
   * Reader status changes nobody reports (a reader plugged back in, pcscd restarted): clear the note
   * of a reader that has stayed armed for a whole back-off since its trouble; the host then sends a
   * snapshot if what the screen shows of the readers changed.
   */
  #watchStatus(): void {
    if (this.host.stopping()) return;
    const now = this.host.now();
    for (const a of this.#armed) {
      if (this.#notes.has(a.reader) && now - a.since >= this.#backoffMs) this.#notes.delete(a.reader);
    }
    this.host.changed();
  }
}
