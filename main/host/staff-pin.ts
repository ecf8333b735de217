// The staff PIN record: set at installation (`kakunin setup`, or the first-run screen with the
// one-time setup code printed on the console), 6 to 12 digits, stored in $KAKUNIN_HOME/staff-pin.json
// (0600) as scrypt (RFC 7914) over a random 16-byte salt drawn on this kiosk. Never in clear.
//
// Cost: N = 2^17, r = 8, p = 1 (128 MiB a check; the earlier N = 2^14 gave a 4-digit PIN up from a
// copied file in 45 s). Measured on the 2-core development machine at 0.39 s of CPU a check
// (`npm run bench`, staff_area.staff_pin_check), about what a keypad user will wait. A thief with the
// file needs ~1e6 x 0.39 s = 4.5 core-days for the whole 6-digit space: the record slows an offline
// guesser down, it cannot stop one who owns the disk (the lockout is what guards the keypad).
//
// The check runs in libuv's thread pool (async scrypt), so a staff login never stalls a customer's
// card or phone transaction on the event loop.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { STAFF_PIN_RE } from '../../api/contract.ts';
import { writePrivateFile } from './private-file.ts';
import { errorText } from '../../core/errors.ts';

export interface KdfParams {
  N: number;
  r: number;
  p: number;
}

/** Production cost. Tests pass a smaller N through KioskConfig.pinCost; the record keeps its own. */
export const STAFF_PIN_KDF: KdfParams = { N: 2 ** 17, r: 8, p: 1 };

export const StaffPinRecordSchema = z
  .object({
    v: z.literal(2),
    alg: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(1024)
      .max(2 ** 22)
      .refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    salt: z.string().regex(/^[0-9a-f]{32}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    setAt: z.string().max(40),
    via: z.enum(['cli', 'screen']),
  })
  .strict();
export type StaffPinRecord = z.infer<typeof StaffPinRecordSchema>;

/**
 * Why a new PIN is refused, or null. Besides the length: PINs an onlooker or a guesser tries first
 * (one digit repeated, a run such as 123456 / 987654, a short block repeated such as 121212).
 */
export function pinWeakness(pin: string): 'format' | 'repeated' | 'sequence' | null {
  if (!STAFF_PIN_RE.test(pin)) return 'format';
  for (let period = 1; period <= 3; period++) {
    if ([...pin].every((c, i) => c === pin[i % period])) return 'repeated';
  }
  const d = [...pin].map(Number);
  for (const step of [1, 9]) {
    if (d.every((x, i) => i === 0 || x === (d[i - 1]! + step) % 10)) return 'sequence';
  }
  return null;
}

function derive(pin: string, salt: Buffer, k: KdfParams): Promise<Buffer> {
  // maxmem must cover scrypt's 128·N·r bytes (Node refuses above its 32 MiB default otherwise).
  const opts: ScryptOptions = { N: k.N, r: k.r, p: k.p, maxmem: 256 * k.N * k.r + (1 << 20) };
  return new Promise((res, rej) => scrypt(pin, salt, 32, opts, (e, key) => (e ? rej(e) : res(key))));
}

export async function hashStaffPin(
  pin: string,
  via: StaffPinRecord['via'],
  now: Date,
  k: KdfParams = STAFF_PIN_KDF,
): Promise<StaffPinRecord> {
  const weak = pinWeakness(pin);
  if (weak) throw new RangeError(`staff PIN refused (${weak})`);
  const salt = randomBytes(16);
  const hash = await derive(pin, salt, k);
  return {
    v: 2,
    alg: 'scrypt',
    N: k.N,
    r: k.r,
    p: k.p,
    salt: salt.toString('hex'),
    hash: hash.toString('hex'),
    setAt: now.toISOString(),
    via,
  };
}

export async function checkStaffPin(pin: string, rec: StaffPinRecord): Promise<boolean> {
  if (!STAFF_PIN_RE.test(pin)) return false;
  const got = await derive(pin, Buffer.from(rec.salt, 'hex'), rec);
  return timingSafeEqual(got, Buffer.from(rec.hash, 'hex'));
}

export type StaffPinState =
  | { state: 'set'; record: StaffPinRecord }
  /** not_set: a new kiosk; weak: a record below the kiosk's cost (an older install); invalid: unreadable. */
  | { state: 'not_set' | 'weak' | 'invalid'; detail: string };

export const STAFF_PIN_FILE = 'staff-pin.json';

/** The record on disk, read fresh on every use so `kakunin setup` applies to a running kiosk too. */
export function readStaffPin(home: string, minimum: KdfParams = STAFF_PIN_KDF): StaffPinState {
  const file = join(home, STAFF_PIN_FILE);
  if (!existsSync(file)) return { state: 'not_set', detail: 'no staff PIN has been set on this kiosk' };
  let rec: StaffPinRecord;
  try {
    const r = StaffPinRecordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!r.success) return { state: 'invalid', detail: `${file} is not a staff PIN record` };
    rec = r.data;
  } catch (e) {
    return {
      state: 'invalid',
      detail: `${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? errorText(e)})`,
    };
  }
  if (rec.N * rec.r * rec.p < minimum.N * minimum.r * minimum.p)
    return { state: 'weak', detail: `the staff PIN was stored with a cost below this kiosk's (N=${rec.N})` };
  return { state: 'set', record: rec };
}

export function writeStaffPin(home: string, rec: StaffPinRecord): void {
  writePrivateFile(join(home, STAFF_PIN_FILE), JSON.stringify(StaffPinRecordSchema.parse(rec), null, 2) + '\n', {
    durable: true,
  });
}
