// One transaction's state, from the reader's claim to the wipe (docs/architecture.md "One
// transaction"), as the host keeps it. Everything the host learns along the way is a field here,
// so finishing, staff confirmation and the wipe read it instead of guessing.
import { randomUUID } from 'node:crypto';
import type { Policy } from '../../core/policy/policy.ts';
import type { CredentialReader, ReadOutcome } from './reader.ts';

/** A keypad entry the host waits for. */
export interface PendingInput {
  resolve(digits: string | null): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Why the host itself ended the read: its watchdog ('read') or the keypad's timeout ('input'). */
export type HostTimeout = 'read' | 'input';

export interface Transaction {
  readonly id: string;
  readonly reader: CredentialReader;
  /** The policy the reader was armed with (the mode at the tap; a mode change applies next time). */
  readonly policy: Policy;
  /** When the reader claimed it (host clock, ms). */
  readonly startedAt: number;
  /** The keypad entry asked for, while the host waits for it. */
  input: PendingInput | null;
  /** Ends a read that runs too long outside keypad waits. */
  watchdog: ReturnType<typeof setTimeout> | null;
  /** Set when the host's watchdog or keypad timeout ended the read (the first one that did). */
  timedOut: HostTimeout | null;
  /** The outcome as shown, once finish() has run (a staff confirmation is recorded against it). */
  outcome: ReadOutcome | null;
}

export function newTransaction(reader: CredentialReader, policy: Policy, startedAt: number): Transaction {
  return { id: randomUUID(), reader, policy, startedAt, input: null, watchdog: null, timedOut: null, outcome: null };
}

/** Stop the transaction's timers and answer a pending keypad request with "cancelled". */
export function cancelTransaction(tx: Transaction): void {
  if (tx.input) tx.input.resolve(null);
  if (tx.watchdog) clearTimeout(tx.watchdog);
  tx.watchdog = null;
}
