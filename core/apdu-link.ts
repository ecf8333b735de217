// The one abstraction between core's APDU state machines (the My Number Card, the driving licence,
// the residence card, mdoc NFC engagement and data retrieval) and a device: one C-APDU in, one R-APDU
// (data || SW1 SW2) out (ISO/IEC 7816-4 §5.1). main/pcsc/pcsc-link.ts implements it over PC/SC for
// cards and phones alike; simulators and tests implement it in memory.
//
// A link fails for reasons that belong to the link, not to the document on it (the item left the
// field, the reader was unplugged, the reader service stopped). Adapters name them with one
// vocabulary, `LinkFailure`, and turn them into the error of the domain that uses the link through a
// `LinkErrors` mapping that the domain owns (core/card/codes.ts cardLinkErrors,
// core/mdoc/engagement/apdu-channel.ts phoneLinkErrors), so each domain keeps its public codes.
//
// Entry points: `ApduLink`, `CommandGuard`, `GuardedLink`, `LinkFailure`, `LinkErrors`.

/** One C-APDU in, one R-APDU out. */
export interface ApduLink {
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

/**
 * A send-path allowlist: throws unless the command may be sent, and tracks selection state. The
 * adapter runs it before the device sees a byte (docs/architecture.md "Adapters").
 */
export interface CommandGuard {
  admit(command: Uint8Array): void;
}

/** A link behind a guard: what tests and in-memory paths use where an adapter would take the guard. */
export class GuardedLink implements ApduLink {
  constructor(
    private readonly inner: ApduLink,
    readonly guard: CommandGuard,
  ) {}

  transmit(command: Uint8Array): Promise<Uint8Array> {
    try {
      this.guard.admit(command);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.inner.transmit(command);
  }
}

/**
 * Why a link (or the wait for one) failed:
 * - `removed`: the card or phone left the field (or went mute) during or before a command;
 * - `reader_removed`: the reader itself went away;
 * - `service_stopped`: the reader service (pcscd) went away: killed, crashed, restarted;
 * - `not_answering`: the reader service is there but does not answer (frozen);
 * - `unavailable`: the reader service cannot be reached at all;
 * - `no_reader` / `reader_not_found`: no reader appeared / not the named one;
 * - `absent`: nothing was presented in time;
 * - `timeout`: a command got no answer by its deadline while the service still answered;
 * - `malformed`: an answer too short to hold a status word;
 * - `closed`: the link was already closed, or an earlier command never came back;
 * - `transport`: any other failure of the link.
 */
export type LinkFailure =
  | 'removed'
  | 'reader_removed'
  | 'service_stopped'
  | 'not_answering'
  | 'unavailable'
  | 'no_reader'
  | 'reader_not_found'
  | 'absent'
  | 'timeout'
  | 'malformed'
  | 'closed'
  | 'transport';

/** The failures that mean the reader service itself is gone or frozen: staff must act, not the holder. */
export const SERVICE_FAILURES: ReadonlySet<LinkFailure> = new Set(['service_stopped', 'not_answering', 'unavailable']);

/** Turns a link failure into the domain's own error (with its public code). */
export type LinkErrors = (failure: LinkFailure, message: string) => Error & { readonly code: string };
