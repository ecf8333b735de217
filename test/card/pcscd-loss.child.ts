// Child of test/card/pcscd-loss.test.ts (not a test file itself): runs in its own network + mount
// namespace with its own pcscd (test/support/private-pcscd.ts), kills that daemon at a chosen moment
// and reports what the card layer and the kiosk card adapter did. Scenarios:
//   read <SIGKILL|SIGTERM> <apdu#>  readCardOverPcsc, daemon killed while the card holds APDU #n;
//                                   then a read while it is down; then restarted: a read again
//   hung <apdu#>                    pcscd frozen (SIGSTOP) while the card holds APDU #n: the read must
//                                   still end (APDU deadline) with the event loop alive; then the
//                                   daemon is killed (a watchdog) and restarted: a read again
//   context                         PcscContext waits in progress when the daemon dies; a new context after restart
//   host                            KioskHost + PcscCardReader (main/host/readers/card.ts): killed mid-read,
//                                   back to idle, reader shown not ready; restarted: ready again, next read valid
//   host-idle                       the same adapter, pcscd killed while the kiosk waits for a card
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { PcscContext } from '../../main/pcsc/pcsc-reader.ts';
import { readCardOverPcsc } from '../../main/pcsc/read-session.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { detect } from '../../main/host/readers/card.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { VpcdCard } from '../../sim/card/vpcd-link.ts';
import { PrivatePcscd, runScenario, until, VPCD_PORT, VPCD_READER, watchEventLoop } from '../support/private-pcscd.ts';
import type { ReaderStatus, Screen } from '../../api/contract.ts';
import { AT, B, TEST_TRUST_DIR, testTrust } from './support.ts';

const PORT = VPCD_PORT;
const READER = VPCD_READER;
const now = () => performance.now();
const ms = (x: number) => Math.round(x * 10) / 10;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** A virtual card that calls `onApdu(n)` as it receives its n-th command (before answering it). */
function cardWithHook(onApdu: (n: number) => void): { card: VirtualMyNumberCard; link: VpcdCard; count: () => number } {
  const card = new VirtualMyNumberCard();
  const process = card.process.bind(card);
  let n = 0;
  card.process = (c) => {
    onApdu(++n);
    return process(c);
  };
  return { card, link: new VpcdCard(card, PORT), count: () => n };
}

function errorsOf(r: { errors: { code: string; messageJa: string; messageEn: string; detail?: string }[] }) {
  return r.errors.map((e) => ({ code: e.code, messageJa: e.messageJa, messageEn: e.messageEn, detail: e.detail }));
}

async function scenarioRead(signal: NodeJS.Signals, atApdu: number) {
  const d = PrivatePcscd.setUp();
  await d.start();
  const trust = testTrust();
  const trip = d.killAtApdu(atApdu, signal);
  const first = cardWithHook(trip.hook);
  const r1 = await readCardOverPcsc({
    reader: READER,
    policy: 'age-over-20',
    unlock: B,
    trust,
    crypto: nodeCrypto,
    at: AT,
    insertCard: () => first.link.insert(),
  });
  const endedAt = now();
  await first.link.remove();
  await d.exited();

  // While the daemon is down: a new read must say so at once.
  const t2 = now();
  const r2 = await readCardOverPcsc({
    reader: READER,
    policy: 'age-over-20',
    unlock: B,
    trust,
    crypto: nodeCrypto,
    at: AT,
    waitMs: 2000,
  });
  const downMs = now() - t2;

  // The daemon comes back (a restart, or the reader plugged in again): the next read works.
  await d.start();
  const again = cardWithHook(() => undefined);
  const r3 = await readCardOverPcsc({
    reader: READER,
    policy: 'age-over-20',
    unlock: B,
    trust,
    crypto: nodeCrypto,
    at: AT,
    insertCard: () => again.link.insert(),
  });
  await again.link.remove();
  await d.stop();
  return {
    mid: {
      verdict: r1.verdict,
      errors: errorsOf(r1),
      attributes: Object.keys(r1.attributes),
      apdusSeenByCard: first.count(),
      killToResultMs: trip.at() ? ms(endedAt - trip.at()) : null,
    },
    whileDown: { verdict: r2.verdict, errors: errorsOf(r2), ms: ms(downMs) },
    afterRestart: { verdict: r3.verdict, errors: errorsOf(r3), attributes: Object.keys(r3.attributes) },
  };
}

async function scenarioHung(atApdu: number) {
  const d = PrivatePcscd.setUp();
  await d.start();
  const trust = testTrust();
  const trip = d.killAtApdu(atApdu, 'SIGSTOP');
  const first = cardWithHook(trip.hook);
  // The main thread must stay free while the daemon hangs.
  const loop = watchEventLoop();
  const r1 = await readCardOverPcsc({
    reader: READER,
    policy: 'age-over-20',
    unlock: B,
    trust,
    crypto: nodeCrypto,
    at: AT,
    insertCard: () => first.link.insert(),
  });
  const endedAt = now();
  // Still frozen: a new context (the kiosk opens one per card tap) is refused, not a blocked thread.
  const openAt = now();
  const openWhileFrozen = await PcscContext.open().then(
    async (c) => {
      await c.close();
      return 'opened';
    },
    (e: { code?: string }) => e.code ?? 'error',
  );
  const openMs = now() - openAt;
  const maxGap = loop.stop();
  await first.link.remove();
  d.kill('SIGKILL'); // a watchdog gives up on the frozen daemon
  await d.exited();
  await d.start();
  const again = cardWithHook(() => undefined);
  const r2 = await readCardOverPcsc({
    reader: READER,
    policy: 'age-over-20',
    unlock: B,
    trust,
    crypto: nodeCrypto,
    at: AT,
    insertCard: () => again.link.insert(),
  });
  await again.link.remove();
  await d.stop();
  return {
    mid: {
      verdict: r1.verdict,
      errors: errorsOf(r1),
      attributes: Object.keys(r1.attributes),
      apdusSeenByCard: first.count(),
      freezeToResultMs: ms(endedAt - trip.at()),
      maxEventLoopGapMs: ms(maxGap),
    },
    openWhileFrozen: { result: openWhileFrozen, ms: ms(openMs) },
    afterRestart: { verdict: r2.verdict, errors: errorsOf(r2) },
  };
}

async function scenarioContext() {
  const d = PrivatePcscd.setUp();
  await d.start();
  const ctx = await PcscContext.open();
  await ctx.waitForReader(READER, 5000);
  // Pending: a wait for a card that never comes, and a wait for a reader that does not exist.
  const settle = (p: Promise<unknown>) =>
    p.then(
      () => ({ code: 'resolved', at: now() }),
      (e: { code?: string }) => ({ code: e.code ?? String(e), at: now() }),
    );
  const cardWait = settle(ctx.waitForCard(READER, 10_000));
  const readerWait = settle(ctx.waitForReader('No Such Reader 99', 10_000));
  await sleep(200);
  const killedAt = now();
  d.kill('SIGKILL');
  const [c, r] = await Promise.all([cardWait, readerWait]);
  const lost = ctx.serviceLost?.code ?? null;
  const later = await Promise.all([
    settle(ctx.waitForReader(READER, 5000)),
    settle(ctx.waitForCard(READER, 5000)),
    settle(ctx.connect(READER)),
  ]);
  const tClose = now();
  await ctx.close();
  const closeMs = now() - tClose;
  await d.exited();

  await d.start();
  const ctx2 = await PcscContext.open();
  const t = now();
  const reader = await ctx2.waitForReader(READER, 5000);
  const readerBackMs = now() - t;
  await ctx2.close();
  await d.stop();
  return {
    waitForCard: { code: c.code, ms: ms(c.at - killedAt) },
    waitForReader: { code: r.code, ms: ms(r.at - killedAt) },
    serviceLost: lost,
    laterCalls: later.map((x) => x.code),
    closeMs: ms(closeMs),
    afterRestart: { reader, ms: ms(readerBackMs) },
  };
}

/** The kiosk (card reader only, on the private pcscd's reader) for one scenario; torn down after. */
async function withKiosk<T>(
  fn: (k: {
    d: PrivatePcscd;
    host: KioskHost;
    audit: MemoryAuditSink;
    cardState: () => ReaderStatus;
    screen: () => Screen;
  }) => Promise<T>,
): Promise<T> {
  const d = PrivatePcscd.setUp();
  await d.start();
  const home = mkdtempSync(join(tmpdir(), 'kakunin-pcscd-loss-'));
  const det = await detect({ home, readerName: READER, trustDir: TEST_TRUST_DIR });
  if (!det.reader) throw new Error(det.note);
  const settings = new SettingsStore(null);
  settings.update({ mode: 'age-over-20', wipeSeconds: 3, readers: { card: true, mdoc: false } });
  const audit = new MemoryAuditSink();
  const host = new KioskHost({ readers: [det.reader], settings, audit, inputTimeoutMs: 10_000, rearmBackoffMs: 300 });
  host.start();
  try {
    return await fn({
      d,
      host,
      audit,
      cardState: () => host.snapshot().readers.find((x) => x.kind === 'card')!,
      screen: () => host.snapshot().screen,
    });
  } finally {
    await host.stop();
    await d.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Staff types 照合番号B at the keypad; resolves with the screen that follows. */
async function throughKeypad(host: KioskHost, what: string): Promise<Screen> {
  const screen = () => host.snapshot().screen;
  await until(() => screen().screen === 'input', 8000, `the 照合番号B keypad (${what})`);
  const s = screen();
  if (s.screen !== 'input') throw new Error('no input screen');
  host.submitInput(s.txId, B.digits);
  await until(() => screen().screen === 'verdict' || screen().screen === 'error', 8000, `the outcome screen (${what})`);
  return screen();
}

function outcomeOf(v: Screen) {
  return v.screen === 'verdict'
    ? { verdict: v.verdict, attributes: v.attributes }
    : { screen: v.screen, error: v.screen === 'error' ? v.error.code : undefined };
}

function scenarioHostIdle() {
  return withKiosk(async ({ d, host, audit, cardState, screen }) => {
    await sleep(300); // armed, waiting for a card
    const readyBefore = cardState().state;
    d.kill('SIGKILL');
    const notReadyMs = await until(() => cardState().state !== 'ready', 4000, 'the reader shown not ready');
    const whileDown = cardState();
    await d.exited();
    await sleep(1000); // the adapter keeps trying quietly; the kiosk stays idle
    const screenWhileDown = screen().screen;
    const stillDown = cardState().state;
    await d.start();
    const readyMs = await until(() => cardState().state === 'ready', 8000, 'the card reader ready again');
    const card = cardWithHook(() => undefined);
    await card.link.insert();
    const v = await throughKeypad(host, 'after restart');
    await card.link.remove();
    return {
      readyBefore,
      notReadyMs: ms(notReadyMs),
      whileDown: { state: whileDown.state, detail: whileDown.detail },
      screenWhileDown,
      stillDown,
      readyAgainMs: ms(readyMs),
      next: outcomeOf(v),
      audit: audit.entries.map((x) => x.outcome),
    };
  });
}

function scenarioHost(atApdu: number) {
  return withKiosk(async ({ d, host, audit, cardState, screen }) => {
    const readyBefore = cardState().state;
    const trip = d.killAtApdu(atApdu, 'SIGKILL');
    const first = cardWithHook(trip.hook);
    await first.link.insert();
    const e = await throughKeypad(host, 'pcscd killed');
    const errorScreenMs = now() - trip.at();
    const shown =
      e.screen === 'error'
        ? {
            code: e.error.code,
            messageJa: e.error.messageJa,
            messageEn: e.error.messageEn,
            nextJa: e.error.nextJa,
            nextEn: e.error.nextEn,
          }
        : { code: `screen ${e.screen}` };
    await first.link.remove();
    await d.exited();
    // The wipe brings the kiosk back to idle; the reader is shown as not ready while pcscd is away.
    const idleMs = await until(() => screen().screen === 'idle', 8000, 'idle after the wipe');
    const whileDown = cardState();
    await sleep(500); // and it stays so (no flapping, no crash) while the daemon is down
    const stillDown = cardState();

    await d.start();
    const readyMs = await until(() => cardState().state === 'ready', 8000, 'the card reader ready again');
    const again = cardWithHook(() => undefined);
    await again.link.insert();
    const v = await throughKeypad(host, 'the next read');
    await again.link.remove();
    return {
      readyBefore,
      apdusSeenByCard: first.count(),
      shown,
      errorScreenMs: ms(errorScreenMs),
      idleMs: ms(idleMs),
      whileDown: { state: whileDown.state, detail: whileDown.detail },
      stillDown: stillDown.state,
      readyAgainMs: ms(readyMs),
      next: outcomeOf(v),
      audit: audit.entries.map((x) => x.outcome),
    };
  });
}

const [scenario, ...args] = process.argv.slice(2);
const run = (): Promise<unknown> =>
  scenario === 'read'
    ? scenarioRead((args[0] ?? 'SIGKILL') as NodeJS.Signals, Number(args[1] ?? 10))
    : scenario === 'hung'
      ? scenarioHung(Number(args[0] ?? 10))
      : scenario === 'context'
        ? scenarioContext()
        : scenario === 'host'
          ? scenarioHost(Number(args[0] ?? 10))
          : scenario === 'host-idle'
            ? scenarioHostIdle()
            : Promise.reject(new Error(`unknown scenario ${scenario}`));
await runScenario(run);
