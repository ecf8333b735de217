// What a retention cut may delete (docs/audit-log.md "Retention"). The kiosk applies these rules
// before it cuts (main/audit/audit-store.ts prune), and the verifier applies them again to every
// cut it finds, with ITS clock: a kiosk whose clock was set forward deletes rows that the verifier,
// whose clock is right, still sees as younger than the minimum, so the cut shows as broken.
import type { RetentionCutBody } from './hash-chain.ts';

/** Nobody, staff included, can keep audit rows for less than this. */
export const MIN_RETENTION_DAYS = 90;
export const MAX_RETENTION_DAYS = 36_500;
export const DAY_MS = 86_400_000;
/**
 * How far apart two kiosk-clock times may be out of order and still count as one clock (rows are
 * timed by the host just before they are appended, checkpoints by the store while appending).
 */
export const CLOCK_SLACK_MS = 5 * 60_000;

export type RetentionRefusal = 'below_minimum' | 'clock_behind_log' | 'clock_jumped' | 'chain_broken';

/** Why a cut of `days` at `now` must not run, or null. `newestTime` is the newest time the log holds. */
export function retentionRefusal(
  days: number,
  now: Date,
  newestTime: string | null,
  clockJumped: boolean,
): RetentionRefusal | null {
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS) return 'below_minimum';
  if (clockJumped) return 'clock_jumped';
  if (newestTime !== null && now.getTime() < Date.parse(newestTime) - CLOCK_SLACK_MS) return 'clock_behind_log';
  return null;
}

/** Parse a cut row's body without trusting it; null when it is not a cut body. */
export function parseCutBody(body: string): RetentionCutBody | null {
  try {
    const b = JSON.parse(body) as Partial<RetentionCutBody>;
    if (typeof b.cutoff !== 'string' || Number.isNaN(Date.parse(b.cutoff))) return null;
    if (!Number.isSafeInteger(b.firstSeq) || !Number.isSafeInteger(b.deletedCount) || typeof b.prevHash !== 'string')
      return null;
    return b as RetentionCutBody;
  } catch {
    return null;
  }
}

/**
 * Problems with a cut written at `cutTime` (its row's time), judged at `now` (the verifier's clock).
 * English, for the report; never row content.
 */
export function cutProblem(cut: RetentionCutBody, cutTime: string, now: Date): string | null {
  const cutoff = Date.parse(cut.cutoff);
  const min = MIN_RETENTION_DAYS * DAY_MS;
  if (cutoff > Date.parse(cutTime) - min + CLOCK_SLACK_MS)
    return `the cut deleted rows younger than ${MIN_RETENTION_DAYS} days by its own time`;
  if (cutoff > now.getTime() - min + CLOCK_SLACK_MS)
    return `the cut deleted rows younger than ${MIN_RETENTION_DAYS} days before now (was the kiosk clock set forward?)`;
  return null;
}
