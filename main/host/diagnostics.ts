// Reader diagnostics for the staff area: each reader's own facts (PC/SC name, last ATR, radios),
// whether pcscd answers, the Bluetooth roles, whether a camera is attached, and the last ten reader
// errors with their codes and what to do. Everything here is about devices, never about a holder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../../api/contract.ts';
import { pcscdAnswers } from '../pcsc/pcscd-probe.ts';
import type { KioskHost } from './kiosk-host.ts';

const V4L = '/sys/class/video4linux';

/** Video devices the kernel lists (Linux V4L2), by name; nothing is opened. */
function cameras(root = V4L): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).map((d) => {
    try {
      return `${d}: ${readFileSync(join(root, d, 'name'), 'utf8').trim()}`;
    } catch {
      return d;
    }
  });
}

export async function diagnostics(host: KioskHost): Promise<Diagnostics> {
  const snap = host.snapshot();
  const readers = host.opts.readers.map((r, i) => {
    const st = snap.readers[i]!;
    return {
      kind: st.kind,
      source: st.source,
      label: st.label,
      state: st.state,
      ...(st.detail ? { detail: st.detail } : {}),
      enabled: st.enabled !== false,
      facts: r.facts?.() ?? [],
    };
  });
  const p = await pcscdAnswers(800);
  const training = host.training;
  const pcscd: Diagnostics['pcscd'] = p.ok
    ? {
        state: 'running',
        detail: training
          ? 'pcscd answers (the kiosk runs the training simulators and does not use it)'
          : 'pcscd answers',
      }
    : { state: p.state === 'gone' ? 'not_running' : 'not_answering', detail: p.reason };
  const roles = host.opts.readers.map((r) => r.bleRoles?.()).find((x) => x !== undefined);
  const ble: Diagnostics['ble'] = roles
    ? {
        state: roles.simulated ? 'simulated' : roles.central || roles.peripheral ? 'powered_on' : 'no_adapter',
        central: roles.central,
        peripheral: roles.peripheral,
        detail: roles.simulated
          ? 'simulated radio (training)'
          : roles.peripheral
            ? 'peripheral role available: Apple Wallet (central client mode) can connect'
            : roles.central
              ? 'central role only: wallets in peripheral server mode only'
              : 'no Bluetooth adapter: phones by NFC only',
      }
    : { state: 'not_used', central: false, peripheral: false, detail: 'no phone reader at this kiosk' };
  const cams = cameras();
  return {
    readers,
    pcscd,
    ble,
    camera: {
      present: cams.length > 0,
      detail: cams.length ? cams.join('; ') : 'no video device listed in /sys/class/video4linux',
    },
    recentErrors: host.recentErrors(),
  };
}
