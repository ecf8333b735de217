// What a store manager reads off the audit log: checks per hour or per day, outcome shares, the most
// common failure reasons, credential types and the median time from tap to verdict. Computed from
// audit entries only (core/audit/audit-entry.ts), which hold outcomes and codes, never a person: so
// nothing here can show personal data either. Also the filter the staff audit view and its export
// apply, so both count the same rows.
import type { AuditEntry } from './audit-entry.ts';

/** The fields summaries and filters read; a stored row is reduced to these before use. */
export type SummaryEntry = Pick<
  AuditEntry,
  'time' | 'mode' | 'outcome' | 'errorCode' | 'credentialType' | 'document' | 'training'
> & { totalMs: number };

/**
 * How a manager counts a check. 'unverified': the kiosk could not finish (reader trouble, a phone
 * that walked away, a card pulled); 'cancelled': the holder or staff stopped it, or left the keypad.
 */
export const OUTCOME_CLASSES = ['valid', 'invalid', 'unverified', 'cancelled'] as const;
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];
const CANCEL_CODES: ReadonlySet<string> = new Set(['input_cancelled', 'input_timeout', 'aborted']);
/**
 * Staff's answer to an 'unverified' verdict is the transaction's NEXT row (main/host/kiosk-host.ts
 * staffConfirm): it annotates a check already counted, so summaries do not count it again.
 */
export const FOLLOW_UP_OUTCOMES: ReadonlySet<string> = new Set(['staff-confirmed', 'staff-declined']);

/** 'unverified' also covers the kiosk's 'unverified' verdict (staff must compare) and staff's answer to it. */
export function outcomeClass(e: Pick<SummaryEntry, 'outcome' | 'errorCode'>): OutcomeClass {
  if (e.outcome === 'valid' || e.outcome === 'invalid' || e.outcome === 'cancelled') return e.outcome;
  return e.errorCode !== null && CANCEL_CODES.has(e.errorCode) ? 'cancelled' : 'unverified';
}

/**
 * The credential, as staff name it: the physical My Number Card, the My Number Card in a phone
 * wallet (docType org.iso.23220.1.jp.mnc), a mobile driving licence (org.iso.18013.5.1.mDL), or
 * the document type as recorded for anything else; 'none' when nothing was identified.
 */
export function credentialClass(e: Pick<SummaryEntry, 'credentialType' | 'document'>): string {
  if (e.credentialType === 'mynumber-card') return 'mynumber-card';
  if (e.credentialType === 'mdoc') {
    if (e.document === 'org.iso.23220.1.jp.mnc') return 'mnc-phone';
    if (e.document === 'org.iso.18013.5.1.mDL') return 'mdl';
    return e.document ? `mdoc:${e.document}` : 'mdoc';
  }
  // Card-type credentials (driving licence, residence card, ...): the type, whatever its generation.
  if (e.credentialType) return e.credentialType;
  return 'none';
}

export interface AuditFilter {
  /** ISO instants, [from, to). */
  from?: string;
  to?: string;
  outcome?: OutcomeClass;
  /** A credentialClass() value. */
  credential?: string;
  mode?: string;
}

export function matchesFilter(e: SummaryEntry, f: AuditFilter): boolean {
  if (f.from !== undefined && e.time < f.from) return false;
  if (f.to !== undefined && e.time >= f.to) return false;
  if (f.outcome !== undefined && outcomeClass(e) !== f.outcome) return false;
  if (f.credential !== undefined && credentialClass(e) !== f.credential) return false;
  if (f.mode !== undefined && e.mode !== f.mode) return false;
  return true;
}

export interface Summary {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  /** Bucket start times (ISO) and counts per bucket, split by outcome class. */
  buckets: { start: string; counts: Record<OutcomeClass, number> }[];
  total: number;
  outcomes: Record<OutcomeClass, number>;
  /** The most frequent reasons among invalid, unverified and cancelled checks (code, count). */
  topFailures: { code: string; count: number }[];
  credentials: { key: string; count: number }[];
  modes: { key: string; count: number }[];
  medianMs: number | null;
  training: number;
}

const zeros = (): Record<OutcomeClass, number> => ({ valid: 0, invalid: 0, unverified: 0, cancelled: 0 });

/**
 * Bucketed counts over [from, to) in the kiosk's local time (utcOffsetMinutes east of UTC, e.g. 540
 * for JST): buckets start on local hours or local midnights.
 */
export function summarize(
  entries: Iterable<SummaryEntry>,
  o: { from: Date; to: Date; bucket: 'hour' | 'day'; utcOffsetMinutes: number; top?: number },
): Summary {
  const step = o.bucket === 'hour' ? 3_600_000 : 86_400_000;
  const off = o.utcOffsetMinutes * 60_000;
  // First bucket: the local hour / local midnight at or before `from`.
  const first = Math.floor((o.from.getTime() + off) / step) * step - off;
  const n = Math.max(1, Math.ceil((o.to.getTime() - first) / step));
  const buckets = Array.from({ length: n }, (_, i) => ({
    start: new Date(first + i * step).toISOString(),
    counts: zeros(),
  }));
  const outcomes = zeros();
  const failures = new Map<string, number>();
  const credentials = new Map<string, number>();
  const modes = new Map<string, number>();
  const ms: number[] = [];
  const fromIso = o.from.toISOString();
  const toIso = o.to.toISOString();
  let total = 0;
  let training = 0;
  for (const e of entries) {
    if (e.time < fromIso || e.time >= toIso || FOLLOW_UP_OUTCOMES.has(e.outcome)) continue;
    const t = Date.parse(e.time);
    const b = buckets[Math.floor((t - first) / step)];
    if (!b) continue;
    const c = outcomeClass(e);
    b.counts[c]++;
    outcomes[c]++;
    total++;
    if (e.training) training++;
    if (c !== 'valid') {
      const code = e.errorCode ?? 'no_reason_recorded';
      failures.set(code, (failures.get(code) ?? 0) + 1);
    }
    const k = credentialClass(e);
    credentials.set(k, (credentials.get(k) ?? 0) + 1);
    modes.set(e.mode, (modes.get(e.mode) ?? 0) + 1);
    if (e.totalMs > 0 && c !== 'cancelled') ms.push(e.totalMs);
  }
  const ranked = (m: Map<string, number>) =>
    [...m].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return {
    from: fromIso,
    to: toIso,
    bucket: o.bucket,
    buckets,
    total,
    outcomes,
    topFailures: ranked(failures)
      .slice(0, o.top ?? 5)
      .map(({ key, count }) => ({ code: key, count })),
    credentials: ranked(credentials),
    modes: ranked(modes),
    medianMs: median(ms),
    training,
  };
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m]! : Math.round((xs[m - 1]! + xs[m]!) / 2);
}

/** A stored entry body reduced to a SummaryEntry, or null when it is not shaped like one. */
export function summaryEntryOf(body: unknown): SummaryEntry | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const time = str(b.time);
  const mode = str(b.mode);
  const outcome = str(b.outcome);
  if (!time || !mode || !outcome) return null;
  const d = b.durations as { totalMs?: unknown } | undefined;
  return {
    time,
    mode: mode as SummaryEntry['mode'],
    outcome: outcome as SummaryEntry['outcome'],
    errorCode: str(b.errorCode),
    credentialType: str(b.credentialType) as SummaryEntry['credentialType'],
    document: str(b.document),
    training: b.training === true,
    totalMs: typeof d?.totalMs === 'number' ? d.totalMs : 0,
  };
}
