// Wrong residence card numbers are rate-limited on the kiosk: no retry counter is documented for
// the card number (a third-party summary says there is none), so a person trying numbers at the
// counter must be slowed down here. After each wrong number in a row the next try waits longer
// (BASE_MS doubling, capped at MAX_MS); a right number resets it. The clock is passed in.
export const BASE_MS = 2_000;
export const MAX_MS = 60_000;
/** Wrong numbers in a row before the wait starts. */
export const FREE_TRIES = 2;

export class CardNumberLimiter {
  #wrongInRow = 0;
  #notBefore = 0;

  /** Milliseconds until the next try is allowed (0: now). */
  waitMs(now: number): number {
    return Math.max(0, this.#notBefore - now);
  }

  wrong(now: number): void {
    this.#wrongInRow++;
    if (this.#wrongInRow > FREE_TRIES)
      this.#notBefore = now + Math.min(MAX_MS, BASE_MS * 2 ** (this.#wrongInRow - FREE_TRIES - 1));
  }

  right(): void {
    this.#wrongInRow = 0;
    this.#notBefore = 0;
  }

  get wrongInRow(): number {
    return this.#wrongInRow;
  }
}
