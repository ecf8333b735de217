// The ending every card-family reader shares (My Number Card, licence, residence card, passport):
// check codes in the audit's form, and the verdict as the screen shows it. A read that stopped before
// any check failed is device trouble (card pulled, wrong key, PIN safety), not a verdict; a failed
// check wins over an error (docs/architecture.md "Checks and codes").
import { AGE_CHECK, type Check } from '../../../core/check.ts';
import { errorOutcome, type ReadError, type ReadOutcome } from '../reader.ts';
import { HOST_MESSAGES, NEXT, staffMustConfirm } from '../messages.ts';

/** Check codes as the screen and the audit log keep them: lower snake case (core/audit/audit-entry.ts CODE_RE). */
export function outcomeChecks(checks: readonly Check[]): Check[] {
  return checks.map((c) => ({
    code: auditCode(c.code),
    ok: c.ok,
    ...(c.detail ? { detail: c.detail } : {}),
  }));
}

const auditCode = (code: string) => code.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
/** The age check as outcomeChecks writes it. */
const AGE_AUDIT_CODE = auditCode(AGE_CHECK);

export interface CardVerdict {
  type: ReadOutcome['credential']['type'];
  verdict: 'valid' | 'unverified' | 'invalid';
  /** From outcomeChecks. */
  checks: Check[];
  /** The first error the read stopped on, in the screen's words. */
  stopped: ReadError | undefined;
  /** What a valid or unverified outcome shows (the policy's attributes and images). */
  shown: Pick<ReadOutcome, 'attributes' | 'photo' | 'images' | 'holderHint'>;
  /** What an invalid outcome that failed on age alone still shows. */
  shownWhenUnder: Pick<ReadOutcome, 'attributes' | 'photo'>;
  credential: ReadOutcome['credential'];
  requested: string[];
  /** Documents that can be unverified: what staff must confirm, and how they compare the holder with it. */
  unverified?: { staffConfirm: string[]; nextJa: string; nextEn: string };
  /** Invalid on anything but age: the code when no check names the failure, and what the screen says. */
  invalid: { code: string; messageJa: string; messageEn: string };
}

export function cardVerdict(o: CardVerdict): ReadOutcome {
  const { checks, credential, requested } = o;
  const failed = checks.filter((c) => !c.ok);
  if (o.stopped && failed.length === 0) return { ...errorOutcome(o.stopped, o.type, checks), credential, requested };
  const base = { ...o.shown, checks, credential, requested };
  if (o.verdict === 'valid') return { verdict: 'valid', ...base };
  if (o.verdict === 'unverified' && o.unverified) {
    const { staffConfirm, ...how } = o.unverified;
    return { verdict: 'unverified', ...base, staffConfirm, error: staffMustConfirm(staffConfirm[0], how) };
  }
  // Only the age check itself: a failed seal or signature next to it is a forgery, not an under-age holder.
  const under = o.shown.attributes.age_over_20 === false && failed.every((c) => c.code === AGE_AUDIT_CODE);
  const reason: ReadError = under
    ? HOST_MESSAGES.age_over_20_false
    : {
        code: failed[0]?.code ?? o.invalid.code,
        messageJa: o.invalid.messageJa,
        messageEn: o.invalid.messageEn,
        ...NEXT.checkAnother,
      };
  return {
    verdict: 'invalid',
    ...(under ? o.shownWhenUnder : { attributes: {} }),
    checks,
    error: reason,
    credential,
    requested,
  };
}
