// The transaction orchestrator: exactly one transaction at a time, in the order of
// docs/architecture.md "One transaction": arm -> detect -> read -> verify -> audit, then show -> wipe.
//
// While idle every enabled reader is armed with the mode's policy. The first reader to report a
// detected credential claims the transaction and the others are aborted. The outcome is audited
// BEFORE it is shown: a verdict that could not be written to the audit log is not shown (it becomes
// an "audit unavailable" error), so no verdict ever leaves without its audit entry. After the wipe
// timeout the screen returns to idle and every attribute and photo reference is dropped.
import { randomUUID } from 'node:crypto';
import { POLICIES, type Attribute, type Policy } from '../../core/policy/policy.ts';
import { DOCUMENT_EXTRA_ATTRIBUTES } from '../../core/document/result.ts';
import type { Attributes, ReaderKind, ReaderStatus, Screen, Snapshot, TrainingScenario } from '../api/contract.ts';
import type { AuditSink } from './audit-sink.ts';
import { ABORTED, type CredentialReader, type InputRequest, type ReaderProbe, type ReadError, type ReadOutcome } from './reader.ts';
import { TrainingController } from './readers/training.ts';
import { notAccepted } from './not-accepted.ts';
import type { SettingsStore } from './settings.ts';
import { errorText } from '../../core/errors.ts';

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

export const HOST_ERRORS = {
  audit_unavailable: {
    code: 'audit_unavailable', messageJa: '監査ログに記録できないため、結果を表示できません', messageEn: 'The result cannot be shown because the audit log could not be written',
    nextJa: 'スタッフを呼んでください', nextEn: 'Call staff',
  },
  read_timeout: {
    code: 'read_timeout', messageJa: '読み取りに時間がかかりすぎました', messageEn: 'Reading took too long',
    nextJa: 'もう一度かざしてください', nextEn: 'Please present it again',
  },
  input_timeout: {
    code: 'input_timeout', messageJa: '入力がなかったため中止しました', messageEn: 'Cancelled because nothing was entered',
    nextJa: 'もう一度はじめからお試しください', nextEn: 'Please start again',
  },
  reader_failed: {
    code: 'reader_failed', messageJa: '読み取り装置でエラーが発生しました', messageEn: 'The reader failed',
    nextJa: 'スタッフを呼んでください', nextEn: 'Call staff',
  },
} satisfies Record<string, ReadError>;

/** Holder or staff stopped it: not reader trouble. */
const CANCELLED: ReadonlySet<string> = new Set(['input_cancelled', 'input_timeout', 'aborted']);

interface Armed {
  reader: CredentialReader;
  ctl: AbortController;
  done: Promise<void>;
  /** When this arm started: a reader that stays armed a full back-off after trouble is fine again. */
  since: number;
}

interface Tx {
  id: string;
  reader: CredentialReader;
  policy: Policy;
  startedAt: number;
  pendingInput: { resolve: (d: string | null) => void; timer: NodeJS.Timeout } | null;
  watchdog: NodeJS.Timeout | null;
}

/** Keep only what the policy shows (defence in depth: readers already filter). */
export function policyAttributes(policy: Policy, a: Attributes): Attributes {
  const out: Attributes = {};
  for (const s of policy.shows as readonly Attribute[]) {
    if (s === 'portrait') continue;
    const v = a[s];
    if (v !== undefined) (out as Record<string, unknown>)[s] = v;
  }
  for (const k of DOCUMENT_EXTRA_ATTRIBUTES[policy.name]) {
    const v = (a as Record<string, unknown>)[k];
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export class KioskHost {
  private screen: Screen = { screen: 'idle' };
  private seq = 0;
  private listeners = new Set<(s: Snapshot) => void>();
  private armed: Armed[] = [];
  private tx: Tx | null = null;
  private wipeTimer: NodeJS.Timeout | null = null;
  private noticeTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readerNotes = new Map<CredentialReader, ReaderStatus['state']>();
  private rearmTimers = new Set<NodeJS.Timeout>();
  private statusTimer: NodeJS.Timeout | null = null;
  /** The readers part of the last snapshot sent, to send a new one only when it changed. */
  private lastReaders = '';
  /** Resolvers waiting for the next return to idle (tests, demo). */
  private idleWaiters: (() => void)[] = [];
  private outcomeListeners = new Set<(o: { txId: string; reader: CredentialReader; outcome: ReadOutcome; screen: Screen }) => void>();
  /** The staff reader test holds the readers: nothing is armed meanwhile. */
  private probing = false;
  /** The last reader errors (device trouble, not verdicts), newest last, for staff diagnostics. */
  private readonly errors: (ReadError & { time: string; reader: ReaderKind })[] = [];
  readonly now: () => Date;

  constructor(readonly opts: KioskHostOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  get training(): boolean {
    return this.opts.training !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.armAll();
    this.statusTimer = setInterval(() => this.watchStatus(), this.opts.statusPollMs ?? 1000);
    this.statusTimer.unref?.();
  }

  /**
   * Reader status changes nobody reports (a reader plugged back in, pcscd restarted): clear the note
   * of a reader that has stayed armed for a whole back-off since its trouble, and send a snapshot
   * when what the screen would show of the readers changed.
   */
  private watchStatus(): void {
    if (this.stopped) return;
    const backoff = this.opts.rearmBackoffMs ?? 2000;
    const now = Date.now();
    for (const a of this.armed) {
      if (this.readerNotes.has(a.reader) && now - a.since >= backoff) this.readerNotes.delete(a.reader);
    }
    if (JSON.stringify(this.snapshot().readers) !== this.lastReaders) this.emit();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = null;
    for (const t of this.rearmTimers) clearTimeout(t);
    this.rearmTimers.clear();
    if (this.wipeTimer) clearTimeout(this.wipeTimer);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.cancelTx();
    const pending = this.armed.map((a) => { a.ctl.abort(); return a.done; });
    await Promise.allSettled(pending);
    this.armed = [];
    for (const r of this.opts.readers) await r.close?.();
  }

  snapshot(): Snapshot {
    const s = this.opts.settings.get();
    return {
      mode: s.mode,
      lang: s.lang,
      training: this.training,
      readers: this.opts.readers.map((r) => {
        const st = r.status();
        const note = this.readerNotes.get(r);
        const enabled = s.readers[r.kind];
        if (!enabled) return { ...st, state: 'unavailable', detail: 'disabled in settings', enabled };
        if (note && st.state === 'ready') return { ...st, state: note, enabled };
        if (this.tx?.reader === r) return { ...st, state: 'busy', enabled };
        return { ...st, enabled };
      }),
      screen: this.screen,
      seq: this.seq,
    };
  }

  subscribe(cb: (s: Snapshot) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  onOutcome(cb: (o: { txId: string; reader: CredentialReader; outcome: ReadOutcome; screen: Screen }) => void): () => void {
    this.outcomeListeners.add(cb);
    return () => this.outcomeListeners.delete(cb);
  }

  private emit(): void {
    this.seq++;
    const snap = this.snapshot();
    this.lastReaders = JSON.stringify(snap.readers);
    for (const l of this.listeners) {
      try { l(snap); } catch { /* a broken listener must not stop the kiosk */ }
    }
  }

  private setScreen(s: Screen): void {
    this.screen = s;
    this.emit();
  }

  /** Resolves the next time the screen is idle and readers are armed. */
  whenIdle(): Promise<void> {
    if (this.screen.screen === 'idle' && !this.tx && this.armed.length) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  // ---- arming -----------------------------------------------------------------------------------

  private policy(): Policy {
    return POLICIES[this.opts.settings.get().mode];
  }

  private armAll(): void {
    if (this.stopped || this.tx || this.probing) return;
    const enabled = this.opts.settings.get().readers;
    for (const r of this.opts.readers) {
      if (enabled[r.kind] && !this.armed.some((a) => a.reader === r)) this.arm(r);
    }
    if (this.screen.screen === 'idle') {
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
    }
  }

  /** Abort every armed reader and arm again (mode or reader selection changed while idle). */
  async rearm(): Promise<void> {
    if (this.tx) return; // applies at the next transaction
    const old = this.armed.splice(0);
    for (const a of old) a.ctl.abort();
    await Promise.allSettled(old.map((a) => a.done));
    this.armAll();
    this.emit();
  }

  private arm(reader: CredentialReader): void {
    const ctl = new AbortController();
    const policy = this.policy();
    const entry: Armed = { reader, ctl, done: Promise.resolve(), since: Date.now() };
    const hooks = {
      onProgress: (p: { step: 'detected' | 'engaged' | 'reading' | 'verifying'; fraction?: number }) => {
        if (ctl.signal.aborted) return false;
        if (!this.tx) this.claim(reader, policy);
        if (this.tx?.reader !== reader) return false;
        this.setScreen({ screen: 'reading', txId: this.tx.id, reader: reader.kind, step: p.step, fraction: p.fraction ?? 0 });
        return true;
      },
      requestInput: (req: InputRequest) => this.requestInput(reader, req),
      notice: (n: ReadError) => {
        if (!ctl.signal.aborted) this.showNotice(n);
      },
    };
    entry.done = (async () => {
      let outcome: ReadOutcome;
      try {
        outcome = await reader.start(policy, ctl.signal, hooks);
      } catch (e) {
        // Readers must not throw; if one does, it is a reader fault, shown as such (fail closed).
        outcome = { verdict: 'error', attributes: {}, checks: [], error: { ...HOST_ERRORS.reader_failed, messageEn: `${HOST_ERRORS.reader_failed.messageEn}: ${errorText(e)}` }, credential: { type: 'unknown' }, requested: [] };
      }
      this.armed = this.armed.filter((a) => a !== entry);
      if (this.tx?.reader === reader) {
        await this.finish(this.tx, outcome);
        return;
      }
      if (this.stopped) return;
      if (ctl.signal.aborted) {
        // Lost the race or re-armed: if the kiosk is idle again by now, be ready for the next one.
        if (!this.tx) this.armAll();
        return;
      }
      // Resolved without claiming: device trouble while idle (e.g. unplugged). Note it for the
      // idle banner and the staff area, then try again later rather than spin.
      if (outcome.verdict === 'error') {
        if (outcome.error) this.noteError(reader.kind, outcome.error);
        this.readerNotes.set(reader, outcome.error?.code === 'reader_unplugged' ? 'unplugged' : 'unavailable');
        this.emit();
        const t = setTimeout(() => { this.rearmTimers.delete(t); this.armAll(); }, this.opts.rearmBackoffMs ?? 2000);
        this.rearmTimers.add(t);
        return;
      }
      // A verdict without a 'detected' progress: treat it as this reader's transaction.
      this.claim(reader, policy);
      if (this.tx) await this.finish(this.tx, outcome);
    })();
    this.armed.push(entry);
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
    this.readerNotes.delete(reader);
    const tx: Tx = { id: randomUUID(), reader, policy, startedAt: Date.now(), pendingInput: null, watchdog: null };
    this.tx = tx;
    for (const a of this.armed) if (a.reader !== reader) a.ctl.abort();
    this.resetWatchdog(tx);
  }

  private resetWatchdog(tx: Tx): void {
    if (tx.watchdog) clearTimeout(tx.watchdog);
    tx.watchdog = setTimeout(() => {
      if (this.tx !== tx) return;
      const a = this.armed.find((x) => x.reader === tx.reader);
      a?.ctl.abort();
      // The reader resolves with 'aborted'; finish() maps that to the timeout error.
      (tx as Tx & { timedOut?: boolean }).timedOut = true;
    }, this.opts.readTimeoutMs ?? 60_000);
  }

  private requestInput(reader: CredentialReader, req: InputRequest): Promise<string | null> {
    const tx = this.tx;
    if (!tx || tx.reader !== reader) return Promise.resolve(null);
    if (tx.watchdog) clearTimeout(tx.watchdog);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (tx.pendingInput?.timer === timer) {
          tx.pendingInput = null;
          (tx as Tx & { inputTimedOut?: boolean }).inputTimedOut = true;
          resolve(null);
        }
      }, this.opts.inputTimeoutMs ?? 60_000);
      tx.pendingInput = {
        timer,
        resolve: (d) => {
          clearTimeout(timer);
          tx.pendingInput = null;
          this.resetWatchdog(tx);
          resolve(d);
        },
      };
      const screen: Screen = { screen: 'input', txId: tx.id, reader: reader.kind, kind: req.kind, digits: req.digits, retry: req.retry };
      if (req.triesLeft !== undefined) screen.triesLeft = req.triesLeft;
      if (req.alternative) screen.alternative = req.alternative;
      this.setScreen(screen);
    });
  }

  // ---- API actions ------------------------------------------------------------------------------

  submitInput(txId: string, digits: string | null): boolean {
    const tx = this.tx;
    if (!tx || tx.id !== txId || !tx.pendingInput) return false;
    if (this.screen.screen === 'input' && digits !== null && digits.length !== this.screen.digits && digits.length !== this.screen.alternative?.digits) return false;
    tx.pendingInput.resolve(digits);
    this.setScreen({ screen: 'reading', txId: tx.id, reader: tx.reader.kind, step: 'reading', fraction: 0.5 });
    return true;
  }

  /**
   * QR text from the scanner: handed to the first armed reader that takes it (idle only). With phone
   * reading off at this counter, an mdoc QR code gets the idle notice saying so (and counts as taken).
   */
  submitEngagement(text: string): boolean {
    if (this.tx || this.screen.screen !== 'idle') return false;
    for (const a of this.armed) if (a.reader.acceptEngagement?.(text)) return true;
    return text.startsWith('mdoc:') && this.noticeIfOff('mdoc');
  }

  /** Something of `kind` was presented while that kind is switched off here: say so on the idle screen. */
  private noticeIfOff(kind: ReaderKind): boolean {
    if (this.opts.settings.get().readers[kind] || !this.armed.length) return false;
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
    if (!tx || tx.id !== txId || screen.screen !== 'verdict' || screen.verdict !== 'unverified' || screen.staffConfirm?.state !== 'pending') return false;
    const outcome = (tx as Tx & { outcome?: ReadOutcome }).outcome;
    try {
      const entry: Parameters<AuditSink['append']>[0] = {
        time: this.now(),
        mode: tx.policy.name,
        reader: tx.reader.kind,
        outcome: confirmed ? 'staff-confirmed' : 'staff-declined',
        checks: [],
        credentialType: outcome?.credential.type ?? 'unknown',
        requested: [],
        intentToRetain: false,
        training: this.training,
      };
      if (outcome?.credential.docType) entry.docType = outcome.credential.docType;
      await this.opts.audit.append(entry);
    } catch {
      if (this.tx === tx) this.setScreen({ screen: 'error', txId: tx.id, reader: tx.reader.kind, error: HOST_ERRORS.audit_unavailable, wipeAt: screen.wipeAt });
      return true;
    }
    if (this.tx !== tx || this.screen !== screen) return true;
    this.setScreen({ ...screen, staffConfirm: { reasons: screen.staffConfirm.reasons, state: confirmed ? 'confirmed' : 'declined' } });
    return true;
  }

  dismiss(): boolean {
    if (this.screen.screen !== 'verdict' && this.screen.screen !== 'error') return false;
    this.wipe();
    return true;
  }

  trainingPresent(s: TrainingScenario): boolean {
    if (!this.opts.training || this.tx) return false;
    return this.opts.training.present(s) || (this.screen.screen === 'idle' && this.noticeIfOff(TrainingController.kindOf(s)));
  }

  async setLang(lang: 'ja' | 'en'): Promise<void> {
    this.opts.settings.update({ lang });
    this.emit();
  }

  // ---- staff: reader test and diagnostics -------------------------------------------------------

  private noteError(reader: ReaderKind, e: ReadError): void {
    this.errors.push({ time: this.now().toISOString(), reader, code: e.code, messageJa: e.messageJa, messageEn: e.messageEn, nextJa: e.nextJa, nextEn: e.nextEn });
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
  async probeReaders(timeoutMs: number): Promise<(ReaderProbe & { reader: CredentialReader; ms: number }) | null | 'busy'> {
    if (this.tx || this.probing || this.stopped) return 'busy';
    this.probing = true;
    const started = Date.now();
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      const old = this.armed.splice(0);
      for (const a of old) a.ctl.abort();
      await Promise.allSettled(old.map((a) => a.done));
      const enabled = this.opts.settings.get().readers;
      const probing = this.opts.readers.filter((r) => r.probe && enabled[r.kind]);
      const first = await new Promise<(ReaderProbe & { reader: CredentialReader }) | null>((resolve) => {
        let left = probing.length;
        if (!left) resolve(null);
        for (const r of probing) {
          void r.probe!(ctl.signal).then(
            (p) => (p ? resolve({ ...p, reader: r }) : --left || resolve(null)),
            () => --left || resolve(null),
          );
        }
      });
      return first ? { ...first, ms: Date.now() - started } : null;
    } finally {
      clearTimeout(timer);
      ctl.abort();
      this.probing = false;
      this.armAll();
      this.emit();
    }
  }

  get probeRunning(): boolean {
    return this.probing;
  }

  // ---- finishing --------------------------------------------------------------------------------

  private cancelTx(): void {
    const tx = this.tx;
    if (!tx) return;
    if (tx.pendingInput) tx.pendingInput.resolve(null);
    if (tx.watchdog) clearTimeout(tx.watchdog);
  }

  private async finish(tx: Tx, raw: ReadOutcome): Promise<void> {
    if (tx.watchdog) clearTimeout(tx.watchdog);
    let outcome = raw;
    const flags = tx as Tx & { timedOut?: boolean; inputTimedOut?: boolean };
    if (outcome.error?.code === ABORTED.code && flags.timedOut) outcome = { ...outcome, error: HOST_ERRORS.read_timeout };
    if (flags.inputTimedOut && outcome.verdict === 'error') outcome = { ...outcome, error: HOST_ERRORS.input_timeout };
    // Fail closed: 'valid' needs at least one check and every check passing.
    if (outcome.verdict === 'valid' && (outcome.checks.length === 0 || outcome.checks.some((c) => !c.ok))) {
      outcome = { ...outcome, verdict: 'invalid', error: { code: 'checks_incomplete', messageJa: '確認が完了していません', messageEn: 'Not every check passed', nextJa: '別の本人確認書類を確認してください', nextEn: 'Check another identity document' } };
    }
    const s = this.opts.settings.get();
    let auditOk = true;
    try {
      const entry: Parameters<AuditSink['append']>[0] = {
        time: this.now(),
        mode: tx.policy.name,
        reader: tx.reader.kind,
        outcome: outcome.verdict,
        checks: outcome.checks.map((c) => ({ code: c.code, ok: c.ok })),
        credentialType: outcome.credential.type,
        requested: outcome.requested,
        intentToRetain: false,
        training: this.training,
      };
      if (outcome.error) entry.errorCode = outcome.error.code;
      if (outcome.credential.docType) entry.docType = outcome.credential.docType;
      if (outcome.credential.issuerKeyId) entry.issuerKeyId = outcome.credential.issuerKeyId;
      if (outcome.credential.engagement) entry.engagement = outcome.credential.engagement;
      if (outcome.credential.transport) entry.transport = outcome.credential.transport;
      if (outcome.credential.readerAuth) entry.readerAuth = { signer: outcome.credential.readerAuth.subject, fingerprint: outcome.credential.readerAuth.fingerprint };
      entry.totalMs = Date.now() - tx.startedAt;
      await this.opts.audit.append(entry);
    } catch {
      auditOk = false;
    }
    if (this.tx !== tx) return; // wiped meanwhile
    const wipeAt = Date.now() + s.wipeSeconds * 1000;
    let screen: Screen;
    if (!auditOk) {
      screen = { screen: 'error', txId: tx.id, reader: tx.reader.kind, error: HOST_ERRORS.audit_unavailable, wipeAt };
    } else if (outcome.verdict === 'error') {
      const e = outcome.error ?? HOST_ERRORS.reader_failed;
      if (!CANCELLED.has(e.code)) this.noteError(tx.reader.kind, e);
      screen = { screen: 'error', txId: tx.id, reader: tx.reader.kind, error: e, wipeAt };
    } else {
      screen = {
        screen: 'verdict',
        txId: tx.id,
        reader: tx.reader.kind,
        verdict: outcome.verdict,
        attributes: policyAttributes(tx.policy, outcome.attributes),
        checks: outcome.checks.map((c) => ({ code: c.code, ok: c.ok })),
        wipeAt,
      };
      if (outcome.photo && tx.policy.shows.includes('portrait')) screen.photo = outcome.photo;
      if (outcome.holderHint) screen.holderHint = outcome.holderHint;
      if (outcome.images && Object.keys(outcome.images).length) screen.images = { ...outcome.images };
      if (outcome.verdict === 'unverified') screen.staffConfirm = { reasons: outcome.staffConfirm ?? [], state: 'pending' };
      if (outcome.credential.type !== 'unknown') screen.document = outcome.credential.type;
      if (outcome.error) screen.reason = { code: outcome.error.code, messageJa: outcome.error.messageJa, messageEn: outcome.error.messageEn };
    }
    (tx as Tx & { outcome?: ReadOutcome }).outcome = outcome;
    for (const l of this.outcomeListeners) {
      try { l({ txId: tx.id, reader: tx.reader, outcome, screen }); } catch { /* ignore */ }
    }
    this.setScreen(screen);
    if (this.wipeTimer) clearTimeout(this.wipeTimer);
    this.wipeTimer = setTimeout(() => this.wipe(), s.wipeSeconds * 1000);
  }

  /** Back to idle: drop the verdict, its attributes and photo, and arm the readers again. */
  private wipe(): void {
    if (this.wipeTimer) clearTimeout(this.wipeTimer);
    this.wipeTimer = null;
    this.cancelTx();
    this.tx = null;
    this.setScreen({ screen: 'idle' });
    this.armAll();
  }
}
