// Policy -> mdoc elements: the fewest elements each policy needs, per docType and namespace.
// core/policy/policy.ts says what a policy shows (abstract attributes); this maps each attribute to
// element identifiers. The response is filtered to these same elements before anything is shown
// (ISO 18013-5 §9.1.3; docs/card-and-mdoc-facts.md "What the verifier checks" item 7).
import { POLICIES, type Attribute, type PolicyName } from '../../policy/policy.ts';
import { DOCTYPE_MDL, DOCTYPE_MNC, NS_23220, NS_23220_JP, NS_MDL, type SupportedDocType } from './doc-types.ts';
import { assertRequestable } from './requestable-elements.ts';

export interface ElementRef {
  namespace: string;
  element: string;
}

/** Attribute -> elements, per docType. Several elements may serve one attribute (name = family + given). */
const ATTRIBUTE_ELEMENTS: Record<SupportedDocType, Record<Attribute, ElementRef[]>> = {
  [DOCTYPE_MNC]: {
    age_over_20: [{ namespace: NS_23220, element: 'age_over_20' }],
    name: [{ namespace: NS_23220_JP, element: 'full_name_unicode' }],
    address: [{ namespace: NS_23220_JP, element: 'resident_address_unicode' }],
    birth_date: [{ namespace: NS_23220, element: 'birth_date' }],
    sex: [{ namespace: NS_23220, element: 'sex' }],
    portrait: [{ namespace: NS_23220_JP, element: 'portrait' }],
  },
  [DOCTYPE_MDL]: {
    age_over_20: [{ namespace: NS_MDL, element: 'age_over_20' }],
    name: [
      { namespace: NS_MDL, element: 'family_name' },
      { namespace: NS_MDL, element: 'given_name' },
    ],
    address: [{ namespace: NS_MDL, element: 'resident_address' }],
    birth_date: [{ namespace: NS_MDL, element: 'birth_date' }],
    sex: [{ namespace: NS_MDL, element: 'sex' }],
    portrait: [{ namespace: NS_MDL, element: 'portrait' }],
  },
};

/** The elements a policy requests from one docType, in a stable order. */
export function policyElements(policy: PolicyName, docType: SupportedDocType): ElementRef[] {
  const out: ElementRef[] = [];
  for (const attr of POLICIES[policy].shows) {
    for (const ref of ATTRIBUTE_ELEMENTS[docType][attr]) {
      assertRequestable(docType, ref.namespace, ref.element);
      out.push(ref);
    }
  }
  return out;
}

/** Is this (docType, namespace, element) one the policy asked for? Used to filter responses. */
export function policyAllows(policy: PolicyName, docType: string, namespace: string, element: string): boolean {
  if (docType !== DOCTYPE_MNC && docType !== DOCTYPE_MDL) return false;
  return policyElements(policy, docType).some((r) => r.namespace === namespace && r.element === element);
}
