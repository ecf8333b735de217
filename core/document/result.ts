// One result shape for every card the kiosk reads (driving licence, residence card / special
// permanent resident certificate; the My Number Card maps onto it), with the third verdict:
//   valid       every check ran and passed, and the policy's facts were read as signed data;
//   unverified  every check that could run passed, but something only a person can confirm is
//               left (the issuer's anchor is not installed, or the fact is only in a signed image);
//               staff confirm the face and the card, and the audit records that;
//   invalid     a check failed or the read did not finish.
// Never 'valid' without a verified signature (decideVerdict).
import { failedOnAgeAlone, type Check } from '../check.ts';
import type { ApduStats } from '../card/apdu.ts';
import type { CardErrorReport } from '../card/codes.ts';

export type DocumentType =
  'mynumber-card' | 'driving-licence' | 'residence-card' | 'special-permanent-resident-certificate';
export type DocumentVerdict = 'valid' | 'invalid' | 'unverified';

/** An image read off the card, memory only; JSON shows only its summary. */
export interface CardImage {
  format: 'jp2' | 'j2k' | 'tiff-g4';
  bytes: Uint8Array;
}

/** Attributes as the policy shows them; images are referenced by name in `images`. */
export interface DocumentAttributes {
  age_over_20?: boolean;
  name?: string | { image: 'name_image' };
  /** Set when a text field held a character outside JIS X 0208 (gaiji): shown as 〓, never dropped. */
  name_has_gaiji?: boolean;
  birth_date?: string;
  address?: string | { image: 'address_image' };
  address_has_gaiji?: boolean;
  sex?: 'male' | 'female' | 'not_applicable';
  photo?: { image: 'photo' } | null;
  document_number?: string;
  expiry_date?: string;
  nationality?: string;
  status_of_residence?: string;
  period_of_stay?: { duration: string; until: string | null };
  work_restriction?: string;
  front_image?: { image: 'front_image' };
  address_changes?: { date: string | null; text: string; gaiji: boolean }[];
}

export interface DocumentReadResult {
  verdict: DocumentVerdict;
  /** generation: 1 / 2 for the chip generation; 'mynumber-card' for a licence read off a My Number Card (マイナ免許証). */
  card: { type: DocumentType; generation: number | 'mynumber-card' | null };
  attributes: DocumentAttributes;
  images: Partial<Record<'photo' | 'front_image' | 'name_image' | 'address_image', CardImage>>;
  checks: Check[];
  errors: CardErrorReport[];
  /** Why the verdict is 'unverified': what staff must confirm (codes). Empty otherwise. */
  staffConfirm: string[];
  apdus: ApduStats;
  timings: Record<string, number>;
  requested: string[];
  /** Issuer key identifiers (hex) of the signer that verified, for the audit. */
  signerKeyIds: string[];
  pins: { kind: string; triesBefore: number | null }[];
  /** Objects read past but not decoded (their meaning is not published): listed, never dropped silently. */
  undecoded?: { tag: string; length: number }[];
}

/**
 * What a document read's verification stages add up: checks (of the domain's code type, e.g.
 * ResidenceCardCheckCode), staff confirmations, signer identifiers.
 */
export interface DocumentFindings<C extends string> {
  checks: Check<C>[];
  staffConfirm: string[];
  signerKeyIds: string[];
}

/** Fail closed: valid needs checks, all passing, no error and nothing left for staff. */
export function decideVerdict(
  checks: readonly Check[],
  errors: readonly unknown[],
  staffConfirm: readonly string[],
): DocumentVerdict {
  if (errors.length || checks.length === 0 || checks.some((c) => !c.ok)) return 'invalid';
  return staffConfirm.length ? 'unverified' : 'valid';
}

/**
 * What the licence and residence card add to a policy's display beyond core/policy's attributes:
 * identity also shows the document number and expiry and, for residence cards, nationality, status,
 * period of stay and work restriction (issue text "Policies"); the gaiji flag goes with the name; `undecoded` (マイナ免許証: objects of
 * unpublished meaning, tag and length only) is listed wherever the licence data was read.
 */
export const DOCUMENT_EXTRA_ATTRIBUTES: Record<'age-over-20' | 'identity' | 'entrance', readonly string[]> = {
  'age-over-20': [],
  identity: [
    'document_number',
    'expiry_date',
    'nationality',
    'status_of_residence',
    'period_of_stay',
    'work_restriction',
    'address_changes',
    'gaiji',
    'undecoded',
  ],
  entrance: ['gaiji', 'undecoded'],
};

/**
 * The result as handed out, with the display rules in one place: an invalid read shows no attribute
 * and no image (except the plain "not over 20" when that is the only failure), and staffConfirm is
 * kept only for an unverified one.
 */
export function finishResult(r: Omit<DocumentReadResult, 'verdict'> & { staffConfirm: string[] }): DocumentReadResult {
  const verdict = decideVerdict(r.checks, r.errors, r.staffConfirm);
  if (verdict !== 'invalid') return { ...r, verdict, staffConfirm: verdict === 'unverified' ? r.staffConfirm : [] };
  const onlyUnderAge = failedOnAgeAlone(r.checks, r.errors.length);
  return {
    ...r,
    verdict,
    attributes: onlyUnderAge && r.attributes.age_over_20 === false ? { age_over_20: false } : {},
    images: {},
    staffConfirm: [],
  };
}
