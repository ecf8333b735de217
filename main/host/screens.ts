// What the kiosk shows, built from what it knows: pure functions of a transaction, its outcome and
// the settings, so the host only decides WHEN a screen changes (kiosk-host.ts) and these decide
// WHAT it holds. Fail closed here too: a 'valid' outcome without checks, or with a failed one, is
// shown as 'invalid' (docs/architecture.md "Checks and codes").
import type { Attribute, Policy } from '../../core/policy/policy.ts';
import { DOCUMENT_EXTRA_ATTRIBUTES } from '../../core/document/result.ts';
import type { Attributes, ReaderStatus, Screen } from '../../api/contract.ts';
import { HOST_MESSAGES } from './messages.ts';
import type { CredentialReader, InputRequest, ReadOutcome } from './reader.ts';
import type { Settings } from './settings.ts';
import type { Transaction } from './transaction.ts';

/** Keep only what the policy shows (defence in depth: readers already filter). */
export function policyAttributes(policy: Policy, a: Attributes): Attributes {
  const out: Record<string, unknown> = {};
  const from = a as Record<string, unknown>;
  for (const s of policy.shows as readonly Attribute[]) {
    if (s === 'portrait') continue;
    if (from[s] !== undefined) out[s] = from[s];
  }
  for (const k of DOCUMENT_EXTRA_ATTRIBUTES[policy.name]) {
    if (from[k] !== undefined) out[k] = from[k];
  }
  return out as Attributes;
}

/**
 * The outcome the host records and shows: the reader's, with the host's own timeouts named (an
 * aborted read after the watchdog is read_timeout; an error after the keypad timed out is
 * input_timeout), and fail closed ('valid' needs at least one check and every check passing).
 */
export function finalOutcome(raw: ReadOutcome, timedOut: Transaction['timedOut']): ReadOutcome {
  let outcome = raw;
  if (timedOut === 'read' && outcome.error?.code === HOST_MESSAGES.aborted.code)
    outcome = { ...outcome, error: HOST_MESSAGES.read_timeout };
  if (timedOut === 'input' && outcome.verdict === 'error') outcome = { ...outcome, error: HOST_MESSAGES.input_timeout };
  if (outcome.verdict === 'valid' && (outcome.checks.length === 0 || outcome.checks.some((c) => !c.ok))) {
    outcome = { ...outcome, verdict: 'invalid', error: HOST_MESSAGES.checks_incomplete };
  }
  return outcome;
}

/** The screen after a read: its verdict, or its error, or "audit unavailable" when the entry could not be written. */
export function outcomeScreen(tx: Transaction, outcome: ReadOutcome, auditOk: boolean, wipeAt: number): Screen {
  const base = { txId: tx.id, reader: tx.reader.kind, wipeAt };
  if (!auditOk) return { screen: 'error', ...base, error: HOST_MESSAGES.audit_unavailable };
  if (outcome.verdict === 'error')
    return { screen: 'error', ...base, error: outcome.error ?? HOST_MESSAGES.reader_failed };
  const screen: Screen = {
    screen: 'verdict',
    ...base,
    verdict: outcome.verdict,
    attributes: policyAttributes(tx.policy, outcome.attributes),
    checks: outcome.checks.map((c) => ({ code: c.code, ok: c.ok })),
  };
  if (outcome.photo && tx.policy.shows.includes('portrait')) screen.photo = outcome.photo;
  if (outcome.holderHint) screen.holderHint = outcome.holderHint;
  if (outcome.images && Object.keys(outcome.images).length) screen.images = { ...outcome.images };
  if (outcome.verdict === 'unverified') screen.staffConfirm = { reasons: outcome.staffConfirm ?? [], state: 'pending' };
  if (outcome.credential.type !== 'unknown') screen.document = outcome.credential.type;
  if (outcome.error)
    screen.reason = {
      code: outcome.error.code,
      messageJa: outcome.error.messageJa,
      messageEn: outcome.error.messageEn,
    };
  return screen;
}

/** The keypad screen for a reader's input request. */
export function inputScreen(tx: Transaction, req: InputRequest): Screen {
  const screen: Screen = {
    screen: 'input',
    txId: tx.id,
    reader: tx.reader.kind,
    kind: req.kind,
    digits: req.digits,
    retry: req.retry,
  };
  if (req.triesLeft !== undefined) screen.triesLeft = req.triesLeft;
  if (req.alternative) screen.alternative = req.alternative;
  return screen;
}

/** Is `digits` an answer the input screen asked for (its length, or its alternative's)? */
export function fitsInputScreen(screen: Screen, digits: string): boolean {
  return screen.screen !== 'input' || digits.length === screen.digits || digits.length === screen.alternative?.digits;
}

/**
 * What the screen and the staff area show of the readers: disabled in the settings, the host's note
 * of recent trouble over a status that looks ready, busy with the transaction, or as they say.
 */
export function readerStatuses(
  readers: readonly CredentialReader[],
  enabled: Settings['readers'],
  note: (r: CredentialReader) => ReaderStatus['state'] | undefined,
  busy: CredentialReader | null,
): (ReaderStatus & { enabled: boolean })[] {
  return readers.map((r) => {
    const st = r.status();
    const n = note(r);
    const on = enabled[r.kind];
    if (!on) return { ...st, state: 'unavailable', detail: 'disabled in settings', enabled: on };
    if (n && st.state === 'ready') return { ...st, state: n, enabled: on };
    if (busy === r) return { ...st, state: 'busy', enabled: on };
    return { ...st, enabled: on };
  });
}
