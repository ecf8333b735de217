// Staff and system events in the audit chain (docs/audit-log.md "Events"): who did nothing personal,
// only WHAT happened to the kiosk: PIN failures and lockouts, settings, mode, retention and trust
// changes, exports, PIN changes, start and stop, clock jumps. Like audit entries, an event has no
// field that could hold a value: every field has one of the narrow types below, and the table
// AUDIT_EVENTS says which fields each kind has.
//
// Adding a kind is one line in AUDIT_EVENTS; the store, the sink and the types follow from it.
import { AUDIT_MODES, CODE_RE, personalDataShape, TIME_RE, type AuditMode } from './audit-entry.ts';

export const AUDIT_EVENT_VERSION = 1 as const;

/** The field types an event may use, and what each may hold. */
interface FieldTypes {
  /** A small count (failures in a row): 0..9999. */
  count: number;
  /** A duration in seconds, clamped to 0..99999 (about 27 h) by the builder. */
  seconds: number;
  /** Retention days: 1..36500. */
  days: number;
  mode: AuditMode;
  /** A lower snake case code (CODE_RE), screened for personal-data shapes. */
  code: string;
  /** Setting names from SETTING_NAMES, e.g. ["lang", "wipeSeconds"]. */
  names: string[];
  /** SHA-256 fingerprint of a public trust certificate (64 lowercase hex), or null. */
  fingerprint: string | null;
  /** The operating system's boot id (32 lowercase hex, dashes removed), or null where there is none. */
  bootid: string | null;
  /** This process run's random id (16 lowercase hex). */
  runid: string;
}
type FieldType = keyof FieldTypes;

/** The kiosk settings a `names` field may name (a closed list: a name cannot smuggle a value). */
export const SETTING_NAMES = ['mode', 'lang', 'wipeSeconds', 'retentionDays', 'readers', 'staffPin', 'other'] as const;

/** One line a kind: its fields and their types. */
export const AUDIT_EVENTS = {
  kiosk_start: { bootId: 'bootid', runId: 'runid' },
  kiosk_stop: { bootId: 'bootid', runId: 'runid' },
  staff_pin_failed: {},
  staff_setup_code_failed: {},
  staff_lockout: { seconds: 'seconds' },
  staff_unlocked: {},
  staff_pin_set: {},
  staff_pin_changed: {},
  settings_changed: { fields: 'names' },
  mode_changed: { from: 'mode', to: 'mode' },
  retention_changed: { fromDays: 'days', toDays: 'days' },
  retention_refused: { reason: 'code', days: 'days' },
  trust_imported: { kind: 'code', fingerprint: 'fingerprint' },
  trust_builtin_replaced: { kind: 'code', builtinFingerprint: 'fingerprint', fingerprint: 'fingerprint' },
  audit_exported: { format: 'code' },
  clock_jump: { direction: 'code', seconds: 'seconds' },
} as const satisfies Record<string, Record<string, FieldType>>;

export type AuditEventKind = keyof typeof AUDIT_EVENTS;
export type AuditEventFields<K extends AuditEventKind> = {
  -readonly [F in keyof (typeof AUDIT_EVENTS)[K]]: FieldTypes[(typeof AUDIT_EVENTS)[K][F] & FieldType];
};
export const AUDIT_EVENT_KINDS = Object.keys(AUDIT_EVENTS) as AuditEventKind[];

/** The stored body: version, time, kind, and the kind's fields (canonical JSON, canonical.ts). */
export type AuditEventBody = { v: typeof AUDIT_EVENT_VERSION; time: string; event: AuditEventKind } & Record<
  string,
  unknown
>;

export class AuditEventRejected extends Error {
  override readonly name = 'AuditEventRejected';
  /** Field paths and rule names only, never the value (it may be exactly what we refuse). */
  constructor(readonly problems: { path: string; rule: string }[]) {
    super(`audit event rejected: ${problems.map((p) => `${p.path || '(event)'}: ${p.rule}`).join('; ')}`);
  }
}

export const MAX_EVENT_SECONDS = 99_999;

function intIn(v: unknown, lo: number, hi: number): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= lo && v <= hi;
}

/** null when `v` is a valid value of type `t`, else the rule it breaks. */
function fieldProblem(t: FieldType, v: unknown): string | null {
  switch (t) {
    case 'count':
      return intIn(v, 0, 9999) ? null : 'an integer 0..9999';
    case 'seconds':
      return intIn(v, 0, MAX_EVENT_SECONDS) ? null : `an integer 0..${MAX_EVENT_SECONDS}`;
    case 'days':
      return intIn(v, 1, 36500) ? null : 'an integer 1..36500';
    case 'mode':
      return (AUDIT_MODES as readonly unknown[]).includes(v) ? null : 'a known mode';
    case 'code':
      return typeof v === 'string' && CODE_RE.test(v) && personalDataShape(v) === null
        ? null
        : 'a lower snake case code';
    case 'names':
      return Array.isArray(v) &&
        v.length <= SETTING_NAMES.length &&
        v.every((n) => (SETTING_NAMES as readonly unknown[]).includes(n))
        ? null
        : 'a list of known setting names';
    case 'fingerprint':
      return v === null || (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) ? null : 'a 64-hex fingerprint or null';
    case 'bootid':
      return v === null || (typeof v === 'string' && /^[0-9a-f]{32}$/.test(v)) ? null : 'a 32-hex boot id or null';
    case 'runid':
      return typeof v === 'string' && /^[0-9a-f]{16}$/.test(v) ? null : 'a 16-hex run id';
    default: {
      const never: never = t;
      return `unknown field type ${String(never)}`;
    }
  }
}

/**
 * Validate and build the body of an event. Unknown kinds, missing or extra fields and values of the
 * wrong shape are refused (AuditEventRejected); `seconds` fields are clamped first, since a long
 * clock jump is a fact worth recording, not an error.
 */
export function buildAuditEvent(kind: string, fields: unknown, time: Date): AuditEventBody {
  const problems: { path: string; rule: string }[] = [];
  if (!Object.hasOwn(AUDIT_EVENTS, kind)) throw new AuditEventRejected([{ path: 'event', rule: 'a known event kind' }]);
  if (!(time instanceof Date) || Number.isNaN(time.getTime()))
    throw new AuditEventRejected([{ path: 'time', rule: 'a valid Date' }]);
  const spec = AUDIT_EVENTS[kind as AuditEventKind] as Record<string, FieldType>;
  const given = (fields ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object' || Array.isArray(given))
    throw new AuditEventRejected([{ path: '', rule: 'fields must be an object' }]);
  const body: Record<string, unknown> = { v: AUDIT_EVENT_VERSION, time: time.toISOString(), event: kind };
  for (const k of Object.keys(given))
    if (!Object.hasOwn(spec, k)) problems.push({ path: k, rule: 'not a field of this event' });
  for (const [k, t] of Object.entries(spec)) {
    let v = given[k];
    if (t === 'seconds' && typeof v === 'number' && Number.isFinite(v))
      v = Math.min(MAX_EVENT_SECONDS, Math.max(0, Math.round(v)));
    if (t === 'names' && Array.isArray(v)) v = [...new Set(v)].sort();
    const p = v === undefined ? 'required' : fieldProblem(t, v);
    if (p) problems.push({ path: k, rule: p });
    else body[k] = v;
  }
  if (problems.length) throw new AuditEventRejected(problems);
  return body as AuditEventBody;
}

/** Re-validate a stored body (export, staff view): null when it no longer passes. */
export function parseAuditEventBody(body: unknown): AuditEventBody | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (b.v !== AUDIT_EVENT_VERSION || typeof b.time !== 'string' || !TIME_RE.test(b.time) || typeof b.event !== 'string')
    return null;
  const { v: _v, time, event, ...fields } = b;
  try {
    const rebuilt = buildAuditEvent(event, fields, new Date(time));
    return rebuilt.time === time ? rebuilt : null;
  } catch {
    return null;
  }
}
