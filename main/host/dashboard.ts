// "A day at a glance" for the staff area: today by hour, the last 7 or 30 days by day, or one local
// day (the printable daily summary), from the audit log only (core/audit/summary.ts), with the
// failure reasons and credential types in plain words. Training (simulated) checks are left out
// unless the kiosk itself runs the simulators.
import { summarize, type SummaryEntry } from '../../core/audit/summary.ts';
import type { Dashboard } from '../../api/contract.ts';
import type { AuditSink } from './audit-sink.ts';
import { credentialWords, reasonWords } from './reason-words.ts';

const DAY = 86_400_000;

export interface DashboardRange {
  range?: 'today' | '7d' | '30d';
  /** One local day, YYYY-MM-DD. */
  day?: string;
}

/** [from, to) and the bucket for a range, in local time (utcOffsetMinutes east of UTC). */
export function rangeBounds(
  r: DashboardRange,
  now: Date,
  utcOffsetMinutes: number,
): { from: Date; to: Date; bucket: 'hour' | 'day'; label: string } {
  const off = utcOffsetMinutes * 60_000;
  const localMidnight = Math.floor((now.getTime() + off) / DAY) * DAY - off;
  if (r.day) {
    const start = Date.parse(`${r.day}T00:00:00Z`) - off;
    return { from: new Date(start), to: new Date(start + DAY), bucket: 'hour', label: r.day };
  }
  const range = r.range ?? 'today';
  if (range === 'today')
    return { from: new Date(localMidnight), to: new Date(localMidnight + DAY), bucket: 'hour', label: range };
  const days = range === '7d' ? 7 : 30;
  return {
    from: new Date(localMidnight - (days - 1) * DAY),
    to: new Date(localMidnight + DAY),
    bucket: 'day',
    label: range,
  };
}

export function dashboard(
  sink: AuditSink,
  r: DashboardRange,
  o: { now: Date; utcOffsetMinutes: number; includeTraining: boolean },
): Dashboard {
  const started = performance.now();
  const b = rangeBounds(r, o.now, o.utcOffsetMinutes);
  let excluded = 0;
  const entries: SummaryEntry[] = [];
  for (const { entry } of sink.scan(b.from.toISOString(), b.to.toISOString())) {
    if (entry.training && !o.includeTraining) excluded++;
    else entries.push(entry);
  }
  const s = summarize(entries, { from: b.from, to: b.to, bucket: b.bucket, utcOffsetMinutes: o.utcOffsetMinutes });
  return {
    range: b.label,
    from: s.from,
    to: s.to,
    bucket: s.bucket,
    utcOffsetMinutes: o.utcOffsetMinutes,
    buckets: s.buckets,
    total: s.total,
    outcomes: s.outcomes,
    topFailures: s.topFailures.map((f) => ({ ...f, ...reasonWords(f.code) })),
    credentials: s.credentials.map((c) => ({ key: c.key, count: c.count, ...credentialWords(c.key) })),
    medianMs: s.medianMs,
    training: s.training,
    trainingExcluded: excluded,
    computeMs: Math.round((performance.now() - started) * 10) / 10,
  };
}
