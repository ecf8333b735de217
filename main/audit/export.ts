// Export of the audit log for auditors (CSV and JSON; docs/architecture.md "Contracts"). Only entries that pass
// the schema again on the way out are exported field by field; a row that no longer parses (it was
// tampered with) is exported as "unreadable" with its seq and hash only, so even a doctored
// database cannot make the export carry personal data. `audit verify` says whether the chain holds.
import type { AuditEntry } from '../../core/audit/audit-entry.ts';
import type { ChainReport, RetentionCutBody } from '../../core/audit/hash-chain.ts';

export interface ExportRow {
  seq: number;
  /** Row hash, lowercase hex. */
  hash: string;
  /** null when the stored body no longer passes the schema. */
  entry: AuditEntry | null;
}

export const CSV_COLUMNS = [
  'seq',
  'time',
  'mode',
  'outcome',
  'error_code',
  'failed_checks',
  'passed_checks',
  'credential_type',
  'document',
  'issuer_key_id',
  'requested_elements',
  'intent_to_retain',
  'engagement',
  'transport',
  'total_ms',
  'read_ms',
  'verify_ms',
  'training',
  'hash',
] as const;

/** RFC 4180 quoting; a leading = + - @ is defused for spreadsheets (OWASP "CSV injection"). */
function cell(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** CSV data lines (no header), each ending CRLF. */
export function csvLines(rows: readonly ExportRow[]): string {
  let out = '';
  for (const r of rows) {
    const e = r.entry;
    const cols: (string | number | boolean | null)[] = e
      ? [
          r.seq,
          e.time,
          e.mode,
          e.outcome,
          e.errorCode,
          e.failedChecks.join(' '),
          e.passedChecks.join(' '),
          e.credentialType,
          e.document,
          e.issuerKeyId,
          e.requestedElements.join(' '),
          e.intentToRetain,
          e.engagement,
          e.transport,
          e.durations.totalMs,
          e.durations.readMs,
          e.durations.verifyMs,
          e.training,
          r.hash,
        ]
      : [
          r.seq,
          null,
          null,
          'unreadable',
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          r.hash,
        ];
    out += cols.map(cell).join(',') + '\r\n';
  }
  return out;
}

export const CSV_HEADER = CSV_COLUMNS.join(',') + '\r\n';

export function exportCsv(rows: readonly ExportRow[]): string {
  return CSV_HEADER + csvLines(rows);
}

/** One exported JSON entry (the `entries[]` element of exportJson). */
export function jsonEntry(r: ExportRow): object {
  return r.entry ? { seq: r.seq, hash: r.hash, ...r.entry } : { seq: r.seq, hash: r.hash, unreadable: true };
}

export function exportJson(rows: readonly ExportRow[], cuts: readonly RetentionCutBody[], chain: ChainReport): string {
  const doc = {
    format: 'kakunin-audit-export',
    version: 1,
    chain: {
      ok: chain.ok,
      rows: chain.rows,
      firstBroken: chain.firstBroken ? { seq: chain.firstBroken.seq, reason: chain.firstBroken.reason } : null,
    },
    retentionCuts: cuts,
    entries: rows.map(jsonEntry),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
