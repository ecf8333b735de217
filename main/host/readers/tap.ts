// One PC/SC reader, two kinds of tap. The kiosk's contactless reader takes the My Number Card AND
// phones (Apple Wallet: NFC negotiated handover then BLE; other wallets: static handover, or NFC
// data retrieval), so a tap must reach the right reader before anything else is sent to it.
//
// While a reader is armed (the host arms the card reader and the phone reader in parallel while
// idle: kiosk-host.ts), TapDispatcher watches the reader, connects to each new tap, probes it
// (tap-probe.ts: NDEF or mdoc application answers -> phone, else card) and hands it to the armed
// reader of that kind, which then claims the transaction as usual ('detected'). The reader has ONE
// PC/SC context (main/pcsc/pcsc-reader.ts), owned here and lent to the card path for a card tap:
//   phone -> PhoneReader (mdoc.ts) gets the connected link, its guard now PhoneApduGuard (TapGuard):
//            engageOverNfc -> readMdoc (BLE if the kiosk has an adapter, else NFC data retrieval);
//   card  -> TapCardReader below runs the card path (card.ts cardTransaction: 照合番号B, core/card
//            under its MyNumberGuard) on the card already on the reader; a licence or residence
//            card goes to document-card.ts, a passport to passport-card.ts (MRZ / CAN entry,
//            core/passport under its PassportGuard); each connects again on the same context under
//            its document's guard;
//   neither (no phone application, no known card application: card-applications.ts) -> reported as
//            "not a supported card or phone" (unsupported_device): an error screen, audited, when
//            the card reader is armed, else a notice on the idle screen.
// A tap is handed out once; the next one is probed only after the item has left the reader, so a
// card or phone left lying on the reader is not read twice.
//
// Entry points: `TapDispatcher` (card / phone tap sources), `TapCardReader`, `detect()` (start-up:
// main/host/readers/real.ts).
import { join } from 'node:path';
import type { Policy } from '../../../core/policy/policy.ts';
import type { ApduLink } from '../../../core/apdu-link.ts';
import { toHex } from '../../../core/bytes.ts';
import type { ReaderStatus } from '../../../api/contract.ts';
import { phoneLinkOptions } from '../../nfc/pcsc-channel.ts';
import { PcscContext } from '../../pcsc/pcsc-reader.ts';
import type { PcscLink } from '../../pcsc/pcsc-link.ts';
import { probePcscd } from '../../pcsc/pcscd-probe.ts';
import type { ReadMdocDeps } from '../../mdoc-reader/read-mdoc.ts';
import type { PreferredTransport } from '../../mdoc-reader/reader-proposal.ts';
import {
  ABORTED,
  errorOutcome,
  type CredentialReader,
  type ReaderProbe,
  type ReadError,
  type ReadHooks,
  type ReadOutcome,
} from '../reader.ts';
import { cardTransaction } from './card.ts';
import { readCardOverPcsc } from '../../pcsc/read-session.ts';
import { PhoneReader } from './mdoc.ts';
import { probeTap, TapGuard, type TapKind, type TapProbe } from './tap-probe.ts';
import { notAccepted, UNSUPPORTED_DEVICE } from '../not-accepted.ts';
import { CardNumberLimiter } from '../../../core/residence-card/rate-limit.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { readDocumentOverPcsc } from '../../pcsc/read-document.ts';
import { loadDocumentTrust } from '../../trust/document-trust.ts';
import { documentTransaction } from './document-card.ts';
import { errorText } from '../../../core/errors.ts';
import { AccessRateLimit } from '../../../core/passport/access-rate-limit.ts';
import { readPassportOverPcsc } from '../../passport/read-session.ts';
import { cachedTrustStore } from '../../trust/trust-dir-cache.ts';
import { passportTransaction } from './passport-card.ts';
import { chooseReading } from '../../../core/document/reading.ts';
import type { MynaLicenceReading } from '../../../api/contract.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface CardTap {
  readerName: string;
  probe: TapProbe;
  /** The reader's PC/SC context: the card path connects through it under its document's guard. */
  context: PcscContext;
  /** The card path is done with it (the dispatcher then waits for it to leave). */
  release(): Promise<void>;
}

export interface PhoneTap {
  readerName: string;
  probe: TapProbe;
  /** Connected, guarded: only the mdoc NFC commands pass (PhoneApduGuard, on the connection itself). */
  channel: ApduLink;
  /** Disconnect (the phone is left alone); the next tap is probed once it has left. */
  release(): Promise<void>;
}

/** What an armed reader waits on: the next tap of its kind, or null when its signal aborts. */
export interface TapSource<T> {
  /**
   * `otherIgnored` is called when, meanwhile, a tap of the other kind was left alone because no
   * reader of that kind is armed (phone reading or card reading off in this mode), so the waiting
   * reader can tell the holder on the idle screen rather than nothing happening.
   */
  next(signal: AbortSignal, otherIgnored?: (notice?: ReadError) => void): Promise<T | null>;
  /** Whether taps can arrive at all (the PC/SC reader is there). */
  ready(): boolean;
}

type Tap = CardTap | PhoneTap;
interface Waiter {
  resolve(t: Tap | null): void;
  signal: AbortSignal;
  otherIgnored?: ((notice?: ReadError) => void) | undefined;
}

export interface TapDispatcherOptions {
  /** The kiosk's reader; the first one pcscd lists when absent. */
  readerName?: string;
  /** A context already open (start-up's); the dispatcher owns it from then on. */
  context?: PcscContext;
}

/** How long the dispatcher waits for its reader to appear before it says "unplugged". */
const READER_WAIT_MS = 1500;

export class TapDispatcher {
  /** Figures for the staff area and tests. */
  readonly counts = { card: 0, phone: 0, unsupported: 0, ignored: 0, lostDuringProbe: 0 };
  /** ATR (hex) of the last item connected: card type information, not a person's (staff diagnostics). */
  lastAtr: string | null = null;
  private state: { state: ReaderStatus['state']; detail?: string } = { state: 'ready' };
  private readonly waiters: Record<TapKind, Waiter | null> = { card: null, phone: null };
  /** The one PC/SC context of the reader, shared with the card path; replaced when pcscd was lost. */
  private ctx: PcscContext | null = null;
  private readerName: string | null = null;
  private running: Promise<void> | null = null;
  /** Set while a reader uses the tap; the dispatcher does not touch the PC/SC reader meanwhile. */
  private inUse: Promise<void> | null = null;
  /** The last tap has not left the reader yet. */
  private mustLeave = false;
  private probeFailures = 0;
  private closed = false;

  constructor(private readonly o: TapDispatcherOptions = {}) {
    this.ctx = o.context ?? null;
  }

  readonly card: TapSource<CardTap> = {
    next: (s, o) => this.next('card', s, o) as Promise<CardTap | null>,
    ready: () => this.state.state === 'ready',
  };
  readonly phone: TapSource<PhoneTap> = {
    next: (s, o) => this.next('phone', s, o) as Promise<PhoneTap | null>,
    ready: () => this.state.state === 'ready',
  };

  /** Something is on the reader (as pcscd last reported it). */
  get tagPresent(): boolean {
    return this.ctx && this.readerName ? this.ctx.hasCard(this.readerName) : false;
  }

  status(): { label: string; state: ReaderStatus['state']; detail?: string } {
    return { label: this.readerName ?? this.o.readerName ?? 'PC/SC', ...this.state };
  }

  private next(kind: TapKind, signal: AbortSignal, otherIgnored?: (notice?: ReadError) => void): Promise<Tap | null> {
    if (signal.aborted || this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w: Waiter = { resolve, signal, otherIgnored };
      this.waiters[kind]?.resolve(null); // one armed reader per kind
      this.waiters[kind] = w;
      signal.addEventListener(
        'abort',
        () => {
          if (this.waiters[kind] !== w) return;
          this.waiters[kind] = null;
          resolve(null);
        },
        { once: true },
      );
      this.running ??= this.run().finally(() => (this.running = null));
    });
  }

  private wanted(): boolean {
    return !this.closed && (this.waiters.card !== null || this.waiters.phone !== null);
  }

  private async run(): Promise<void> {
    while (this.wanted()) {
      if (this.inUse) {
        await this.inUse;
        continue;
      }
      const at = await this.ensureReader();
      if (!at) {
        await sleep(1000);
        continue;
      }
      const { ctx, name } = at;
      if (this.mustLeave) {
        // Bounded waits, so a disarmed dispatcher stops watching within half a second.
        if (await ctx.waitForEmpty(name, 500)) {
          this.mustLeave = false;
          this.probeFailures = 0;
        }
        continue;
      }
      const link = await this.nextLink(ctx, name);
      if (!link) continue;
      const { link: ch, guard } = link;
      if (ch.atr) this.lastAtr = toHex(ch.atr).toUpperCase();
      let probe: TapProbe;
      try {
        probe = await probeTap(ch);
      } catch {
        this.counts.lostDuringProbe++;
        await ch.disconnect();
        // Gone, or a transmit that failed while the item is still there (a contactless link coming
        // up): a few fresh attempts, then wait for it to leave.
        if (++this.probeFailures >= 3 || !ctx.hasCard(name)) this.mustLeave = true;
        else await sleep(100);
        continue;
      }
      this.probeFailures = 0;
      this.mustLeave = true;
      // Neither phone nor known card: the card reader reports it (it owns "something was put on the
      // reader" screens); with card reading off, the phone reader's idle notice does.
      const target: TapKind = probe.kind === 'unsupported' ? 'card' : probe.kind;
      const w = this.waiters[target];
      if (!w || w.signal.aborted) {
        // Nobody armed for this kind (disabled in settings, or a transaction is running).
        this.counts.ignored++;
        await ch.disconnect();
        const other = this.waiters[target === 'card' ? 'phone' : 'card'];
        if (other && !other.signal.aborted)
          other.otherIgnored?.(probe.kind === 'unsupported' ? UNSUPPORTED_DEVICE : undefined);
        continue;
      }
      this.waiters[target] = null;
      if (probe.kind === 'unsupported') this.counts.unsupported++;
      else this.counts[probe.kind]++;
      let done!: () => void;
      this.inUse = new Promise<void>((r) => (done = r)).then(() => {
        this.inUse = null;
      });
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        await ch.disconnect();
        done();
      };
      if (probe.kind !== 'phone') {
        // The card path connects again under its document's guard, on this same context.
        await ch.disconnect();
        w.resolve({ readerName: name, probe, context: ctx, release });
      } else {
        guard.phoneFound();
        // The phone path sees the link's transmit only (not its guard, not the reader).
        w.resolve({ readerName: name, probe, channel: { transmit: (a) => ch.transmit(a) }, release });
      }
    }
  }

  /** The next item on the reader, connected behind a TapGuard; null when nothing came (or the reader is dropped). */
  private async nextLink(ctx: PcscContext, name: string): Promise<{ link: PcscLink; guard: TapGuard } | null> {
    try {
      await ctx.waitForCard(name, 500);
    } catch (e) {
      if (ctx.serviceLost) await this.dropReader('unavailable', errorText(ctx.serviceLost));
      else if (!ctx.readers().includes(name)) await this.dropReader('unplugged', errorText(e), false);
      return null;
    }
    const guard = new TapGuard();
    try {
      return { link: await ctx.connect(name, phoneLinkOptions(guard)), guard };
    } catch (e) {
      if (ctx.serviceLost) await this.dropReader('unavailable', errorText(ctx.serviceLost));
      else if (!ctx.readers().includes(name)) await this.dropReader('unplugged', errorText(e), false);
      else this.mustLeave = true; // could not connect: the item left at once, or is mute
      return null;
    }
  }

  /** The reader's context and name, opened (or reopened after pcscd was lost) as needed; null while there is none. */
  private async ensureReader(): Promise<{ ctx: PcscContext; name: string } | null> {
    if (this.ctx?.serviceLost) await this.dropReader('unavailable', errorText(this.ctx.serviceLost));
    if (this.ctx && this.readerName && this.ctx.readers().includes(this.readerName))
      return { ctx: this.ctx, name: this.readerName };
    try {
      // open() asks pcscd first (the binding would block on a missing or frozen daemon): no daemon is
      // 'unavailable'; no reader (yet) is 'unplugged'.
      const ctx = this.ctx ?? (await PcscContext.open());
      if (this.closed) {
        await ctx.close();
        return null;
      }
      this.ctx = ctx;
      const name = await ctx.waitForReader(this.o.readerName, READER_WAIT_MS);
      this.readerName = name;
      this.state = { state: 'ready' };
      return { ctx, name };
    } catch (e) {
      if (this.ctx?.serviceLost) await this.dropReader('unavailable', errorText(this.ctx.serviceLost));
      else this.state = { state: this.ctx ? 'unplugged' : 'unavailable', detail: errorText(e) };
      return null;
    }
  }

  /** The reader is gone (`close`: and so is the context: pcscd was lost) or unplugged. */
  private async dropReader(state: ReaderStatus['state'], detail: string, close = true): Promise<void> {
    this.mustLeave = false;
    this.state = { state, detail };
    if (!close) return;
    const ctx = this.ctx;
    this.ctx = null;
    await ctx?.close().catch(() => undefined);
  }

  /** Stop watching; armed readers get null. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const k of ['card', 'phone'] as const) {
      this.waiters[k]?.resolve(null);
      this.waiters[k] = null;
    }
    await this.running;
    await this.inUse;
    const ctx = this.ctx;
    this.ctx = null;
    await ctx?.close();
  }
}

/**
 * The card side of the shared reader: waits for a tap the dispatcher called a card, then runs the
 * card path on it (card.ts cardTransaction: claims the transaction, asks for 照合番号B and reads
 * under core/card's guard, through the dispatcher's PC/SC context). It owns the dispatcher (closes
 * it with the kiosk).
 */
export class TapCardReader implements CredentialReader {
  readonly kind = 'card' as const;
  readonly source = 'real' as const;
  constructor(
    readonly taps: TapDispatcher,
    readonly trustDir: string,
    /** Staff setting: how a My Number Card carrying the licence AP (マイナ免許証) is read. */
    private readonly mynaLicence: () => MynaLicenceReading = () => 'mynumber-card',
  ) {}

  status(): ReaderStatus {
    const s = this.taps.status();
    return { kind: 'card', source: 'real', label: s.label, state: s.state, ...(s.detail ? { detail: s.detail } : {}) };
  }

  /** Reader test: a card on the reader (the dispatcher's two SELECTs of phone AIDs called it a card); nothing is read. */
  async probe(signal: AbortSignal): Promise<ReaderProbe | null> {
    const tap = await this.taps.card.next(signal);
    if (!tap) return null;
    await tap.release();
    const atr = this.taps.lastAtr ? `ATR ${this.taps.lastAtr}` : 'ATR —';
    return {
      credential: 'card',
      how: 'pcsc',
      detailJa: `${tap.readerName}：カード（${atr}）`,
      detailEn: `${tap.readerName}: card (${atr})`,
    };
  }

  facts(): { key: string; value: string }[] {
    const s = this.taps.status();
    const c = this.taps.counts;
    return [
      { key: 'pcsc.reader', value: s.label },
      { key: 'pcsc.lastAtr', value: this.taps.lastAtr ?? '—' },
      {
        key: 'taps',
        value: `cards ${c.card}, phones ${c.phone}, ignored ${c.ignored}, lost during probe ${c.lostDuringProbe}`,
      },
    ];
  }

  async start(policy: Policy, signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome> {
    while (!signal.aborted) {
      const tap = await this.taps.card.next(signal, (n) => hooks.notice?.(n ?? notAccepted('mdoc')));
      if (!tap) break;
      if (tap.probe.kind === 'unsupported') {
        // Claimed like any presentation (the screen and the audit say what it was), then released.
        const claimed = hooks.onProgress({ step: 'detected', fraction: 0.1 });
        await tap.release();
        return claimed ? errorOutcome(UNSUPPORTED_DEVICE, 'unknown') : errorOutcome(ABORTED, 'unknown');
      }
      if (tap.probe.document === 'passport') {
        try {
          return await this.readPassport(tap, policy, signal, hooks);
        } finally {
          await tap.release();
        }
      }
      // A マイナ免許証 is read as a licence only when this counter's setting asks for licences and
      // the mode is not the age check (core/document/reading.ts); else as a My Number Card below.
      const asLicence =
        tap.probe.document === 'mynumber-card' &&
        chooseReading(
          { document: 'mynumber-card', licenceAp: tap.probe.licenceAp === true },
          { asked: 'auto', policy: policy.name, licenceAsked: this.mynaLicence() === 'driving-licence' },
        ) === 'myna-licence';
      if (tap.probe.document === 'driving-licence' || tap.probe.document === 'residence-card' || asLicence) {
        try {
          return await this.readDocument(
            asLicence ? 'myna-licence' : (tap.probe.document as 'driving-licence' | 'residence-card'),
            tap,
            policy,
            signal,
            hooks,
          );
        } finally {
          await tap.release();
        }
      }
      try {
        // A card that left before its path saw it is not a transaction: wait for the next tap.
        if (!tap.context.hasCard(tap.readerName)) continue;
        // The card path runs on the dispatcher's context: no second context is opened for a tap.
        return await cardTransaction({
          policy,
          signal,
          hooks,
          trustDir: this.trustDir,
          read: (o) => readCardOverPcsc({ ...o, context: tap.context, reader: tap.readerName, waitMs: 2000 }),
        });
      } finally {
        await tap.release();
      }
    }
    return errorOutcome(ABORTED, 'mynumber-card');
  }

  /** Wrong residence card numbers at this kiosk, across taps. */
  private readonly limiter = new CardNumberLimiter();

  /** A tapped licence, residence card or マイナ免許証: its prompts, read over PC/SC under its own guard. */
  private readDocument(
    kind: 'driving-licence' | 'residence-card' | 'myna-licence',
    tap: CardTap,
    policy: Policy,
    signal: AbortSignal,
    hooks: ReadHooks,
  ): Promise<ReadOutcome> {
    return documentTransaction({
      kind,
      policy,
      signal,
      hooks,
      limiter: this.limiter,
      read: async (secrets) => {
        const r = await readDocumentOverPcsc({
          context: tap.context,
          reader: tap.readerName,
          document: kind === 'myna-licence' ? 'driving-licence' : kind,
          policy: policy.name,
          secrets,
          trust: loadDocumentTrust(this.trustDir, nodeCrypto),
          crypto: nodeCrypto,
          at: new Date(),
          waitMs: 2000,
        });
        if (r.identified === 'mynumber-card' || r.identified === 'passport')
          throw new Error('the card changed during the transaction');
        return r;
      },
    });
  }

  /** Wrong passport access keys at this kiosk, across taps (a BAC chip never locks). */
  private readonly passportLimiter = new AccessRateLimit();

  /** A tapped passport: the MRZ (or CAN) entry, read over PC/SC under the passport's guard. */
  private readPassport(tap: CardTap, policy: Policy, signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome> {
    return passportTransaction({
      policy,
      signal,
      hooks,
      limiter: this.passportLimiter,
      read: (access) => {
        const at = new Date();
        return readPassportOverPcsc({
          context: tap.context,
          reader: tap.readerName,
          policy: policy.name,
          access,
          trust: cachedTrustStore(this.trustDir, { crypto: nodeCrypto, now: at }),
          crypto: nodeCrypto,
          at,
          waitMs: 2000,
        });
      },
    });
  }

  close(): Promise<void> {
    return this.taps.close();
  }
}

/**
 * The kiosk's readers when a PC/SC reader is attached: the card and the phone share it through one
 * dispatcher. The phone reader also takes QR engagement (scanner) and uses Bluetooth when present;
 * without Bluetooth a tapped phone is read by NFC data retrieval.
 */
export function tapReaders(o: {
  dispatcher: TapDispatcher;
  trustDir: string;
  ble?: ReadMdocDeps['ble'];
  bleNote?: string;
  timeouts?: ReadMdocDeps['timeouts'];
  /** Staff setting: NFC or BLE data retrieval when a phone offers both. */
  preferTransport?: () => PreferredTransport;
  /** Staff setting: how a マイナ免許証 is read (default: as a My Number Card). */
  mynaLicence?: () => MynaLicenceReading;
}): { card: TapCardReader; phone: PhoneReader } {
  const radios = [o.ble ? (o.bleNote ?? 'Bluetooth') : '', 'NFC'].filter(Boolean).join(' + ');
  const phone = new PhoneReader({
    ...(o.ble ? { ble: o.ble } : {}),
    taps: o.dispatcher.phone,
    trustDir: o.trustDir,
    label: `スマートフォン (QR / タッチ: ${radios})`,
    source: 'real',
    ...(o.timeouts ? { timeouts: o.timeouts } : {}),
    ...(o.preferTransport ? { preferTransport: o.preferTransport } : {}),
  });
  return { card: new TapCardReader(o.dispatcher, o.trustDir, o.mynaLicence), phone };
}

/** Start-up (real.ts): both readers on the attached PC/SC reader, or none when there is no reader. */
export async function detect(opts: {
  home: string;
  readerName?: string;
  trustDir?: string;
  preferTransport?: () => PreferredTransport;
  mynaLicence?: () => MynaLicenceReading;
}): Promise<{ readers: CredentialReader[]; note: string }> {
  const probe = await probePcscd(800);
  if (!probe.ok) return { readers: [], note: `pcscd not reachable (${probe.reason})` };
  // The reader's one context: kept by the dispatcher from here on.
  const ctx = await PcscContext.open();
  // Readers are announced asynchronously, each once its first status is known; with several and no
  // name set, the first by name (the same one at every start).
  const readerName = opts.readerName ?? (await ctx.waitForReaders(400))[0];
  if (!readerName) {
    await ctx.close();
    return { readers: [], note: 'pcscd up, no reader attached' };
  }
  const { detectBle } = await import('../../mdoc-reader/hardware.ts');
  const { ble, note } = await detectBle();
  const trustDir = opts.trustDir ?? join(opts.home, 'trust');
  const { card, phone } = tapReaders({
    dispatcher: new TapDispatcher({ readerName, context: ctx }),
    trustDir,
    ...(ble ? { ble, bleNote: note } : {}),
    ...(opts.preferTransport ? { preferTransport: opts.preferTransport } : {}),
    ...(opts.mynaLicence ? { mynaLicence: opts.mynaLicence } : {}),
  });
  return {
    readers: [card, phone],
    note: `PC/SC reader ${readerName} (cards and phone taps); phones: QR + ${ble ? note : `NFC data retrieval only (${note})`}`,
  };
}
