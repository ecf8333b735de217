// Entries the crash child writes, derived from the seq they will get, so the parent can check the
// exact content of every row it was told about. Entry `seq` is timed at BASE + seq × 15 min, so a
// one-day retention run at the time of entry `seq` keeps roughly the last 96 rows.
import type { AuditEntry } from '../../core/audit/audit-entry.ts';
import { sampleEntry } from './helpers.ts';

export const CRASH_CHECKPOINT_EVERY = 7;
const BASE = Date.UTC(2026, 0, 1);
const STEP = 15 * 60_000;

export function crashEntry(seq: number): AuditEntry {
  // sampleEntry adds seq minutes itself.
  return sampleEntry(seq, BASE + seq * (STEP - 60_000));
}

export function crashPruneNow(seq: number): Date {
  return new Date(BASE + seq * STEP);
}
