// Real devices for `read-mdoc` without --simulate: a PC/SC NFC reader (engagement by tap, and NFC
// data retrieval or BLE after it) and the Bluetooth adapter through noble / bleno's HCI bindings.
// Detection is bounded (a few seconds at most) and quiet: noble's HCI binding prints adapter
// warnings with console.log, which would corrupt --json output, so they go to stderr.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ROOT } from '../project-root.ts';
import type { EventEmitter } from 'node:events';
import type { PolicyName } from '../../core/policy/policy.ts';
import { engageOverNfc } from '../../core/mdoc/engagement/index.ts';
import { kioskProposal } from './reader-proposal.ts';
import { BlenoGattServerLink } from '../ble/bleno-peripheral.ts';
import { NobleGattClientLink } from '../ble/noble-central.ts';
import { blenoWithBinding, nobleWithBinding } from '../ble/stacks.ts';
import { readMdoc, type ReadMdocDeps, type ReadOutcome } from './read-mdoc.ts';
import { nfcDataRetrievalFactory } from './nfc-message-transport.ts';
import { pcscdReachable, pcscdSocketPath } from '../pcsc/pcscd-probe.ts';
import { errorText } from '../../core/errors.ts';

const require = createRequire(import.meta.url);

export type Hardware =
  | { available: false; reason: string }
  | {
      available: true;
      describe: string;
      read(policy: PolicyName, deps: Omit<ReadMdocDeps, 'ble'>): Promise<ReadOutcome>;
    };

function quietConsole(): () => void {
  const log = console.log;
  console.log = (...a: unknown[]) => process.stderr.write(a.map(String).join(' ') + '\n');
  return () => (console.log = log);
}

/**
 * The adapter state the HCI binding reports, probed in a child process: on a machine without
 * Bluetooth the bindings keep polling a dead socket and throw from timers after stop(), so they must
 * not live in this process unless the adapter is really there.
 */
function probeHci(pkg: 'noble' | 'bleno', ms: number): Promise<string> {
  // Linux lists every HCI adapter the kernel knows in /sys/class/bluetooth (hci0, ...): with none
  // there (or no Bluetooth in the kernel at all) the binding cannot open one, so no child is needed.
  if (process.platform === 'linux' && linuxHciAdapters().length === 0)
    return Promise.resolve('none in /sys/class/bluetooth');
  const script = `
    const B = require(${JSON.stringify(pkg === 'noble' ? '@stoprocent/noble/lib/hci-socket/bindings' : '@stoprocent/bleno/lib/hci-socket/bindings')});
    console.log = () => {};
    const b = new B({});
    b.once('stateChange', (s) => { process.stdout.write('STATE:' + s); process.exit(0); });
    ${pkg === 'noble' ? 'b.start();' : 'b.init();'}`;
  // Asynchronous, so the noble and bleno probes run side by side and the host is not blocked.
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { cwd: ROOT, timeout: ms, encoding: 'utf8' }, (err, stdout) => {
      const m = /STATE:(\w+)/.exec(stdout ?? '');
      resolve(
        m
          ? m[1]!
          : err && (err.killed || typeof err.code === 'string')
            ? `no answer (${err.killed ? 'ETIMEDOUT' : err.code})`
            : 'cannot load',
      );
    });
  });
}

export function linuxHciAdapters(dir = '/sys/class/bluetooth'): string[] {
  try {
    return readdirSync(dir).filter((n) => /^hci\d+$/.test(n));
  } catch {
    return [];
  }
}

/** A live HCI binding, only when the probe saw the adapter powered on. */
async function hciBinding(pkg: 'noble' | 'bleno'): Promise<{ binding: EventEmitter | null; state: string }> {
  const state = await probeHci(pkg, 4000);
  if (state !== 'poweredOn') return { binding: null, state };
  const Bindings = require(
    pkg === 'noble' ? '@stoprocent/noble/lib/hci-socket/bindings' : '@stoprocent/bleno/lib/hci-socket/bindings',
  );
  return { binding: new Bindings({}) as EventEmitter, state };
}

/**
 * The Bluetooth side alone (for the kiosk's QR engagement, which needs no NFC reader): noble as
 * central (mdoc peripheral server mode) and bleno as peripheral (mdoc central client mode, the one
 * Apple Wallet picks), each only if its HCI probe saw the adapter powered on.
 */
export async function detectBle(): Promise<{ ble: NonNullable<ReadMdocDeps['ble']> | null; note: string }> {
  const restore = quietConsole();
  try {
    const [nobleHci, blenoHci] = await Promise.all([hciBinding('noble'), hciBinding('bleno')]);
    const ble = {
      ...(nobleHci.binding ? { central: new NobleGattClientLink(nobleWithBinding(nobleHci.binding)) } : {}),
      ...(blenoHci.binding ? { peripheral: new BlenoGattServerLink(blenoWithBinding(blenoHci.binding)) } : {}),
    };
    if (!ble.central && !ble.peripheral) return { ble: null, note: `no Bluetooth adapter (HCI: ${nobleHci.state})` };
    return {
      ble,
      note: `Bluetooth ${[ble.central ? 'central' : '', ble.peripheral ? 'peripheral' : ''].filter(Boolean).join(' + ')}`,
    };
  } finally {
    restore();
  }
}

export async function detectHardware(): Promise<Hardware> {
  const found = await detectBle();
  const ble: NonNullable<ReadMdocDeps['ble']> = found.ble ?? {};
  const restore = quietConsole();
  try {
    let nfcReason = '';
    let reader: import('../nfc/pcsc-channel.ts').PcscNfcReader | null = null;
    // libpcsclite blocks the whole process (no timer can fire) while it waits for a daemon that
    // is not there, so look for pcscd's socket before touching the binding.
    if (!pcscdReachable()) nfcReason = `pcscd is not running (no socket ${pcscdSocketPath()})`;
    else {
      try {
        const { PcscNfcReader } = await import('../nfc/pcsc-channel.ts');
        reader = await PcscNfcReader.open({ timeoutMs: 1500 });
      } catch (e) {
        nfcReason = errorText(e);
      }
    }
    if (!reader) {
      const bleNote = found.ble ? 'Bluetooth is present but a phone must first engage by NFC or QR' : found.note;
      return { available: false, reason: `no NFC reader (${nfcReason || 'none found'}); ${bleNote}` };
    }
    const r = reader;
    return {
      available: true,
      describe: `NFC reader ${r.name}${ble.central || ble.peripheral ? ' + Bluetooth' : ''}`,
      async read(policy, deps) {
        let live: import('../../core/mdoc/engagement/index.ts').ApduChannel | null = null;
        const nfcTransport = nfcDataRetrievalFactory(() => live);
        try {
          return await readMdoc(
            {
              policy,
              engage: async (timeoutMs) => {
                const tag = await r.waitForTag(timeoutMs);
                live = tag;
                return engageOverNfc(tag, {
                  // Every carrier this kiosk can run now: NFC (the phone is on the reader), BLE if an adapter answered.
                  proposal: kioskProposal({
                    ble,
                    nfc: true,
                    random16bytes: deps.crypto.randomBytes(16),
                    ...(deps.preferNfc ? { prefer: 'nfc' as const } : {}),
                  }),
                  random16: (deps.crypto.randomBytes(2)[0]! << 8) | deps.crypto.randomBytes(2)[1]!,
                  sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
                });
              },
            },
            { ...deps, ble, nfcTransport, timeouts: { engagementMs: 10_000 } },
          );
        } finally {
          await r.close();
        }
      },
    };
  } finally {
    restore();
  }
}
