// Wrong staff PINs (and wrong first-run setup codes) lock the staff area with growing delays, and
// the count lives in $KAKUNIN_HOME/staff-lockout.json, so neither a restart nor a crash hands out
// fresh tries. Each attempt is counted as wrong BEFORE the PIN is checked (the delay it would earn
// is already on disk), and cleared only by a right answer: killing the kiosk in the middle of a
// check still costs the attempt.
//
// Delays: 4 free tries; the 5th wrong answer in a row locks for 1 min, each further one doubles it,
// up to 1 h. Once at that ceiling a guesser at the keypad gets 24 tries a day: over a century for
// the 6-digit space.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from './private-file.ts';

export const FREE_TRIES = 4;
export const FIRST_LOCK_MS = 60_000;
export const MAX_LOCK_MS = 3_600_000;
export const STAFF_LOCKOUT_FILE = 'staff-lockout.json';

const StateSchema = z
  .object({
    v: z.literal(1),
    /** Wrong answers in a row (an attempt still being checked counts). */
    failures: z.number().int().min(0).max(1_000_000),
    lockedAt: z.number().int().min(0),
    lockedUntil: z.number().int().min(0),
  })
  .strict();
type State = z.infer<typeof StateSchema>;

/** How long the n-th wrong answer in a row locks the staff area. */
export function lockMsAfter(failures: number): number {
  if (failures <= FREE_TRIES) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - FREE_TRIES - 1, 30));
}

export class StaffLockout {
  readonly file: string;
  constructor(
    home: string,
    private now: () => number = Date.now,
  ) {
    this.file = join(home, STAFF_LOCKOUT_FILE);
  }

  /**
   * Read on every use: a second process (`kakunin setup --reset`) may have changed it. A file that
   * does not parse is treated as a full lock from now (fail closed), written back so it ends.
   */
  private read(): State {
    if (!existsSync(this.file)) return { v: 1, failures: 0, lockedAt: 0, lockedUntil: 0 };
    try {
      const r = StateSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (r.success) return r.data;
    } catch {
      /* unreadable: below */
    }
    const t = this.now();
    const s: State = { v: 1, failures: FREE_TRIES + 7, lockedAt: t, lockedUntil: t + MAX_LOCK_MS };
    this.write(s);
    return s;
  }

  private write(s: State): void {
    writePrivateFile(this.file, JSON.stringify(s) + '\n', { durable: true });
  }

  /**
   * Seconds until the next try is allowed. A clock set back does not lengthen a lock beyond its own
   * duration (the wait is capped at lockedUntil - lockedAt).
   */
  lockedSeconds(): number {
    const s = this.read();
    const left = Math.min(s.lockedUntil - this.now(), s.lockedUntil - s.lockedAt);
    return Math.max(0, Math.ceil(left / 1000));
  }

  failures(): number {
    return this.read().failures;
  }

  /**
   * Start an attempt: refused (returns the wait in seconds) while locked; otherwise the attempt is
   * written down as a failure, with the lock it would earn, before the caller checks anything.
   */
  begin(): { ok: true; failures: number; lockSeconds: number } | { ok: false; waitSeconds: number } {
    const wait = this.lockedSeconds();
    if (wait > 0) return { ok: false, waitSeconds: wait };
    const s = this.read();
    const failures = s.failures + 1;
    const ms = lockMsAfter(failures);
    const t = this.now();
    this.write({ v: 1, failures, lockedAt: ms ? t : 0, lockedUntil: ms ? t + ms : 0 });
    return { ok: true, failures, lockSeconds: Math.ceil(ms / 1000) };
  }

  /** The right answer: the count starts again. */
  succeed(): void {
    this.write({ v: 1, failures: 0, lockedAt: 0, lockedUntil: 0 });
  }

  /** `kakunin setup --reset` (someone at the kiosk's console): clear the lock. */
  reset(): void {
    this.succeed();
  }
}
