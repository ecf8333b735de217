// Wiring chosen once at start: which readers (real PC/SC + BLE, or the training simulators), which
// audit store, settings and trust directory. Electron's main process, the headless host, `npm start`
// and `kakunin demo` all build the kiosk here, so what the shell wires is what the tests run.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StaffAuth } from './staff-auth.ts';
import { formatSetupCode } from './setup-code.ts';
import type { HostServices } from './api-handler.ts';
import type { AuditSink } from './audit-sink.ts';
import { startAuditLifecycle } from './audit-lifecycle.ts';
import { openAuditSink } from './audit-store-adapter.ts';
import { KioskHost } from './kiosk-host.ts';
import type { CredentialReader } from './reader.ts';
import { realReaders } from './readers/real.ts';
import { TrainingController, TrainingReader } from './readers/training.ts';
import { SimulatedPhone } from './readers/simulated-phone.ts';
import { SettingsStore } from './settings.ts';
import { DirTrustService } from './trust.ts';
import { kakuninHome } from '../trust/trust-sources.ts';
import { errorText } from '../../core/errors.ts';

export type DeviceChoice = 'auto' | 'real' | 'training';

export interface KioskConfig {
  /** Settings, trust store and audit database live here (default ~/.config/kakunin or $KAKUNIN_HOME). */
  home?: string;
  devices?: DeviceChoice;
  /** Training simulator step delay. */
  stepMs?: number;
  auditFile?: string;
  /** Injected audit sink (tests). */
  audit?: AuditSink;
  /** Injected readers (tests, demo). */
  readers?: CredentialReader[];
  /** With injected simulated readers: the training controller, so every screen says TRAINING. */
  training?: TrainingController;
  /** scrypt N for staff PINs (tests lower it; production uses STAFF_PIN_KDF). */
  pinCost?: number;
  inputTimeoutMs?: number;
  now?: () => Date;
}

export interface Kiosk {
  services: HostServices;
  host: KioskHost;
  training: TrainingController | null;
  /** Why the devices were chosen (shown in the log and the staff area). */
  deviceNote: string;
  close(): Promise<void>;
}

export const defaultHome = kakuninHome;

export async function assembleKiosk(cfg: KioskConfig = {}): Promise<Kiosk> {
  const home = cfg.home ?? defaultHome();
  // A new kiosk (or a newcomer's first `npm start`) has no home yet: make it, private to this user
  // (the audit log and settings live there), with an empty trust directory for staff imports.
  mkdirSync(join(home, 'trust'), { recursive: true, mode: 0o700 });
  const settings = new SettingsStore(join(home, 'settings.json'));
  const choice = cfg.devices ?? 'auto';
  let readers: CredentialReader[];
  let training: TrainingController | null = null;
  let deviceNote: string;
  const closers: (() => void)[] = [];
  if (cfg.readers) {
    readers = cfg.readers;
    training = cfg.training ?? null;
    deviceNote = training ? 'injected simulated readers (training)' : 'injected readers';
  } else if (choice === 'training') {
    ({ training, readers } = trainingDevices(cfg, closers));
    deviceNote = 'training simulators (requested)';
  } else {
    const real = await realReaders({
      home,
      preferTransport: () => settings.get().phoneTransport,
      mynaLicence: () => settings.get().mynaLicence,
    });
    if (real.readers.length > 0) {
      readers = real.readers;
      deviceNote = real.note;
    } else if (choice === 'real') {
      throw new Error(`no real reader available: ${real.note}`);
    } else {
      // No reader attached: offer the simulators, and the screen says TRAINING on every view.
      ({ training, readers } = trainingDevices(cfg, closers));
      deviceNote = `training simulators (no real reader: ${real.note})`;
    }
  }
  // The audit log is sealed with this kiosk's key (home/audit-key, made on first use).
  const audit = cfg.audit ?? (await openAuditSink(cfg.auditFile ?? join(home, 'audit.sqlite'), home));
  const life = await startAuditLifecycle(audit, cfg.now ? { now: cfg.now } : {});
  try {
    await audit.prune?.(settings.get().retentionDays, cfg.now ? cfg.now() : new Date());
  } catch (e) {
    // A chain that does not verify, or a clock that cannot be trusted, refuses retention (and the
    // refusal is in the log); the kiosk still runs and the staff audit screen shows any break.
    console.error(`kakunin: audit retention not applied: ${errorText(e)}`);
  }
  const host = new KioskHost({
    readers,
    settings,
    audit,
    ...(training ? { training } : {}),
    ...(cfg.now ? { now: cfg.now } : {}),
    ...(cfg.inputTimeoutMs ? { inputTimeoutMs: cfg.inputTimeoutMs } : {}),
  });
  const trust = new DirTrustService(join(home, 'trust'));
  const staff = new StaffAuth({
    home,
    audit: (kind, fields) => audit.event(kind, fields),
    ...(cfg.pinCost ? { kdf: { N: cfg.pinCost, r: 8, p: 1 } } : {}),
    ...(cfg.now ? { now: cfg.now } : {}),
  });
  const services: HostServices = { host, trust, staff };
  return {
    services,
    host,
    training,
    deviceNote,
    async close() {
      await host.stop();
      try {
        await life.stop();
      } catch (e) {
        console.error(`kakunin: audit stop event not written: ${errorText(e)}`);
      }
      await audit.close();
      for (const c of closers) c();
    },
  };
}

/**
 * A kiosk without a staff PIN: draw the one-time setup code and print it on the host's console
 * (stdout of `npm start` / the Electron main process), never on the screen. Returns the code.
 */
export function announceSetupCode(kiosk: Kiosk, log: (line: string) => void = console.log): string | null {
  const code = kiosk.services.staff.issueSetupCode();
  if (code) {
    log(`kakunin: no staff PIN is set on this kiosk. First-run setup code: ${formatSetupCode(code)}`);
    log(
      'kakunin: type it on the kiosk screen (スタッフ → 初期設定 / Staff → Setup), or run `npx kakunin setup` instead',
    );
  }
  return code;
}

/** Training: the in-memory card stand-in and the virtual wallet read by the real phone reader. */
function trainingDevices(
  cfg: KioskConfig,
  closers: (() => void)[],
): { training: TrainingController; readers: CredentialReader[] } {
  const training = new TrainingController(cfg.stepMs ?? 350, cfg.now);
  const phone = new SimulatedPhone();
  training.phone = phone;
  closers.push(() => phone.close());
  return { training, readers: [new TrainingReader('card', training), phone.reader] };
}

export function distDirExists(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}
