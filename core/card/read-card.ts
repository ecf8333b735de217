// One card transaction over an abstract APDU channel: unlock, read exactly the policy's files,
// prove the chip, verify every signature offline, and answer with only the policy's attributes.
// Fail closed: 'valid' only when every check ran and passed and no error stopped the read.
import type { Check } from '../check.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import type { PolicyName } from '../policy/policy.ts';
import { isAtLeast, japanDate } from './age.ts';
import { CardChannel, selectAid, selectEf, sign, type ApduStats } from './apdu.ts';
import { parseCardFace, type CardFace } from './card-face-ap-face.ts';
import { asciiDigits, birthDateDigits, parseBirthDateKey, parseCheckNumberB, type YMD } from './check-number-b.ts';
import { parseBirthDateRecord, type BirthDateRecord } from './card-face-ap-birth-date.ts';
import { CardError, reportError, type CardErrorReport } from './codes.ts';
import { keyIdHex, parseCvc, type Cvc } from './cvc.ts';
import { sha256DigestInfo } from './digest-info.ts';
import { readJpkiAuth, verifyJpkiAuth, type JpkiRead, type JpkiTrust } from './jpki-ap.ts';
import { parseJp2, type Jp2Info } from './jp2.ts';
import { verifyWithPinSafety, type PinVerifyReport } from './pin-safety.ts';
import { planFor, type CardAttributes, type UnlockKind } from './policy.ts';
import { GEN1, toHex, type CardGeneration, type CardProfile } from './profile.ts';
import { parseBasicAttributes, type BasicAttributes } from './text-ap-basic-attributes.ts';
import { parseChipKeyRecord, type ChipKeyRecord } from './text-ap-chip-key.ts';
import { parseIntegrityRecord, type IntegrityRecord } from './text-ap-integrity.ts';
import { verifyBirthDateRecord, verifyCardFace, verifyChipAuthentication, verifyCvc, verifyTextAttributes, verifyTextChipKey, type CardTrust } from './verify.ts';

/**
 * What the holder or staff typed: 照合番号B (14 digits), the 4-digit PIN, or the 6-digit birth date
 * that opens the card-face AP's birth-date record (age-over-20 only).
 */
export type Unlock = { kind: 'check_number_b'; digits: string } | { kind: 'pin'; digits: string } | { kind: 'birth_date'; digits: string };

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
  checks: Check[];
  errors: CardErrorReport[];
  apdus: ApduStats;
  timings: Record<string, number>;
  /** For the audit entry: which files were read and which issuer keys signed (ids, never values). */
  requested: string[];
  signerKeyIds: string[];
  pins: PinVerifyReport[];
}

interface TextApRead {
  attrs: BasicAttributes;
  integrity: IntegrityRecord;
  cvc: Cvc;
  chipKey: ChipKeyRecord;
  nonce: Uint8Array;
  auth: Uint8Array | null;
}
interface BirthDateRead {
  record: BirthDateRecord;
  cvc: Cvc;
  nonce: Uint8Array;
  auth: Uint8Array | null;
}
interface FaceApRead {
  face: CardFace;
  cvc: Cvc;
  nonce: Uint8Array;
  auth: Uint8Array | null;
}

const isoDate = (d: YMD) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

async function selectAp(ch: CardChannel, aid: Uint8Array, name: string): Promise<void> {
  const r = await ch.send(selectAid(aid));
  if (r.sw === 0x6a82 || r.sw === 0x6a86 || r.sw === 0x6d00 || r.sw === 0x6e00) throw new CardError('not_my_number_card', `${name} (${toHex(aid)}) did not select: ${r.sw.toString(16)}`);
  if (r.sw !== 0x9000) throw new CardError('unexpected_status', `SELECT ${name} answered ${r.sw.toString(16)}`);
}

/** Internal authentication: `80 2A 00 00 <DigestInfo(SHA-256(nonce))> 00`, no credential (spec). */
async function internalAuthenticate(ch: CardChannel, crypto: CryptoProvider): Promise<{ nonce: Uint8Array; auth: Uint8Array | null }> {
  const nonce = crypto.randomBytes(32);
  const r = await ch.send(sign(0x00, sha256DigestInfo(crypto.digest('SHA-256', nonce))));
  return { nonce, auth: r.sw === 0x9000 ? r.data : null };
}

export async function readMyNumberCard(o: ReadCardOptions): Promise<CardReadResult> {
  const profile = o.profile ?? GEN1;
  const ch = o.channel;
  const t0 = o.now();
  const timings: Record<string, number> = {};
  const checks: Check[] = [];
  const errors: CardErrorReport[] = [];
  const requested: string[] = [];
  const pins: PinVerifyReport[] = [];
  const plan = planFor(o.policy, o.unlock.kind) ?? { textAp: false, cardFaceAp: false, birthDateRecord: false, shows: [] };
  let generation: CardGeneration | null = null;
  let text: TextApRead | null = null;
  let face: FaceApRead | null = null;
  let birthRec: BirthDateRead | null = null;
  let jpki: JpkiRead | null = null;
  const step = (s: string) => o.onStep?.(s);

  try {
    // Validate typed secrets before any APDU: a typo that cannot be right costs no try.
    if (o.unlock.kind === 'pin' && !/^\d{4}$/.test(o.unlock.digits)) throw new CardError('pin_format');
    if (o.unlock.kind === 'check_number_b' && !parseCheckNumberB(o.unlock.digits)) throw new CardError('check_number_b_format');
    if (o.unlock.kind === 'birth_date' && !parseBirthDateKey(o.unlock.digits)) throw new CardError('birth_date_format');
    if (!planFor(o.policy, o.unlock.kind)) throw new CardError('unlock_not_for_policy', `${o.unlock.kind} cannot answer ${o.policy}`);
    if (o.jpkiPin !== undefined && !/^\d{4}$/.test(o.jpkiPin)) throw new CardError('pin_format', 'JPKI auth PIN is 4 digits');

    if (plan.textAp) {
      const ts = o.now();
      step('text_ap');
      const t = profile.textAp;
      await selectAp(ch, t.aid, '券面事項入力補助AP');
      generation = profile.generation;
      const pinEf = o.unlock.kind === 'pin' ? t.ef.pin : t.ef.checkNumberB;
      pins.push(await verifyWithPinSafety(ch, pinEf, asciiDigits(o.unlock.digits), o.unlock.kind));
      const read = async (fid: number, name: string) => {
        await ch.expectOk(selectEf(fid), `SELECT ${name}`);
        requested.push(name);
        return ch.readObject(name);
      };
      const attrs = parseBasicAttributes(await read(t.ef.basicAttributes, 'text_ap/EF0002'));
      const integrity = parseIntegrityRecord(await read(t.ef.integrity, 'text_ap/EF0003'));
      const cvc = parseCvc(await read(t.ef.cvc, 'text_ap/EF0004'), 'text AP EF 0004');
      const chipKey = parseChipKeyRecord(await read(t.ef.chipKey, 'text_ap/EF0007'));
      const ia = await internalAuthenticate(ch, o.crypto);
      text = { attrs, integrity, cvc, chipKey, ...ia };
      timings.text_ap_ms = o.now() - ts;
    }
    if (plan.cardFaceAp) {
      const ts = o.now();
      step('card_face_ap');
      const f = profile.cardFaceAp;
      await selectAp(ch, f.aid, '券面AP');
      generation = profile.generation;
      // Only 照合番号B opens the card-face EF 0002 (plan never asks for it on the PIN path).
      pins.push(await verifyWithPinSafety(ch, f.ef.checkNumberB, asciiDigits(o.unlock.digits), 'check_number_b'));
      await ch.expectOk(selectEf(f.ef.face), 'SELECT card_face/EF0002');
      requested.push('card_face/EF0002');
      const faceRec = parseCardFace(await ch.readObject('card_face/EF0002'));
      await ch.expectOk(selectEf(f.ef.cvc), 'SELECT card_face/EF0004');
      requested.push('card_face/EF0004');
      const cvc = parseCvc(await ch.readObject('card_face/EF0004'), 'card-face AP EF 0004');
      const ia = await internalAuthenticate(ch, o.crypto);
      face = { face: faceRec, cvc, ...ia };
      timings.card_face_ap_ms = o.now() - ts;
    }
    if (plan.birthDateRecord) {
      const ts = o.now();
      step('card_face_ap');
      const f = profile.cardFaceAp;
      await selectAp(ch, f.aid, '券面AP');
      generation = profile.generation;
      pins.push(await verifyWithPinSafety(ch, f.ef.birthDateKey, asciiDigits(o.unlock.digits), 'birth_date'));
      await ch.expectOk(selectEf(f.ef.birthDateRecord), 'SELECT card_face/EF0001');
      requested.push('card_face/EF0001');
      const record = parseBirthDateRecord(await ch.readObject('card_face/EF0001'));
      await ch.expectOk(selectEf(f.ef.cvc), 'SELECT card_face/EF0004');
      requested.push('card_face/EF0004');
      const cvc = parseCvc(await ch.readObject('card_face/EF0004'), 'card-face AP EF 0004');
      const ia = await internalAuthenticate(ch, o.crypto);
      birthRec = { record, cvc, ...ia };
      timings.card_face_ap_ms = o.now() - ts;
    }
    if (o.jpkiPin !== undefined) {
      const ts = o.now();
      step('jpki_ap');
      jpki = await readJpkiAuth(ch, profile, o.jpkiPin, o.crypto);
      requested.push('jpki/EF000A');
      timings.jpki_ap_ms = o.now() - ts;
    }
  } catch (e) {
    errors.push(reportError(e instanceof CardError ? e : new CardError('transport_error', e instanceof Error ? e.message : String(e))));
  }

  // ---- offline verification (no APDUs) ----
  const vs = o.now();
  step('verify');
  const signerKeyIds: string[] = [];
  if (text) {
    signerKeyIds.push(keyIdHex(text.cvc.signerKeyId));
    const cvc = verifyCvc('text_ap', text.cvc, o.trust, o.crypto);
    checks.push(...cvc.checks);
    checks.push(...verifyTextAttributes(text.attrs, text.integrity, cvc.key, o.crypto));
    const ck = verifyTextChipKey(text.chipKey, cvc.key, o.crypto);
    checks.push(ck.check);
    checks.push(verifyChipAuthentication('text_ap', ck.chipKey, text.nonce, text.auth, o.crypto));
  }
  let photo: Jp2Info | null = null;
  if (face) {
    signerKeyIds.push(keyIdHex(face.cvc.signerKeyId));
    const cvc = verifyCvc('card_face', face.cvc, o.trust, o.crypto);
    checks.push(...cvc.checks);
    const fs = verifyCardFace(face.face, cvc.key, o.crypto);
    checks.push(fs.check);
    checks.push(verifyChipAuthentication('card_face', fs.chipKey, face.nonce, face.auth, o.crypto));
    // DF29 is unsigned; the expiry year inside 照合番号B was verified by the chip, so require both to agree.
    const typedYear = o.unlock.kind === 'check_number_b' ? parseCheckNumberB(o.unlock.digits)?.expiryYear : undefined;
    const exp = face.face.expiry;
    const today = japanDate(o.at);
    const expired = today.year * 10000 + today.month * 100 + today.day > exp.year * 10000 + exp.month * 100 + exp.day;
    if (typedYear !== exp.year) checks.push({ code: 'card_face.expiry', ok: false, detail: 'the expiry date on the chip does not match the expiry year in 照合番号B' });
    else if (expired) checks.push({ code: 'card_face.expiry', ok: false, detail: `the card expired on ${isoDate(exp)}` });
    else checks.push({ code: 'card_face.expiry', ok: true, detail: `valid until ${isoDate(exp)}` });
    try {
      photo = parseJp2(face.face.photo);
    } catch (e) {
      checks.push({ code: 'card_face.photo_decodes', ok: false, detail: e instanceof Error ? e.message : String(e) });
    }
  }
  if (birthRec) {
    signerKeyIds.push(keyIdHex(birthRec.cvc.signerKeyId));
    const cvc = verifyCvc('card_face', birthRec.cvc, o.trust, o.crypto);
    checks.push(...cvc.checks);
    const rs = verifyBirthDateRecord(birthRec.record, cvc.key, o.crypto);
    checks.push(rs.check);
    checks.push(verifyChipAuthentication('card_face', rs.chipKey, birthRec.nonce, birthRec.auth, o.crypto));
    // The chip accepted the typed digits as its key; the signed DF11 must be that same date (in the era
    // or the Gregorian form), or the record does not belong to the card that was unlocked.
    const b = birthRec.record.birthDate;
    const typed = o.unlock.digits;
    const form = (f: 'era' | 'gregorian') => {
      try {
        return birthDateDigits(b, f);
      } catch {
        return null; // a date before the Meiji era cannot be any card's key
      }
    };
    const same = typed === form('era') || typed === form('gregorian');
    checks.push(same ? { code: 'card_face.birth_date_match', ok: true } : { code: 'card_face.birth_date_match', ok: false, detail: 'the signed birth date is not the one that unlocked the card' });
  }
  if (text && face) {
    checks.push(text.attrs.birthDateRaw === face.face.birthDateRaw ? { code: 'cross_ap.birth_date_match', ok: true } : { code: 'cross_ap.birth_date_match', ok: false, detail: 'the two APs disagree on the birth date: files from different cards' });
    checks.push(text.attrs.sexRaw === face.face.sexRaw ? { code: 'cross_ap.sex_match', ok: true } : { code: 'cross_ap.sex_match', ok: false, detail: 'the two APs disagree on the sex: files from different cards' });
  }
  if (jpki) checks.push(...verifyJpkiAuth(jpki, { jpkiRoots: o.trust.jpkiRoots ?? [] }, o.crypto, o.at));

  // ---- policy: only the requested attributes, only from what was read ----
  const attributes: CardAttributes = {};
  const birth = text?.attrs.birthDate ?? face?.face.birthDate ?? birthRec?.record.birthDate;
  if (errors.length === 0 && (text || face || birthRec)) {
    if (o.unlock.kind === 'birth_date') checks.push({ code: 'holder.bound', ok: true, detail: 'staff compare the holder with the photo printed on the card (no photo is read on the birth-date path)' });
    else if (o.unlock.kind === 'pin') checks.push({ code: 'holder.bound', ok: true, detail: 'the holder entered the card PIN (no photo on the PIN path)' });
    else if (plan.shows.includes('portrait')) checks.push(face ? { code: 'holder.bound', ok: true, detail: 'face photo for staff comparison' } : { code: 'holder.bound', ok: false, detail: 'no face photo read' });
    for (const a of plan.shows) {
      switch (a) {
        case 'age_over_20': {
          const over = birth ? isAtLeast(birth, 20, o.at) : false;
          attributes.age_over_20 = over;
          checks.push(over ? { code: 'policy.age_over_20', ok: true } : { code: 'policy.age_over_20', ok: false, detail: 'the holder is under 20 at the time of the check' });
          break;
        }
        case 'name':
          if (text) attributes.name = text.attrs.name;
          break;
        case 'address':
          if (text) attributes.address = text.attrs.address;
          break;
        case 'birth_date':
          if (birth) attributes.birth_date = isoDate(birth);
          break;
        case 'sex':
          if (text) attributes.sex = text.attrs.sex;
          else if (face) attributes.sex = face.face.sex;
          break;
        case 'portrait':
          attributes.portrait = face ? face.face.photo : null;
          break;
        default: {
          const never: never = a;
          throw new Error(`unhandled attribute ${String(never)}`);
        }
      }
    }
  }
  timings.verify_ms = o.now() - vs;
  timings.total_ms = o.now() - t0;
  const valid = errors.length === 0 && checks.length > 0 && checks.every((c) => c.ok);
  return {
    verdict: valid ? 'valid' : 'invalid',
    card: { type: 'mynumber-card', generation },
    // Fail closed on display too: an invalid read shows no attribute values, except the plain
    // "not over 20" answer when that is the only failure (everything else verified).
    attributes: valid ? attributes : onlyUnderAge(checks, errors) ? { age_over_20: false } : {},
    photo: valid ? photo : null,
    checks,
    errors,
    apdus: { ...ch.stats },
    timings,
    requested,
    signerKeyIds,
    pins,
  };
}

function onlyUnderAge(checks: readonly Check[], errors: readonly CardErrorReport[]): boolean {
  const failed = checks.filter((c) => !c.ok);
  return errors.length === 0 && failed.length === 1 && failed[0]!.code === 'policy.age_over_20';
}
