// One read of the licence AP on a マイナ免許証 (a My Number Card the police wrote licence data to),
// over an abstract APDU channel under MynaLicenceGuard (choices: core/myna-licence/README.md):
//   SELECT the AP instance     00 A4 04 0C 10 A0 00 00 02 31 06 00 … 00
//   PIN set? (WEF01)           00 B0 9A 00 03 -> C1 01 01 | C1 01 00 (else stop, nothing sent)
//   tries left, then VERIFY    00 20 00 86, 00 20 00 86 04 <PIN>      (pin-rules.ts)
//   licence data (WEF02)       00 A4 02 0C 02 00 1B, then the header walk of licence-data.ts
// The verdict is at best 'unverified': WEF03 (signature, issuer) has no published layout, so nothing
// on this AP can be checked against the issuer; staff confirm the card and the person.
// age-over-20 is refused before any command: the licence AP holds no birth date.
import type { PolicyName } from '../policy/policy.ts';
import { japanIsoDate } from '../card/age.ts';
import { CardChannel, readBinary, selectAid, selectEf, type ApduTransport } from '../card/apdu.ts';
import { CardError, reportError, type CardErrorReport } from '../card/codes.ts';
import { errorForSw, SW_END_OF_FILE, SW_OK, swHex } from '../card/status-words.ts';
import { errorText } from '../errors.ts';
import { finishResult, type DocumentAttributes, type DocumentReadResult } from '../document/result.ts';
import { failCheck, passCheck, type LicenceCheck } from '../licence/codes.ts';
import { MYNA_LICENCE_AP_AID, NO_PIN, PIN_SETTING_LENGTH, READ_PIN_SETTING_P1, WEF } from './files.ts';
import { MynaLicenceGuard } from './guard.ts';
import { readLicenceData, type LicenceData } from './licence-data.ts';
import { parsePinSetting } from './pin-setting.ts';
import { verifyLicenceApPin } from './pin-rules.ts';

/** card.generation of a licence read off a My Number Card (the conventional licence is 1). */
export const MYNA_LICENCE_GENERATION = 'mynumber-card';

export interface ReadMynaLicenceOptions {
  transport: ApduTransport;
  policy: PolicyName;
  /** The licence AP's PIN (4 digits); never sent when WEF01 says no PIN is set. */
  pin?: string;
  at: Date;
  now: () => number;
  onStep?: (step: string) => void;
}

const END_OF_FILE = 0x6b00;

export async function readMynaLicence(o: ReadMynaLicenceOptions): Promise<DocumentReadResult> {
  const t0 = o.now();
  const ch = new CardChannel(o.transport, new MynaLicenceGuard());
  const checks: LicenceCheck[] = [];
  const errors: CardErrorReport[] = [];
  const staffConfirm: string[] = [];
  const requested: string[] = [];
  const pins: { kind: string; triesBefore: number | null }[] = [];
  const timings: Record<string, number> = {};
  const step = (s: string) => o.onStep?.(s);
  let data: LicenceData | null = null;
  let pinSet = true;
  try {
    if (o.policy === 'age-over-20')
      throw new CardError(
        'myna_licence_no_birth_date',
        'the licence AP holds no birth date; read the card as a My Number Card',
      );
    if (o.pin !== undefined && !/^\d{4}$/.test(o.pin))
      throw new CardError('myna_licence_pin_format', 'the licence AP PIN is not 4 digits');
    step('licence-ap');
    await ch.expectOk(selectAid(MYNA_LICENCE_AP_AID), 'SELECT licence AP');
    const w = await ch.send(Uint8Array.of(0x00, 0xb0, READ_PIN_SETTING_P1, 0x00, PIN_SETTING_LENGTH));
    if (w.sw !== SW_OK) throw new CardError('myna_licence_pin_setting', `WEF01 answered ${swHex(w.sw)}`);
    requested.push('licenceAp:pin_setting');
    pinSet = parsePinSetting(w.data);
    if (pinSet && o.pin === undefined) throw new CardError('myna_licence_pin_format', 'the licence AP PIN is needed');
    step('pin');
    pins.push(await verifyLicenceApPin(ch, pinSet ? o.pin! : NO_PIN));
    step('licence-data');
    await ch.expectOk(selectEf(WEF.licenceData), 'SELECT WEF02');
    requested.push('licenceAp:expiry_date');
    data = await readLicenceData(async (offset, length) => {
      const r = await ch.send(readBinary(offset, length));
      if (r.sw === END_OF_FILE) return 'end';
      if (r.sw !== SW_OK && r.sw !== SW_END_OF_FILE) throw errorForSw(r.sw, `READ WEF02 at ${offset}`);
      return r.data;
    });
    const todayIso = japanIsoDate(o.at);
    // Valid through the whole last day, in JST (as the conventional licence).
    checks.push(
      data.expiryDate < todayIso
        ? failCheck('licence.expiry', `the licence expired on ${data.expiryDate} (WEF02 C5)`)
        : passCheck('licence.expiry', `valid until ${data.expiryDate} (WEF02 C5)`),
    );
    timings.read_ms = o.now() - t0;
  } catch (e) {
    errors.push(reportError(e instanceof CardError ? e : new CardError('transport_error', errorText(e))));
  }
  const attributes: DocumentAttributes = {};
  if (data && errors.length === 0) {
    // Nothing on the AP can be checked against the issuer (WEF03's layout is unpublished).
    staffConfirm.push('myna_licence_unsigned');
    // No PIN set: anyone holding the card could have read it; the holder is not bound by a secret.
    if (!pinSet) staffConfirm.push('myna_licence_no_pin');
    if (o.policy === 'identity') attributes.expiry_date = data.expiryDate;
  }
  timings.total_ms = o.now() - t0;
  const result = finishResult({
    card: { type: 'driving-licence', generation: MYNA_LICENCE_GENERATION },
    attributes,
    images: {},
    checks,
    errors,
    staffConfirm,
    apdus: { ...ch.stats },
    timings,
    requested,
    signerKeyIds: [],
    pins,
  });
  // Like attributes, the list goes with a read that stands; an invalid one shows nothing.
  return data && result.verdict !== 'invalid' ? { ...result, undecoded: data.undecoded } : result;
}
