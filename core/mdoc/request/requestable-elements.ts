// The only elements the kiosk may put in an ItemsRequest (ISO 18013-5 §8.3.2.1.2.1), per docType and
// namespace. The request encoder refuses anything else, so a new policy, a typo or a hand-built
// request cannot ask a wallet for more than this list, and never for the My Number
// (forbidden-elements.ts is checked first). Element names: ISO 18013-5 §7.2.1 (mDL) and the jp.mnc
// namespaces of ISO/IEC 23220-2 with its Japanese extension. Adding a policy element means adding it
// here too (test/mdoc-session/request.test.ts checks every policy against this list).
import { DOCTYPE_MDL, DOCTYPE_MNC, NS_23220, NS_23220_JP, NS_MDL } from './doc-types.ts';
import { assertNotForbidden } from './forbidden-elements.ts';

export const REQUESTABLE_ELEMENTS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  [DOCTYPE_MNC]: {
    [NS_23220]: ['age_over_20', 'birth_date', 'sex'],
    [NS_23220_JP]: ['full_name_unicode', 'resident_address_unicode', 'portrait'],
  },
  [DOCTYPE_MDL]: {
    [NS_MDL]: ['age_over_20', 'family_name', 'given_name', 'resident_address', 'birth_date', 'sex', 'portrait'],
  },
};

export class NotRequestableError extends Error {
  override readonly name = 'NotRequestableError';
  readonly code = 'request_element_not_allowed';
  constructor(
    readonly docType: string,
    readonly namespace: string,
    readonly element: string,
  ) {
    super(`${docType} ${namespace}/${element} is not on the kiosk's list of requestable elements`);
  }
}

/** Throws unless (docType, namespace, element) is on the list; the My Number check comes first. */
export function assertRequestable(docType: string, namespace: string, element: string): void {
  assertNotForbidden(element);
  const nss = Object.hasOwn(REQUESTABLE_ELEMENTS, docType) ? REQUESTABLE_ELEMENTS[docType]! : undefined;
  const els = nss && Object.hasOwn(nss, namespace) ? nss[namespace]! : undefined;
  if (!els || !els.includes(element)) throw new NotRequestableError(docType, namespace, element);
}
