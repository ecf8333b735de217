// Operator policy (core/policy/policy.ts) -> which APs and files to read, and which attributes to
// show. Read the least that answers the policy (privacy and APDU count both want it):
//
// With 照合番号B:
// - age-over-20 needs the birth date (for the verdict only) and the face photo. Both are in the
//   card-face AP EF 0002 under one signature (DF28 covers DF22 birth date and DF27 photo), so the
//   text AP is not read at all;
// - identity and entrance need the name as text (the card-face AP has only a name IMAGE), so they
//   read the text AP for the four attributes and the card-face AP for the photo.
// With the 4-digit PIN (text AP only; the PIN does not open the card-face AP on a real card): the
//   attributes come from the text AP, there is no photo, and the holder is bound by knowing the PIN.
import { POLICIES, type Attribute, type PolicyName } from '../policy/policy.ts';
import { isAtLeast } from './age.ts';
import { isoDate } from './check-number-b.ts';
import { failCheck, passCheck, type CardCheck } from './codes.ts';
import type { CardReads } from './read-aps.ts';

// With the 6-digit birth date (age-over-20 only): the card-face AP's birth-date record EF 0001
//   (~300 bytes: birth date, chip key, signature). No photo, name or address leaves the card; staff
//   compare the photo printed on the card. Other policies need more than this record holds.
export type UnlockKind = 'check_number_b' | 'pin' | 'birth_date';

export interface CardReadPlan {
  textAp: boolean;
  cardFaceAp: boolean;
  /** Card-face AP EF 0001 only (the birth-date path). */
  birthDateRecord: boolean;
  shows: readonly Attribute[];
}

/** Null when the unlock cannot answer the policy (the birth date opens only the age record). */
export function planFor(policy: PolicyName, unlock: UnlockKind): CardReadPlan | null {
  const shows = POLICIES[policy].shows;
  if (unlock === 'birth_date')
    return policy === 'age-over-20'
      ? { textAp: false, cardFaceAp: false, birthDateRecord: true, shows: ['age_over_20'] }
      : null;
  if (unlock === 'pin') return { textAp: true, cardFaceAp: false, birthDateRecord: false, shows };
  const needsText = shows.some((a) => a === 'name' || a === 'address');
  const needsFace = shows.includes('portrait');
  return { textAp: needsText, cardFaceAp: needsFace || !needsText, birthDateRecord: false, shows };
}

/** Attribute values as shown (only the policy's; the birth date for age-over-20 is never here). */
export interface CardAttributes {
  age_over_20?: boolean;
  name?: string;
  address?: string;
  /** ISO date YYYY-MM-DD. */
  birth_date?: string;
  sex?: 'male' | 'female' | 'not_applicable';
  /** The JPEG 2000 photo, memory only; the CLI prints a summary, never these bytes, unless asked. */
  portrait?: Uint8Array | null;
}

/** Nothing to read (an unlock that cannot answer the policy stops before any APDU). */
export const EMPTY_PLAN: CardReadPlan = { textAp: false, cardFaceAp: false, birthDateRecord: false, shows: [] };

/**
 * The policy's answer from what was read and verified: how the holder is bound to the card, and only
 * the attributes the policy shows (the birth date answers age-over-20 without being shown). The
 * caller shows none of it unless every check passed.
 */
export function projectPolicy(
  plan: CardReadPlan,
  unlock: UnlockKind,
  reads: CardReads,
  at: Date,
): { checks: CardCheck[]; attributes: CardAttributes } {
  const { text, face, birthDate: birthRec } = reads;
  const checks: CardCheck[] = [];
  const attributes: CardAttributes = {};
  const birth = text?.attrs.birthDate ?? face?.face.birthDate ?? birthRec?.record.birthDate;
  if (unlock === 'birth_date')
    checks.push(
      passCheck(
        'holder.bound',
        'staff compare the holder with the photo printed on the card (no photo is read on the birth-date path)',
      ),
    );
  else if (unlock === 'pin')
    checks.push(passCheck('holder.bound', 'the holder entered the card PIN (no photo on the PIN path)'));
  else if (plan.shows.includes('portrait'))
    checks.push(
      face
        ? passCheck('holder.bound', 'face photo for staff comparison')
        : failCheck('holder.bound', 'no face photo read'),
    );
  for (const a of plan.shows) {
    switch (a) {
      case 'age_over_20': {
        const over = birth ? isAtLeast(birth, 20, at) : false;
        attributes.age_over_20 = over;
        checks.push(
          over
            ? passCheck('policy.age_over_20')
            : failCheck('policy.age_over_20', 'the holder is under 20 at the time of the check'),
        );
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
  return { checks, attributes };
}
