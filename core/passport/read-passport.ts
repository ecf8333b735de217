// One passport transaction over an abstract APDU channel (ICAO Doc 9303-11 §4.2 chip access
// procedure and App. J inspection procedure): EF.CardAccess, PACE when offered else BAC, EF.COM,
// EF.SOD, DG14/DG15, chip authenticity (Chip Authentication, else Active Authentication), DG1, DG2,
// then every check offline. The verdict is
//   valid      every check ran and passed;
//   unverified every check that could run passed, but no CSCA of the issuing state is installed, so
//              staff confirm the document (staffConfirm names why);
//   invalid    anything else, or an error stopped the read.
// Only the policy's attributes are returned, and only when the verdict is valid or unverified.
import { failedOnAgeAlone, type Warning } from '../check.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { CardError, type CardErrorReport } from '../card/codes.ts';
import { isAtLeast, japanDate } from '../card/age.ts';
import { decideVerdict, type DocumentReadResult, type DocumentVerdict } from '../document/result.ts';
import type { PolicyName } from '../policy/policy.ts';
import type { TrustedCsca } from '../trust/csca.ts';
import { toHex } from '../x509/pem.ts';
import { verifyActiveAuthentication, parseDg15, performActiveAuthentication } from './active-authentication.ts';
import { bacKeys, completeBac, externalAuthenticate, GET_CHALLENGE } from './bac.ts';
import { PassportChannel, SW_OK } from './channel.ts';
import {
  performChipAuthentication,
  planChipAuthentication,
  type ChipAuthenticationPlan,
} from './chip-authentication.ts';
import { failCheck, passCheck, PassportError, reportPassportError, type PassportCheck } from './codes.ts';
import { alpha2ForMrzCode, displayMrzCode } from './country-codes.ts';
import { parseDg1 } from './dg1.ts';
import { parseDg2, type FaceImage } from './dg2.ts';
import { parseEfCom } from './ef-com.ts';
import { DG1, DG14, DG15, DG2, EF_CARD_ACCESS, EF_COM, EF_SOD } from './lds-files.ts';
import { resolveBirthDate, resolveExpiryDate, type MrzKey, type ParsedMrz } from './mrz.ts';
import { choosePace, runPace } from './pace.ts';
import { passiveAuthentication, type HashedDataGroup } from './passive-authentication.ts';
import { planFor, type PassportAttributes } from './policy.ts';
import { parseSecurityInfos, type SecurityInfos } from './security-infos.ts';
import { parseSod, type Sod } from './sod.ts';
import { errorText } from '../errors.ts';

export type PassportAccessKey = { kind: 'mrz'; key: MrzKey } | { kind: 'can'; can: string };

export interface ReadPassportOptions {
  channel: PassportChannel;
  policy: PolicyName;
  access: PassportAccessKey;
  trust: { readonly cscas: readonly TrustedCsca[] };
  crypto: CryptoProvider;
  /** The time of the check (expiry, certificate validity, age). */
  at: Date;
  /** Monotonic milliseconds for timings. */
  now: () => number;
  onStep?: (step: string) => void;
}

/** The three verdicts every card shares (core/document/result.ts). */
export type PassportVerdict = DocumentVerdict;

/** The fields every card's result shares (core/document/result.ts), and the passport's own. */
export interface PassportReadResult extends Pick<
  DocumentReadResult,
  'checks' | 'errors' | 'staffConfirm' | 'apdus' | 'timings' | 'requested' | 'signerKeyIds'
> {
  verdict: PassportVerdict;
  card: {
    type: 'passport';
    /** How the chip was opened. */
    access: 'bac' | 'pace' | null;
    /** The PACE protocol OID and curve, when PACE ran. */
    pace?: { protocol: string; mapping: string; curve: string; cipher: string };
    /** How the chip proved it is genuine: Chip Authentication, Active Authentication, or neither offered. */
    chipAuthenticity: 'chip_authentication' | 'active_authentication' | 'not_supported' | null;
    /** Issuing state as in the MRZ ("JPN", "D"), once DG1 was read. */
    issuingState?: string;
    documentCode?: string;
  };
  attributes: PassportAttributes;
  photo: FaceImage | null;
  warnings: Warning[];
  // requested: the files read (names only); signerKeyIds: the Document Signer's subject key id and
  // the CSCA's fingerprint (identifiers, never values).
}

interface Read {
  cardAccess: SecurityInfos | null;
  sod: Sod | null;
  dg1: Uint8Array | null;
  dg2: Uint8Array | null;
  dg14: Uint8Array | null;
  dg15: Uint8Array | null;
  dg14Infos: SecurityInfos | null;
  ca: ChipAuthenticationPlan | null;
  /** CA ran and the chip then answered under the new keys. */
  caDone: boolean;
  aa: { nonce: Uint8Array; signature: Uint8Array | null; sw: number } | null;
  /** Secure messaging broke right after Chip Authentication: the chip does not hold the key. */
  caBroken: string | null;
}

async function accessControl(
  ch: PassportChannel,
  o: ReadPassportOptions,
  r: Read,
  card: PassportReadResult['card'],
  step: (s: string) => void,
): Promise<void> {
  step('card_access');
  // §4.2 step 1: EF.CardAccess from the master file (unprotected). Its absence means no PACE.
  await ch.sendPlain({ cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x0c, data: Uint8Array.of(0x3f, 0x00) });
  let caBytes: Uint8Array | null = null;
  try {
    caBytes = await ch.readFile(EF_CARD_ACCESS, { bySfi: true });
  } catch (e) {
    if (!(e instanceof CardError && (e.code === 'unexpected_status' || e.code === 'security_status'))) throw e;
  }
  if (caBytes) r.cardAccess = parseSecurityInfos(caBytes, 'EF.CardAccess');
  const pace = r.cardAccess ? choosePace(r.cardAccess.pace) : null;
  if (pace) {
    step('pace');
    const password =
      o.access.kind === 'mrz'
        ? { kind: 'mrz' as const, information: o.access.key.information }
        : { kind: 'can' as const, can: o.access.can };
    const ambiguous = new Set(r.cardAccess!.pace.map((p) => p.parameterId)).size > 1;
    try {
      const res = await runPace((c) => ch.sendPlain(c), pace, password, o.crypto, ambiguous);
      ch.startSecureMessaging(res.sm);
      card.access = 'pace';
      card.pace = {
        protocol: pace.oid,
        mapping: pace.mapping,
        curve: res.curve,
        cipher: `${pace.suite.cipher}-${pace.suite.keyLength * 8}`,
      };
      const sel = await ch.selectApplication();
      if (sel !== SW_OK)
        throw new PassportError('not_a_passport', `SELECT eMRTD application after PACE answered ${sel.toString(16)}`);
      return;
    } catch (e) {
      // A chip that refuses the PACE variant (not the password) may still speak BAC (PACE + BAC documents).
      if (!(e instanceof PassportError && e.code === 'access_unsupported') || o.access.kind === 'can') throw e;
    }
  }
  if (o.access.kind === 'can')
    throw new PassportError(
      'access_unsupported',
      'a CAN opens only documents with PACE; this chip offers no usable PACE',
    );
  step('bac');
  const sel = await ch.selectApplication();
  if (sel === 0x6a82 || sel === 0x6a86 || sel === 0x6d00)
    throw new PassportError('not_a_passport', `SELECT eMRTD application answered ${sel.toString(16)}`);
  if (sel !== SW_OK && sel !== 0x6982)
    throw new PassportError('not_a_passport', `SELECT eMRTD application answered ${sel.toString(16)}`);
  const keys = bacKeys(o.crypto, o.access.key.information);
  const ch1 = await ch.sendPlain(GET_CHALLENGE);
  if (ch1.sw !== SW_OK || ch1.data.length !== 8)
    throw new PassportError(
      'access_unsupported',
      `GET CHALLENGE answered ${ch1.sw.toString(16)} with ${ch1.data.length} bytes`,
    );
  const state = { rndIc: ch1.data.slice(), rndIfd: o.crypto.randomBytes(8), kIfd: o.crypto.randomBytes(16) };
  const ea = await ch.sendPlain(externalAuthenticate(o.crypto, keys, state));
  // A wrong MRZ gives 63 00 (or 69 82 / 6A 80 on some chips): the key, not the chip, is wrong.
  if (ea.sw !== SW_OK)
    throw new PassportError('access_denied', `EXTERNAL AUTHENTICATE answered ${ea.sw.toString(16).padStart(4, '0')}`);
  try {
    ch.startSecureMessaging(completeBac(o.crypto, keys, state, ea.data));
  } catch (e) {
    // The chip answered 9000 but its cryptogram does not verify under our key: also a key mismatch.
    if (e instanceof PassportError) throw new PassportError('access_denied', e.detail);
    throw e;
  }
  card.access = 'bac';
}

/** What the stages add up: checks, warnings, errors, staff confirmations and identifiers. */
interface Findings {
  checks: PassportCheck[];
  warnings: Warning[];
  errors: CardErrorReport[];
  staffConfirm: string[];
  signerKeyIds: string[];
}

export async function readPassport(o: ReadPassportOptions): Promise<PassportReadResult> {
  const ch = o.channel;
  const t0 = o.now();
  const timings: Record<string, number> = {};
  const f: Findings = { checks: [], warnings: [], errors: [], staffConfirm: [], signerKeyIds: [] };
  const requested: string[] = [];
  const card: PassportReadResult['card'] = { type: 'passport', access: null, chipAuthenticity: null };
  const r: Read = {
    cardAccess: null,
    sod: null,
    dg1: null,
    dg2: null,
    dg14: null,
    dg15: null,
    dg14Infos: null,
    ca: null,
    caDone: false,
    aa: null,
    caBroken: null,
  };
  const step = (s: string) => o.onStep?.(s);
  const plan = planFor(o.policy);

  try {
    if (o.access.kind === 'can' && !/^[0-9]{6}$/.test(o.access.can)) throw new PassportError('can_format');
    const ta = o.now();
    await accessControl(ch, o, r, card, step);
    timings.access_ms = o.now() - ta;
    f.checks.push(
      passCheck(
        'passport.access',
        card.access === 'pace'
          ? `PACE ${card.pace!.mapping} ${card.pace!.curve} ${card.pace!.cipher}`
          : 'BAC (3DES secure messaging)',
      ),
    );
    const tr = o.now();
    await readFiles(ch, o, r, card, plan.readFace, requested, step);
    timings.read_ms = o.now() - tr;
  } catch (e) {
    f.errors.push(
      reportPassportError(
        e instanceof Error && e.name === 'DerError' ? new PassportError('malformed_data', e.message) : e,
      ),
    );
  }

  // Offline verification (no APDUs).
  const vs = o.now();
  step('verify');
  const { mrz, face } = decodeDataGroups(r, card, f);
  if (r.caBroken) {
    f.checks.push(
      failCheck(
        'passport.chip_authenticity',
        `Chip Authentication failed: ${r.caBroken}: a copy of the chip, not the genuine one`,
      ),
    );
  }
  if (r.sod && mrz) {
    const verified = checkPassiveAuthentication(r, r.sod, mrz, o, plan.readFace, f);
    if (!r.caBroken) checkChipAuthenticity(r, card, verified, o.crypto, f);
    checkMrz(mrz, o, f);
  }
  const attributes: PassportAttributes =
    f.errors.length === 0 && mrz ? projectAttributes(mrz, face, plan.shows, o.at, f.checks) : {};
  timings.verify_ms = o.now() - vs;
  timings.total_ms = o.now() - t0;

  const verdict = decideVerdict(f.checks, f.errors, f.staffConfirm);
  const onlyUnderAge = failedOnAgeAlone(f.checks, f.errors.length);
  return {
    verdict,
    card,
    // Fail closed on display: values only for valid or unverified reads (staff confirm the latter);
    // the plain "not over 20" answer when that is the only failure.
    attributes: verdict !== 'invalid' ? attributes : onlyUnderAge ? { age_over_20: false } : {},
    photo: verdict !== 'invalid' ? face : null,
    checks: f.checks,
    warnings: f.warnings,
    errors: f.errors,
    staffConfirm: verdict === 'unverified' ? f.staffConfirm : [],
    apdus: { ...ch.stats },
    timings,
    requested,
    signerKeyIds: f.signerKeyIds,
  };
}

/**
 * The files after access control (App. J): EF.COM, EF.SOD, DG14/DG15, chip authenticity, then DG1
 * and (when the policy shows the face) DG2. Chip authenticity runs before the personal data, so DG1
 * and DG2 are read under the Chip Authentication keys: a copied chip cannot continue secure
 * messaging and never delivers them.
 */
async function readFiles(
  ch: PassportChannel,
  o: ReadPassportOptions,
  r: Read,
  card: PassportReadResult['card'],
  readFace: boolean,
  requested: string[],
  step: (s: string) => void,
): Promise<void> {
  const read = async (file: typeof DG1) => {
    const b = await ch.readFile(file);
    if (b) requested.push(file.name);
    return b;
  };
  step('read_security_objects');
  const com = await read(EF_COM);
  const comGroups = com ? safe(() => parseEfCom(com).dataGroups, [] as number[]) : [];
  const sodBytes = await read(EF_SOD);
  if (!sodBytes) throw new PassportError('file_missing', 'EF.SOD is missing');
  const sod = parseSod(sodBytes);
  r.sod = sod;
  const listed = (dg: number) => sod.lso.hashes.has(dg) || comGroups.includes(dg);
  if (listed(14)) {
    r.dg14 = await read(DG14);
    if (r.dg14) r.dg14Infos = parseSecurityInfos(r.dg14.subarray(headerLength(r.dg14)), 'DG14');
  }
  if (listed(15)) r.dg15 = await read(DG15);

  step('chip_authenticity');
  r.ca = r.dg14Infos ? planChipAuthentication(r.dg14Infos) : null;
  if (r.ca) {
    card.chipAuthenticity = 'chip_authentication';
    try {
      await performChipAuthentication(ch, r.ca, o.crypto);
    } catch (e) {
      r.caBroken = errorText(e);
    }
  } else if (r.dg15) {
    card.chipAuthenticity = 'active_authentication';
    r.aa = await performActiveAuthentication(ch, o.crypto);
  } else card.chipAuthenticity = 'not_supported';

  step('read_data_groups');
  try {
    r.dg1 = await read(DG1);
    if (r.ca && !r.caBroken) r.caDone = true;
  } catch (e) {
    if (r.ca && !r.caBroken && e instanceof PassportError && e.code === 'secure_messaging') {
      r.caBroken = `the chip could not continue secure messaging under the Chip Authentication keys (${e.detail})`;
    } else throw e;
  }
  if (!r.caBroken) {
    if (!r.dg1) throw new PassportError('file_missing', 'DG1 is missing');
    if (readFace) r.dg2 = await read(DG2);
  }
}

/** DG1's MRZ (an error when unreadable) and DG2's face (a failed check when it does not decode). */
function decodeDataGroups(
  r: Read,
  card: PassportReadResult['card'],
  f: Findings,
): { mrz: ParsedMrz | null; face: FaceImage | null } {
  let mrz: ParsedMrz | null = null;
  let face: FaceImage | null = null;
  if (r.dg1) {
    try {
      mrz = parseDg1(r.dg1);
      card.issuingState = displayMrzCode(mrz.issuingState);
      card.documentCode = mrz.documentCode.replace(/<+$/, '');
    } catch (e) {
      f.errors.push(reportPassportError(e));
    }
  }
  if (r.dg2) {
    try {
      face = parseDg2(r.dg2);
    } catch (e) {
      f.checks.push(failCheck('passport.photo_decodes', errorText(e)));
    }
  }
  return { mrz, face };
}

/** Passive authentication (9303-11 §5.1, core/passport/passive-authentication.ts); returns the data groups whose hash the SOD vouched for. */
function checkPassiveAuthentication(
  r: Read,
  sod: Sod,
  mrz: ParsedMrz,
  o: ReadPassportOptions,
  readFace: boolean,
  f: Findings,
): ReadonlySet<number> {
  const dataGroups = new Map<HashedDataGroup, Uint8Array>([[1, r.dg1!]]);
  if (r.dg2) dataGroups.set(2, r.dg2);
  if (r.dg14) dataGroups.set(14, r.dg14);
  if (r.dg15) dataGroups.set(15, r.dg15);
  const pa = passiveAuthentication({
    sod,
    dataGroups,
    issuingState: mrz.issuingState,
    cscas: o.trust.cscas,
    crypto: o.crypto,
    at: o.at,
  });
  f.checks.push(...pa.checks);
  if (pa.cscaMissing) {
    f.staffConfirm.push('csca_not_installed');
    f.warnings.push({ code: 'csca_not_installed', detail: pa.cscaMissing });
  }
  if (pa.ds?.subjectKeyIdentifier) f.signerKeyIds.push(toHex(pa.ds.subjectKeyIdentifier));
  if (pa.csca) f.signerKeyIds.push(pa.csca.fingerprint);
  if (sod.lso.hashes.has(2) && !r.dg2 && readFace)
    f.checks.push(failCheck('passport.dg2_hash', 'DG2 is listed in the SOD but was not delivered'));
  return pa.verified;
}

/** Chip authenticity (9303-11 §6): only with a key the SOD vouched for (`verified` data groups). */
function checkChipAuthenticity(
  r: Read,
  card: PassportReadResult['card'],
  verified: ReadonlySet<number>,
  crypto: CryptoProvider,
  f: Findings,
): void {
  const bad = (detail: string) => f.checks.push(failCheck('passport.chip_authenticity', detail));
  if (r.ca) {
    if (!verified.has(14)) bad('not trusted: DG14 (the Chip Authentication key) does not match the SOD');
    else if (!r.caDone) bad('Chip Authentication did not complete');
    else
      f.checks.push(
        passCheck(
          'passport.chip_authenticity',
          `Chip Authentication (${r.ca.info.suite.cipher}, ${r.ca.key.curve}): the chip continued secure messaging under keys only its private key could derive`,
        ),
      );
  } else if (r.aa) {
    if (!verified.has(15)) return void bad('not trusted: DG15 (the Active Authentication key) does not match the SOD');
    if (!r.aa.signature) return void bad(`INTERNAL AUTHENTICATE answered ${r.aa.sw.toString(16)}`);
    let v: ReturnType<typeof verifyActiveAuthentication>;
    try {
      v = verifyActiveAuthentication(
        parseDg15(r.dg15!),
        r.dg14Infos?.activeAuthentication,
        r.aa.nonce,
        r.aa.signature,
        crypto,
      );
    } catch (e) {
      v = { ok: false, reason: `DG15: ${errorText(e)}` };
    }
    if (v.ok) f.checks.push(passCheck('passport.chip_authenticity', v.detail));
    else bad(`${v.reason}: a copy of the chip, not the genuine one`);
  } else if (card.chipAuthenticity === 'not_supported') {
    // ICAO makes AA and CA optional (§6): the document offers neither, so a copy cannot be ruled
    // out by the chip. Reported as such, apart from "failed"; staff compare the data page.
    f.checks.push(
      passCheck(
        'passport.chip_authenticity',
        'not supported by this document (no DG14 / DG15): a copied chip cannot be ruled out electronically',
      ),
    );
    f.warnings.push({
      code: 'chip_authenticity_not_supported',
      detail: 'the document offers neither Chip nor Active Authentication',
    });
  }
}

/** The MRZ itself, its agreement with what opened the chip (§6.1.6 step 1; Table 1 "comparison of MRZ"), and the expiry. */
function checkMrz(mrz: ParsedMrz, o: ReadPassportOptions, f: Findings): void {
  const badDigits = mrz.checkDigits.filter((c) => !c.ok).map((c) => c.field);
  f.checks.push(
    badDigits.length
      ? failCheck('passport.mrz_check_digits', `wrong check digit(s): ${badDigits.join(', ')}`)
      : passCheck('passport.mrz_check_digits'),
  );
  if (o.access.kind === 'mrz') {
    const k = o.access.key;
    const same =
      mrz.documentNumber === k.documentNumber && mrz.birthDate === k.birthDate && mrz.expiryDate === k.expiryDate;
    f.checks.push(
      same
        ? passCheck('passport.mrz_matches_entry')
        : failCheck(
            'passport.mrz_matches_entry',
            'DG1 differs from the document number / birth date / expiry that opened the chip',
          ),
    );
  }
  const exp = resolveExpiryDate(mrz.expiryDate);
  const today = japanDate(o.at);
  if (!exp || exp.month === null || exp.day === null)
    f.checks.push(failCheck('passport.expiry', 'the expiry date in DG1 is not a full date'));
  else {
    const expired = today.year * 10000 + today.month * 100 + today.day > exp.year * 10000 + exp.month * 100 + exp.day;
    f.checks.push(
      expired
        ? failCheck('passport.expiry', `the document expired on ${exp.iso}`)
        : passCheck('passport.expiry', `valid until ${exp.iso}`),
    );
  }
  if (alpha2ForMrzCode(mrz.issuingState) === null)
    f.warnings.push({
      code: 'issuing_state_unknown',
      detail: `issuing state ${displayMrzCode(mrz.issuingState)} has no ISO 3166 country`,
    });
}

/** Only the policy's attributes (core/passport/policy.ts); the age check adds its own check. */
function projectAttributes(
  mrz: ParsedMrz,
  face: FaceImage | null,
  shows: ReturnType<typeof planFor>['shows'],
  at: Date,
  checks: PassportCheck[],
): PassportAttributes {
  const attributes: PassportAttributes = {};
  const birth = resolveBirthDate(mrz.birthDate, at);
  for (const a of shows) {
    switch (a) {
      case 'age_over_20': {
        // Unknown month/day ('<<'): the latest possible date, so an unknown part never makes anyone older.
        const over = birth
          ? isAtLeast(
              {
                year: birth.year,
                month: birth.month ?? 12,
                day: birth.day ?? (birth.month ? daysIn(birth.year, birth.month) : 31),
              },
              20,
              at,
            )
          : false;
        attributes.age_over_20 = over;
        checks.push(
          over
            ? passCheck('policy.age_over_20', birth!.why)
            : failCheck(
                'policy.age_over_20',
                birth
                  ? `the holder is under 20 at the time of the check (${birth.why})`
                  : 'the birth date in DG1 is unreadable',
              ),
        );
        break;
      }
      case 'name':
        attributes.name = [mrz.surname, mrz.givenNames].filter(Boolean).join(' ');
        break;
      case 'birth_date':
        if (birth) attributes.birth_date = birth.iso;
        break;
      case 'sex':
        attributes.sex = mrz.sex === 'M' ? 'male' : mrz.sex === 'F' ? 'female' : 'unspecified';
        break;
      case 'nationality':
        attributes.nationality = displayMrzCode(mrz.nationality);
        break;
      case 'document_number':
        attributes.document_number = mrz.documentNumber;
        break;
      case 'expiry_date': {
        const e = resolveExpiryDate(mrz.expiryDate);
        if (e) attributes.expiry_date = e.iso;
        break;
      }
      case 'portrait':
        attributes.portrait = face ? face.image : null;
        break;
      default: {
        const never: never = a;
        throw new Error(`unhandled attribute ${String(never)}`);
      }
    }
  }
  return attributes;
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** Tag + length octets of a BER-TLV object (DG14's value starts after them). */
function headerLength(b: Uint8Array): number {
  const l = b[1]!;
  return l < 0x80 ? 2 : 2 + (l & 0x7f);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
