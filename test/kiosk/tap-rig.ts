// A kiosk on one vpcd reader (real pcscd) with a virtual card put on it: the tap dispatcher, both
// tap readers, an in-memory audit, and a wait for the next screen of some kinds. Shared by the
// document tap tests (licence, residence card, マイナ免許証, passport).
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { withVirtualReader } from '../support/pcscd.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { TapDispatcher, tapReaders } from '../../main/host/readers/tap.ts';
import { PcscContext } from '../../main/pcsc/pcsc-reader.ts';
import { VpcdCard, type VirtualCard } from '../../sim/card/vpcd-link.ts';
import type { Mode, MynaLicenceReading, Screen } from '../../api/contract.ts';
import { until } from './helpers.ts';

const TRUST = join(import.meta.dirname, '..', '..', 'resources', 'test-trust');

export interface TapRig {
  host: KioskHost;
  audit: MemoryAuditSink;
  dispatcher: TapDispatcher;
  screen(kinds: Screen['screen'][]): Promise<Screen>;
}

export async function tapRig(
  o: { mode: Mode; card: VirtualCard; mynaLicence?: MynaLicenceReading; atr?: Uint8Array },
  fn: (r: TapRig) => Promise<void>,
): Promise<void> {
  await withVirtualReader(async ({ port, readerName }) => {
    const settings = new SettingsStore(null);
    settings.update({
      mode: o.mode,
      wipeSeconds: 60,
      readers: { card: true, mdoc: true },
      ...(o.mynaLicence ? { mynaLicence: o.mynaLicence } : {}),
    });
    const dispatcher = new TapDispatcher({ readerName });
    const { card: cardReader, phone } = tapReaders({
      dispatcher,
      trustDir: TRUST,
      mynaLicence: () => settings.get().mynaLicence,
    });
    const audit = new MemoryAuditSink();
    const host = new KioskHost({ readers: [cardReader, phone], settings, audit, inputTimeoutMs: 20_000 });
    const contexts = PcscContext.opened;
    host.start();
    const link = o.atr ? new VpcdCard(o.card, port, undefined, o.atr) : new VpcdCard(o.card, port);
    try {
      await host.whenIdle();
      await link.insert();
      await fn({
        host,
        audit,
        dispatcher,
        async screen(kinds) {
          await until(() => kinds.includes(host.snapshot().screen.screen), 20_000);
          return host.snapshot().screen;
        },
      });
      // The probe and the document's read used the dispatcher's context: one context for the reader.
      assert.equal(PcscContext.opened - contexts, 1, 'PC/SC contexts opened for the reader');
    } finally {
      await link.remove();
      // pcscd polls vpcd for presence: the next test's card must not arrive before it saw this one go.
      await until(() => !dispatcher.tagPresent, 3000).catch(() => undefined);
      await host.stop();
    }
  });
}
