// Operator policy (core/policy/policy.ts) -> what a passport read shows. All three policies show the
// face for staff comparison, so DG2 is always read. The chip has no address, status of residence or
// landing date: for tax-free sales (消費税免税) staff take 在留資格 and 上陸年月日 from the landing
// sticker or the Visit Japan Web code; the identity screen says so.
import type { PolicyName } from '../policy/policy.ts';

export type PassportAttribute =
  'age_over_20' | 'name' | 'birth_date' | 'sex' | 'nationality' | 'document_number' | 'expiry_date' | 'portrait';

const SHOWS: Record<PolicyName, readonly PassportAttribute[]> = {
  // The birth date decides the verdict and is not shown (as for the My Number Card).
  'age-over-20': ['age_over_20', 'portrait'],
  identity: ['name', 'nationality', 'birth_date', 'sex', 'document_number', 'expiry_date', 'portrait'],
  entrance: ['name', 'portrait'],
};

export function planFor(policy: PolicyName): { shows: readonly PassportAttribute[]; readFace: boolean } {
  const shows = SHOWS[policy];
  return { shows, readFace: shows.includes('portrait') };
}

/** Attribute values as shown: only the policy's. */
export interface PassportAttributes {
  age_over_20?: boolean;
  /** Primary and secondary identifiers from the MRZ, fillers as spaces ("ERIKSSON ANNA MARIA"). */
  name?: string;
  /** YYYY-MM-DD (YYYY-MM or YYYY when the MRZ marks parts unknown). */
  birth_date?: string;
  sex?: 'male' | 'female' | 'unspecified';
  /** Three-letter code as in the MRZ ("JPN", "D" for Germany). */
  nationality?: string;
  document_number?: string;
  expiry_date?: string;
  /** The face image (JPEG or JPEG 2000), memory only; the CLI prints a summary, never these bytes. */
  portrait?: Uint8Array | null;
}
