// PIN safety (docs/card-and-mdoc-facts.md "PIN safety": read tries-left before any VERIFY and refuse
// when one try is left):
// 1. SELECT the PIN EF, then VERIFY with no data: the card answers 63Cx with x tries left without
//    spending one ("Commands");
// 2. blocked (63C0 / 6983 / 6984) -> stop; exactly one try left -> stop WITHOUT sending the secret,
//    so the counter stays where it is and the holder resets it at the municipal office;
// 3. send the secret once. A wrong secret is reported with the tries the card says are left, and
//    never retried here: only a person decides to spend another try.
import { CardChannel, selectEf, verify, verifyStatus } from './apdu.ts';
import { CardError } from './codes.ts';
import { isBlockedSw, SW_OK, swHex, triesFromSw } from './status-words.ts';

export type SecretKind = 'pin' | 'check_number_b' | 'birth_date' | 'jpki_auth_pin';

export interface PinVerifyReport {
  kind: SecretKind;
  /** Tries left the card reported before our VERIFY; null when the card said it was already verified. */
  triesBefore: number | null;
}

const WRONG: Record<SecretKind, 'pin_wrong' | 'check_number_b_wrong' | 'birth_date_wrong'> = {
  pin: 'pin_wrong',
  birth_date: 'birth_date_wrong',
  jpki_auth_pin: 'pin_wrong',
  check_number_b: 'check_number_b_wrong',
};

/** Read the tries left on the currently selected PIN EF (no secret sent). null = already verified. */
export async function readTriesLeft(ch: CardChannel): Promise<number | null> {
  const r = await ch.send(verifyStatus());
  if (r.sw === SW_OK) return null;
  if (isBlockedSw(r.sw)) return 0;
  const t = triesFromSw(r.sw);
  if (t === null) throw new CardError('unexpected_status', `tries-left query answered ${swHex(r.sw)}`);
  return t;
}

export async function verifyWithPinSafety(
  ch: CardChannel,
  pinEf: number,
  secret: Uint8Array,
  kind: SecretKind,
): Promise<PinVerifyReport> {
  await ch.expectOk(selectEf(pinEf), `SELECT PIN EF ${pinEf.toString(16).padStart(4, '0')}`);
  const before = await readTriesLeft(ch);
  if (before === null) return { kind, triesBefore: null };
  if (before === 0) throw new CardError('pin_blocked', `${kind} is blocked`, 0);
  if (before === 1) throw new CardError('pin_one_try_left', `${kind}: one try left; secret not sent`, 1);
  const r = await ch.send(verify(secret));
  if (r.sw === SW_OK) return { kind, triesBefore: before };
  if (r.sw === 0x63c0 || r.sw === 0x6983 || r.sw === 0x6984)
    throw new CardError('pin_blocked', `${kind} wrong; now blocked`, 0);
  const left = triesFromSw(r.sw);
  if (left !== null) throw new CardError(WRONG[kind], `${kind} wrong`, left);
  throw new CardError('unexpected_status', `VERIFY answered ${swHex(r.sw)}`);
}
