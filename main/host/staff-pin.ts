// The staff PIN guards the staff area (mode, readers, trust, audit, settings). Stored as scrypt
// (memory-hard, so a stolen settings file does not give the PIN away cheaply); compared in constant
// time; repeated failures lock the staff area for a while, so the on-screen keypad cannot be used to
// walk the small PIN space.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const StaffPinHashSchema = z
  .object({
    alg: z.literal('scrypt'),
    N: z.number().int().min(1024),
    r: z.number().int().min(1),
    p: z.number().int().min(1),
    salt: z.string().regex(/^[0-9a-f]{32}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type StaffPinHash = z.infer<typeof StaffPinHashSchema>;

export function hashStaffPin(pin: string, N = 16384): StaffPinHash {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, 32, { N, r: 8, p: 1 });
  return { alg: 'scrypt', N, r: 8, p: 1, salt: salt.toString('hex'), hash: hash.toString('hex') };
}

export function checkStaffPin(pin: string, h: StaffPinHash): boolean {
  const got = scryptSync(pin, Buffer.from(h.salt, 'hex'), 32, { N: h.N, r: h.r, p: h.p });
  return timingSafeEqual(got, Buffer.from(h.hash, 'hex'));
}

/** Five wrong PINs lock the staff area for 60 s, doubling each further time (max 1 h). */
export class StaffLockout {
  private failures = 0;
  private lockedUntil = 0;
  private penalty = 60_000;
  constructor(private now: () => number = Date.now) {}
  lockedSeconds(): number {
    return Math.max(0, Math.ceil((this.lockedUntil - this.now()) / 1000));
  }
  fail(): void {
    this.failures++;
    if (this.failures >= 5) {
      this.lockedUntil = this.now() + this.penalty;
      this.penalty = Math.min(this.penalty * 2, 3_600_000);
      this.failures = 0;
    }
  }
  succeed(): void {
    this.failures = 0;
    this.penalty = 60_000;
  }
}
