// The reader adapter seam. The kiosk host drives every credential reader (My Number Card over PC/SC,
// mdoc phone over QR/NFC/BLE, or the training simulator) through this one interface, so the
// orchestrator, the screens and the audit never learn which device answered.
import type { Check } from '../../core/check.ts';
import type { Policy } from '../../core/policy/policy.ts';
import type { Attributes, InputKind, ProgressStep, ReaderKind, ReaderStatus } from '../../api/contract.ts';
import { HOST_MESSAGES } from './messages.ts';

export interface Progress {
  step: ProgressStep;
  /** 0..1 where the reader can tell; the screen shows a bar. */
  fraction?: number;
}

export interface InputRequest {
  kind: InputKind;
  digits: number;
  /** Read from the card before any VERIFY (docs/card-and-mdoc-facts.md "PIN safety"). */
  triesLeft?: number;
  /** A previous entry was wrong. */
  retry: boolean;
  /**
   * Another entry the screen may switch to (the age check's 6-digit birth date instead of
   * 照合番号B); the reader tells which one was typed by its length.
   */
  alternative?: { kind: InputKind; digits: number };
}

export interface ReadHooks {
  /**
   * Progress for the screen. The first 'detected' claims the transaction for this reader (the host
   * aborts the other armed readers); it returns false when another reader won the race, and the
   * reader must then stop.
   */
  onProgress(p: Progress): boolean;
  /** Ask the holder (PIN) or staff (照合番号B) for digits; null when cancelled or wiped. */
  requestInput(req: InputRequest): Promise<string | null>;
  /**
   * A hint for the idle screen while this reader waits, without a transaction (e.g. something this
   * mode does not read was tapped). The host shows it for a few seconds if the kiosk is idle.
   */
  notice?(n: ReadError): void;
}

export interface ReadError {
  code: string;
  messageJa: string;
  messageEn: string;
  /** What to do next, shown under the error. */
  nextJa: string;
  nextEn: string;
}

/** What a reader hands back. Only the policy's attributes, only after verification. */
export interface ReadOutcome {
  /** 'valid' only when every check ran and passed and the policy is satisfied (fail closed). */
  verdict: 'valid' | 'invalid' | 'unverified' | 'error';
  attributes: Attributes;
  /** data: URL, memory only; the host drops it at wipe. */
  photo?: string;
  /** How staff bind the holder when no photo was read (the card's birth-date record). */
  holderHint?: 'printed-photo';
  /** Signed card images for staff to read (residence card), data: URLs, memory only. */
  images?: { front?: string; name?: string; address?: string };
  /** 'unverified': what staff must confirm (codes). */
  staffConfirm?: string[];
  checks: Check[];
  /** Set for 'error' (device trouble, cancelled) and for 'invalid' (why). */
  error?: ReadError;
  /** For the audit entry: never values. */
  credential: {
    type:
      | 'mynumber-card'
      | 'mdoc'
      | 'driving-licence'
      | 'residence-card'
      | 'special-permanent-resident-certificate'
      | 'passport'
      | 'unknown';
    /** mdoc docType, or the card's type/generation (e.g. "jp.mynumber-card.gen1"). */
    docType?: string;
    /** 40 or 64 lower-case hex (core/audit/audit-entry.ts ISSUER_KEY_ID_RE); anything else is not audited. */
    issuerKeyId?: string;
    engagement?: 'qr' | 'nfc' | 'card';
    transport?: 'pcsc' | 'nfc' | 'ble-central' | 'ble-peripheral';
    /** The kiosk's reader certificate that signed the request (mdoc, §9.1.4): identity only. */
    readerAuth?: { subject: string; fingerprint: string };
  };
  /** Element / file names requested, for the audit entry. */
  requested: string[];
}

/**
 * What the staff reader test saw: a card or a phone answered on this reader. Reads nothing from it
 * (a card: only that it is there and its ATR; a phone: which engagement application answered, or
 * that a QR engagement arrived, without starting a session).
 */
export interface ReaderProbe {
  credential: 'card' | 'phone';
  how: 'pcsc' | 'nfc' | 'qr' | 'training';
  detailJa: string;
  detailEn: string;
}

export interface CredentialReader {
  readonly kind: ReaderKind;
  /** Shown in the staff area; 'training' readers make the whole kiosk show 訓練モード. */
  readonly source: 'real' | 'training';
  status(): ReaderStatus;
  /**
   * Wait for a credential, read and verify it under `policy`. Resolves (never rejects) with an
   * outcome; an aborted signal resolves promptly with error code 'aborted'.
   */
  start(policy: Policy, signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome>;
  /** mdoc readers: QR engagement text from the scanner; true when this armed reader took it. */
  acceptEngagement?(text: string): boolean;
  /** Staff reader test: resolves when something is presented (null on abort). Never reads it. */
  probe?(signal: AbortSignal): Promise<ReaderProbe | null>;
  /** Staff diagnostics: what this reader can tell about itself (names, last ATR, radios). */
  facts?(): { key: string; value: string }[];
  /** Phone readers: the Bluetooth roles the kiosk can take, and whether the radio is simulated. */
  bleRoles?(): { central: boolean; peripheral: boolean; simulated: boolean };
  close?(): Promise<void> | void;
}

/** Outcome builder for device trouble; readers and the host share the wording. */
export function errorOutcome(
  err: ReadError,
  credentialType: ReadOutcome['credential']['type'] = 'unknown',
  checks: Check[] = [],
): ReadOutcome {
  return { verdict: 'error', attributes: {}, checks, error: err, credential: { type: credentialType }, requested: [] };
}

/** The read was aborted (another reader won, the host stopped it, or the kiosk is closing). */
export const ABORTED: ReadError = HOST_MESSAGES.aborted;
