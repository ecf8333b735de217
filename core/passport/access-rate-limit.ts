// Wrong access keys in a row (BAC 63 00, PACE token refused). A BAC chip does not lock (Doc 9303-11
// §4.3 has no retry counter; some chips only slow down), so nothing on the chip stops someone who
// tries keys at the counter: the kiosk does. After `limit` wrong keys within `windowMs` it refuses to
// try the chip for `pauseMs` (PassportError 'rate_limited'); a key the chip accepts clears the count.
// The clock is passed in (tests, and a kiosk whose clock jumps back does not get stuck: a time before
// the last failure counts as a new window).
export interface AccessRateLimitOptions {
  limit?: number;
  windowMs?: number;
  pauseMs?: number;
}

export class AccessRateLimit {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #pauseMs: number;
  #failures: number[] = [];
  #pausedUntil = 0;

  constructor(o: AccessRateLimitOptions = {}) {
    this.#limit = o.limit ?? 3;
    this.#windowMs = o.windowMs ?? 5 * 60_000;
    this.#pauseMs = o.pauseMs ?? 60_000;
  }

  /** Milliseconds until the chip may be tried again (0: now). */
  waitMs(now: number): number {
    if (now < this.#pausedUntil - this.#pauseMs) this.#pausedUntil = 0; // the clock went back
    return Math.max(0, this.#pausedUntil - now);
  }

  /** Record the outcome of one try with an access key. */
  record(now: number, accepted: boolean): void {
    if (accepted) {
      this.#failures = [];
      return;
    }
    this.#failures = this.#failures.filter((t) => t <= now && now - t < this.#windowMs);
    this.#failures.push(now);
    if (this.#failures.length >= this.#limit) {
      this.#pausedUntil = now + this.#pauseMs;
      this.#failures = [];
    }
  }
}
