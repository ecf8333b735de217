// The one-time setup code for a kiosk without a staff PIN: drawn at start, printed on the kiosk's
// console (the person installing it is there; a customer at the screen is not), never sent to the
// screen. Whoever types it on the first-run screen sets the staff PIN; it is then spent. Without it
// the first-run screen sets nothing, so a passer-by cannot take a new kiosk over.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

export const SETUP_CODE_DIGITS = 8;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export class SetupCode {
  /** Only a digest is kept, so a heap dump of the host shows no usable code either. */
  private expected: Buffer | null = null;

  /** A fresh code; any earlier one stops working. */
  issue(): string {
    const code = String(randomInt(0, 10 ** SETUP_CODE_DIGITS)).padStart(SETUP_CODE_DIGITS, '0');
    this.expected = digest(code);
    return code;
  }

  get issued(): boolean {
    return this.expected !== null;
  }

  matches(code: string): boolean {
    return this.expected !== null && timingSafeEqual(digest(code), this.expected);
  }

  spend(): void {
    this.expected = null;
  }
}

/** "12345678" -> "1234 5678", as printed on the console. */
export function formatSetupCode(code: string): string {
  return code.replace(/^(\d{4})(\d{4})$/, '$1 $2');
}
