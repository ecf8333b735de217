// Entries the crash child writes, derived from the seq they will get, so the parent can check the
// exact content of every row it was told about. Entry `seq` is timed at BASE + seq days, so a
// minimum-retention (90-day) cut at the time of entry `seq` keeps roughly the last 90 rows.
import type { AuditEntry } from '../../core/audit/audit-entry.ts';
import { MIN_RETENTION_DAYS } from '../../core/audit/retention-rules.ts';
import { sampleEntry } from './helpers.ts';

export const CRASH_CHECKPOINT_EVERY = 7;
export const CRASH_RETENTION_DAYS = MIN_RETENTION_DAYS;
const BASE = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
/** The sealing key's epoch: about two checkpoints, so kills land inside ratchets too. */
export const CRASH_EPOCH_MS = 10 * DAY;
/** A verifier's clock after every simulated time the child can reach. */
export const CRASH_VERIFY_NOW = new Date(Date.UTC(2200, 0, 1));

export function crashTime(seq: number): number {
  return BASE + seq * DAY;
}

export function crashEntry(seq: number): AuditEntry {
  // sampleEntry adds seq minutes itself.
  return sampleEntry(seq, crashTime(seq) - seq * 60_000);
}

export function crashPruneNow(seq: number): Date {
  return new Date(crashTime(seq) + 3_600_000);
}
