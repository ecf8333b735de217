// The typed API between the kiosk host (Node) and the renderer (React). One contract, two transports:
// Electron IPC through the preload bridge (main/electron/preload.cjs) and a loopback WebSocket for a
// browser kiosk and the end-to-end tests (main/headless/server.ts). Both sides parse with these zod
// schemas at the boundary (Signal Desktop habit: zod-checked IPC), and every call answers
// `{ ok: true, value } | { ok: false, error }` (docs/architecture.md "Checks and codes").
//
// Its own folder, imported by renderer/ and main/ alike: zod and types only, no node: modules, no DOM,
// nothing of core/ (api/tsconfig.json and test/architecture.test.ts check it).
import { z } from 'zod';

export const ModeSchema = z.enum(['age-over-20', 'identity', 'entrance']);
export type Mode = z.infer<typeof ModeSchema>;
export const LangSchema = z.enum(['ja', 'en']);
export type Lang = z.infer<typeof LangSchema>;
/** Which mdoc data retrieval the kiosk runs when a phone offers both (staff setting). */
export const PhoneTransportSchema = z.enum(['ble', 'nfc']);
export type PhoneTransport = z.infer<typeof PhoneTransportSchema>;
/**
 * How a My Number Card that carries the licence AP (マイナ免許証) is read at this counter (staff
 * setting): as a My Number Card (default; signed, can be 'valid') or as a driving licence (its
 * licence AP: at best 'unverified'). Age checks always read it as a My Number Card.
 */
export const MynaLicenceReadingSchema = z.enum(['mynumber-card', 'driving-licence']);
export type MynaLicenceReading = z.infer<typeof MynaLicenceReadingSchema>;
export const ReaderKindSchema = z.enum(['card', 'mdoc']);
export type ReaderKind = z.infer<typeof ReaderKindSchema>;

/** Staff PIN: 6 to 12 digits (set at installation; never a 4-digit card-style PIN). */
export const STAFF_PIN_RE = /^[0-9]{6,12}$/;
export const StaffPinSchema = z.string().regex(STAFF_PIN_RE);
/** The first-run setup code the host prints on its console (8 digits). */
export const SetupCodeSchema = z.string().regex(/^[0-9]{8}$/);

export const ApiErrorSchema = z.object({ code: z.string(), messageJa: z.string(), messageEn: z.string() });
export type ApiError = z.infer<typeof ApiErrorSchema>;
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Attributes a verdict may carry; values are display strings, held in memory only. */
export const AttributesSchema = z
  .object({
    age_over_20: z.boolean().optional(),
    name: z.string().max(200).optional(),
    address: z.string().max(400).optional(),
    birth_date: z.string().max(20).optional(),
    sex: z.string().max(20).optional(),
    // Driving licence and residence card (display strings; images travel as data: URLs in `images`).
    document_number: z.string().max(20).optional(),
    expiry_date: z.string().max(20).optional(),
    nationality: z.string().max(40).optional(),
    status_of_residence: z.string().max(80).optional(),
    period_of_stay: z.string().max(80).optional(),
    work_restriction: z.string().max(80).optional(),
    address_changes: z.string().max(800).optional(),
    /** A text field held a character outside JIS X 0208 (外字), shown as 〓. */
    gaiji: z.boolean().optional(),
    /** マイナ免許証: the licence data objects of unpublished meaning, by tag and length (never their values). */
    undecoded: z.string().max(400).optional(),
  })
  .strict();
export type Attributes = z.infer<typeof AttributesSchema>;

export const ProgressStepSchema = z.enum(['detected', 'engaged', 'reading', 'verifying']);
export type ProgressStep = z.infer<typeof ProgressStepSchema>;

/**
 * 'mrz': a passport's MRZ_information (document number field, birth date, expiry, each with its
 * check digit: 24 characters); 'can': the 6-digit card access number of a PACE document.
 */
export const InputKindSchema = z.enum([
  'pin',
  'matching-b',
  'birth-date',
  'licence-pin1',
  'licence-pin2',
  'myna-licence-pin',
  'card-number',
  'mrz',
  'can',
]);
export type InputKind = z.infer<typeof InputKindSchema>;

export const ReaderStatusSchema = z.object({
  kind: ReaderKindSchema,
  /** 'training' readers are simulators and say so on screen. */
  source: z.enum(['real', 'training']),
  label: z.string(),
  state: z.enum(['ready', 'busy', 'unplugged', 'unavailable']),
  detail: z.string().optional(),
  /** Set by the host: whether this counter's settings use the reader (off: not trouble, just off). */
  enabled: z.boolean().optional(),
});
export type ReaderStatus = z.infer<typeof ReaderStatusSchema>;

const Base = { txId: z.string(), reader: ReaderKindSchema };

export const ScreenSchema = z.discriminatedUnion('screen', [
  z.object({
    screen: z.literal('idle'),
    /** A few seconds' hint on the idle screen, e.g. a phone tapped while this mode reads cards only. */
    notice: ApiErrorSchema.extend({ nextJa: z.string(), nextEn: z.string() }).optional(),
  }),
  z.object({ screen: z.literal('reading'), ...Base, step: ProgressStepSchema, fraction: z.number().min(0).max(1) }),
  z.object({
    screen: z.literal('input'),
    ...Base,
    kind: InputKindSchema,
    digits: z.number().int().min(4).max(24),
    /** Tries left read from the card before any VERIFY (docs/card-and-mdoc-facts.md "PIN safety"). */
    triesLeft: z.number().int().min(0).max(15).optional(),
    /** Set after a wrong entry so the screen can say so. */
    retry: z.boolean(),
    /** Another entry that answers the same check (age checks: the 6-digit birth date instead of 照合番号B). */
    alternative: z.object({ kind: InputKindSchema, digits: z.number().int().min(4).max(24) }).optional(),
  }),
  z.object({
    screen: z.literal('verdict'),
    ...Base,
    verdict: z.enum(['valid', 'invalid', 'unverified']),
    attributes: AttributesSchema,
    /** Signed card images for staff to read (residence card front / name / address), data: URLs. */
    images: z
      .object({
        front: z.string().startsWith('data:image/').optional(),
        name: z.string().startsWith('data:image/').optional(),
        address: z.string().startsWith('data:image/').optional(),
      })
      .strict()
      .optional(),
    /** 'unverified': what staff must confirm, and whether they did (recorded in the audit log). */
    staffConfirm: z
      .object({ reasons: z.array(z.string()), state: z.enum(['pending', 'confirmed', 'declined']) })
      .optional(),
    /** The credential read, for the screen's wording. */
    document: z
      .enum([
        'mynumber-card',
        'mdoc',
        'driving-licence',
        'residence-card',
        'special-permanent-resident-certificate',
        'passport',
      ])
      .optional(),
    /** Face photo as a data: URL; memory only, dropped at wipe. */
    photo: z.string().startsWith('data:image/').optional(),
    /** No photo was read (the card's birth-date record): staff compare the photo printed on the card. */
    holderHint: z.enum(['printed-photo']).optional(),
    checks: z.array(z.object({ code: z.string(), ok: z.boolean() })),
    reason: ApiErrorSchema.optional(),
    wipeAt: z.number(),
  }),
  z.object({
    screen: z.literal('error'),
    ...Base,
    error: ApiErrorSchema.extend({ nextJa: z.string(), nextEn: z.string() }),
    wipeAt: z.number(),
  }),
]);
export type Screen = z.infer<typeof ScreenSchema>;

export const SnapshotSchema = z.object({
  mode: ModeSchema,
  lang: LangSchema,
  /** True when the readers are simulators: the screen must say 訓練モード / TRAINING. */
  training: z.boolean(),
  readers: z.array(ReaderStatusSchema),
  screen: ScreenSchema,
  /** Bumped on every change; lets a client drop stale pushes. */
  seq: z.number().int(),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const TRAINING_SCENARIOS = [
  'card-ok',
  'card-underage',
  'card-tampered',
  'card-pin',
  'card-matching-b',
  'card-pulled',
  'reader-unplugged',
  'phone-ok',
  'phone-tampered',
  'phone-expired',
  'phone-walked-away',
  'licence-ok',
  'licence-unverified',
  'residence-card-gen1',
  'residence-card-gen2',
  'myna-licence',
  'passport-ok',
  'passport-unverified',
] as const;
export const TrainingScenarioSchema = z.enum(TRAINING_SCENARIOS);
export type TrainingScenario = z.infer<typeof TrainingScenarioSchema>;

export const SettingsViewSchema = z.object({
  mode: ModeSchema,
  lang: LangSchema,
  wipeSeconds: z.number().int().min(3).max(120),
  retentionDays: z.number().int().min(1).max(3650),
  readers: z.object({ card: z.boolean(), mdoc: z.boolean() }),
  phoneTransport: PhoneTransportSchema,
  mynaLicence: MynaLicenceReadingSchema,
});

export const StaffStatusSchema = z.object({
  unlocked: z.boolean(),
  staffPinSet: z.boolean(),
  /** No usable staff PIN: the first-run screen (setup code + new PIN) or `kakunin setup` is needed. */
  setupRequired: z.boolean(),
  /** not_set: new kiosk; weak: stored below this kiosk's cost (an older install); invalid: unreadable file. */
  setupReason: z.enum(['not_set', 'weak', 'invalid']).nullable(),
  /** A setup code was printed on the host's console since it started. */
  setupCodeIssued: z.boolean(),
  lockedOutSeconds: z.number(),
});
export type StaffStatus = z.infer<typeof StaffStatusSchema>;
export type SettingsView = z.infer<typeof SettingsViewSchema>;

export const TrustRootSchema = z.object({
  file: z.string(),
  /** Shipped with the kiosk (the public J-LIS / JPKI anchors) or imported by staff. */
  origin: z.enum(['built-in', 'imported']),
  kind: z.string(),
  subject: z.string(),
  notAfter: z.string(),
  daysLeft: z.number(),
  fingerprint: z.string(),
  warnings: z.array(z.string()),
});
export const TrustReadinessSchema = z.object({
  id: z.string(),
  labelJa: z.string(),
  labelEn: z.string(),
  ready: z.boolean(),
  missing: z.array(z.string()),
});
export const TrustStatusSchema = z.object({
  dir: z.string(),
  source: z.string(),
  /** "Ready for My Number Card (card) / (iPhone) / JPKI", each with what is missing. */
  ready: z.array(TrustReadinessSchema),
  roots: z.array(TrustRootSchema),
  warnings: z.array(z.string()),
});
export type TrustStatus = z.infer<typeof TrustStatusSchema>;

/** How a manager counts a check (core/audit/summary.ts outcomeClass). */
export const OutcomeClassSchema = z.enum(['valid', 'invalid', 'unverified', 'cancelled']);
export type OutcomeClass = z.infer<typeof OutcomeClassSchema>;

const IsoInstant = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a date-time');
export const AuditFilterSchema = z
  .object({
    from: IsoInstant.optional(),
    to: IsoInstant.optional(),
    outcome: OutcomeClassSchema.optional(),
    /** A credential class: mynumber-card, mnc-phone, mdl, none, or as recorded. */
    credential: z
      .string()
      .max(80)
      .regex(/^[a-z0-9.:_-]+$/i)
      .optional(),
    mode: z
      .string()
      .max(40)
      .regex(/^[a-z0-9-]+$/)
      .optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

export const AuditRowSchema = z.object({
  seq: z.number(),
  time: z.string(),
  mode: z.string(),
  /** As stored (valid / invalid / error / cancelled). */
  outcome: z.string(),
  outcomeClass: OutcomeClassSchema.nullable(),
  credential: z.string(),
  reason: z.string().nullable(),
  /** The reason in plain words (as on the dashboard). */
  reasonJa: z.string().nullable(),
  reasonEn: z.string().nullable(),
  failedChecks: z.array(z.string()),
  totalMs: z.number().nullable(),
  training: z.boolean(),
  /** The stored row no longer passes the schema (tampered): only seq is shown. */
  unreadable: z.boolean(),
});
export type AuditRow = z.infer<typeof AuditRowSchema>;

export const AuditChainSchema = z.object({
  /** null: this store cannot tell (memory store in tests). */
  ok: z.boolean().nullable(),
  firstBroken: z.object({ seq: z.number(), reason: z.string() }).nullable(),
  head: z.object({ seq: z.number(), hash: z.string() }).nullable(),
  checkpoint: z.object({ seq: z.number(), hash: z.string(), createdAt: z.string() }).nullable(),
});
export const AuditViewSchema = z.object({
  location: z.object({ kind: z.enum(['sqlite', 'memory']), path: z.string().nullable() }),
  retentionDays: z.number(),
  chain: AuditChainSchema,
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  rows: z.array(AuditRowSchema),
  /** What the filter can choose from (classes and modes present in the log). */
  credentials: z.array(z.object({ key: z.string(), ja: z.string(), en: z.string() })),
  modes: z.array(z.string()),
});
export type AuditView = z.infer<typeof AuditViewSchema>;

const Counts = z.object({ valid: z.number(), invalid: z.number(), unverified: z.number(), cancelled: z.number() });
export const DashboardSchema = z.object({
  range: z.string(),
  from: z.string(),
  to: z.string(),
  bucket: z.enum(['hour', 'day']),
  utcOffsetMinutes: z.number(),
  buckets: z.array(z.object({ start: z.string(), counts: Counts })),
  total: z.number(),
  outcomes: Counts,
  topFailures: z.array(z.object({ code: z.string(), count: z.number(), ja: z.string(), en: z.string() })),
  credentials: z.array(z.object({ key: z.string(), count: z.number(), ja: z.string(), en: z.string() })),
  medianMs: z.number().nullable(),
  /** Training (simulated) checks counted; they are left out unless the kiosk itself is in training. */
  training: z.number(),
  trainingExcluded: z.number(),
  computeMs: z.number(),
});
export type Dashboard = z.infer<typeof DashboardSchema>;

export const ReaderTestSchema = z.discriminatedUnion('seen', [
  z.object({ seen: z.literal(false), waitedMs: z.number() }),
  z.object({
    seen: z.literal(true),
    reader: ReaderKindSchema,
    readerLabel: z.string(),
    /** What answered: card (My Number Card path) or phone (NFC / QR engagement); nothing was read from it. */
    credential: z.enum(['card', 'phone']),
    how: z.string(),
    detailJa: z.string(),
    detailEn: z.string(),
    ms: z.number(),
  }),
]);
export type ReaderTest = z.infer<typeof ReaderTestSchema>;

export const ReaderErrorSchema = z.object({
  time: z.string(),
  reader: ReaderKindSchema,
  code: z.string(),
  messageJa: z.string(),
  messageEn: z.string(),
  nextJa: z.string(),
  nextEn: z.string(),
});
export const DiagnosticsSchema = z.object({
  readers: z.array(
    z.object({
      kind: ReaderKindSchema,
      source: z.enum(['real', 'training']),
      label: z.string(),
      state: z.string(),
      detail: z.string().optional(),
      enabled: z.boolean(),
      /** PC/SC reader name, last ATR (hex) seen on it; BLE roles; whatever the reader can tell. */
      facts: z.array(z.object({ key: z.string(), value: z.string() })),
    }),
  ),
  pcscd: z.object({ state: z.enum(['running', 'not_running', 'not_answering']), detail: z.string() }),
  ble: z.object({ state: z.string(), central: z.boolean(), peripheral: z.boolean(), detail: z.string() }),
  camera: z.object({ present: z.boolean(), detail: z.string() }),
  recentErrors: z.array(ReaderErrorSchema),
});
export type Diagnostics = z.infer<typeof DiagnosticsSchema>;

/**
 * Every method: its params schema and its value schema. Staff methods need an unlocked staff
 * session on the calling connection (main/host/api-handler.ts enforces it, not the renderer).
 */
export const Methods = {
  getSnapshot: { params: z.object({}).strict(), value: SnapshotSchema },
  setLang: { params: z.object({ lang: LangSchema }).strict(), value: z.null() },
  /** Holder or staff answer to an input screen (digits, a card number, or a passport's MRZ_information); null = cancel. */
  submitInput: {
    params: z
      .object({
        txId: z.string(),
        digits: z
          .string()
          .regex(/^(?:[0-9]{4,16}|[A-Z]{2}[0-9]{8}[A-Z]{2}|[A-Z0-9<]{9}[0-9<][0-9]{14})$/)
          .nullable(),
      })
      .strict(),
    value: z.null(),
  },
  /** Staff confirm (or not) an 'unverified' verdict after comparing the face and the card; audited. */
  confirmUnverified: { params: z.object({ txId: z.string(), confirmed: z.boolean() }).strict(), value: z.null() },
  /**
   * QR engagement text from a USB/HID scanner (it types like a keyboard into the kiosk window):
   * "mdoc:" + base64url(DeviceEngagement) (ISO 18013-5 §8.2.2.3). Only accepted while idle.
   */
  submitEngagement: {
    params: z
      .object({
        text: z
          .string()
          .max(4096)
          .regex(/^mdoc:[A-Za-z0-9_-]+={0,2}$/),
      })
      .strict(),
    value: z.null(),
  },
  /** "Next" on a verdict or error screen: wipe now. */
  dismiss: { params: z.object({}).strict(), value: z.null() },
  /** Training only: present a simulated card or phone. Refused when real readers are in use. */
  trainingPresent: { params: z.object({ scenario: TrainingScenarioSchema }).strict(), value: z.null() },
  staffUnlock: { params: z.object({ pin: StaffPinSchema }).strict(), value: z.null() },
  /** First run only: the setup code from the host's console and the new staff PIN; unlocks this session. */
  staffSetup: { params: z.object({ setupCode: SetupCodeSchema, pin: StaffPinSchema }).strict(), value: z.null() },
  staffLock: { params: z.object({}).strict(), value: z.null() },
  staffStatus: { params: z.object({}).strict(), value: StaffStatusSchema },
  /** The current PIN again (an unlocked screen left alone must not let anyone change it). */
  staffChangePin: {
    params: z.object({ currentPin: StaffPinSchema, newPin: StaffPinSchema }).strict(),
    value: z.null(),
  },
  staffGetSettings: { params: z.object({}).strict(), value: SettingsViewSchema },
  staffUpdateSettings: {
    params: z
      .object({
        mode: ModeSchema.optional(),
        lang: LangSchema.optional(),
        wipeSeconds: z.number().int().min(3).max(120).optional(),
        retentionDays: z.number().int().min(1).max(3650).optional(),
        readers: z.object({ card: z.boolean(), mdoc: z.boolean() }).optional(),
        phoneTransport: PhoneTransportSchema.optional(),
        mynaLicence: MynaLicenceReadingSchema.optional(),
      })
      .strict(),
    value: SettingsViewSchema,
  },
  staffTrustStatus: { params: z.object({}).strict(), value: TrustStatusSchema },
  staffTrustImport: {
    params: z
      .object({
        kind: z.enum(['iaca', 'jpki', 'vical', 'vical-signer', 'card-face', 'csca', 'masterlist', 'masterlist-signer']),
        fileName: z.string().max(200),
        contentBase64: z.string().max(6_000_000),
        /** card-face keys only: the 16-byte signer key id, 32 hex characters. */
        keyId: z
          .string()
          .regex(/^[0-9a-fA-F]{32}$/)
          .optional(),
        /** Staff replace a built-in anchor (same subject or key id, other bytes) on purpose; audited. */
        replaceBuiltin: z.boolean().optional(),
      })
      .strict(),
    /** replacedBuiltin: the built-in anchor (subject or key id) this import replaced, else null. */
    value: z.object({ stored: z.string(), detail: z.string(), replacedBuiltin: z.string().nullable() }),
  },
  staffAuditView: {
    params: z
      .object({
        filter: AuditFilterSchema.default({}),
        page: z.number().int().min(0).max(1_000_000).default(0),
        pageSize: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    value: AuditViewSchema,
  },
  /**
   * The filtered range, one chunk a call (rows after seq `after`), so a large log shows progress:
   * the texts of all chunks, in order, make the file (CSV with its header, or one JSON document).
   */
  staffAuditExport: {
    params: z
      .object({
        format: z.enum(['csv', 'json']),
        filter: AuditFilterSchema.default({}),
        after: z.number().int().min(0).nullable().default(null),
        limit: z.number().int().min(1).max(5000).default(1000),
      })
      .strict(),
    value: z.object({
      fileName: z.string(),
      mime: z.string(),
      text: z.string(),
      next: z.number().nullable(),
      done: z.number(),
      total: z.number(),
    }),
  },
  /** A day at a glance: today by hour, or the last 7 / 30 days by day, or one local day (the daily summary). */
  staffDashboard: {
    params: z
      .object({
        range: z.enum(['today', '7d', '30d']).optional(),
        day: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional(),
      })
      .strict(),
    value: DashboardSchema,
  },
  /** "Hold a card or phone to the reader now": which reader saw what kind of credential; nothing is read. */
  staffReaderTest: {
    params: z.object({ timeoutMs: z.number().int().min(1000).max(60_000).default(20_000) }).strict(),
    value: ReaderTestSchema,
  },
  staffDiagnostics: { params: z.object({}).strict(), value: DiagnosticsSchema },
} as const;

export type MethodName = keyof typeof Methods;
export const METHOD_NAMES = Object.keys(Methods) as MethodName[];
/** What a caller sends (defaults may be left out). */
export type Params<M extends MethodName> = z.input<(typeof Methods)[M]['params']>;
/** What the host's handler gets once the params schema has parsed them (defaults filled in). */
export type ParsedParams<M extends MethodName> = z.output<(typeof Methods)[M]['params']>;
export type Value<M extends MethodName> = z.infer<(typeof Methods)[M]['value']>;

/** Wire messages (WebSocket; IPC uses the same request/response shapes). */
export const RequestSchema = z
  .object({ id: z.number().int(), method: z.enum(METHOD_NAMES as [MethodName, ...MethodName[]]), params: z.unknown() })
  .strict();
export type Request = z.infer<typeof RequestSchema>;
export const ResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);
/** A headless-host connect token: 32 random bytes, base64url (main/headless/one-time-tokens.ts). */
export const CONNECT_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** WebSocket close code for a screen that another paired screen replaced (RFC 6455 §7.4.2: 4000-4999 are private). */
export const CLOSE_REPLACED = 4001;
export const ServerMessageSchema = z.union([
  z.object({ id: z.number().int(), result: ResultSchema }),
  z.object({ event: z.literal('snapshot'), snapshot: SnapshotSchema }),
  // Headless host only: the one-time token this screen's next connection (reload, reconnect) needs.
  z.object({ event: z.literal('resume'), token: z.string().regex(CONNECT_TOKEN) }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** The object the Electron preload exposes as `window.kakunin` and the WebSocket bridge mimics. */
export interface KioskApi {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<ApiResult<Value<M>>>;
  onSnapshot(cb: (s: Snapshot) => void): () => void;
}

export function apiError(code: string, messageEn: string, messageJa: string): ApiError {
  return { code, messageEn, messageJa };
}
