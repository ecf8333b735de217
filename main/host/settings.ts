// Kiosk settings on disk: one JSON file, parsed with zod on every load (Signal Desktop habit:
// zod-checked input from disk), written atomically (main/host/private-file.ts) so a power cut never
// leaves half a file. Holds no personal data. The staff PIN is not here: main/host/staff-pin.ts.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { MIN_RETENTION_DAYS } from '../../core/audit/retention-rules.ts';
import {
  LangSchema,
  ModeSchema,
  MynaLicenceReadingSchema,
  PhoneTransportSchema,
  type SettingsView,
} from '../../api/contract.ts';
import { writePrivateFile } from './private-file.ts';

export const SettingsSchema = z
  .object({
    version: z.literal(1),
    mode: ModeSchema,
    lang: LangSchema,
    /** Seconds a verdict stays on screen before it is wiped (docs/architecture.md "One transaction"). */
    wipeSeconds: z.number().int().min(3).max(120),
    /** Audit rows older than this are pruned by the audit store; never less than the minimum (docs/audit-log.md "Retention"). */
    retentionDays: z.number().int().min(MIN_RETENTION_DAYS).max(3650),
    readers: z.object({ card: z.boolean(), mdoc: z.boolean() }).strict(),
    /**
     * Data retrieval when a phone's Handover Select offers both BLE and NFC (ISO 18013-5 §8.3.3):
     * 'ble' (default; the phone may leave the reader) or 'nfc' (the phone stays on the reader; no
     * Bluetooth pairing trouble). Files written before this setting existed read as 'ble'.
     */
    phoneTransport: PhoneTransportSchema.default('ble'),
    /**
     * A My Number Card carrying the licence AP (マイナ免許証): read as a My Number Card (default) or as
     * a driving licence (core/document/reading.ts). Files written before this setting read as the default.
     */
    mynaLicence: MynaLicenceReadingSchema.default('mynumber-card'),
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  version: 1,
  mode: 'age-over-20',
  lang: 'ja',
  wipeSeconds: 10,
  retentionDays: 365,
  readers: { card: true, mdoc: true },
  phoneTransport: 'ble',
  mynaLicence: 'mynumber-card',
};

export class SettingsStore {
  private current: Settings;
  constructor(readonly file: string | null) {
    this.current = file ? SettingsStore.load(file) : structuredClone(DEFAULT_SETTINGS);
  }

  /** A missing file gives the defaults; a corrupt or foreign file is an error, not silently reset. */
  static load(file: string): Settings {
    if (!existsSync(file)) return structuredClone(DEFAULT_SETTINGS);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    // A file from before the minimum retention existed may hold less: keep the rest, raise that.
    if (
      raw &&
      typeof raw === 'object' &&
      typeof (raw as { retentionDays?: unknown }).retentionDays === 'number' &&
      (raw as { retentionDays: number }).retentionDays < MIN_RETENTION_DAYS
    ) {
      (raw as { retentionDays: number }).retentionDays = MIN_RETENTION_DAYS;
    }
    // Older installs kept a 4-digit staff PIN here (scrypt N=2^14, or the first PIN anyone typed):
    // it is dropped, never honoured; the kiosk asks for set-up again (main/host/staff-pin.ts).
    if (raw && typeof raw === 'object' && 'staffPin' in raw) delete (raw as { staffPin?: unknown }).staffPin;
    const r = SettingsSchema.safeParse(raw);
    if (!r.success)
      throw new Error(
        `settings file ${file} is invalid: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    return r.data;
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  update(patch: Partial<Omit<Settings, 'version'>>): Settings {
    const next = SettingsSchema.parse({ ...this.current, ...patch });
    if (this.file) writePrivateFile(this.file, JSON.stringify(next, null, 2) + '\n');
    this.current = next;
    return this.get();
  }

  view(): SettingsView {
    const s = this.current;
    return {
      mode: s.mode,
      lang: s.lang,
      wipeSeconds: s.wipeSeconds,
      retentionDays: s.retentionDays,
      readers: { ...s.readers },
      phoneTransport: s.phoneTransport,
      mynaLicence: s.mynaLicence,
    };
  }
}
