// The kiosk's life in its audit log (docs/audit-log.md "Events"): a start event and a stop event
// carrying the OS boot id and this run's id (a start with no stop before it is a crash or a power
// cut), the clock checked against the log at start and watched while running (a jump either way is
// logged and stops retention cuts until restart), and the periodic seal that ends the key's epoch.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CLOCK_SLACK_MS } from '../../core/audit/retention-rules.ts';
import type { AuditSink } from './audit-sink.ts';
import { errorText } from '../../core/errors.ts';

/** A jump of the wall clock against the monotonic clock larger than this is logged. */
export const CLOCK_JUMP_MS = 2 * 60_000;
export const WATCH_INTERVAL_MS = 60_000;

/** Linux's id of this boot (random at each boot), dashes removed; null elsewhere. */
export function osBootId(): string | null {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '').toLowerCase();
    return /^[0-9a-f]{32}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

export interface AuditLifecycleOptions {
  now?: () => Date;
  /** Monotonic milliseconds (performance.now), for the clock watch. */
  monotonic?: () => number;
  intervalMs?: number;
  bootId?: string | null;
}

export interface AuditLifecycle {
  readonly runId: string;
  /** One watch step (the timer calls it; tests call it directly). */
  tick(): Promise<void>;
  /** The stop event; call before closing the sink. */
  stop(): Promise<void>;
}

function log(e: unknown): void {
  console.error(`kakunin: audit: ${errorText(e)}`);
}

/** Write the start event (and a clock jump found against the log), then watch and seal every minute. */
export async function startAuditLifecycle(audit: AuditSink, opts: AuditLifecycleOptions = {}): Promise<AuditLifecycle> {
  const now = opts.now ?? (() => new Date());
  const mono = opts.monotonic ?? (() => performance.now());
  const bootId = opts.bootId === undefined ? osBootId() : opts.bootId;
  const runId = randomBytes(8).toString('hex');
  const start = now();
  try {
    const newest = audit.newestTime?.() ?? null;
    await audit.event('kiosk_start', { bootId, runId });
    if (newest !== null && Date.parse(newest) > start.getTime() + CLOCK_SLACK_MS) {
      // The clock is behind what the log already holds: it was set back while the kiosk was off.
      audit.noteClockJump?.();
      await audit.event('clock_jump', {
        direction: 'behind_log',
        seconds: (Date.parse(newest) - start.getTime()) / 1000,
      });
    }
  } catch (e) {
    // The kiosk still starts: each transaction then fails closed with "audit unavailable".
    log(e);
  }
  let lastWall = start.getTime();
  let lastMono = mono();
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    const wall = now().getTime();
    const m = mono();
    const drift = wall - (lastWall + (m - lastMono));
    lastWall = wall;
    lastMono = m;
    try {
      if (Math.abs(drift) > CLOCK_JUMP_MS) {
        audit.noteClockJump?.();
        await audit.event('clock_jump', { direction: drift > 0 ? 'forward' : 'back', seconds: Math.abs(drift) / 1000 });
      }
      await audit.seal?.(new Date(wall));
    } catch (e) {
      log(e);
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? WATCH_INTERVAL_MS);
  timer.unref?.();
  return {
    runId,
    tick,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await audit.event('kiosk_stop', { bootId, runId });
    },
  };
}
