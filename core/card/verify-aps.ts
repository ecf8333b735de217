// Offline verification of what read-aps.ts read, one AP at a time (docs/card-and-mdoc-facts.md
// "Verification order"), built from the signature checks of verify.ts. No APDU is sent here. Each
// function returns its checks in a fixed order; the key ids of the J-LIS signers are kept for the
// audit entry (ids, never values).
import type { CryptoProvider } from '../crypto/provider.ts';
import { errorText } from '../errors.ts';
import { japanDate } from './age.ts';
import { birthDateDigits, isoDate, parseCheckNumberB } from './check-number-b.ts';
import { failCheck, passCheck, type CardCheck } from './codes.ts';
import { keyIdHex } from './cvc.ts';
import { verifyJpkiAuth, type JpkiTrust } from './jpki-ap.ts';
import { parseJp2, type Jp2Info } from './jp2.ts';
import type { BirthDateRead, CardReads, FaceApRead, TextApRead, Unlock } from './read-aps.ts';
import {
  verifyBirthDateRecord,
  verifyCardFace,
  verifyChipAuthentication,
  verifyCvc,
  verifyTextAttributes,
  verifyTextChipKey,
  type CardTrust,
} from './verify.ts';

export interface ReadsVerified {
  checks: CardCheck[];
  /** The J-LIS signer key ids of the CVCs read, in AP order (hex). */
  signerKeyIds: string[];
  /** The face photo's description, when the card face was read and its photo decodes. */
  photo: Jp2Info | null;
}

export interface VerifyContext {
  unlock: Unlock;
  trust: CardTrust & Partial<JpkiTrust>;
  crypto: CryptoProvider;
  /** The time of the check (expiry, certificate validity). */
  at: Date;
}

/** Every AP that was read, in the order text AP, card face, birth-date record, both APs, JPKI. */
export function verifyReads(reads: CardReads, x: VerifyContext): ReadsVerified {
  const out: ReadsVerified = { checks: [], signerKeyIds: [], photo: null };
  if (reads.text) {
    out.signerKeyIds.push(keyIdHex(reads.text.cvc.signerKeyId));
    out.checks.push(...verifyTextAp(reads.text, x));
  }
  if (reads.face) {
    out.signerKeyIds.push(keyIdHex(reads.face.cvc.signerKeyId));
    const face = verifyCardFaceAp(reads.face, x);
    out.checks.push(...face.checks);
    out.photo = face.photo;
  }
  if (reads.birthDate) {
    out.signerKeyIds.push(keyIdHex(reads.birthDate.cvc.signerKeyId));
    out.checks.push(...verifyBirthDateAp(reads.birthDate, x));
  }
  if (reads.text && reads.face) out.checks.push(...crossApChecks(reads.text, reads.face));
  if (reads.jpki)
    out.checks.push(...verifyJpkiAuth(reads.jpki, { jpkiRoots: x.trust.jpkiRoots ?? [] }, x.crypto, x.at));
  return out;
}

/** Text AP: CVC, attributes hash and signature, chip key, chip authentication. */
export function verifyTextAp(text: TextApRead, x: VerifyContext): CardCheck[] {
  const cvc = verifyCvc('text_ap', text.cvc, x.trust, x.crypto);
  const chipKey = verifyTextChipKey(text.chipKey, cvc.key, x.crypto);
  return [
    ...cvc.checks,
    ...verifyTextAttributes(text.attrs, text.integrity, cvc.key, x.crypto),
    chipKey.check,
    verifyChipAuthentication('text_ap', chipKey.chipKey, text.nonce, text.auth, x.crypto),
  ];
}

/** Card-face AP EF 0002: CVC, DF28, chip authentication, expiry, and whether the photo decodes. */
export function verifyCardFaceAp(face: FaceApRead, x: VerifyContext): { checks: CardCheck[]; photo: Jp2Info | null } {
  const cvc = verifyCvc('card_face', face.cvc, x.trust, x.crypto);
  const signed = verifyCardFace(face.face, cvc.key, x.crypto);
  const checks = [
    ...cvc.checks,
    signed.check,
    verifyChipAuthentication('card_face', signed.chipKey, face.nonce, face.auth, x.crypto),
    expiryCheck(face, x),
  ];
  try {
    return { checks, photo: parseJp2(face.face.photo) };
  } catch (e) {
    return { checks: [...checks, failCheck('card_face.photo_decodes', errorText(e))], photo: null };
  }
}

/** DF29 is unsigned; the expiry year inside 照合番号B was verified by the chip, so both must agree. */
function expiryCheck(face: FaceApRead, x: VerifyContext): CardCheck {
  const typedYear = x.unlock.kind === 'check_number_b' ? parseCheckNumberB(x.unlock.digits)?.expiryYear : undefined;
  const exp = face.face.expiry;
  const today = japanDate(x.at);
  const expired = today.year * 10000 + today.month * 100 + today.day > exp.year * 10000 + exp.month * 100 + exp.day;
  if (typedYear !== exp.year)
    return failCheck('card_face.expiry', 'the expiry date on the chip does not match the expiry year in 照合番号B');
  if (expired) return failCheck('card_face.expiry', `the card expired on ${isoDate(exp)}`);
  return passCheck('card_face.expiry', `valid until ${isoDate(exp)}`);
}

/** Card-face AP EF 0001: CVC, DF13, chip authentication, and the signed date is the one typed. */
export function verifyBirthDateAp(rec: BirthDateRead, x: VerifyContext): CardCheck[] {
  const cvc = verifyCvc('card_face', rec.cvc, x.trust, x.crypto);
  const signed = verifyBirthDateRecord(rec.record, cvc.key, x.crypto);
  // The chip accepted the typed digits as its key; the signed DF11 must be that same date (in the era
  // or the Gregorian form), or the record does not belong to the card that was unlocked.
  const form = (f: 'era' | 'gregorian') => {
    try {
      return birthDateDigits(rec.record.birthDate, f);
    } catch {
      return null; // a date before the Meiji era cannot be any card's key
    }
  };
  const typed = x.unlock.digits;
  const same = typed === form('era') || typed === form('gregorian');
  return [
    ...cvc.checks,
    signed.check,
    verifyChipAuthentication('card_face', signed.chipKey, rec.nonce, rec.auth, x.crypto),
    same
      ? passCheck('card_face.birth_date_match')
      : failCheck('card_face.birth_date_match', 'the signed birth date is not the one that unlocked the card'),
  ];
}

/** Both APs read: they must describe the same person, or the files come from different cards. */
export function crossApChecks(text: TextApRead, face: FaceApRead): CardCheck[] {
  return [
    text.attrs.birthDateRaw === face.face.birthDateRaw
      ? passCheck('cross_ap.birth_date_match')
      : failCheck('cross_ap.birth_date_match', 'the two APs disagree on the birth date: files from different cards'),
    text.attrs.sexRaw === face.face.sexRaw
      ? passCheck('cross_ap.sex_match')
      : failCheck('cross_ap.sex_match', 'the two APs disagree on the sex: files from different cards'),
  ];
}
