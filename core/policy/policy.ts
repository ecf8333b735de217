// The operator's policies: what a transaction asks for and what the screen may show.
// One name per counter mode; readers map a policy to their own request (mdoc elements, card files).
export const POLICY_NAMES = ['age-over-20', 'identity', 'entrance'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export function isPolicyName(s: string): s is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(s);
}

/**
 * Abstract attributes a policy may show. Each reader maps these to its credential's fields:
 * mdoc element identifiers (core/mdoc/request-policy.ts) or card TLVs (core/card/policy.ts).
 * The individual number (個人番号) is deliberately absent: no policy can ask for it (My Number Act
 * art. 15, 19, 20).
 */
export type Attribute = 'age_over_20' | 'name' | 'address' | 'birth_date' | 'sex' | 'portrait';

export interface Policy {
  name: PolicyName;
  /** What the verdict screen shows besides VALID / INVALID. */
  shows: readonly Attribute[];
  /** Whether the credential may be retained by the reader (ISO 18013-5 intentToRetain). Always false here. */
  intentToRetain: false;
  labelJa: string;
  labelEn: string;
}

export const POLICIES: Record<PolicyName, Policy> = {
  // Convenience-store age check: the verdict, plus the photo so staff can compare faces.
  // The birth date itself is never shown: it answers the age question only.
  'age-over-20': {
    name: 'age-over-20',
    shows: ['age_over_20', 'portrait'],
    intentToRetain: false,
    labelJa: '年齢確認（20歳以上）',
    labelEn: 'Age check (20+)',
  },
  identity: {
    name: 'identity',
    shows: ['name', 'address', 'birth_date', 'sex', 'portrait'],
    intentToRetain: false,
    labelJa: '本人確認',
    labelEn: 'Identity check',
  },
  entrance: {
    name: 'entrance',
    shows: ['name', 'portrait'],
    intentToRetain: false,
    labelJa: '入場確認',
    labelEn: 'Entrance check',
  },
};
