// Child of test/nfc/pcscd-loss-nfc.test.ts and test/kiosk/pcscd-loss-tap.test.ts (not a test file
// itself): runs in its own network + mount namespace with its own pcscd (test/support/private-pcscd.ts),
// kills or freezes that daemon under a PHONE read over NFC (main/nfc/pcsc-channel.ts over main/pcsc) and reports what
// the reader did. The phone is the virtual wallet (sim/wallet/nfc-tag.ts WalletNfcTag, scenario 'nfc':
// static handover, then NFC data retrieval) presented as a vpcd card. Scenarios:
//   killed <apdu#>               SIGKILL while the phone holds APDU #n of the read; then open while
//                                pcscd is down; then pcscd restarted: a full read again
//   frozen <apdu#> <SIGCONT|SIGKILL>
//                                SIGSTOP while the phone holds APDU #n: the read must end at the
//                                service-check deadline with the event loop free; close() and open()
//                                while frozen must return; then the daemon resumes (SIGCONT) or is
//                                killed and restarted: a full read again
//   close-after-wait             close() at once after a wait that a status event settled: (1) the
//                                removal status, (2) pcscd's death under waitForTag
//   host <apdu#>                 the kiosk (KioskHost + tap.ts dispatcher + PhoneReader): pcscd killed
//                                mid phone read -> error screen; readers 'unavailable'; back -> ready,
//                                next phone tap valid
//   host-frozen                  the same kiosk, idle, pcscd frozen: readers shown 'unavailable' after
//                                the idle check; host.stop() returns while frozen; then pcscd killed
// The child must also END BY ITSELF: that shows no native pcsclite handle was left open (the deferred
// native close of a reader whose command was stuck in the frozen daemon did run).
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { nodeTimers } from '../../main/ble/stacks.ts';
import { PcscNfcReader } from '../../main/nfc/pcsc-channel.ts';
import type { PcscLink } from '../../main/pcsc/pcsc-link.ts';
import { ApduChannelError } from '../../core/mdoc/engagement/apdu-channel.ts';
import { readMdoc } from '../../main/mdoc-reader/read-mdoc.ts';
import { nfcDataRetrievalFactory } from '../../main/mdoc-reader/nfc-message-transport.ts';
import { makeWallet } from '../../main/mdoc-reader/simulate.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { TapDispatcher, tapReaders } from '../../main/host/readers/tap.ts';
import { engageOverNfc } from '../../core/mdoc/engagement/index.ts';
import { TagGone, WalletNfcTag } from '../../sim/wallet/nfc-tag.ts';
import { VpcdCard } from '../../sim/wallet/vpcd.ts';
import { PrivatePcscd, runScenario, until, VPCD_PORT, VPCD_READER, watchEventLoop } from '../support/private-pcscd.ts';
import { trust, TRUST_DIR } from '../read-mdoc/support.ts';

const PORT = VPCD_PORT;
const READER = VPCD_READER;
const now = () => performance.now();
const ms = (x: number) => Math.round(x * 10) / 10;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** The virtual phone on the vpcd slot; `onApdu(n)` runs as it receives its n-th command (before answering). */
async function presentPhone(onApdu: (n: number) => void = () => undefined) {
  const wallet = makeWallet('nfc', nodeCrypto, new Date());
  wallet.newTransaction();
  const tag = new WalletNfcTag(wallet);
  let n = 0;
  const card = await VpcdCard.connect({
    port: PORT,
    onApdu: async (a) => {
      onApdu(++n);
      try {
        return await tag.process(a);
      } catch (e) {
        if (e instanceof TagGone) return null;
        throw e;
      }
    },
  });
  return {
    count: () => n,
    async remove() {
      card.close();
      await Promise.race([card.closed, sleep(1000)]);
    },
  };
}

/** One phone read as the read-mdoc CLI does it over NFC (hardware.ts): engagement, then NFC data retrieval. */
async function phoneRead(reader: PcscNfcReader) {
  let live: PcscLink | null = null;
  const out = await readMdoc(
    {
      policy: 'age-over-20',
      engage: async (timeoutMs) =>
        engageOverNfc((live = await reader.waitForTag(timeoutMs)), {
          proposal: {
            ble: {
              centralClientMode: false,
              peripheralServerMode: false,
              uuid: '6f1b8d2e-4c3a-4e5f-9a0b-1c2d3e4f5a6b',
            },
          },
          random16: 0x1234,
          sleep: (t) => new Promise((r) => setTimeout(r, t)),
        }),
    },
    // Read deadlines longer than the reader's service check, so the check is what ends the read.
    {
      crypto: nodeCrypto,
      trust,
      now: () => new Date(),
      timers: nodeTimers,
      nfcTransport: nfcDataRetrievalFactory(() => live),
      timeouts: { engagementMs: 10_000, connectMs: 5000, responseMs: 10_000 },
    },
  );
  const e = out.result.errors[0];
  return {
    verdict: out.result.verdict,
    stage: out.stage,
    error: e ? { code: e.code, messageEn: e.message, messageJa: e.message_ja, detail: e.detail ?? '' } : null,
    attributes: Object.keys(out.result.documents[0]?.elements['org.iso.23220.1'] ?? {}),
  };
}

async function settle<T>(
  p: Promise<T>,
): Promise<
  { ok: true; value: T; ms: number } | { ok: false; code: string; service: string | null; message: string; ms: number }
> {
  const t = now();
  try {
    const value = await p;
    return { ok: true, value, ms: ms(now() - t) };
  } catch (e) {
    const x = e as { code?: string; message?: string };
    return {
      ok: false,
      code: x.code ?? 'thrown',
      service: e instanceof ApduChannelError ? (e.service ?? null) : null,
      message: String(x.message ?? e),
      ms: ms(now() - t),
    };
  }
}

/** A full read after pcscd is back, with a new reader (the old one is finished). */
async function readAgain() {
  const reader = await PcscNfcReader.open({ readerName: READER, timeoutMs: 5000 });
  const phone = await presentPhone();
  const r = await phoneRead(reader);
  await phone.remove();
  await reader.waitForRemoval(3000);
  await reader.close();
  return r;
}

async function scenarioKilled(atApdu: number) {
  const d = PrivatePcscd.setUp();
  await d.start();
  const reader = await PcscNfcReader.open({ readerName: READER, timeoutMs: 5000 });
  const trip = d.killAtApdu(atApdu, 'SIGKILL');
  const phone = await presentPhone(trip.hook);
  const mid = await phoneRead(reader);
  const endedAt = now();
  const serviceLost = reader.serviceLost?.service ?? null;
  const tClose = now();
  await reader.close();
  const closeMs = now() - tClose;
  await phone.remove();
  await d.exited();
  // While pcscd is down, a new reader says so at once (never hangs in the binding's constructor).
  const whileDown = await settle(PcscNfcReader.open({ readerName: READER, timeoutMs: 5000 }));
  await d.start();
  const again = await readAgain();
  await d.stop();
  return {
    mid: {
      ...mid,
      apdusSeenByPhone: phone.count(),
      killToResultMs: trip.at() ? ms(endedAt - trip.at()) : null,
      serviceLost,
      closeMs: ms(closeMs),
    },
    whileDown: whileDown.ok ? { ok: true } : whileDown,
    again,
  };
}

async function scenarioFrozen(atApdu: number, resume: 'SIGCONT' | 'SIGKILL') {
  const d = PrivatePcscd.setUp();
  await d.start();
  const reader = await PcscNfcReader.open({ readerName: READER, timeoutMs: 5000 });
  const trip = d.killAtApdu(atApdu, 'SIGSTOP');
  const phone = await presentPhone(trip.hook);
  // The main thread must stay free while the daemon hangs.
  const loop = watchEventLoop();
  const mid = await phoneRead(reader);
  const endedAt = now();
  const serviceLost = reader.serviceLost?.service ?? null;
  // Still frozen: close() must return (the native close is left until the daemon answers or dies),
  // and a new reader must be refused at once rather than block in SCardEstablishContext.
  const tClose = now();
  await reader.close();
  const closeMs = now() - tClose;
  const whileFrozen = await settle(PcscNfcReader.open({ readerName: READER, timeoutMs: 5000 }));
  await sleep(300);
  const maxGap = loop.stop();
  const stillFrozen = d.running;
  if (resume === 'SIGCONT') d.kill('SIGCONT');
  else {
    d.kill('SIGKILL');
    await d.exited();
    await d.start();
  }
  await phone.remove();
  const again = await readAgain();
  await d.stop();
  return {
    mid: {
      ...mid,
      apdusSeenByPhone: phone.count(),
      freezeToResultMs: ms(endedAt - trip.at()),
      serviceLost,
      maxEventLoopGapMs: ms(maxGap),
    },
    closeMs: ms(closeMs),
    whileFrozen: whileFrozen.ok ? { ok: true } : whileFrozen,
    stillFrozen,
    again,
  };
}

async function scenarioCloseAfterWait() {
  const d = PrivatePcscd.setUp();
  await d.start();
  // (1) A removal, seen in the reader's status, settles waitForRemoval; close() follows in the same
  //     microtask drain, i.e. still inside the binding's status callback.
  const r1 = await PcscNfcReader.open({ readerName: READER, timeoutMs: 5000 });
  const phone = await presentPhone();
  const ch = await r1.waitForTag(5000);
  await ch.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x07, 0xd2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01, 0x00));
  const removed = r1.waitForRemoval(5000).then(async (gone) => {
    const t = now();
    await r1.close();
    return { gone, closeMs: ms(now() - t) };
  });
  await phone.remove();
  const afterRemoval = await removed;
  // (2) pcscd dies under a pending waitForTag: the wait ends from the reader's 'error' / 'end' events
  //     (the status callback frame) and close() follows at once.
  const r2 = await PcscNfcReader.open({ readerName: READER, timeoutMs: 5000 });
  const waited = r2.waitForTag(10_000).then(
    () => ({ code: 'resolved', service: null as string | null, at: now() }),
    async (e: { code?: string }) => {
      const at = now();
      const t = now();
      await r2.close();
      return {
        code: e.code ?? String(e),
        service: e instanceof ApduChannelError ? (e.service ?? null) : null,
        at,
        closeMs: ms(now() - t),
      };
    },
  );
  await sleep(200);
  const killedAt = now();
  d.kill('SIGKILL');
  const w = await waited;
  await d.exited();
  return { afterRemoval, afterDeath: { ...w, at: undefined, waitEndedMs: ms(w.at - killedAt) } };
}

async function scenarioHost(atApdu: number) {
  const d = PrivatePcscd.setUp();
  await d.start();
  const dispatcher = new TapDispatcher({ readerName: READER });
  const { card, phone } = tapReaders({
    dispatcher,
    trustDir: TRUST_DIR,
    timeouts: { engagementMs: 10_000, connectMs: 5000, responseMs: 10_000 },
  });
  const settings = new SettingsStore(null);
  settings.update({ mode: 'age-over-20', wipeSeconds: 3, readers: { card: true, mdoc: true } });
  const audit = new MemoryAuditSink();
  const host = new KioskHost({ readers: [card, phone], settings, audit, inputTimeoutMs: 10_000 });
  const states = () =>
    host
      .snapshot()
      .readers.map((r) => `${r.kind}:${r.state}`)
      .sort()
      .join(' ');
  const screen = () => host.snapshot().screen;
  host.start();
  try {
    await host.whenIdle();
    await sleep(500); // the dispatcher has opened the PC/SC reader
    const before = states();
    const trip = d.killAtApdu(atApdu, 'SIGKILL');
    const first = await presentPhone(trip.hook);
    await until(() => screen().screen === 'error' || screen().screen === 'verdict', 10_000, 'the outcome screen');
    const errorScreenMs = now() - trip.at();
    const e = screen();
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
    await first.remove();
    await d.exited();
    await until(() => screen().screen === 'idle', 10_000, 'idle after the wipe');
    const downMs = await until(() => /card:unavailable/.test(states()), 5000, 'the readers shown unavailable');
    const whileDown = {
      states: states(),
      detail: host.snapshot().readers.find((r) => r.kind === 'card')?.detail ?? '',
    };
    await d.start();
    const readyMs = await until(() => states() === before, 8000, 'the readers ready again');
    const next = await presentPhone();
    await until(() => screen().screen === 'error' || screen().screen === 'verdict', 10_000, 'the next verdict');
    const v = screen();
    await next.remove();
    return {
      before,
      apdusSeenByPhone: first.count(),
      shown,
      errorScreenMs: ms(errorScreenMs),
      whileDown,
      downMs: ms(downMs),
      readyAgainMs: ms(readyMs),
      next:
        v.screen === 'verdict'
          ? { verdict: v.verdict, attributes: Object.keys(v.attributes) }
          : { screen: v.screen, error: v.screen === 'error' ? v.error.code : undefined },
      audit: audit.entries.map((x) => `${x.outcome}${x.errorCode ? `:${x.errorCode}` : ''}`),
    };
  } finally {
    await host.stop();
    await d.stop();
  }
}

async function scenarioHostFrozen() {
  const d = PrivatePcscd.setUp();
  await d.start();
  const dispatcher = new TapDispatcher({ readerName: READER });
  const { card, phone } = tapReaders({ dispatcher, trustDir: TRUST_DIR });
  const settings = new SettingsStore(null);
  settings.update({ mode: 'age-over-20', readers: { card: true, mdoc: true } });
  const host = new KioskHost({ readers: [card, phone], settings, audit: new MemoryAuditSink() });
  const states = () =>
    host
      .snapshot()
      .readers.map((r) => `${r.kind}:${r.state}`)
      .sort()
      .join(' ');
  host.start();
  let stopped = false;
  try {
    await host.whenIdle();
    await sleep(500);
    const before = states();
    // The main thread must stay free while the daemon hangs.
    const loop = watchEventLoop();
    d.kill('SIGSTOP');
    const unavailableMs = await until(() => /card:unavailable/.test(states()), 10_000, 'the readers shown unavailable');
    const whileFrozen = {
      states: states(),
      detail: host.snapshot().readers.find((r) => r.kind === 'card')?.detail ?? '',
      screen: host.snapshot().screen.screen,
    };
    const tStop = now();
    await host.stop();
    stopped = true;
    const stopMs = now() - tStop;
    const maxGap = loop.stop();
    const stillFrozen = d.running;
    d.kill('SIGKILL'); // a watchdog gives up on the frozen daemon; the deferred native close then runs
    await d.exited();
    return {
      before,
      unavailableMs: ms(unavailableMs),
      whileFrozen,
      stopMs: ms(stopMs),
      maxEventLoopGapMs: ms(maxGap),
      stillFrozen,
    };
  } finally {
    if (!stopped) await host.stop();
    await d.stop();
  }
}

const [scenario, ...args] = process.argv.slice(2);
const run = (): Promise<unknown> =>
  scenario === 'killed'
    ? scenarioKilled(Number(args[0] ?? 9))
    : scenario === 'frozen'
      ? scenarioFrozen(Number(args[0] ?? 9), (args[1] ?? 'SIGKILL') as 'SIGCONT' | 'SIGKILL')
      : scenario === 'close-after-wait'
        ? scenarioCloseAfterWait()
        : scenario === 'host'
          ? scenarioHost(Number(args[0] ?? 9))
          : scenario === 'host-frozen'
            ? scenarioHostFrozen()
            : Promise.reject(new Error(`unknown scenario ${scenario}`));
await runScenario(run);
