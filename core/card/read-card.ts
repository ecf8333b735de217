// One card transaction over an abstract APDU channel: unlock, read exactly the policy's files,
// prove the chip, verify every signature offline, and answer with only the policy's attributes.
// Fail closed: 'valid' only when every check ran and passed and no error stopped the read.
import { failedOnAgeAlone, type Check } from '../check.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { errorText } from '../errors.ts';
import type { PolicyName } from '../policy/policy.ts';
import { CardChannel, type ApduStats } from './apdu.ts';
import { parseBirthDateKey, parseCheckNumberB } from './check-number-b.ts';
import { CardError, reportError, type CardErrorReport } from './codes.ts';
import type { JpkiTrust } from './jpki-ap.ts';
import type { Jp2Info } from './jp2.ts';
import type { PinVerifyReport } from './pin-safety.ts';
import { EMPTY_PLAN, planFor, projectPolicy, type CardAttributes } from './policy.ts';
import { GEN1, type CardGeneration, type CardProfile } from './profile.ts';
import {
  CardSession,
  readBirthDateRecord,
  readCardFaceAp,
  readJpki,
  readTextAp,
  type CardReads,
  type Unlock,
} from './read-aps.ts';
import { verifyReads } from './verify-aps.ts';
import type { CardTrust } from './verify.ts';

export type { Unlock } from './read-aps.ts';

export interface ReadCardOptions {
  channel: CardChannel;
  policy: PolicyName;
  unlock: Unlock;
  trust: CardTrust & Partial<JpkiTrust>;
  crypto: CryptoProvider;
  /** The time of the check (age, expiry, certificate validity). */
  at: Date;
  /** Monotonic milliseconds for timings. */
  now: () => number;
  /** Optional JPKI path: the 4-digit user-authentication PIN. */
  jpkiPin?: string;
  profile?: CardProfile;
  /** Called between steps (progress bars; the host's abort checks). */
  onStep?: (step: string) => void;
}

export interface CardReadResult {
  verdict: 'valid' | 'invalid';
  card: { type: 'mynumber-card'; generation: CardGeneration | null };
  attributes: CardAttributes;
  photo: Jp2Info | null;
  /** Every check (codes are CardCheckCode; typed as strings for callers). */
  checks: Check[];
  errors: CardErrorReport[];
  apdus: ApduStats;
  timings: Record<string, number>;
  /** For the audit entry: which files were read and which issuer keys signed (ids, never values). */
  requested: string[];
  signerKeyIds: string[];
  pins: PinVerifyReport[];
}

/** Typed secrets are checked before any APDU: a typo that cannot be right costs no try. */
function checkTypedSecrets(o: ReadCardOptions): void {
  if (o.unlock.kind === 'pin' && !/^\d{4}$/.test(o.unlock.digits)) throw new CardError('pin_format');
  if (o.unlock.kind === 'check_number_b' && !parseCheckNumberB(o.unlock.digits))
    throw new CardError('check_number_b_format');
  if (o.unlock.kind === 'birth_date' && !parseBirthDateKey(o.unlock.digits)) throw new CardError('birth_date_format');
  if (!planFor(o.policy, o.unlock.kind))
    throw new CardError('unlock_not_for_policy', `${o.unlock.kind} cannot answer ${o.policy}`);
  if (o.jpkiPin !== undefined && !/^\d{4}$/.test(o.jpkiPin))
    throw new CardError('pin_format', 'JPKI auth PIN is 4 digits');
}

/**
 * One card transaction in three stages: read exactly the policy's files (read-aps.ts), verify them
 * offline (verify-aps.ts), and project the policy's answer (policy.ts). 'valid' only when no error
 * stopped the read and every check ran and passed.
 */
export async function readMyNumberCard(o: ReadCardOptions): Promise<CardReadResult> {
  const t0 = o.now();
  const timings: Record<string, number> = {};
  const errors: CardErrorReport[] = [];
  const plan = planFor(o.policy, o.unlock.kind) ?? EMPTY_PLAN;
  const session = new CardSession(o.channel, o.profile ?? GEN1, o.crypto);
  const reads: CardReads = {};
  const step = (s: string) => o.onStep?.(s);
  const timed = async <T>(name: string, timing: string, read: () => Promise<T>): Promise<T> => {
    const ts = o.now();
    step(name);
    const r = await read();
    timings[timing] = o.now() - ts;
    return r;
  };

  // ---- reads (APDUs) ----
  try {
    checkTypedSecrets(o);
    if (plan.textAp) reads.text = await timed('text_ap', 'text_ap_ms', () => readTextAp(session, o.unlock));
    // Only 照合番号B opens the card-face EF 0002 (the plan never asks for it on the PIN path).
    if (plan.cardFaceAp)
      reads.face = await timed('card_face_ap', 'card_face_ap_ms', () => readCardFaceAp(session, o.unlock));
    if (plan.birthDateRecord)
      reads.birthDate = await timed('card_face_ap', 'card_face_ap_ms', () => readBirthDateRecord(session, o.unlock));
    if (o.jpkiPin !== undefined) reads.jpki = await timed('jpki_ap', 'jpki_ap_ms', () => readJpki(session, o.jpkiPin!));
  } catch (e) {
    errors.push(reportError(e instanceof CardError ? e : new CardError('transport_error', errorText(e))));
  }

  // ---- offline verification (no APDUs) ----
  const vs = o.now();
  step('verify');
  const verified = verifyReads(reads, { unlock: o.unlock, trust: o.trust, crypto: o.crypto, at: o.at });
  const checks: Check[] = verified.checks;

  // ---- policy: only the requested attributes, only from what was read ----
  let attributes: CardAttributes = {};
  if (errors.length === 0 && (reads.text || reads.face || reads.birthDate)) {
    const answer = projectPolicy(plan, o.unlock.kind, reads, o.at);
    checks.push(...answer.checks);
    attributes = answer.attributes;
  }
  timings.verify_ms = o.now() - vs;
  timings.total_ms = o.now() - t0;
  const valid = errors.length === 0 && checks.length > 0 && checks.every((c) => c.ok);
  return {
    verdict: valid ? 'valid' : 'invalid',
    card: { type: 'mynumber-card', generation: session.generation },
    // Fail closed on display too: an invalid read shows no attribute values, except the plain
    // "not over 20" answer when that is the only failure (everything else verified).
    attributes: valid ? attributes : onlyUnderAge(checks, errors) ? { age_over_20: false } : {},
    photo: valid ? verified.photo : null,
    checks,
    errors,
    apdus: { ...o.channel.stats },
    timings,
    requested: session.requested,
    signerKeyIds: verified.signerKeyIds,
    pins: session.pins,
  };
}

function onlyUnderAge(checks: readonly Check[], errors: readonly CardErrorReport[]): boolean {
  return failedOnAgeAlone(checks, errors.length);
}
