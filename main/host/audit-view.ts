// The staff audit view over any AuditSink: a filtered page (newest first), the chain status with the
// latest checkpoint, and the export of the filtered range in chunks (so a large log shows a progress
// bar and the host never builds one huge string). Filters are core/audit/summary.ts's, so the view,
// its export and the dashboard count the same rows.
import { credentialClass, matchesFilter, outcomeClass, type AuditFilter } from '../../core/audit/summary.ts';
import type { AuditRow, AuditView } from '../../api/contract.ts';
import { CSV_HEADER, csvLines, jsonEntry, type ExportRow } from '../audit/export.ts';
import type { AuditSink } from './audit-sink.ts';
import { credentialWords, reasonWords } from './reason-words.ts';

type Chain = AuditView['chain'];

/** A whole-chain check per head: the view is opened often, the chain only grows between them. */
const chainCache = new WeakMap<AuditSink, { head: string; chain: Chain }>();

export function chainStatus(sink: AuditSink): Chain {
  const head = sink.head();
  const key = head ? `${head.seq}:${head.hash}` : '';
  const hit = chainCache.get(sink);
  if (hit && hit.head === key) return hit.chain;
  const v = sink.verifyReport();
  const chain: Chain = {
    ok: v ? v.ok : null,
    firstBroken: v?.firstBroken ?? null,
    head,
    checkpoint: sink.latestCheckpoint(),
  };
  chainCache.set(sink, { head: key, chain });
  return chain;
}

function matching(sink: AuditSink, f: AuditFilter): number[] {
  const seqs: number[] = [];
  for (const { seq, entry } of sink.scan(f.from, f.to)) if (matchesFilter(entry, f)) seqs.push(seq);
  return seqs;
}

function toRow(r: ExportRow): AuditRow {
  const e = r.entry;
  if (!e)
    return {
      seq: r.seq,
      time: '',
      mode: '',
      outcome: 'unreadable',
      outcomeClass: null,
      credential: '',
      reason: null,
      reasonJa: null,
      reasonEn: null,
      failedChecks: [],
      totalMs: null,
      training: false,
      unreadable: true,
    };
  const words = e.errorCode ? reasonWords(e.errorCode) : null;
  return {
    seq: r.seq,
    time: e.time,
    mode: e.mode,
    outcome: e.outcome,
    outcomeClass: outcomeClass(e),
    credential: credentialClass(e),
    reason: e.errorCode,
    reasonJa: words?.ja ?? null,
    reasonEn: words?.en ?? null,
    failedChecks: e.failedChecks,
    totalMs: e.durations.totalMs || null,
    training: e.training,
    unreadable: false,
  };
}

export function auditPage(
  sink: AuditSink,
  f: AuditFilter,
  page: number,
  pageSize: number,
  retentionDays: number,
): AuditView {
  const credentials = new Set<string>();
  const modes = new Set<string>();
  const seqs: number[] = [];
  for (const { seq, entry } of sink.scan()) {
    credentials.add(credentialClass(entry));
    modes.add(entry.mode);
    if (matchesFilter(entry, f)) seqs.push(seq);
  }
  const newestFirst = seqs.reverse();
  const slice = newestFirst.slice(page * pageSize, page * pageSize + pageSize);
  return {
    location: sink.location,
    retentionDays,
    chain: chainStatus(sink),
    total: seqs.length,
    page,
    pageSize,
    rows: sink.rowsAt(slice).map(toRow),
    credentials: [...credentials].sort().map((key) => ({ key, ...credentialWords(key) })),
    modes: [...modes].sort(),
  };
}

export interface ExportChunk {
  text: string;
  next: number | null;
  done: number;
  total: number;
}

/**
 * Rows of the filtered range after seq `after` (oldest first), at most `limit`. The first chunk
 * opens the file (CSV header; the JSON document's head with the chain status and the filter), the
 * last one closes it; concatenated in order they are one CSV file or one JSON document.
 */
export function exportChunk(
  sink: AuditSink,
  format: 'csv' | 'json',
  f: AuditFilter,
  after: number | null,
  limit: number,
): ExportChunk {
  const seqs = matching(sink, f);
  const start = after === null ? 0 : seqs.findIndex((s) => s > after);
  const from = start < 0 ? seqs.length : start;
  const take = seqs.slice(from, from + limit);
  const rows = sink.rowsAt(take);
  const done = from + take.length;
  const last = done >= seqs.length;
  let text = '';
  if (format === 'csv') {
    text = (after === null ? CSV_HEADER : '') + csvLines(rows);
  } else {
    if (after === null) {
      const c = chainStatus(sink);
      text += `{"format":"kakunin-audit-export","version":1,"chain":${JSON.stringify({ ok: c.ok, firstBroken: c.firstBroken, head: c.head, checkpoint: c.checkpoint })},"filter":${JSON.stringify(f)},"entries":[\n`;
    }
    text += rows.map((r) => JSON.stringify(jsonEntry(r))).join(',\n');
    if (rows.length && !last) text += ',\n';
    if (last) text += '\n]}\n';
  }
  return { text, next: last ? null : take[take.length - 1]!, done, total: seqs.length };
}
