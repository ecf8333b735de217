// The transaction orchestrator: exactly one transaction at a time, in the order of
// docs/architecture.md "One transaction": arm -> detect -> read -> verify -> audit, then show -> wipe.
// It decides WHEN things happen; its parts decide the rest: reader arming and back-off
// (reader-arming.ts), the transaction's state (transaction.ts), what each screen holds (screens.ts),
// what the audit log gets (transaction-audit.ts), and the words on screen (messages.ts). Every time
// it records or shows comes from its injected clock (`now`).
//
// While idle every enabled reader is armed with the mode's policy. The first reader to report a
// detected credential claims the transaction and the others are aborted. The outcome is audited
// BEFORE it is shown: a verdict that could not be written to the audit log is not shown (it becomes
// an "audit unavailable" error), so no verdict ever leaves without its audit entry. After the wipe
// timeout the screen returns to idle and every attribute and photo reference is dropped.
import { POLICIES, type Policy } from '../../core/policy/policy.ts';
import type { ReaderKind, Screen, Snapshot, TrainingScenario } from '../../api/contract.ts';
import type { AuditSink } from './audit-sink.ts';
import type { CredentialReader, InputRequest, ReaderProbe, ReadError, ReadOutcome } from './reader.ts';
import { TrainingController } from './readers/training.ts';
import { notAccepted } from './not-accepted.ts';
import type { SettingsStore } from './settings.ts';
import { HOST_MESSAGES } from './messages.ts';
import { ReaderArming, type ArmingHost } from './reader-arming.ts';
import { finalOutcome, fitsInputScreen, inputScreen, outcomeScreen, readerStatuses } from './screens.ts';
import { cancelTransaction, newTransaction, type Transaction } from './transaction.ts';
import { outcomeEntry, staffAnswerEntry } from './transaction-audit.ts';

export interface KioskHostOptions {
  readers: CredentialReader[];
  settings: SettingsStore;
  audit: AuditSink;
  /** Present when the readers are simulators; the screen then says 訓練モード / TRAINING. */
  training?: TrainingController;
  now?: () => Date;
  /** How long a holder or staff may take at the keypad before the transaction is cancelled. */
  inputTimeoutMs?: number;
  /** Longest a read may run (outside keypad waits) before it is abandoned. */
  readTimeoutMs?: number;
  /** Pause before re-arming a reader that failed without a credential (e.g. unplugged). */
  rearmBackoffMs?: number;
  /** How long a reader's idle-screen hint (ReadHooks.notice) stays up. */
  noticeMs?: number;
  /**
   * How often the host looks at the readers' status while running, so the idle screen and the staff
   * area follow a reader plugged in or out, or pcscd going and coming back, without a transaction.
   */
  statusPollMs?: number;
}

/** Holder or staff stopped it: not reader trouble. */
const CANCELLED: ReadonlySet<string> = new Set(['input_cancelled', 'input_timeout', 'aborted']);

export { policyAttributes } from './screens.ts';

export class KioskHost {
  private screen: Screen = { screen: 'idle' };
  private seq = 0;
  private listeners = new Set<(s: Snapshot) => void>();
  private tx: Transaction | null = null;
  private wipeTimer: ReturnType<typeof setTimeout> | null = null;
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  /** The readers part of the last snapshot sent, to send a new one only when it changed. */
  private lastReaders = '';
  /** Resolvers waiting for the next return to idle (tests, demo). */
  private idleWaiters: (() => void)[] = [];
  private outcomeListeners = new Set<
    (o: { txId: string; reader: CredentialReader; outcome: ReadOutcome; screen: Screen }) => void
  >();
  /** The staff reader test holds the readers: nothing is armed meanwhile. */
  private probing = false;
  /** The last reader errors (device trouble, not verdicts), newest last, for staff diagnostics. */
  private readonly errors: (ReadError & { time: string; reader: ReaderKind })[] = [];
  private readonly arming: ReaderArming;
  /** The host's clock: every time it records or shows (audit entries, wipe time, durations, back-off). */
  readonly now: () => Date;

  constructor(readonly opts: KioskHostOptions) {
    this.now = opts.now ?? (() => new Date());
    this.arming = new ReaderArming(opts.readers, this.armingHost(), {
      ...(opts.rearmBackoffMs !== undefined ? { backoffMs: opts.rearmBackoffMs } : {}),
      ...(opts.statusPollMs !== undefined ? { statusPollMs: opts.statusPollMs } : {}),
    });
  }

  private ms(): number {
    return this.now().getTime();
  }

  get training(): boolean {
    return this.opts.training !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.arming.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.wipeTimer) clearTimeout(this.wipeTimer);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    if (this.tx) cancelTransaction(this.tx);
    await this.arming.stop();
    for (const r of this.opts.readers) await r.close?.();
  }

  snapshot(): Snapshot {
    const s = this.opts.settings.get();
    return {
      mode: s.mode,
      lang: s.lang,
      training: this.training,
      readers: readerStatuses(this.opts.readers, s.readers, (r) => this.arming.note(r), this.tx?.reader ?? null),
      screen: this.screen,
      seq: this.seq,
    };
  }

  subscribe(cb: (s: Snapshot) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  onOutcome(
    cb: (o: { txId: string; reader: CredentialReader; outcome: ReadOutcome; screen: Screen }) => void,
  ): () => void {
    this.outcomeListeners.add(cb);
    return () => this.outcomeListeners.delete(cb);
  }

  private emit(): void {
    this.seq++;
    const snap = this.snapshot();
    this.lastReaders = JSON.stringify(snap.readers);
    for (const l of this.listeners) {
      try {
        l(snap);
      } catch {
        /* a broken listener must not stop the kiosk */
      }
    }
  }

  /** Send a snapshot when what the screen shows of the readers changed. */
  private emitIfReadersChanged(): void {
    if (JSON.stringify(this.snapshot().readers) !== this.lastReaders) this.emit();
  }

  private setScreen(s: Screen): void {
    this.screen = s;
    this.emit();
  }

  /** Resolves the next time the screen is idle and readers are armed. */
  whenIdle(): Promise<void> {
    if (this.screen.screen === 'idle' && !this.tx && this.arming.count) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  // ---- arming (reader-arming.ts) ----------------------------------------------------------------

  private policy(): Policy {
    return POLICIES[this.opts.settings.get().mode];
  }

  /** What reader arming asks of the host: when it may arm, the claim, the keypad, the finish. */
  private armingHost(): ArmingHost {
    return {
      canArm: () => !this.stopped && !this.tx && !this.probing,
      stopping: () => this.stopped,
      policy: () => this.policy(),
      enabled: (kind) => this.opts.settings.get().readers[kind],
      hooks: (reader, signal, policy) => ({
        onProgress: (p) => {
          if (signal.aborted) return false;
          if (!this.tx) this.claim(reader, policy);
          if (this.tx?.reader !== reader) return false;
          this.setScreen({
            screen: 'reading',
            txId: this.tx.id,
            reader: reader.kind,
            step: p.step,
            fraction: p.fraction ?? 0,
          });
          return true;
        },
        requestInput: (req) => this.requestInput(reader, req),
        notice: (n) => {
          if (!signal.aborted) this.showNotice(n);
        },
      }),
      take: async (reader, policy, outcome, aborted) => {
        if (this.tx?.reader === reader) {
          await this.finish(this.tx, outcome);
          return true;
        }
        if (this.stopped || aborted || outcome.verdict === 'error') return false;
        // A verdict without a 'detected' progress: treat it as this reader's transaction.
        this.claim(reader, policy);
        if (this.tx) await this.finish(this.tx, outcome);
        return true;
      },
      trouble: (kind, e) => this.noteError(kind, e),
      changed: () => this.emitIfReadersChanged(),
      armed: () => {
        if (this.screen.screen !== 'idle') return;
        for (const w of this.idleWaiters.splice(0)) w();
      },
      now: () => this.ms(),
    };
  }

  /** Abort every armed reader and arm again (mode or reader selection changed while idle). */
  async rearm(): Promise<void> {
    if (this.tx) return; // applies at the next transaction
    await this.arming.rearm();
    this.emit();
  }

  /** An idle-screen hint; gone after noticeMs, and never over a transaction's screen. */
  private showNotice(n: ReadError): void {
    if (this.tx || this.screen.screen !== 'idle') return;
    const screen: Screen = { screen: 'idle', notice: n };
    this.setScreen(screen);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.noticeTimer = null;
      if (this.screen === screen) this.setScreen({ screen: 'idle' });
    }, this.opts.noticeMs ?? 6000);
  }

  private claim(reader: CredentialReader, policy: Policy): void {
    this.arming.clearNote(reader);
    const tx = newTransaction(reader, policy, this.ms());
    this.tx = tx;
    this.arming.abortOthers(reader);
    this.resetWatchdog(tx);
  }

  private resetWatchdog(tx: Transaction): void {
    if (tx.watchdog) clearTimeout(tx.watchdog);
    tx.watchdog = setTimeout(() => {
      if (this.tx !== tx) return;
      // The reader resolves with 'aborted'; finish() names it read_timeout.
      tx.timedOut ??= 'read';
      this.arming.abort(tx.reader);
    }, this.opts.readTimeoutMs ?? 60_000);
  }

  private requestInput(reader: CredentialReader, req: InputRequest): Promise<string | null> {
    const tx = this.tx;
    if (!tx || tx.reader !== reader) return Promise.resolve(null);
    if (tx.watchdog) clearTimeout(tx.watchdog);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (tx.input?.timer !== timer) return;
        tx.input = null;
        tx.timedOut ??= 'input';
        resolve(null);
      }, this.opts.inputTimeoutMs ?? 60_000);
      tx.input = {
        timer,
        resolve: (d) => {
          clearTimeout(timer);
          tx.input = null;
          this.resetWatchdog(tx);
          resolve(d);
        },
      };
      this.setScreen(inputScreen(tx, req));
    });
  }

  // ---- API actions ------------------------------------------------------------------------------

  submitInput(txId: string, digits: string | null): boolean {
    const tx = this.tx;
    if (!tx || tx.id !== txId || !tx.input) return false;
    if (digits !== null && !fitsInputScreen(this.screen, digits)) return false;
    tx.input.resolve(digits);
    this.setScreen({ screen: 'reading', txId: tx.id, reader: tx.reader.kind, step: 'reading', fraction: 0.5 });
    return true;
  }

  /**
   * QR text from the scanner: handed to the first armed reader that takes it (idle only). With phone
   * reading off at this counter, an mdoc QR code gets the idle notice saying so (and counts as taken).
   */
  submitEngagement(text: string): boolean {
    if (this.tx || this.screen.screen !== 'idle') return false;
    for (const r of this.arming.armedReaders()) if (r.acceptEngagement?.(text)) return true;
    return text.startsWith('mdoc:') && this.noticeIfOff('mdoc');
  }

  /** Something of `kind` was presented while that kind is switched off here: say so on the idle screen. */
  private noticeIfOff(kind: ReaderKind): boolean {
    if (this.opts.settings.get().readers[kind] || !this.arming.count) return false;
    this.showNotice(notAccepted(kind));
    return true;
  }

  /**
   * Staff answer an 'unverified' verdict: they compared the face and the card (or could not). The
   * answer is written to the audit log as the transaction's next row before the screen says so;
   * when the log cannot be written the screen says that instead (no unaudited confirmation).
   */
  async staffConfirm(txId: string, confirmed: boolean): Promise<boolean> {
    const tx = this.tx;
    const screen = this.screen;
    if (
      !tx ||
      tx.id !== txId ||
      screen.screen !== 'verdict' ||
      screen.verdict !== 'unverified' ||
      screen.staffConfirm?.state !== 'pending'
    )
      return false;
    try {
      await this.opts.audit.append(staffAnswerEntry(tx, confirmed, { time: this.now(), training: this.training }));
    } catch {
      if (this.tx === tx)
        this.setScreen({
          screen: 'error',
          txId: tx.id,
          reader: tx.reader.kind,
          error: HOST_MESSAGES.audit_unavailable,
          wipeAt: screen.wipeAt,
        });
      return true;
    }
    if (this.tx !== tx || this.screen !== screen) return true;
    this.setScreen({
      ...screen,
      staffConfirm: { reasons: screen.staffConfirm.reasons, state: confirmed ? 'confirmed' : 'declined' },
    });
    return true;
  }

  dismiss(): boolean {
    if (this.screen.screen !== 'verdict' && this.screen.screen !== 'error') return false;
    this.wipe();
    return true;
  }

  trainingPresent(s: TrainingScenario): boolean {
    if (!this.opts.training || this.tx) return false;
    return (
      this.opts.training.present(s) || (this.screen.screen === 'idle' && this.noticeIfOff(TrainingController.kindOf(s)))
    );
  }

  async setLang(lang: 'ja' | 'en'): Promise<void> {
    this.opts.settings.update({ lang });
    this.emit();
  }

  // ---- staff: reader test and diagnostics -------------------------------------------------------

  private noteError(reader: ReaderKind, e: ReadError): void {
    this.errors.push({
      time: this.now().toISOString(),
      reader,
      code: e.code,
      messageJa: e.messageJa,
      messageEn: e.messageEn,
      nextJa: e.nextJa,
      nextEn: e.nextEn,
    });
    if (this.errors.length > 10) this.errors.shift();
  }

  /** The last ten reader errors, newest first. */
  recentErrors(): (ReadError & { time: string; reader: ReaderKind })[] {
    return [...this.errors].reverse();
  }

  /**
   * Staff reader test: every enabled reader waits for a card or phone and says which one saw it and
   * what kind of credential it is, reading nothing. Refused during a transaction; the readers are
   * armed again afterwards. Resolves null when nothing was presented in time.
   */
  async probeReaders(
    timeoutMs: number,
  ): Promise<(ReaderProbe & { reader: CredentialReader; ms: number }) | null | 'busy'> {
    if (this.tx || this.probing || this.stopped) return 'busy';
    this.probing = true;
    const started = this.ms();
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      await this.arming.disarmAll();
      const enabled = this.opts.settings.get().readers;
      const first = await firstProbe(
        this.opts.readers.filter((r) => enabled[r.kind]),
        ctl.signal,
      );
      return first ? { ...first, ms: this.ms() - started } : null;
    } finally {
      clearTimeout(timer);
      ctl.abort();
      this.probing = false;
      this.arming.armAll();
      this.emit();
    }
  }

  get probeRunning(): boolean {
    return this.probing;
  }

  // ---- finishing --------------------------------------------------------------------------------

  /** Audit first, then show: a verdict whose entry could not be written is shown as audit_unavailable. */
  private async finish(tx: Transaction, raw: ReadOutcome): Promise<void> {
    if (tx.watchdog) clearTimeout(tx.watchdog);
    const outcome = finalOutcome(raw, tx.timedOut);
    const s = this.opts.settings.get();
    let auditOk = true;
    try {
      await this.opts.audit.append(outcomeEntry(tx, outcome, { time: this.now(), training: this.training }));
    } catch {
      auditOk = false;
    }
    if (this.tx !== tx) return; // wiped meanwhile
    const screen = outcomeScreen(tx, outcome, auditOk, this.ms() + s.wipeSeconds * 1000);
    const trouble = auditOk && outcome.verdict === 'error' ? (outcome.error ?? HOST_MESSAGES.reader_failed) : null;
    if (trouble && !CANCELLED.has(trouble.code)) this.noteError(tx.reader.kind, trouble);
    tx.outcome = outcome;
    for (const l of this.outcomeListeners) {
      try {
        l({ txId: tx.id, reader: tx.reader, outcome, screen });
      } catch {
        /* ignore */
      }
    }
    this.setScreen(screen);
    if (this.wipeTimer) clearTimeout(this.wipeTimer);
    this.wipeTimer = setTimeout(() => this.wipe(), s.wipeSeconds * 1000);
  }

  /** Back to idle: drop the verdict, its attributes and photo, and arm the readers again. */
  private wipe(): void {
    if (this.wipeTimer) clearTimeout(this.wipeTimer);
    this.wipeTimer = null;
    if (this.tx) cancelTransaction(this.tx);
    this.tx = null;
    this.setScreen({ screen: 'idle' });
    this.arming.armAll();
  }
}

/** The staff reader test: the first of `readers` that sees something (their probe()), or null. */
function firstProbe(
  readers: CredentialReader[],
  signal: AbortSignal,
): Promise<(ReaderProbe & { reader: CredentialReader }) | null> {
  const probing = readers.filter((r) => r.probe);
  return new Promise((resolve) => {
    let left = probing.length;
    if (!left) resolve(null);
    for (const r of probing) {
      void r.probe!(signal).then(
        (p) => (p ? resolve({ ...p, reader: r }) : --left || resolve(null)),
        () => --left || resolve(null),
      );
    }
  });
}
