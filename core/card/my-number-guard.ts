// The guard that makes touching the My Number impossible (My Number Act art. 15, 19, 20;
// docs/card-and-mdoc-facts.md "Law and privacy"): reading the My Number file, or using 照合番号A, is
// refused.
//
// It sits in the APDU send path: core/card/apdu.ts CardChannel and the PC/SC transport in main/pcsc
// both run every command through `admit` before a byte leaves the host, and neither exposes an
// unguarded transmit.
//
// It is an allowlist over a small state machine (which AP is selected, which EF):
// - only the four instructions the kiosk needs pass: SELECT by AID (00 A4 04 0C), SELECT EF by FID
//   (00 A4 02 0C, Lc 2), VERIFY on the current EF (00 20 00 80), READ BINARY by offset
//   (00 B0, P1 bit 8 clear) and the signing command (80 2A). Everything else is refused, including
//   READ BINARY with a short EF identifier (P1 bit 8 set: it would read a file without a SELECT the
//   guard can see), SELECT by path or MF, VERIFY naming a key reference in P2, secure messaging or
//   chaining class bytes, and any extended-length command;
// - SELECT EF of a file listed as forbidden in the card profile (profile.ts) is refused;
// - VERIFY is allowed only while a known PIN EF of the current AP is selected, so 照合番号A is refused and cannot be
//   sent even by selecting it some other way.
import { CardError } from './codes.ts';
import { GEN1, toHex, type CardProfile } from './profile.ts';

export class MyNumberGuardError extends CardError {
  constructor(detail: string) {
    super('my_number_guard', detail);
  }
}

/** PIN EFs VERIFY may be sent to, per AP (the 4-digit PIN, 照合番号B, the card-face birth-date key, the JPKI auth PIN). */
function verifiableEfs(p: CardProfile): Map<string, Set<number>> {
  return new Map([
    [toHex(p.textAp.aid), new Set([p.textAp.ef.pin, p.textAp.ef.checkNumberB])],
    [toHex(p.cardFaceAp.aid), new Set([p.cardFaceAp.ef.checkNumberB, p.cardFaceAp.ef.birthDateKey])],
    [toHex(p.jpkiAp.aid), new Set([p.jpkiAp.ef.authPin])],
  ]);
}

export class MyNumberGuard {
  #ap: string | null = null;
  #ef: number | null = null;
  readonly #profile: CardProfile;
  readonly #verifiable: Map<string, Set<number>>;

  constructor(profile: CardProfile = GEN1) {
    this.#profile = profile;
    this.#verifiable = verifiableEfs(profile);
  }

  /** The card was reset or replaced: forget what was selected. */
  reset(): void {
    this.#ap = null;
    this.#ef = null;
  }

  /**
   * Throws MyNumberGuardError unless `cmd` is allowed; on success, updates the selection state as
   * the card will (so call it once per command actually sent).
   */
  admit(cmd: Uint8Array): void {
    const refuse = (why: string): never => {
      throw new MyNumberGuardError(why);
    };
    if (cmd.length < 4) refuse('command shorter than 4 bytes');
    const [cla, ins, p1, p2] = [cmd[0]!, cmd[1]!, cmd[2]!, cmd[3]!];
    // Short APDU shapes only (7816-4 §5.1): case 1 (4), case 2 (5), case 3 (5+Lc), case 4 (5+Lc+1).
    const body = cmd.subarray(4);
    let data: Uint8Array = new Uint8Array(0);
    if (body.length >= 1) {
      const lc = body[0]!;
      if (body.length === 1) {
        // case 2: Le only
      } else {
        if (lc === 0) refuse('extended-length command');
        if (body.length !== 1 + lc && body.length !== 2 + lc) refuse('command length does not match Lc');
        data = body.subarray(1, 1 + lc);
      }
    }

    if (cla === 0x00 && ins === 0xa4) {
      if (p1 === 0x04 && p2 === 0x0c) {
        if (data.length < 5 || data.length > 16) refuse('SELECT by AID with a bad AID length');
        this.#ap = toHex(data);
        this.#ef = null;
        return;
      }
      if (p1 === 0x02 && p2 === 0x0c) {
        if (data.length !== 2) refuse('SELECT EF needs a 2-byte FID');
        const fid = (data[0]! << 8) | data[1]!;
        const known = this.#ap !== null && this.#verifiable.has(this.#ap);
        for (const f of this.#profile.forbidden) {
          if (f.fid !== fid) continue;
          const applies = f.aidHex === this.#ap || (f.aidHex === '*' && !known);
          if (applies) refuse(`SELECT EF ${fid.toString(16).padStart(4, '0')} refused: ${f.why}`);
        }
        this.#ef = fid;
        return;
      }
      refuse(
        `SELECT with P1=${p1.toString(16)} P2=${p2.toString(16)} is not used by this kiosk (only by AID or by FID)`,
      );
    }
    if (cla === 0x00 && ins === 0x20) {
      if (p1 !== 0x00 || p2 !== 0x80)
        refuse('VERIFY must name the currently selected EF (P2=80), never a key reference');
      const allowed = this.#ap !== null ? this.#verifiable.get(this.#ap) : undefined;
      if (!allowed || this.#ef === null || !allowed.has(this.#ef)) {
        refuse(
          `VERIFY refused: the selected EF ${this.#ef === null ? 'none' : this.#ef.toString(16).padStart(4, '0')} is not a PIN this kiosk may use`,
        );
      }
      return;
    }
    if (cla === 0x00 && ins === 0xb0) {
      if (p1 & 0x80)
        refuse('READ BINARY with a short EF identifier is refused (the file must be selected visibly first)');
      if (this.#ef === null) refuse('READ BINARY with no EF selected');
      if (data.length) refuse('READ BINARY carries no data');
      return;
    }
    if (cla === 0x80 && ins === 0x2a) {
      if (p1 !== 0x00 || (p2 !== 0x00 && p2 !== 0x80)) refuse('signing command with unexpected P1/P2');
      return;
    }
    refuse(`instruction CLA=${cla.toString(16)} INS=${ins.toString(16)} is not on the allowlist`);
  }
}
